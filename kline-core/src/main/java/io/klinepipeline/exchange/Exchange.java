package io.klinepipeline.exchange;

import java.util.Optional;

/**
 * Everything the pipeline knows about one exchange, found by its name. Adding an exchange means
 * adding one implementation and registering it in {@link ExchangeRegistry#standard()}.
 */
public interface Exchange {

    /** The key used in pipeline.yaml, in paths and in the {@code exchange} column, e.g. {@code binance}. */
    String name();

    /** Which symbols are valid, their canonical pair, and their path-safe form. */
    SymbolRules symbols();

    /** How the engine opens, subscribes and keeps alive one pair's 1-minute candle stream. */
    StreamProtocol stream();

    /** A parser for one stream's payloads; parsers may keep per-stream state, so use one per stream. */
    PayloadParser newPayloadParser(String symbol);

    /** The exchange's REST history of 1-minute candles. */
    RestKlineApi rest();

    /**
     * The exchange's public trade history, where minutes beyond its candle history can be rebuilt
     * from it (Kraken); empty where the candle history reaches back far enough or none exists.
     */
    default Optional<TradeHistoryApi> tradeHistory() {
        return Optional.empty();
    }

    /** Which source silver prefers for a minute both have. */
    SourcePrecedence sourcePrecedence();
}
