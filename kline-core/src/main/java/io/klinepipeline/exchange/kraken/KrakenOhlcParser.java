package io.klinepipeline.exchange.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.ConnectionTimeline;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one pair's Kraken WebSocket v2 {@code ohlc} stream (docs.kraken.com, Spot WebSocket v2
 * "Candles (OHLC)"): {@code {"channel":"ohlc","type":"snapshot"|"update","data":[{"symbol",
 * "open","high","low","close","trades","volume","vwap","interval_begin","interval",...}]}}.
 *
 * <p>A candle is keyed on {@code interval_begin}, never on the per-candle {@code timestamp}: that
 * field is deprecated (the subscribe ack warns "timestamp is deprecated, use interval_begin") and
 * in Kraken's own frames holds the interval's END, so using it shifts every candle by a minute.
 *
 * <p>Kraken has no closed flag, and sends updates only when trades happen; the snapshot on
 * subscribe replays recent candles. So every update is emitted as it comes, not final, and when a
 * later interval arrives on the same connection, the earlier interval's last candle is emitted
 * again, final only if that connection saw the whole minute ({@link ConnectionTimeline}): a minute
 * that straddles a reconnect, or that only a snapshot delivered, is never final from here.
 *
 * <p>Acks, pongs, heartbeats, status and error frames carry no candle and are not malformed.
 * WebSocket v1 frames (arrays such as {@code [343,[...],"ohlc-1","XBT/USD"]}, or
 * {@code {"event":...}} objects) are another protocol and are rejected as malformed.
 */
final class KrakenOhlcParser implements PayloadParser {
    private final String symbol;
    private final String webSocketName;
    private final ConnectionTimeline timeline = new ConnectionTimeline();
    /** Per connection, the last candle of the latest interval it delivered. */
    private final Map<String, Candle> latestByConnection = new HashMap<>();

    KrakenOhlcParser(String symbol) {
        this.symbol = symbol;
        this.webSocketName = KrakenPairNames.webSocketName(symbol);
    }

    @Override
    public List<Candle> parse(RawEvent event) throws MalformedPayloadException {
        timeline.observe(event);
        JsonNode payload = event.payload();
        if (payload == null || !payload.isObject()) {
            throw new MalformedPayloadException(payload != null && payload.isArray()
                    ? "a Kraken WebSocket v1 array frame; this stream speaks v2"
                    : "expected a JSON object, got " + (payload == null ? "nothing" : payload.getNodeType()));
        }
        if (payload.has("event")) {
            throw new MalformedPayloadException("a Kraken WebSocket v1 '" + payload.path("event").asText() + "' event; this stream speaks v2");
        }
        if (payload.has("method") || payload.has("error")) {
            return List.of(); // subscribe acks, pongs, refused requests
        }
        JsonNode channel = payload.get("channel");
        if (channel == null || !channel.isTextual()) {
            throw new MalformedPayloadException("neither a 'channel' nor a 'method' field");
        }
        switch (channel.asText()) {
            case "heartbeat", "status":
                return List.of();
            case KrakenStreamProtocol.CHANNEL:
                return candles(event, payload);
            default:
                throw new MalformedPayloadException("channel '" + channel.asText() + "' on the ohlc stream");
        }
    }

    private List<Candle> candles(RawEvent event, JsonNode payload) throws MalformedPayloadException {
        String type = payload.path("type").asText("");
        if (!type.equals("snapshot") && !type.equals("update")) {
            throw new MalformedPayloadException("ohlc message type '" + type + "' is neither snapshot nor update");
        }
        JsonNode data = payload.get("data");
        if (data == null || !data.isArray()) {
            throw new MalformedPayloadException("ohlc message without a 'data' array");
        }
        List<Candle> parsed = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            parsed.add(candle(data.get(i), "candle " + i));
        }
        // Only once the whole message is valid does it move the connection's state.
        List<Candle> out = new ArrayList<>(parsed.size() + 1);
        for (Candle candle : parsed) {
            if (event.hasConnection()) {
                Candle latest = latestByConnection.get(event.connection());
                if (latest != null && candle.intervalStart().isAfter(latest.intervalStart())) {
                    out.add(asFinal(latest, timeline.sawWholeSince(event.connection(), latest.intervalStart())));
                }
                if (latest == null || !candle.intervalStart().isBefore(latest.intervalStart())) {
                    latestByConnection.put(event.connection(), candle);
                }
            }
            out.add(candle);
        }
        return out;
    }

    private Candle candle(JsonNode row, String what) throws MalformedPayloadException {
        if (!row.isObject()) {
            throw new MalformedPayloadException(what + " is not an object");
        }
        JsonNode rowSymbol = row.get("symbol");
        if (rowSymbol == null || !rowSymbol.isTextual()) {
            throw new MalformedPayloadException(what + " has no 'symbol'");
        }
        if (!webSocketName.equals(rowSymbol.asText())) {
            throw new MalformedPayloadException("candle for " + rowSymbol.asText() + " on the " + symbol + " stream");
        }
        long interval = KrakenFields.wholeNumber(row.get("interval"), what + " 'interval'");
        if (interval != 1) {
            throw new MalformedPayloadException(what + " has interval " + interval + ", not 1 minute");
        }
        JsonNode begin = row.get("interval_begin");
        if (begin == null || !begin.isTextual()) {
            // Never fall back on the deprecated 'timestamp': it is the interval's end.
            throw new MalformedPayloadException(what + " has no 'interval_begin'");
        }
        Instant start;
        try {
            start = Instant.parse(begin.asText());
        } catch (DateTimeParseException e) {
            throw new MalformedPayloadException(what + " 'interval_begin' is not an RFC 3339 time: '" + begin.asText() + "'");
        }
        return KrakenFields.candle(symbol, start,
                KrakenFields.decimal(row.get("open"), what + " 'open'", false),
                KrakenFields.decimal(row.get("high"), what + " 'high'", false),
                KrakenFields.decimal(row.get("low"), what + " 'low'", false),
                KrakenFields.decimal(row.get("close"), what + " 'close'", false),
                KrakenFields.decimal(row.get("volume"), what + " 'volume'", false),
                KrakenFields.decimal(row.get("vwap"), what + " 'vwap'", false),
                KrakenFields.wholeNumber(row.get("trades"), what + " 'trades'"), false);
    }

    private static Candle asFinal(Candle c, boolean isFinal) {
        return new Candle(c.exchange(), c.symbol(), c.intervalSeconds(), c.intervalStart(), c.open(), c.high(), c.low(),
                c.close(), c.volume(), c.quoteVolume(), c.vwap(), c.tradeCount(), isFinal);
    }
}
