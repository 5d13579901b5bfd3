package io.klinepipeline.engine.upload;

/** Finished files not yet confirmed in S3, and their bytes: what an S3 outage leaves in the local directory. */
public record UploadBacklog(long files, long bytes) {}
