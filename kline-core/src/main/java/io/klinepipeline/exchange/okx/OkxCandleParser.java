package io.klinepipeline.exchange.okx;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one {@code candle1m} subscription on OKX's v5 business stream ("WebSocket / Candlesticks
 * channel"): {@code {"arg":{"channel":"candle1m","instId":"BTC-USDT"},"data":[[ts,o,h,l,c,vol,
 * volCcy,volCcyQuote,confirm]]}}, read by {@link OkxFields}. A candle is final when OKX says
 * {@code confirm "1"}; it sends that frame a few seconds after the minute ends (in the real
 * capture, in the same burst as the next minute's first "0" frame). Event frames (subscribe acks,
 * errors, notices, connection counts) carry no candles and are not malformed. Other channels
 * (notably {@code candle1M}, one MONTH), other instruments and 7-field rows are.
 */
final class OkxCandleParser implements PayloadParser {
    static final String CHANNEL = "candle1m";

    private final String symbol;
    private final String instId;

    OkxCandleParser(String symbol) {
        this.symbol = symbol;
        this.instId = OkxInstruments.spotInstId(symbol);
    }

    @Override
    public List<Candle> parse(RawEvent raw) throws MalformedPayloadException {
        JsonNode payload = raw.payload();
        if (payload != null && payload.isTextual() && "pong".equals(payload.asText())) {
            return List.of(); // the answer to our text ping, should it ever be stored
        }
        if (payload == null || !payload.isObject()) {
            throw new MalformedPayloadException("expected a JSON object, got " + (payload == null ? "nothing" : payload.getNodeType()));
        }
        JsonNode event = payload.get("event");
        if (event != null && event.isTextual() && !payload.has("data")) {
            return List.of(); // subscribe ack, error, notice, channel-conn-count: the stream protocol logs them
        }
        JsonNode arg = payload.get("arg");
        JsonNode data = payload.get("data");
        if (arg == null || data == null) {
            throw new MalformedPayloadException("neither a push frame {arg, data} nor an event frame");
        }
        if (!arg.isObject()) {
            throw new MalformedPayloadException("'arg' is not an object");
        }
        String channel = arg.path("channel").asText("");
        if (!CHANNEL.equals(channel)) {
            throw new MalformedPayloadException("channel '" + channel + "' on the " + CHANNEL + " stream");
        }
        String messageInstId = arg.path("instId").asText("");
        if (!instId.equals(messageInstId)) {
            throw new MalformedPayloadException("candle for instId '" + messageInstId + "' on the " + instId + " stream");
        }
        if (!data.isArray() || data.isEmpty()) {
            throw new MalformedPayloadException("push frame without a non-empty 'data' array");
        }
        List<Candle> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            out.add(OkxFields.candle(symbol, data.get(i), "candle row " + i));
        }
        return out;
    }
}
