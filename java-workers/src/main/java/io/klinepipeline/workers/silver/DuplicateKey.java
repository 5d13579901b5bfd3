package io.klinepipeline.workers.silver;

import java.time.Instant;

/** A silver key held by more than one row: (exchange, the pair's symbol, interval, minute) and how many rows. */
public record DuplicateKey(String exchange, int intervalSeconds, Instant intervalStart, long rows) {}
