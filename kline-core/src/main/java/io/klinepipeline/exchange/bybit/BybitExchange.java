package io.klinepipeline.exchange.bybit;

import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.SymbolRules;
import io.klinepipeline.exchange.SymbolTable;
import java.time.Clock;

/**
 * Bybit spot, API v5. Sources: Bybit v5 "WebSocket Stream / Connect" and "Public / Kline",
 * "Market / Get Kline" (GET /v5/market/kline), "Rate Limit Rules" and "Error Codes".
 */
public final class BybitExchange implements Exchange {
    /** Bybit symbols have no separator (BTCUSDT): base and quote come from its instruments-info, cached here. */
    private static final SymbolRules SYMBOLS = SymbolRules.concatenated(SymbolTable.resource(BybitExchange.class, "symbols.tsv"));

    private final BybitStreamProtocol stream = new BybitStreamProtocol();
    private final BybitRestKlineApi rest;

    public BybitExchange() {
        this(Clock.systemUTC());
    }

    /** @param clock for REST rate-limit reset times when a response does not carry Bybit's own time */
    public BybitExchange(Clock clock) {
        this.rest = new BybitRestKlineApi(clock);
    }

    @Override
    public String name() {
        return "bybit";
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
        return new BybitKlineParser(name(), symbol);
    }

    @Override
    public RestKlineApi rest() {
        return rest;
    }

    /** A candle with {@code confirm: true} is Bybit's own closed candle, its last word on the minute. */
    @Override
    public SourcePrecedence sourcePrecedence() {
        return SourcePrecedence.WEBSOCKET_FIRST;
    }
}
