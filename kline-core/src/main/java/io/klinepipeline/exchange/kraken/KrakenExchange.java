package io.klinepipeline.exchange.kraken;

import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.exchange.SymbolRules;
import io.klinepipeline.exchange.TradeHistoryApi;
import java.util.Optional;

/**
 * Kraken spot: 1-minute candles from the WebSocket v2 {@code ohlc} channel, history from
 * {@code /0/public/OHLC} (the last 720 minutes), older minutes from {@code /0/public/Trades}.
 * Pairs are written in WebSocket v2 notation, {@code BTC/USD}.
 */
public final class KrakenExchange implements Exchange {
    static final String NAME = "kraken";

    private final KrakenStreamProtocol stream = new KrakenStreamProtocol();
    private final KrakenRestKlineApi rest = new KrakenRestKlineApi();
    private final KrakenTradesApi trades = new KrakenTradesApi();

    @Override
    public String name() {
        return NAME;
    }

    /** {@code BASE/QUOTE}, Kraken's legacy XBT and XDG read as BTC and DOGE. */
    @Override
    public SymbolRules symbols() {
        return KrakenPairNames.RULES;
    }

    @Override
    public StreamProtocol stream() {
        return stream;
    }

    @Override
    public PayloadParser newPayloadParser(String symbol) {
        return new KrakenOhlcParser(symbol);
    }

    @Override
    public RestKlineApi rest() {
        return rest;
    }

    /** Kraken's trade history, for minutes older than the 720 that {@link #rest()} serves. */
    public KrakenTradesApi trades() {
        return trades;
    }

    @Override
    public Optional<TradeHistoryApi> tradeHistory() {
        return Optional.of(trades);
    }

    /** The ohlc candle is Kraken's own aggregate of its trades, the same one REST serves. */
    @Override
    public SourcePrecedence sourcePrecedence() {
        return SourcePrecedence.WEBSOCKET_FIRST;
    }
}
