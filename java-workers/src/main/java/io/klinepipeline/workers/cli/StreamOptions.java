package io.klinepipeline.workers.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** --exchange with --symbol (repeatable) or --all-symbols, for the per-exchange subcommands. */
final class StreamOptions {

    @Option(names = "--exchange", paramLabel = "NAME",
            description = "Exchange as named in pipeline.yaml. Example: --exchange binance.")
    String exchange;

    @Option(names = "--symbol", paramLabel = "SYMBOL",
            description = "Exchange-native symbol listed in pipeline.yaml; repeat it for several in one run. Example: --symbol BTCUSDT --symbol ETHUSDT.")
    List<String> symbols = new ArrayList<>();

    @Option(names = "--all-symbols", description = "Every pair configured for the exchange.")
    boolean allSymbols;

    /**
     * Whether the stream comes from the command line; without any of these options, under Dagster
     * Pipes, it comes from the extras (streams, or exchange and symbol).
     */
    boolean givenOnCommandLine() {
        return exchange != null || !symbols.isEmpty() || allSymbols;
    }
}
