package io.klinepipeline.workers.rest;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/** A REST request that failed for good: names the URL, the HTTP status and, if known, when to try again. */
public final class RestFetchException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The status when no HTTP response arrived at all. */
    public static final int NO_RESPONSE = -1;

    private final transient URI uri;
    private final int status;
    private final transient Instant retryAt;

    RestFetchException(String message, URI uri, int status, Instant retryAt, Throwable cause) {
        super(message, cause);
        this.uri = uri;
        this.status = status;
        this.retryAt = retryAt;
    }

    public URI uri() {
        return uri;
    }

    /** The last HTTP status, or {@link #NO_RESPONSE}. */
    public int status() {
        return status;
    }

    /** When the exchange said it would accept requests again, where it said so. */
    public Optional<Instant> retryAt() {
        return Optional.ofNullable(retryAt);
    }
}
