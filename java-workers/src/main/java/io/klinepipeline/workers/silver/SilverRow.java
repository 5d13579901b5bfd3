package io.klinepipeline.workers.silver;

import java.time.Instant;

/** The values of one silver candle a check names or a preview shows. */
public record SilverRow(String exchange, Instant intervalStart, double open, double high, double low, double close,
        double volume, String source) {}
