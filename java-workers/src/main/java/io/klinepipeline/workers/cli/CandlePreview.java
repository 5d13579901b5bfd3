package io.klinepipeline.workers.cli;

import io.klinepipeline.workers.silver.SilverRow;
import java.math.BigDecimal;
import java.util.List;

/** A markdown table of candles, for the materialization page: what silver now holds, without SQL. */
final class CandlePreview {
    private CandlePreview() {}

    static String markdown(List<SilverRow> rows) {
        if (rows.isEmpty()) {
            return "_no candles in the window_";
        }
        StringBuilder md = new StringBuilder("| exchange | minute (UTC) | open | high | low | close | volume | source |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (SilverRow r : rows) {
            md.append("| ").append(r.exchange()).append(" | ").append(r.intervalStart()).append(" | ")
                    .append(number(r.open())).append(" | ").append(number(r.high())).append(" | ")
                    .append(number(r.low())).append(" | ").append(number(r.close())).append(" | ")
                    .append(number(r.volume())).append(" | ").append(r.source()).append(" |\n");
        }
        return md.toString();
    }

    /** The shortest decimal that is the value (no 1.0E-4, no trailing zeros), as a trader writes prices. */
    private static String number(double value) {
        return Double.isFinite(value) ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() : String.valueOf(value);
    }
}
