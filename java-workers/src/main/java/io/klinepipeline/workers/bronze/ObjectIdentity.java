package io.klinepipeline.workers.bronze;

import java.io.IOException;
import java.io.InputStream;

/**
 * One JSONL object as a load read it: its name below the source's root, its size and the SHA-256
 * of its whole content. Equal identities mean equal bytes, so equal rows.
 */
record ObjectIdentity(String object, long size, String sha256) {

    /** Reads the whole object and returns its identity now. */
    static ObjectIdentity of(JsonlObjectSource source, String object) throws IOException {
        try (InputStream in = source.open(object); HashingInputStream hashing = new HashingInputStream(in)) {
            return hashing.finish(object);
        } catch (IOException e) {
            throw new IOException("cannot read " + source.describe(object) + ": " + e.getMessage(), e);
        }
    }
}
