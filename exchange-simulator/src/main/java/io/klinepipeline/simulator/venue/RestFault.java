package io.klinepipeline.simulator.venue;

/** What the next REST request gets instead of data. */
public enum RestFault {
    /** The venue's rate-limit answer by HTTP status (429, Bybit's 403), with its headers. */
    RATE_LIMIT_STATUS,
    /** The venue's rate-limit answer inside an HTTP 200 body (Kraken, Bybit, OKX); venues without one use their status. */
    RATE_LIMIT_BODY,
    /** A 5xx. */
    SERVER_ERROR
}
