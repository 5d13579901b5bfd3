package io.klinepipeline.simulator.venue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.simulator.market.Listing;
import io.klinepipeline.simulator.market.SyntheticMarket;
import io.klinepipeline.simulator.market.TrueCandle;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Kraken spot (docs.kraken.com, "Spot WebSocket v2 / Candles (OHLC)", "REST / Get OHLC Data"):
 * {@code /v2}; a status message on connect; {@code {"method":"subscribe","params":{"channel":
 * "ohlc","symbol":["BTC/USD"],"interval":1}}} is acknowledged, then a snapshot of recent candles,
 * then an update each time the pair trades (JSON numbers, keyed on {@code interval_begin}; no
 * closed flag); {@code {"channel":"heartbeat"}} once a second when nothing else was sent; the
 * client's {@code {"method":"ping"}} is answered with a pong. {@code GET /0/public/OHLC}: the last
 * 720 candles after {@code since} (exclusive), oldest first, the open one last, minutes without
 * trades absent, {@code last} the newest committed candle; errors in the body's {@code error}
 * array with HTTP 200.
 */
public final class KrakenVenue implements Venue {
    private static final String OHLC = "/0/public/OHLC";
    private static final String TRADES = "/0/public/Trades";
    private static final int MAX_TRADES = 1000;
    private static final int HISTORY = 720;
    private static final int SNAPSHOT_MINUTES = 10;
    private static final Map<String, String> LEGACY = Map.of("XBT", "BTC", "XDG", "DOGE");
    private static final String LAST_SENT_NANOS = "kraken.lastSentNanos";
    private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "kraken";
    }

    /** v2 names (BTC/USD); the legacy XBT/USD reads the same. */
    @Override
    public Listing listing(String symbol) {
        return Symbols.separated(name(), symbol, '/', LEGACY);
    }

    @Override
    public boolean isStreamPath(String path) {
        return path.equals("/v2");
    }

    @Override
    public void onOpen(StreamSession session, String path) {
        ObjectNode status = Json.object();
        status.put("channel", "status");
        ObjectNode data = Json.object();
        data.put("api_version", "v2");
        // Kraken's connection ids exceed the int64 range.
        data.put("connection_id", new java.math.BigInteger("18446744073709551615").subtract(java.math.BigInteger.valueOf(session.id().hashCode() & 0xffff)));
        data.put("system", "online");
        data.put("version", "2.0.10");
        status.set("data", Json.array().add(data));
        status.put("type", "update");
        send(session, Json.write(status), false);
    }

    @Override
    public void onText(StreamSession session, String text) {
        session.clientActive();
        JsonNode request = Json.parse(text);
        String method = request == null ? "" : request.path("method").asText("");
        Instant now = session.now();
        ObjectNode reply = Json.object();
        if (method.equals("ping")) {
            reply.put("method", "pong");
            copyReqId(request, reply);
            reply.put("time_in", now.toString());
            reply.put("time_out", now.toString());
            send(session, Json.write(reply), false);
            return;
        }
        JsonNode params = request == null ? null : request.path("params");
        if (!method.equals("subscribe") || !"ohlc".equals(params.path("channel").asText()) || params.path("interval").asInt() != 1) {
            reply.put("error", "Unsupported request");
            reply.put("method", method);
            reply.put("success", false);
            reply.put("time_in", now.toString());
            reply.put("time_out", now.toString());
            send(session, Json.write(reply), false);
            return;
        }
        for (JsonNode symbolNode : params.path("symbol")) {
            String symbol = symbolNode.asText();
            ObjectNode ack = Json.object();
            boolean known = knows(symbol) && symbol.equals(symbol.toUpperCase(java.util.Locale.ROOT)) && !symbol.startsWith("XBT/");
            if (session.rejectSubscriptions() || !known) {
                ack.put("error", session.rejectSubscriptions() ? "Subscription rejected: try again later" : "Currency pair not supported " + symbol);
                ack.put("method", "subscribe");
                ack.put("success", false);
                ack.put("symbol", symbol);
            } else {
                ObjectNode result = Json.object();
                result.put("channel", "ohlc");
                result.put("interval", 1);
                result.put("snapshot", true);
                result.put("symbol", symbol);
                result.set("warnings", Json.array().add("timestamp is deprecated, use interval_begin"));
                ack.put("method", "subscribe");
                ack.set("result", result);
                ack.put("success", true);
            }
            copyReqId(request, ack);
            ack.put("time_in", now.toString());
            ack.put("time_out", now.toString());
            send(session, Json.write(ack), false);
            if (known && !session.rejectSubscriptions()) {
                session.subscribe(symbol);
                snapshot(session, symbol, now);
            }
        }
    }

    private boolean knows(String symbol) {
        try {
            listing(symbol);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void copyReqId(JsonNode request, ObjectNode reply) {
        if (request != null && request.has("req_id")) {
            reply.set("req_id", request.get("req_id"));
        }
    }

    private void snapshot(StreamSession session, String symbol, Instant now) {
        Listing listing = listing(symbol);
        Instant open = now.truncatedTo(ChronoUnit.MINUTES);
        ArrayNode data = Json.array();
        for (int back = SNAPSHOT_MINUTES; back >= 0; back--) {
            Instant m = open.minusSeconds(60L * back);
            TrueCandle c = back == 0 ? session.market().partialCandle(listing, m, now) : session.market().candle(listing, m);
            if (c.hasTrades() && !session.inGap(m)) {
                data.add(candle(symbol, c));
            }
        }
        send(session, message("snapshot", now, data), true);
    }

    @Override
    public void onTick(StreamSession session, Instant from, Instant to) {
        boolean sent = false;
        for (String symbol : session.subscriptions()) {
            Listing listing = listing(symbol);
            // Each minute that traded since the last tick: its candle as of now (or as it closed).
            for (Instant m = from.truncatedTo(ChronoUnit.MINUTES); !m.isAfter(to); m = m.plusSeconds(60)) {
                if (session.inGap(m)) {
                    continue;
                }
                Instant upTo = to.isBefore(m.plusSeconds(60)) ? to : m.plusSeconds(60).minusNanos(1);
                var trades = session.market().tradesUpTo(listing, m, upTo);
                if (!trades.isEmpty() && trades.get(trades.size() - 1).time().isAfter(from)) {
                    send(session, message("update", to, Json.array().add(candle(symbol, session.market().partialCandle(listing, m, upTo)))), true);
                    sent = true;
                }
            }
        }
        Long last = (Long) session.attributes().get(LAST_SENT_NANOS);
        if (!sent && !session.subscriptions().isEmpty()
                && (last == null || System.nanoTime() - last >= HEARTBEAT_EVERY.toNanos())) {
            send(session, "{\"channel\":\"heartbeat\"}", false);
        }
    }

    private static void send(StreamSession session, String text, boolean data) {
        if (data) {
            session.sendData(text);
        } else {
            session.sendControl(text);
        }
        session.attributes().put(LAST_SENT_NANOS, System.nanoTime());
    }

    private static String message(String type, Instant at, ArrayNode data) {
        ObjectNode message = Json.object();
        message.put("channel", "ohlc");
        message.put("type", type);
        message.put("timestamp", at.toString());
        message.set("data", data);
        return Json.write(message);
    }

    private static ObjectNode candle(String symbol, TrueCandle c) {
        ObjectNode row = Json.object();
        row.put("symbol", symbol);
        row.put("open", c.open());
        row.put("high", c.high());
        row.put("low", c.low());
        row.put("close", c.close());
        row.put("trades", c.tradeCount());
        row.put("volume", c.volume());
        row.put("vwap", c.vwap() == null ? BigDecimal.ZERO : c.vwap());
        row.put("interval_begin", c.start().toString());
        row.put("interval", 1);
        // Kraken's deprecated per-candle timestamp is the interval's end.
        row.put("timestamp", c.end().toString());
        return row;
    }

    @Override
    public KeepAlive keepAlive() {
        return KeepAlive.clientMustSpeakWithin(Duration.ofMinutes(1));
    }

    @Override
    public RestResponse rest(RestRequest request, SyntheticMarket market, Instant now) {
        if (request.path().equals(TRADES)) {
            return trades(request, market, now);
        }
        if (!request.path().equals(OHLC)) {
            return RestResponse.of(404, "{\"error\":[\"EGeneral:Unknown method\"]}");
        }
        try {
            String pair = request.required("pair");
            Listing listing;
            try {
                listing = Symbols.concatenated(name(), pair, LEGACY);
            } catch (IllegalArgumentException e) {
                return errorBody("EQuery:Unknown asset pair");
            }
            if (!"1".equals(request.param("interval").orElse("1"))) {
                return errorBody("EGeneral:Invalid arguments");
            }
            Instant open = now.truncatedTo(ChronoUnit.MINUTES);
            Instant oldest = open.minusSeconds(60L * (HISTORY - 1));
            Instant since = request.longParam("since").map(Instant::ofEpochSecond).orElse(Instant.EPOCH);
            ArrayNode rows = Json.array();
            long lastCommitted = oldest.getEpochSecond();
            for (Instant m = oldest; !m.isAfter(open); m = m.plusSeconds(60)) {
                if (!m.isAfter(since)) {
                    continue;
                }
                boolean isOpen = m.equals(open);
                TrueCandle c = isOpen ? market.partialCandle(listing, m, now) : market.candle(listing, m);
                if (!c.hasTrades()) {
                    continue;
                }
                rows.add(Json.array().add(c.start().getEpochSecond()).add(Json.plain(c.open())).add(Json.plain(c.high()))
                        .add(Json.plain(c.low())).add(Json.plain(c.close())).add(Json.plain(c.vwap()))
                        .add(Json.plain(c.volume())).add(c.tradeCount()));
                if (!isOpen) {
                    lastCommitted = m.getEpochSecond();
                }
            }
            ObjectNode result = Json.object();
            result.set(resultKey(listing), rows);
            result.put("last", lastCommitted);
            ObjectNode body = Json.object();
            body.set("error", Json.array());
            body.set("result", result);
            return RestResponse.ok(Json.write(body));
        } catch (RestRequest.BadRequest e) {
            return errorBody("EGeneral:Invalid arguments:" + e.getMessage());
        }
    }

    /**
     * {@code GET /0/public/Trades?pair=&since=<ns>&count=}: up to {@code count} (≤ 1000) trades after
     * {@code since}, oldest first, as [price, volume, time (s, fractional), b|s, m|l, misc, trade_id];
     * {@code last} is the newest trade's time in nanoseconds, the cursor for the next page. Trades
     * with the same time are never split across pages, so the exclusive cursor loses none.
     */
    private RestResponse trades(RestRequest request, SyntheticMarket market, Instant now) {
        try {
            Listing listing;
            try {
                listing = Symbols.concatenated(name(), request.required("pair"), LEGACY);
            } catch (IllegalArgumentException e) {
                return errorBody("EQuery:Unknown asset pair");
            }
            int count = request.longParam("count").map(Long::intValue).orElse(MAX_TRADES);
            if (count < 1 || count > MAX_TRADES) {
                return errorBody("EGeneral:Invalid arguments:count");
            }
            String sinceText = request.param("since").orElse("0");
            long sinceNanos = Long.parseLong(sinceText);
            Instant since = Instant.ofEpochSecond(Math.floorDiv(sinceNanos, 1_000_000_000L), Math.floorMod(sinceNanos, 1_000_000_000L));
            ArrayNode rows = Json.array();
            Instant lastTime = null;
            scan:
            for (Instant m = since.truncatedTo(ChronoUnit.MINUTES); !m.isAfter(now); m = m.plusSeconds(60)) {
                for (var t : market.tradesUpTo(listing, m, now)) {
                    if (!t.time().isAfter(since)) {
                        continue;
                    }
                    if (rows.size() >= count && !t.time().equals(lastTime)) {
                        break scan;
                    }
                    rows.add(Json.array().add(Json.plain(t.price())).add(Json.plain(t.size()))
                            .add(new BigDecimal(t.time().getEpochSecond()).add(BigDecimal.valueOf(t.time().getNano(), 9)).stripTrailingZeros())
                            .add(t.buyerIsTaker() ? "b" : "s").add("l").add("").add(t.id()));
                    lastTime = t.time();
                }
            }
            String last = lastTime == null ? sinceText
                    : String.valueOf(lastTime.getEpochSecond() * 1_000_000_000L + lastTime.getNano());
            ObjectNode result = Json.object();
            result.set(resultKey(listing), rows);
            result.put("last", last);
            ObjectNode body = Json.object();
            body.set("error", Json.array());
            body.set("result", result);
            return RestResponse.ok(Json.write(body));
        } catch (RestRequest.BadRequest | NumberFormatException e) {
            return errorBody("EGeneral:Invalid arguments:" + e.getMessage());
        }
    }

    /** Kraken keys results by the pair's full name: XXBTZUSD for BTC/USD, else base and quote together. */
    private static String resultKey(Listing listing) {
        String base = listing.base().equals("BTC") ? "XBT" : listing.base();
        boolean fiatQuote = listing.quote().equals("USD") || listing.quote().equals("EUR");
        return (base.equals("XBT") || base.equals("ETH")) && fiatQuote ? "X" + base + "Z" + listing.quote() : base + listing.quote();
    }

    @Override
    public RestResponse fault(RestFault fault, Instant now) {
        return switch (fault) {
            case RATE_LIMIT_BODY -> errorBody("EGeneral:Too many requests");
            case RATE_LIMIT_STATUS -> RestResponse.of(429, "{\"error\":[\"EAPI:Rate limit exceeded\"]}");
            case SERVER_ERROR -> RestResponse.of(503, "{\"error\":[\"EService:Unavailable\"]}");
        };
    }

    private static RestResponse errorBody(String error) {
        return RestResponse.ok("{\"error\":[\"" + error + "\"]}");
    }
}
