package io.klinepipeline.exchange.binance;

import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.SymbolRules;
import io.klinepipeline.exchange.SymbolTable;

/**
 * Binance spot. Sources: Binance "WebSocket Streams" (kline stream, ping/pong, 24 h limit) and
 * "Market Data endpoints" (GET /api/v3/klines) of the spot API documentation.
 */
public final class BinanceExchange implements Exchange {
    /** Binance symbols have no separator (BTCUSDT): base and quote come from its symbol list, cached here. */
    private static final SymbolRules SYMBOLS = SymbolRules.concatenated(SymbolTable.resource(BinanceExchange.class, "symbols.tsv"));

    private final BinanceStreamProtocol stream = new BinanceStreamProtocol();
    private final BinanceRestKlineApi rest = new BinanceRestKlineApi();

    @Override
    public String name() {
        return "binance";
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
        return new BinanceKlineParser(name(), symbol);
    }

    @Override
    public RestKlineApi rest() {
        return rest;
    }

    /** A closed kline ({@code k.x}) is Binance's own last word on the minute. */
    @Override
    public SourcePrecedence sourcePrecedence() {
        return SourcePrecedence.WEBSOCKET_FIRST;
    }
}
