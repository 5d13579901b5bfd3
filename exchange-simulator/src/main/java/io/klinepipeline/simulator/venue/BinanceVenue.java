package io.klinepipeline.simulator.venue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.simulator.market.Listing;
import io.klinepipeline.simulator.market.SyntheticMarket;
import io.klinepipeline.simulator.market.TrueCandle;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Binance spot (developers.binance.com, "WebSocket Streams" and "Market data endpoints"):
 * {@code /ws/<symbol>@kline_1m} subscribes by URL; a kline event per update, the minute's last
 * one with {@code "x":true}, including minutes without trades; a ping frame every 20 s, and the
 * connection closes when no pong came within a minute. {@code GET /api/v3/klines}: at most 1000
 * rows oldest first, every minute present (empty ones at the previous close), the open minute
 * included; request weight 2, reported in {@code X-MBX-USED-WEIGHT-1M}; 429 with Retry-After.
 * Combined streams, {@code /stream?streams=<symbol>@kline_1m/<symbol>@kline_1m}, carry the same
 * events wrapped as {@code {"stream":"<symbol>@kline_1m","data":<event>}} (what cryptofeed uses).
 */
public final class BinanceVenue implements Venue {
    private static final String KLINES = "/api/v3/klines";
    private static final int MAX_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 500;
    private static final int REQUEST_WEIGHT = 2;
    private final AtomicInteger weightThisMinute = new AtomicInteger();
    private final Duration pingInterval;
    private volatile long weightMinute;

    /** Binance's own rule: a ping every 20 s. */
    public BinanceVenue() {
        this(Duration.ofSeconds(20));
    }

    /** With a shorter ping interval, so a test sees the client answer within seconds. */
    public BinanceVenue(Duration pingInterval) {
        this.pingInterval = pingInterval;
    }

    @Override
    public String name() {
        return "binance";
    }

    @Override
    public Listing listing(String symbol) {
        return Symbols.concatenated(name(), symbol, Map.of());
    }

    private static final String COMBINED = "/stream";
    private static final String COMBINED_ATTRIBUTE = "binance.combined";

    @Override
    public boolean isStreamPath(String path) {
        return path.startsWith("/ws/") && path.endsWith("@kline_1m") || path.equals(COMBINED);
    }

    @Override
    public void onOpen(StreamSession session, String path) {
        if (path.startsWith(COMBINED + "?")) {
            session.attributes().put(COMBINED_ATTRIBUTE, true);
            String streams = new QueryStringDecoder(path).parameters().getOrDefault("streams", List.of("")).get(0);
            for (String stream : streams.split("/")) {
                if (stream.endsWith("@kline_1m")) {
                    subscribeTo(session, stream.substring(0, stream.length() - "@kline_1m".length()));
                }
            }
            return;
        }
        subscribeTo(session, path.substring("/ws/".length(), path.length() - "@kline_1m".length()));
    }

    private void subscribeTo(StreamSession session, String lowerCaseSymbol) {
        String symbol = lowerCaseSymbol.toUpperCase(Locale.ROOT);
        listing(symbol);
        session.subscribe(symbol);
    }

    /** Live SUBSCRIBE requests get {@code {"result":null,"id":…}}; a raw stream needs none. */
    @Override
    public void onText(StreamSession session, String text) {
        session.clientActive();
        JsonNode request = Json.parse(text);
        if (request != null && request.has("method")) {
            ObjectNode reply = Json.object();
            reply.putNull("result");
            reply.set("id", request.path("id"));
            session.sendControl(Json.write(reply));
        }
    }

    /** {@code {"e":"serverShutdown","E":<ms>}}, which Binance's WebSocket Streams send ahead of a server's maintenance. */
    @Override
    public Optional<String> shutdownNotice(StreamSession session, Instant now) {
        ObjectNode notice = Json.object();
        notice.put("e", "serverShutdown");
        notice.put("E", now.toEpochMilli());
        return Optional.of(Json.write(notice));
    }

    @Override
    public void onTick(StreamSession session, Instant from, Instant to) {
        boolean combined = session.attributes().containsKey(COMBINED_ATTRIBUTE);
        for (String symbol : session.subscriptions()) {
            Listing listing = listing(symbol);
            CandleTicks.emit(session, listing, from, to, new CandleTicks.Sink() {
                @Override
                public void closed(TrueCandle candle) {
                    session.sendData(wrapped(combined, symbol, event(symbol, candle, true, candle.end())));
                }

                @Override
                public void update(TrueCandle partial) {
                    session.sendData(wrapped(combined, symbol, event(symbol, partial, false, to)));
                }
            });
        }
    }

    private static String wrapped(boolean combined, String symbol, String event) {
        return combined ? "{\"stream\":\"" + symbol.toLowerCase(Locale.ROOT) + "@kline_1m\",\"data\":" + event + "}" : event;
    }

    private static String event(String symbol, TrueCandle c, boolean closed, Instant eventTime) {
        ObjectNode k = Json.object();
        k.put("t", c.start().toEpochMilli());
        k.put("T", c.end().toEpochMilli() - 1);
        k.put("s", symbol);
        k.put("i", "1m");
        k.put("f", c.firstTradeId());
        k.put("L", c.lastTradeId());
        k.put("o", Json.plain(c.open()));
        k.put("c", Json.plain(c.close()));
        k.put("h", Json.plain(c.high()));
        k.put("l", Json.plain(c.low()));
        k.put("v", Json.plain(c.volume()));
        k.put("n", c.tradeCount());
        k.put("x", closed);
        k.put("q", Json.plain(c.quoteVolume()));
        k.put("V", Json.plain(c.takerBuyVolume()));
        k.put("Q", Json.plain(c.takerBuyQuoteVolume()));
        k.put("B", "0");
        ObjectNode event = Json.object();
        event.put("e", "kline");
        event.put("E", eventTime.toEpochMilli());
        event.put("s", symbol);
        event.set("k", k);
        return Json.write(event);
    }

    @Override
    public KeepAlive keepAlive() {
        return KeepAlive.serverPings(pingInterval, Duration.ofMinutes(1));
    }

    @Override
    public RestResponse rest(RestRequest request, SyntheticMarket market, Instant now) {
        if (!request.path().equals(KLINES)) {
            return error(404, -1000, "Unknown endpoint " + request.path());
        }
        try {
            String symbol = request.required("symbol");
            try {
                listing(symbol);
            } catch (IllegalArgumentException e) {
                return error(400, -1121, "Invalid symbol.");
            }
            if (!"1m".equals(request.required("interval"))) {
                return error(400, -1120, "Invalid interval.");
            }
            int limit = request.longParam("limit").map(Long::intValue).orElse(DEFAULT_LIMIT);
            if (limit < 1 || limit > MAX_LIMIT) {
                return error(400, -1130, "Invalid data sent for a parameter: limit");
            }
            Instant openMinute = now.truncatedTo(ChronoUnit.MINUTES);
            Instant end = request.longParam("endTime").map(Instant::ofEpochMilli).orElse(now);
            Instant last = end.isAfter(openMinute) ? openMinute : end.truncatedTo(ChronoUnit.MINUTES);
            Instant first = request.longParam("startTime").map(Instant::ofEpochMilli)
                    .map(CandleTicks::ceilMinute)
                    .orElse(last.minusSeconds(60L * (limit - 1)));
            Listing listing = listing(symbol);
            ArrayNode rows = Json.array();
            for (Instant m = first; !m.isAfter(last) && rows.size() < limit; m = m.plusSeconds(60)) {
                TrueCandle c = m.equals(openMinute) ? market.partialCandle(listing, m, now) : market.candle(listing, m);
                rows.add(row(c));
            }
            return RestResponse.ok(Json.write(rows)).withHeaders(Map.of("X-MBX-USED-WEIGHT-1M", String.valueOf(spendWeight())));
        } catch (RestRequest.BadRequest e) {
            return error(400, -1102, e.getMessage());
        }
    }

    private static ArrayNode row(TrueCandle c) {
        ArrayNode row = Json.array();
        row.add(c.start().toEpochMilli());
        row.add(Json.plain(c.open()));
        row.add(Json.plain(c.high()));
        row.add(Json.plain(c.low()));
        row.add(Json.plain(c.close()));
        row.add(Json.plain(c.volume()));
        row.add(c.end().toEpochMilli() - 1);
        row.add(Json.plain(c.quoteVolume()));
        row.add(c.tradeCount());
        row.add(Json.plain(c.takerBuyVolume()));
        row.add(Json.plain(c.takerBuyQuoteVolume()));
        row.add("0");
        return row;
    }

    /** Weight used in the current wall-clock minute, this request included. */
    private int spendWeight() {
        long minute = System.currentTimeMillis() / 60_000;
        if (minute != weightMinute) {
            weightMinute = minute;
            weightThisMinute.set(0);
        }
        return weightThisMinute.addAndGet(REQUEST_WEIGHT);
    }

    @Override
    public RestResponse fault(RestFault fault, Instant now) {
        return switch (fault) {
            case RATE_LIMIT_STATUS, RATE_LIMIT_BODY -> error(429, -1003,
                    "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.")
                    .withHeaders(Map.of("Retry-After", "1"));
            case SERVER_ERROR -> error(503, -1001, "Internal error; unable to process your request. Please try again.");
        };
    }

    private static RestResponse error(int status, int code, String message) {
        ObjectNode body = Json.object();
        body.put("code", code);
        body.put("msg", message);
        return RestResponse.of(status, Json.write(body));
    }
}
