package io.klinepipeline.exchange.okx;

import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.SymbolRules;

/**
 * OKX spot, API v5: 1-minute candles from the {@code candle1m} channel of the business WebSocket,
 * history from {@code /api/v5/market/candles} (recent) and {@code /history-candles} (older).
 * Pairs are OKX instrument IDs of spot pairs, {@code BTC-USDT}. Sources: OKX docs-v5
 * "WebSocket / Overview", "Candlesticks channel", "Get candlesticks", "Get candlesticks history",
 * "Error codes".
 */
public final class OkxExchange implements Exchange {
    static final String NAME = "okx";

    private final OkxStreamProtocol stream = new OkxStreamProtocol();
    private final OkxRestKlineApi rest = new OkxRestKlineApi();

    @Override
    public String name() {
        return NAME;
    }

    /** {@code BASE-QUOTE}; instruments with more parts (BTC-USDT-SWAP) are refused when the pair is used. */
    @Override
    public SymbolRules symbols() {
        return OkxInstruments.RULES;
    }

    @Override
    public StreamProtocol stream() {
        return stream;
    }

    @Override
    public PayloadParser newPayloadParser(String symbol) {
        return new OkxCandleParser(symbol);
    }

    @Override
    public RestKlineApi rest() {
        return rest;
    }

    /** A candle with {@code confirm "1"} is OKX's own completed candle, the same one REST serves. */
    @Override
    public SourcePrecedence sourcePrecedence() {
        return SourcePrecedence.WEBSOCKET_FIRST;
    }
}
