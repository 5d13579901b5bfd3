package io.klinepipeline.engine.storage;

import java.nio.file.Path;

/** Told about every JSONL file a writer has closed for good (the upload queue, or nobody when S3 is off). */
@FunctionalInterface
public interface FinishedFileListener {

    void fileFinished(Path file);
}
