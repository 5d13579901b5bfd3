package io.klinepipeline.exchange.bybit;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the messages of one {@code kline.1.<SYMBOL>} subscription on Bybit's v5 public spot
 * stream (Bybit v5 "WebSocket Stream / Public / Kline"):
 * {@code {"topic":"kline.1.BTCUSDT","type":"snapshot","ts":<ms>,"data":[{"start":<ms>,"end":<ms>,
 * "interval":"1","open":"…","close":"…","high":"…","low":"…","volume":"…","turnover":"…",
 * "confirm":<bool>,"timestamp":<ms>}]}}. A candle is final when Bybit says {@code confirm: true}
 * ("the candle has closed"). Answers to our requests ({@code "op"} frames: subscription acks,
 * refusals and pongs) carry no candles and are not malformed. The pre-v5 topics
 * ({@code klineV2.*}, {@code candle.*}, seconds and JSON numbers) are.
 */
final class BybitKlineParser implements PayloadParser {
    private final String exchange;
    private final String symbol;
    private final String topic;

    BybitKlineParser(String exchange, String symbol) {
        this.exchange = exchange;
        this.symbol = symbol;
        this.topic = BybitStreamProtocol.topic(symbol);
    }

    @Override
    public List<Candle> parse(RawEvent raw) throws MalformedPayloadException {
        JsonNode payload = raw.payload();
        if (payload == null || !payload.isObject()) {
            throw new MalformedPayloadException("expected a JSON object, got " + (payload == null ? "nothing" : payload.getNodeType()));
        }
        JsonNode topicNode = payload.get("topic");
        if (topicNode == null) {
            if (payload.has("op") || payload.has("success")) {
                return List.of(); // subscribe ack or refusal, pong: the stream protocol logs them
            }
            throw new MalformedPayloadException("neither a topic message nor an answer to a request");
        }
        if (!topicNode.isTextual()) {
            throw new MalformedPayloadException("non-string 'topic'");
        }
        String messageTopic = topicNode.asText();
        if (!topic.equals(messageTopic)) {
            if (messageTopic.startsWith("klineV2.") || messageTopic.startsWith("candle.")) {
                throw new MalformedPayloadException("pre-v5 topic '" + messageTopic + "' (legacy format, not " + topic + ")");
            }
            throw new MalformedPayloadException("topic '" + messageTopic + "' on the " + topic + " stream");
        }
        String type = BybitFields.text(payload, "type");
        if (!"snapshot".equals(type)) {
            throw new MalformedPayloadException("kline message of type '" + type + "', not snapshot");
        }
        JsonNode data = payload.get("data");
        if (data == null || !data.isArray() || data.isEmpty()) {
            throw new MalformedPayloadException("kline message without a non-empty 'data' array");
        }
        List<Candle> out = new ArrayList<>(data.size());
        for (JsonNode k : data) {
            out.add(candle(k));
        }
        return out;
    }

    private Candle candle(JsonNode k) throws MalformedPayloadException {
        if (!k.isObject()) {
            throw new MalformedPayloadException("kline data entry is not an object");
        }
        // The topic names the interval, but so does each entry: "D", "W" and "M" share the topic
        // pattern, and a minute must never be read from anything else.
        String interval = BybitFields.text(k, "interval");
        if (!"1".equals(interval)) {
            throw new MalformedPayloadException("interval '" + interval + "' is not 1 (minute)");
        }
        long startMillis = BybitFields.wholeNumberField(k, "start");
        Instant start = BybitFields.minuteStart(startMillis);
        long endMillis = BybitFields.wholeNumberField(k, "end");
        // Bybit documents end = start + interval - 1 ms; anything outside the minute is not this candle.
        if (endMillis <= startMillis || endMillis > startMillis + BybitFields.MINUTE_MILLIS) {
            throw new MalformedPayloadException("end " + endMillis + " does not close the minute starting " + startMillis);
        }
        JsonNode confirm = k.get("confirm");
        if (confirm == null || !confirm.isBoolean()) {
            throw new MalformedPayloadException("missing or non-boolean closed flag 'confirm'");
        }
        return BybitFields.candle(exchange, symbol, start,
                BybitFields.decimalField(k, "open"), BybitFields.decimalField(k, "high"), BybitFields.decimalField(k, "low"),
                BybitFields.decimalField(k, "close"), BybitFields.decimalField(k, "volume"),
                BybitFields.decimalField(k, "turnover"), confirm.booleanValue());
    }
}
