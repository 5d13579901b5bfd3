/**
 * ext-to-bronze: replays the engine's raw JSONL events of one stream and window, from the local
 * directory or S3, into {@code bronze.bronze_ohclv_native}.
 */
package io.klinepipeline.workers.bronze;
