package io.klinepipeline.engine.storage;

import java.util.random.RandomGenerator;

/**
 * The writer part of a JSONL file name. A fresh random id per engine run: together with the
 * opening time and the random suffix {@code BronzeLayout.newFileName} adds, no two runs, even on
 * two hosts, can produce the same name.
 */
public final class WriterId {
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

    private WriterId() {}

    /** Eight lower-case letters and digits, e.g. {@code k3x9q0za}. */
    public static String newRunId(RandomGenerator random) {
        StringBuilder id = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
