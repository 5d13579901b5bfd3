package io.klinepipeline.engine.upload;

/** How one upload attempt ended, short of an exception (which means: retry later). */
public enum UploadOutcome {
    /** Stored now and confirmed by reading the object's length back. */
    UPLOADED,
    /** An object with this key and the same length was already there: an earlier attempt stored it. */
    ALREADY_PRESENT,
    /** An object with this key but another length is there: never overwritten, the local file is kept. */
    CONFLICT
}
