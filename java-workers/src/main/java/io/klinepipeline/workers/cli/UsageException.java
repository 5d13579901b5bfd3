package io.klinepipeline.workers.cli;

/** The command was called without what it needs (a window, an exchange, a symbol). */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
