package io.klinepipeline.simulator.venue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.simulator.market.Listing;
import io.klinepipeline.simulator.market.SyntheticMarket;
import io.klinepipeline.simulator.market.TrueCandle;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Bybit v5 spot (bybit-exchange.github.io/docs/v5, "WebSocket Stream" and "Get Kline"):
 * {@code /v5/public/spot}; {@code {"op":"subscribe","args":["kline.1.BTCUSDT"]}} is acknowledged
 * {@code {"success":true,"ret_msg":"subscribe","conn_id":…,"op":"subscribe"}}; kline pushes carry
 * {@code confirm}; the client pings {@code {"op":"ping"}}. {@code GET /v5/market/kline}: at most
 * 1000 rows, newest first, [start, open, high, low, close, volume, turnover] as strings; rate
 * limits answered in the body (retCode 10006, HTTP 200) with X-Bapi-Limit headers, or HTTP 403
 * when the IP limit is breached.
 */
public final class BybitVenue implements Venue {
    private static final String KLINE = "/v5/market/kline";
    private static final String TOPIC = "kline.1.";
    private static final int MAX_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 200;

    @Override
    public String name() {
        return "bybit";
    }

    @Override
    public Listing listing(String symbol) {
        return Symbols.concatenated(name(), symbol, Map.of());
    }

    @Override
    public boolean isStreamPath(String path) {
        return path.equals("/v5/public/spot");
    }

    @Override
    public void onOpen(StreamSession session, String path) {}

    @Override
    public void onText(StreamSession session, String text) {
        session.clientActive();
        JsonNode request = Json.parse(text);
        String op = request == null ? "" : request.path("op").asText("");
        ObjectNode reply = Json.object();
        switch (op) {
            case "ping" -> {
                reply.put("success", true);
                reply.put("ret_msg", "pong");
                reply.put("conn_id", session.id());
                reply.put("op", "ping");
            }
            case "subscribe" -> {
                String refused = subscribe(session, request.path("args"));
                reply.put("success", refused == null);
                reply.put("ret_msg", refused == null ? "" : refused);
                reply.put("conn_id", session.id());
                if (request.has("req_id")) {
                    reply.set("req_id", request.get("req_id"));
                }
                reply.put("op", "subscribe");
            }
            default -> {
                reply.put("success", false);
                reply.put("ret_msg", "error:handler not found");
                reply.put("conn_id", session.id());
                reply.put("op", op);
            }
        }
        session.sendControl(Json.write(reply));
    }

    /** Subscribes every arg; returns Bybit's refusal message, or null. */
    private String subscribe(StreamSession session, JsonNode args) {
        if (session.rejectSubscriptions()) {
            return "error:request rejected, try again later";
        }
        for (JsonNode arg : args) {
            String topic = arg.asText("");
            String symbol = topic.startsWith(TOPIC) ? topic.substring(TOPIC.length()) : "";
            try {
                listing(symbol);
            } catch (IllegalArgumentException e) {
                return "Invalid symbol :[" + topic + "]";
            }
            session.subscribe(symbol);
        }
        return null;
    }

    @Override
    public void onTick(StreamSession session, Instant from, Instant to) {
        for (String symbol : session.subscriptions()) {
            CandleTicks.emit(session, listing(symbol), from, to, new CandleTicks.Sink() {
                @Override
                public void closed(TrueCandle candle) {
                    session.sendData(push(symbol, candle, true, candle.end()));
                }

                @Override
                public void update(TrueCandle partial) {
                    session.sendData(push(symbol, partial, false, to));
                }
            });
        }
    }

    private static String push(String symbol, TrueCandle c, boolean confirm, Instant at) {
        ObjectNode k = Json.object();
        k.put("start", c.start().toEpochMilli());
        k.put("end", c.end().toEpochMilli() - 1);
        k.put("interval", "1");
        k.put("open", Json.plain(c.open()));
        k.put("close", Json.plain(c.close()));
        k.put("high", Json.plain(c.high()));
        k.put("low", Json.plain(c.low()));
        k.put("volume", Json.plain(c.volume()));
        k.put("turnover", Json.plain(c.quoteVolume()));
        k.put("confirm", confirm);
        k.put("timestamp", at.toEpochMilli());
        ObjectNode push = Json.object();
        push.put("topic", TOPIC + symbol);
        push.set("data", Json.array().add(k));
        push.put("ts", at.toEpochMilli());
        push.put("type", "snapshot");
        return Json.write(push);
    }

    /** Bybit disconnects clients that stop pinging; it recommends a ping every 20 s. */
    @Override
    public KeepAlive keepAlive() {
        return KeepAlive.clientMustSpeakWithin(Duration.ofMinutes(10));
    }

    @Override
    public RestResponse rest(RestRequest request, SyntheticMarket market, Instant now) {
        if (!request.path().equals(KLINE)) {
            return RestResponse.of(404, "{\"retCode\":404,\"retMsg\":\"Not Found\"}");
        }
        try {
            if (!"spot".equals(request.required("category"))) {
                return body(10001, "params error: category only spot here", Json.object(), now);
            }
            String symbol = request.required("symbol");
            Listing listing;
            try {
                listing = listing(symbol);
            } catch (IllegalArgumentException e) {
                return body(10001, "Not supported symbols", Json.object(), now);
            }
            if (!"1".equals(request.required("interval"))) {
                return body(10001, "Invalid period!", Json.object(), now);
            }
            int limit = request.longParam("limit").map(Long::intValue).orElse(DEFAULT_LIMIT);
            if (limit < 1 || limit > MAX_LIMIT) {
                return body(10001, "params error: limit", Json.object(), now);
            }
            Instant openMinute = now.truncatedTo(ChronoUnit.MINUTES);
            Instant end = request.longParam("end").map(Instant::ofEpochMilli).orElse(now);
            Instant last = end.isAfter(openMinute) ? openMinute : end.truncatedTo(ChronoUnit.MINUTES);
            Instant first = request.longParam("start").map(Instant::ofEpochMilli).map(CandleTicks::ceilMinute)
                    .orElse(Instant.EPOCH);
            ArrayNode list = Json.array();
            // Newest first: Bybit keeps the newest `limit` rows of the range.
            for (Instant m = last; !m.isBefore(first) && list.size() < limit; m = m.minusSeconds(60)) {
                TrueCandle c = m.equals(openMinute) ? market.partialCandle(listing, m, now) : market.candle(listing, m);
                list.add(Json.array().add(String.valueOf(c.start().toEpochMilli())).add(Json.plain(c.open()))
                        .add(Json.plain(c.high())).add(Json.plain(c.low())).add(Json.plain(c.close()))
                        .add(Json.plain(c.volume())).add(Json.plain(c.quoteVolume())));
            }
            ObjectNode result = Json.object();
            result.put("symbol", symbol);
            result.put("category", "spot");
            result.set("list", list);
            return body(0, "OK", result, now).withHeaders(Map.of("X-Bapi-Limit", "600", "X-Bapi-Limit-Status", "599",
                    "X-Bapi-Limit-Reset-Timestamp", String.valueOf(now.toEpochMilli() + 5_000)));
        } catch (RestRequest.BadRequest e) {
            return body(10001, e.getMessage(), Json.object(), now);
        }
    }

    @Override
    public RestResponse fault(RestFault fault, Instant now) {
        return switch (fault) {
            case RATE_LIMIT_BODY -> body(10006, "Too many visits!", Json.object(), now).withHeaders(Map.of(
                    "X-Bapi-Limit", "600", "X-Bapi-Limit-Status", "0",
                    "X-Bapi-Limit-Reset-Timestamp", String.valueOf(now.toEpochMilli() + 1_000)));
            case RATE_LIMIT_STATUS -> RestResponse.of(403, "access too frequent");
            case SERVER_ERROR -> RestResponse.of(502, "<html><body>502 Bad Gateway</body></html>");
        };
    }

    private static RestResponse body(int retCode, String retMsg, ObjectNode result, Instant now) {
        ObjectNode body = Json.object();
        body.put("retCode", retCode);
        body.put("retMsg", retMsg);
        body.set("result", result);
        body.set("retExtInfo", Json.object());
        body.put("time", now.toEpochMilli());
        return RestResponse.ok(Json.write(body));
    }
}
