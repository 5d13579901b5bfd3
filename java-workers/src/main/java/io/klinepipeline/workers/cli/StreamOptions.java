package io.klinepipeline.workers.cli;

import picocli.CommandLine.Option;

/** --exchange/--symbol for the per-exchange subcommands. */
final class StreamOptions {

    @Option(names = "--exchange", paramLabel = "NAME",
            description = "Exchange as named in pipeline.yaml. Example: --exchange binance. When absent under Dagster Pipes: extras.exchange.")
    String exchange;

    @Option(names = "--symbol", paramLabel = "SYMBOL",
            description = "Exchange-native symbol listed in pipeline.yaml. Example: --symbol BTCUSDT. When absent under Dagster Pipes: extras.symbol.")
    String symbol;
}
