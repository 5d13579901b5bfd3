package io.klinepipeline.exchange.coinbase;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.ConnectionTimeline;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds one product's 1-minute candles from its Coinbase Advanced Trade {@code market_trades}
 * stream (Coinbase "WebSocket Channels", Market Trades): {@code {"channel":"market_trades",
 * "client_id":"","timestamp":"<RFC 3339>","sequence_num":N,"events":[{"type":"snapshot"|"update",
 * "trades":[{"trade_id","product_id","price","size","side":"BUY"|"SELL","time"}]}]}}, prices and
 * sizes as strings. The same stream's lines also hold the {@code heartbeats} and
 * {@code subscriptions} messages of the connection.
 *
 * <p>Values: open and close are the first and last trade of the minute by trade time, then
 * trade_id (a message may list its trades newest first; order in the message does not matter);
 * volume is Σ size and quote volume Σ price·size, summed exactly in BigDecimal; vwap is quote
 * volume / volume; the trade count is the number of distinct trade_ids. A trade is counted once
 * however often it arrives: a reconnect's snapshot repeats recent trades. Snapshot trades are
 * history: they count for a minute's values, but are no sign that time passed.
 *
 * <p>Final: a minute is final when a connection saw it whole ({@link ConnectionTimeline}: it was
 * delivering before the minute began and nothing went missing on it since) and that same
 * connection then shows the minute is over: an {@code update} trade timed at or after the
 * minute's end, or any message (a heartbeat, every second) sent at least {@link #SEND_GRACE}
 * after it, which leaves room for the 250 ms in which Coinbase batches trades. It is then emitted
 * once, final. {@code sequence_num} counts every message of a connection, heartbeats included: a
 * jump means messages were lost, which keeps the minutes around it from being final. A minute
 * no connection can make final (it straddles a reconnect, a loss, or came only in a snapshot) is
 * emitted once, not final, when the stream is {@link #SETTLE_AFTER} past it, or by
 * {@link #finish()}. Nothing else is emitted, so every row is the minute's complete value as far
 * as the stream knows it. Trades for a minute already emitted are ignored.
 *
 * <p>Coinbase Exchange (ws-feed) messages, {@code {"type":"match",...}} without a channel, are
 * another protocol and are rejected as malformed.
 */
final class CoinbaseTradeCandleParser implements PayloadParser {
    /** Four times the 250 ms over which Coinbase batches trades into one message. */
    static final Duration SEND_GRACE = Duration.ofSeconds(1);
    /**
     * Past Coinbase's 60-90 s idle close: a connection silent this long after a minute is gone, so
     * a minute not final by then never will be.
     */
    static final Duration SETTLE_AFTER = Duration.ofMinutes(2);

    private static final Comparator<Trade> TRADE_ORDER = Comparator.comparing(Trade::time)
            .thenComparing(Trade::id, CoinbaseTradeCandleParser::compareIds);

    private final String symbol;
    private final String productId;
    private final ConnectionTimeline timeline = new ConnectionTimeline();
    private final Map<String, Long> lastSequenceNum = new HashMap<>();
    /** Minutes with trades, not yet emitted, by start. */
    private final TreeMap<Instant, Map<String, Trade>> open = new TreeMap<>();
    /** Minutes already emitted: their later trades are repeats. */
    private final Set<Instant> emitted = new HashSet<>();

    record Trade(String id, Instant time, BigDecimal price, BigDecimal size) {}

    /** One message, validated before it moves any state. */
    private record Message(Long sequenceNum, Instant sentAt, List<Trade> trades, Instant latestUpdateTrade) {}

    CoinbaseTradeCandleParser(String symbol) {
        this.symbol = symbol;
        this.productId = CoinbaseStreamProtocol.productId(symbol);
    }

    @Override
    public List<Candle> parse(RawEvent event) throws MalformedPayloadException {
        timeline.observe(event);
        JsonNode payload = event.payload();
        if (payload == null || !payload.isObject()) {
            throw new MalformedPayloadException("expected a JSON object, got " + (payload == null ? "nothing" : payload.getNodeType()));
        }
        JsonNode channel = payload.get("channel");
        if (channel == null) {
            String type = payload.path("type").asText("");
            if (type.equals("error")) {
                return List.of(); // a refused subscription; the engine logged it
            }
            if (!type.isEmpty()) {
                throw new MalformedPayloadException("a Coinbase Exchange (ws-feed) '" + type
                        + "' message without a 'channel'; this stream speaks Advanced Trade");
            }
            throw new MalformedPayloadException("neither a 'channel' nor a 'type' field");
        }
        Message message = switch (channel.asText("")) {
            case CoinbaseStreamProtocol.CHANNEL -> trades(payload);
            case CoinbaseStreamProtocol.HEARTBEATS -> heartbeat(payload);
            case CoinbaseStreamProtocol.SUBSCRIPTIONS -> new Message(optionalSequence(payload), null, List.of(), null);
            default -> throw new MalformedPayloadException("channel '" + channel.asText(channel.toString())
                    + "' on the market_trades stream");
        };
        checkSequence(event, message.sequenceNum());
        for (Trade trade : message.trades()) {
            Instant minute = CoinbaseFields.minuteOf(trade.time());
            if (!emitted.contains(minute)) {
                open.computeIfAbsent(minute, m -> new HashMap<>()).putIfAbsent(trade.id(), trade);
            }
        }
        List<Candle> out = new ArrayList<>();
        finalise(event, message, out);
        settle(event.receivedAt(), out);
        out.sort(Comparator.comparing(Candle::intervalStart));
        return out;
    }

    /** The minutes still open when the input ends, not final. */
    @Override
    public List<Candle> finish() {
        List<Candle> out = new ArrayList<>(open.size());
        for (Map.Entry<Instant, Map<String, Trade>> minute : open.entrySet()) {
            out.add(candle(minute.getKey(), minute.getValue().values(), false));
            emitted.add(minute.getKey());
        }
        open.clear();
        return out;
    }

    /** A jump in the exchange's per-connection sequence_num: messages were lost just before this one. */
    private void checkSequence(RawEvent event, Long sequenceNum) {
        if (!event.hasConnection() || sequenceNum == null) {
            return;
        }
        Long last = lastSequenceNum.get(event.connection());
        if (last != null && sequenceNum > last + 1) {
            timeline.lossBefore(event);
        }
        if (last == null || sequenceNum > last) {
            lastSequenceNum.put(event.connection(), sequenceNum);
        }
    }

    /** Emits, final, the open minutes this connection saw whole and now shows to be over. */
    private void finalise(RawEvent event, Message message, List<Candle> out) {
        if (!event.hasConnection()) {
            return;
        }
        Instant passed = message.sentAt() == null ? null : message.sentAt().minus(SEND_GRACE);
        if (message.latestUpdateTrade() != null && (passed == null || message.latestUpdateTrade().isAfter(passed))) {
            passed = message.latestUpdateTrade();
        }
        if (passed == null) {
            return;
        }
        // Minutes whose end is at or before 'passed'.
        Iterator<Map.Entry<Instant, Map<String, Trade>>> it =
                open.headMap(passed.minusSeconds(CoinbaseFields.MINUTE_SECONDS), true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Instant, Map<String, Trade>> minute = it.next();
            if (timeline.sawWholeSince(event.connection(), minute.getKey())) {
                out.add(candle(minute.getKey(), minute.getValue().values(), true));
                emitted.add(minute.getKey());
                it.remove();
            }
        }
    }

    /** Emits, not final, the open minutes the stream is long past: no connection will make them final. */
    private void settle(Instant receivedAt, List<Candle> out) {
        Instant cutoff = receivedAt.minus(SETTLE_AFTER).minusSeconds(CoinbaseFields.MINUTE_SECONDS);
        Iterator<Map.Entry<Instant, Map<String, Trade>>> it = open.headMap(cutoff, true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Instant, Map<String, Trade>> minute = it.next();
            out.add(candle(minute.getKey(), minute.getValue().values(), false));
            emitted.add(minute.getKey());
            it.remove();
        }
    }

    private Candle candle(Instant start, Iterable<Trade> trades, boolean isFinal) {
        List<Trade> ordered = new ArrayList<>();
        trades.forEach(ordered::add);
        ordered.sort(TRADE_ORDER);
        BigDecimal high = ordered.get(0).price();
        BigDecimal low = high;
        BigDecimal volume = BigDecimal.ZERO;
        BigDecimal quote = BigDecimal.ZERO;
        for (Trade t : ordered) {
            high = high.max(t.price());
            low = low.min(t.price());
            volume = volume.add(t.size());
            quote = quote.add(t.price().multiply(t.size()));
        }
        double vwap = quote.divide(volume, MathContext.DECIMAL128).doubleValue();
        return new Candle(CoinbaseExchange.NAME, symbol, CoinbaseFields.MINUTE_SECONDS, start,
                ordered.get(0).price().doubleValue(), high.doubleValue(), low.doubleValue(),
                ordered.get(ordered.size() - 1).price().doubleValue(), volume.doubleValue(), quote.doubleValue(),
                vwap, ordered.size(), isFinal);
    }

    private Message trades(JsonNode payload) throws MalformedPayloadException {
        long sequenceNum = CoinbaseFields.wholeNumber(payload.get("sequence_num"), "market_trades 'sequence_num'");
        Instant sentAt = CoinbaseFields.time(payload.get("timestamp"), "market_trades 'timestamp'");
        JsonNode events = payload.get("events");
        if (events == null || !events.isArray()) {
            throw new MalformedPayloadException("market_trades message without an 'events' array");
        }
        List<Trade> trades = new ArrayList<>();
        Instant latestUpdate = null;
        for (int e = 0; e < events.size(); e++) {
            JsonNode event = events.get(e);
            String type = event.path("type").asText("");
            if (!type.equals("snapshot") && !type.equals("update")) {
                throw new MalformedPayloadException("market_trades event " + e + " type '" + type + "' is neither snapshot nor update");
            }
            JsonNode rows = event.get("trades");
            if (rows == null || !rows.isArray()) {
                throw new MalformedPayloadException("market_trades event " + e + " without a 'trades' array");
            }
            for (int i = 0; i < rows.size(); i++) {
                Trade trade = trade(rows.get(i), "event " + e + " trade " + i);
                trades.add(trade);
                if (type.equals("update") && (latestUpdate == null || trade.time().isAfter(latestUpdate))) {
                    latestUpdate = trade.time();
                }
            }
        }
        return new Message(sequenceNum, sentAt, trades, latestUpdate);
    }

    private Trade trade(JsonNode row, String what) throws MalformedPayloadException {
        if (!row.isObject()) {
            throw new MalformedPayloadException(what + " is not an object");
        }
        JsonNode product = row.get("product_id");
        if (product == null || !product.isTextual()) {
            throw new MalformedPayloadException(what + " has no 'product_id'");
        }
        if (!productId.equals(product.asText())) {
            throw new MalformedPayloadException("trade for " + product.asText() + " on the " + symbol + " stream");
        }
        JsonNode id = row.get("trade_id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw new MalformedPayloadException(what + " has no 'trade_id' string");
        }
        String side = row.path("side").asText("");
        if (!side.equals("BUY") && !side.equals("SELL")) {
            throw new MalformedPayloadException(what + " side '" + side + "' is neither BUY nor SELL");
        }
        return new Trade(id.asText(), CoinbaseFields.time(row.get("time"), what + " 'time'"),
                CoinbaseFields.positive(row.get("price"), what + " 'price'"),
                CoinbaseFields.positive(row.get("size"), what + " 'size'"));
    }

    /**
     * {@code {"channel":"heartbeats",...,"events":[{"current_time":"...","heartbeat_counter":N}]}}.
     * {@code current_time} is in Go's time format, not RFC 3339; the envelope's {@code timestamp}
     * is the one read. The counter is a string in the prose docs and an integer in the AsyncAPI
     * spec: either is accepted.
     */
    private static Message heartbeat(JsonNode payload) throws MalformedPayloadException {
        long sequenceNum = CoinbaseFields.wholeNumber(payload.get("sequence_num"), "heartbeats 'sequence_num'");
        Instant sentAt = CoinbaseFields.time(payload.get("timestamp"), "heartbeats 'timestamp'");
        JsonNode events = payload.get("events");
        if (events == null || !events.isArray()) {
            throw new MalformedPayloadException("heartbeats message without an 'events' array");
        }
        for (int e = 0; e < events.size(); e++) {
            CoinbaseFields.wholeNumber(events.get(e).get("heartbeat_counter"), "heartbeats event " + e + " 'heartbeat_counter'");
        }
        return new Message(sequenceNum, sentAt, List.of(), null);
    }

    private static Long optionalSequence(JsonNode payload) throws MalformedPayloadException {
        JsonNode sequence = payload.get("sequence_num");
        return sequence == null ? null : CoinbaseFields.wholeNumber(sequence, "subscriptions 'sequence_num'");
    }

    /** Numeric trade ids by value; others by text. */
    private static int compareIds(String a, String b) {
        boolean digits = a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit);
        if (digits) {
            String x = a.replaceFirst("^0+(?=.)", "");
            String y = b.replaceFirst("^0+(?=.)", "");
            return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
        }
        return a.compareTo(b);
    }
}
