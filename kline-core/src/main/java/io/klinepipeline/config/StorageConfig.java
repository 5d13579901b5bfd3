package io.klinepipeline.config;

import java.nio.file.Path;

/**
 * Where raw events live.
 *
 * @param localDir always written: the engine's JSONL files, and the workers' source when S3 is off
 * @param deadLetterDir malformed input, kept for inspection instead of being dropped
 */
public record StorageConfig(Path localDir, Path deadLetterDir, S3Config s3) {

    static StorageConfig from(ConfigNode node, Path baseDir) {
        node.allowOnly("local_dir", "dead_letter_dir", "s3");
        return new StorageConfig(
                node.optionalPath("local_dir", "data/bronze", baseDir),
                node.optionalPath("dead_letter_dir", "data/dead-letter", baseDir),
                S3Config.from(node.child("s3")));
    }
}
