package io.klinepipeline.exchange.binance;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import java.util.List;

/**
 * Parses Binance kline events, raw ({@code {"e":"kline",...}}) or wrapped by a combined stream
 * ({@code {"stream":...,"data":{...}}}). A candle is final when Binance marks it closed
 * ({@code k.x}); Binance sends that mark on the last update of every minute.
 */
final class BinanceKlineParser implements PayloadParser {
    private final String exchange;
    private final String symbol;

    BinanceKlineParser(String exchange, String symbol) {
        this.exchange = exchange;
        this.symbol = symbol;
    }

    @Override
    public List<Candle> parse(RawEvent raw) throws MalformedPayloadException {
        JsonNode payload = raw.payload();
        JsonNode event = payload.has("stream") && payload.has("data") ? payload.get("data") : payload;
        if (!event.isObject()) {
            throw new MalformedPayloadException("expected a JSON object, got " + event.getNodeType());
        }
        if (event.has("result") && event.has("id")) {
            return List.of(); // the answer to a SUBSCRIBE/LIST request
        }
        JsonNode type = event.get("e");
        if (type == null || !type.isTextual()) {
            throw new MalformedPayloadException("missing event type 'e'");
        }
        if (!"kline".equals(type.asText())) {
            return List.of(); // e.g. serverShutdown: a notice, not a candle
        }
        JsonNode k = event.get("k");
        if (k == null || !k.isObject()) {
            throw new MalformedPayloadException("kline event without 'k' object");
        }
        String interval = BinanceFields.text(k, "i");
        // "1M" is one month; only "1m" is a minute.
        if (!"1m".equals(interval)) {
            throw new MalformedPayloadException("interval '" + interval + "' is not 1m");
        }
        String eventSymbol = BinanceFields.text(k, "s");
        if (!symbol.equals(eventSymbol)) {
            throw new MalformedPayloadException("kline for " + eventSymbol + " on the " + symbol + " stream");
        }
        long openMillis = BinanceFields.wholeNumberField(k, "t");
        JsonNode closed = k.get("x");
        if (closed == null || !closed.isBoolean()) {
            throw new MalformedPayloadException("missing or non-boolean closed flag 'x'");
        }
        return List.of(BinanceFields.candle(exchange, symbol, openMillis,
                BinanceFields.decimalField(k, "o"), BinanceFields.decimalField(k, "h"), BinanceFields.decimalField(k, "l"),
                BinanceFields.decimalField(k, "c"), BinanceFields.decimalField(k, "v"), BinanceFields.decimalField(k, "q"),
                BinanceFields.wholeNumberField(k, "n"), closed.booleanValue()));
    }
}
