package io.klinepipeline.workers.cli;

import java.util.Set;

/**
 * One stream (or, for silver, one canonical pair) a launch works on, and the Dagster asset it
 * materializes. A launch handles a batch of them in one JVM, one migration check and one
 * database, so an hourly run costs a constant number of launches rather than one per asset.
 *
 * @param assetKey escaped Dagster asset key to report under, or null for a shell run or a step
 *                 with a single asset
 * @param exchange exchange name, or null for silver (exchange-agnostic)
 * @param symbol   exchange-native symbol, or the canonical BASE-QUOTE for silver
 * @param checks   asset checks the asset declared (and the step selected); only these are reported
 */
record RunTarget(String assetKey, String exchange, String symbol, Set<String> checks) {
    RunTarget {
        checks = Set.copyOf(checks);
    }

    /** How the run's log and the failure summary name it: binance/BTCUSDT, or BTC-USDT. */
    String label() {
        return exchange == null ? symbol : exchange + "/" + symbol;
    }
}
