package io.klinepipeline.simulator.venue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.simulator.market.Listing;
import io.klinepipeline.simulator.market.SyntheticMarket;
import io.klinepipeline.simulator.market.Trade;
import io.klinepipeline.simulator.market.TrueCandle;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coinbase Advanced Trade (docs.cdp.coinbase.com, "Advanced Trade WebSocket" and "Get Public
 * Product Candles"). No candle stream: {@code market_trades} sends a snapshot of recent trades on
 * subscribe, then updates with the trades since; {@code heartbeats} once a second keeps a quiet
 * connection open. Every message carries the connection's {@code sequence_num}, so messages the
 * venue failed to deliver (a gap here) show as a jump. REST {@code /api/v3/brokerage/market/
 * products/{id}/candles}: at most 350 candles, newest first, strings, minutes without trades
 * absent, no trade count or vwap; 429 when rate-limited.
 */
public final class CoinbaseVenue implements Venue {
    private static final String CANDLES_PREFIX = "/api/v3/brokerage/market/products/";
    private static final String CANDLES_SUFFIX = "/candles";
    private static final int MAX_CANDLES = 350;
    private static final int SNAPSHOT_TRADES = 50;
    private static final String HEARTBEATS = "coinbase.heartbeats";
    private static final String LAST_HEARTBEAT_NANOS = "coinbase.lastHeartbeatNanos";
    private static final String HEARTBEAT_COUNTER = "coinbase.heartbeatCounter";

    @Override
    public String name() {
        return "coinbase";
    }

    @Override
    public Listing listing(String symbol) {
        return Symbols.separated(name(), symbol, '-', Map.of());
    }

    @Override
    public boolean isStreamPath(String path) {
        return path.isEmpty() || path.equals("/");
    }

    @Override
    public void onOpen(StreamSession session, String path) {}

    @Override
    public void onText(StreamSession session, String text) {
        session.clientActive();
        JsonNode request = Json.parse(text);
        if (request == null || !"subscribe".equals(request.path("type").asText())) {
            session.sendControl(error("Failed to parse request", "unknown or malformed message type"));
            return;
        }
        String channel = request.path("channel").asText("");
        List<String> products = new ArrayList<>();
        for (JsonNode product : request.path("product_ids")) {
            products.add(product.asText());
        }
        if (session.rejectSubscriptions()) {
            session.sendControl(error("Failure to subscribe", "subscriptions are unavailable, try again later"));
            return;
        }
        for (String product : products) {
            try {
                listing(product);
            } catch (IllegalArgumentException e) {
                session.sendControl(error("Failure to subscribe", product + " is not a valid product"));
                return;
            }
        }
        switch (channel) {
            case "market_trades" -> products.forEach(session::subscribe);
            case "heartbeats" -> session.attributes().put(HEARTBEATS, Boolean.TRUE);
            default -> {
                session.sendControl(error("Failure to subscribe", "channel " + channel + " is not supported here"));
                return;
            }
        }
        ObjectNode subscriptions = Json.object();
        if (!session.subscriptions().isEmpty()) {
            ArrayNode trades = Json.array();
            session.subscriptions().forEach(trades::add);
            subscriptions.set("market_trades", trades);
        }
        if (session.attributes().containsKey(HEARTBEATS)) {
            subscriptions.set("heartbeats", Json.array().add("heartbeats"));
        }
        ObjectNode event = Json.object();
        event.set("subscriptions", subscriptions);
        session.sendControl(envelope(session, "subscriptions", Json.array().add(event)));
        if (channel.equals("market_trades")) {
            for (String product : products) {
                snapshot(session, product);
            }
        }
    }

    private void snapshot(StreamSession session, String product) {
        Listing listing = listing(product);
        Instant now = session.now();
        List<Trade> recent = new ArrayList<>();
        for (int back = 0; back < 60 && recent.size() < SNAPSHOT_TRADES; back++) {
            Instant m = now.truncatedTo(ChronoUnit.MINUTES).minusSeconds(60L * back);
            List<Trade> minute = back == 0 ? session.market().tradesUpTo(listing, m, now) : session.market().trades(listing, m);
            for (int i = minute.size() - 1; i >= 0 && recent.size() < SNAPSHOT_TRADES; i--) {
                recent.add(minute.get(i)); // newest first
            }
        }
        session.sendData(tradesMessage(session, "snapshot", product, recent));
    }

    @Override
    public void onTick(StreamSession session, Instant from, Instant to) {
        for (String product : session.subscriptions()) {
            Listing listing = listing(product);
            List<Trade> fresh = new ArrayList<>();
            for (Instant m = from.truncatedTo(ChronoUnit.MINUTES); !m.isAfter(to); m = m.plusSeconds(60)) {
                if (session.inGap(m)) {
                    // Lost on the way: the message's sequence number is spent, so the client sees the jump.
                    if (!session.market().trades(listing, m).isEmpty()) {
                        session.nextSequence();
                    }
                    continue;
                }
                for (Trade t : session.market().tradesUpTo(listing, m, to)) {
                    if (t.time().isAfter(from)) {
                        fresh.add(t);
                    }
                }
            }
            if (!fresh.isEmpty()) {
                java.util.Collections.reverse(fresh); // newest first, as Coinbase batches them
                session.sendData(tradesMessage(session, "update", product, fresh));
            }
        }
        heartbeat(session, to);
    }

    private void heartbeat(StreamSession session, Instant now) {
        if (!session.attributes().containsKey(HEARTBEATS)) {
            return;
        }
        Long last = (Long) session.attributes().get(LAST_HEARTBEAT_NANOS);
        if (last != null && System.nanoTime() - last < Duration.ofSeconds(1).toNanos()) {
            return;
        }
        session.attributes().put(LAST_HEARTBEAT_NANOS, System.nanoTime());
        long counter = (Long) session.attributes().merge(HEARTBEAT_COUNTER, 1L, (a, b) -> (Long) a + (Long) b);
        ObjectNode event = Json.object();
        event.put("current_time", now.toString().replace("T", " ").replace("Z", " +0000 UTC"));
        event.put("heartbeat_counter", counter);
        session.sendControl(envelope(session, "heartbeats", Json.array().add(event)));
    }

    private static String tradesMessage(StreamSession session, String type, String product, List<Trade> newestFirst) {
        ArrayNode trades = Json.array();
        for (Trade t : newestFirst) {
            ObjectNode trade = Json.object();
            trade.put("trade_id", String.valueOf(t.id()));
            trade.put("product_id", product);
            trade.put("price", Json.plain(t.price()));
            trade.put("size", Json.plain(t.size()));
            trade.put("side", t.buyerIsTaker() ? "BUY" : "SELL");
            trade.put("time", t.time().toString());
            trades.add(trade);
        }
        ObjectNode event = Json.object();
        event.put("type", type);
        event.set("trades", trades);
        return envelope(session, "market_trades", Json.array().add(event));
    }

    private static String envelope(StreamSession session, String channel, ArrayNode events) {
        ObjectNode message = Json.object();
        message.put("channel", channel);
        message.put("client_id", "");
        message.put("timestamp", session.now().toString());
        message.put("sequence_num", session.nextSequence());
        message.set("events", events);
        return Json.write(message);
    }

    private static String error(String message, String reason) {
        ObjectNode error = Json.object();
        error.put("type", "error");
        error.put("message", message);
        error.put("reason", reason);
        return Json.write(error);
    }

    /** Coinbase closes quiet connections after 60-90 s; heartbeats are the client's way to keep them. */
    @Override
    public KeepAlive keepAlive() {
        return new KeepAlive(java.util.Optional.empty(), java.util.Optional.empty());
    }

    @Override
    public RestResponse rest(RestRequest request, SyntheticMarket market, Instant now) {
        String path = request.path();
        if (!path.startsWith(CANDLES_PREFIX) || !path.endsWith(CANDLES_SUFFIX)) {
            return RestResponse.of(404, "{\"error\":\"NOT_FOUND\",\"message\":\"Not Found\"}");
        }
        String product = path.substring(CANDLES_PREFIX.length(), path.length() - CANDLES_SUFFIX.length());
        try {
            Listing listing;
            try {
                listing = listing(product);
            } catch (IllegalArgumentException e) {
                return error404(product);
            }
            if (!"ONE_MINUTE".equals(request.required("granularity"))) {
                return invalid("granularity must be ONE_MINUTE here");
            }
            Instant start = Instant.ofEpochSecond(request.longParam("start").orElseThrow(() -> new RestRequest.BadRequest("start is required")));
            Instant end = Instant.ofEpochSecond(request.longParam("end").orElseThrow(() -> new RestRequest.BadRequest("end is required")));
            int limit = request.longParam("limit").map(Long::intValue).orElse(MAX_CANDLES);
            if (limit < 1 || limit > MAX_CANDLES) {
                return invalid("limit must be between 1 and " + MAX_CANDLES);
            }
            long asked = Duration.between(start, end).toMinutes() + 1;
            if (end.isBefore(start) || asked > MAX_CANDLES) {
                return invalid("number of candles requested should be less than " + (MAX_CANDLES + 1));
            }
            Instant open = now.truncatedTo(ChronoUnit.MINUTES);
            Instant last = end.truncatedTo(ChronoUnit.MINUTES).isAfter(open) ? open : end.truncatedTo(ChronoUnit.MINUTES);
            ArrayNode candles = Json.array();
            for (Instant m = last; !m.isBefore(CandleTicks.ceilMinute(start)) && candles.size() < limit; m = m.minusSeconds(60)) {
                TrueCandle c = m.equals(open) ? market.partialCandle(listing, m, now) : market.candle(listing, m);
                if (!c.hasTrades()) {
                    continue; // Coinbase leaves minutes without trades out
                }
                ObjectNode row = Json.object();
                row.put("start", String.valueOf(c.start().getEpochSecond()));
                row.put("low", Json.plain(c.low()));
                row.put("high", Json.plain(c.high()));
                row.put("open", Json.plain(c.open()));
                row.put("close", Json.plain(c.close()));
                row.put("volume", Json.plain(c.volume()));
                candles.add(row);
            }
            ObjectNode body = Json.object();
            body.set("candles", candles);
            return RestResponse.ok(Json.write(body));
        } catch (RestRequest.BadRequest | NumberFormatException e) {
            return invalid(e.getMessage());
        }
    }

    private static RestResponse invalid(String details) {
        ObjectNode body = Json.object();
        body.put("error", "INVALID_ARGUMENT");
        body.put("error_details", details);
        body.put("message", details);
        return RestResponse.of(400, Json.write(body));
    }

    private static RestResponse error404(String product) {
        ObjectNode body = Json.object();
        body.put("error", "NOT_FOUND");
        body.put("error_details", "ProductID " + product + " not found");
        body.put("message", "ProductID " + product + " not found");
        return RestResponse.of(404, Json.write(body));
    }

    @Override
    public RestResponse fault(RestFault fault, Instant now) {
        return switch (fault) {
            case RATE_LIMIT_STATUS, RATE_LIMIT_BODY -> RestResponse.of(429,
                    "{\"error\":\"RATE_LIMIT_EXCEEDED\",\"error_details\":\"Too many requests\",\"message\":\"Too many requests\"}")
                    .withHeaders(Map.of("Retry-After", "1"));
            case SERVER_ERROR -> RestResponse.of(503, "{\"error\":\"UNAVAILABLE\",\"message\":\"Service Unavailable\"}");
        };
    }
}
