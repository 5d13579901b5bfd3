package io.klinepipeline.simulator.server;

/**
 * One text frame a venue wrote to a client's socket, as it went out (after the venue's duplication
 * and reordering faults): which connection, data or control, its text, and when
 * ({@link System#nanoTime()} as it was handed to the socket).
 */
public record SentFrame(String connection, Kind kind, String text, long sentAtNanos) {

    /** A market-data frame, or a control frame (subscription answers, errors, notices). */
    public enum Kind { DATA, CONTROL }
}
