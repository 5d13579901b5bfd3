package io.klinepipeline.exchange.coinbase;

import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.SymbolRules;
import java.util.Map;

/**
 * Coinbase Advanced Trade (not the older Coinbase Exchange ws-feed): 1-minute candles built from
 * the WebSocket {@code market_trades} channel (its {@code candles} channel is in 5-minute
 * buckets), history from the public {@code /api/v3/brokerage/market/products/{id}/candles}.
 * Products are written {@code BTC-USD}; USD, USDC and USDT are distinct quote assets.
 */
public final class CoinbaseExchange implements Exchange {
    static final String NAME = "coinbase";
    private static final SymbolRules SYMBOLS = SymbolRules.separated("-", Map.of());

    private final CoinbaseStreamProtocol stream = new CoinbaseStreamProtocol();
    private final CoinbaseRestKlineApi rest = new CoinbaseRestKlineApi();

    /** Coinbase's product notation, for the package's classes. */
    static SymbolRules symbolRules() {
        return SYMBOLS;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SymbolRules symbols() {
        return SYMBOLS;
    }

    @Override
    public StreamProtocol stream() {
        return stream;
    }

    @Override
    public PayloadParser newPayloadParser(String symbol) {
        return new CoinbaseTradeCandleParser(symbol);
    }

    @Override
    public RestKlineApi rest() {
        return rest;
    }

    /**
     * Our WebSocket candle is built from a trade stream that may miss trades; Coinbase's REST
     * candle is its own aggregate of all of them.
     */
    @Override
    public SourcePrecedence sourcePrecedence() {
        return SourcePrecedence.REST_FIRST;
    }
}
