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
import java.util.Optional;

/**
 * OKX v5 (www.okx.com/docs-v5, "WebSocket" and "Market Data"): candles only on
 * {@code /ws/v5/business}; {@code {"op":"subscribe","args":[{"channel":"candle1m","instId":…}]}}
 * is acknowledged with {@code {"event":"subscribe",…}}; pushes are 9-field string arrays ending
 * in {@code confirm} "0"/"1"; the client sends the text {@code ping} (answered {@code pong}) and
 * OKX drops a connection silent for 30 s. REST: {@code /api/v5/market/candles} serves the last
 * 1,440 rows (limit ≤ 300), {@code /history-candles} older ones (limit ≤ 100); both newest
 * first, paged with {@code after} (older than) and {@code before} (newer than); code 50011 is
 * the rate limit, with HTTP 429.
 */
public final class OkxVenue implements Venue {
    private static final String CANDLES = "/api/v5/market/candles";
    private static final String HISTORY = "/api/v5/market/history-candles";
    private static final int RECENT_ROWS = 1_440;

    @Override
    public String name() {
        return "okx";
    }

    @Override
    public Listing listing(String symbol) {
        return Symbols.separated(name(), symbol, '-', Map.of());
    }

    @Override
    public boolean isStreamPath(String path) {
        return path.equals("/ws/v5/business");
    }

    @Override
    public void onOpen(StreamSession session, String path) {}

    @Override
    public void onText(StreamSession session, String text) {
        session.clientActive();
        if (text.equals("ping")) {
            session.sendControl("pong");
            return;
        }
        JsonNode request = Json.parse(text);
        if (request == null || !"subscribe".equals(request.path("op").asText())) {
            session.sendControl(error(session, "60012", "Invalid request: " + text));
            return;
        }
        for (JsonNode arg : request.path("args")) {
            String channel = arg.path("channel").asText("");
            String instId = arg.path("instId").asText("");
            if (session.rejectSubscriptions()) {
                session.sendControl(error(session, "60018", "Subscription rejected, try again later"));
                continue;
            }
            if (!channel.equals("candle1m") || !known(instId)) {
                session.sendControl(error(session, "60018", "Wrong URL or channel:" + channel + ",instId:" + instId + " doesn't exist"));
                continue;
            }
            session.subscribe(instId);
            ObjectNode ack = Json.object();
            ack.put("event", "subscribe");
            ack.set("arg", arg(instId));
            ack.put("connId", session.id());
            session.sendControl(Json.write(ack));
        }
    }

    private boolean known(String instId) {
        try {
            listing(instId);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ObjectNode arg(String instId) {
        ObjectNode arg = Json.object();
        arg.put("channel", "candle1m");
        arg.put("instId", instId);
        return arg;
    }

    private static String error(StreamSession session, String code, String msg) {
        ObjectNode error = Json.object();
        error.put("event", "error");
        error.put("code", code);
        error.put("msg", msg);
        error.put("connId", session.id());
        return Json.write(error);
    }

    /** Notice 64008, pushed 30 s before a service upgrade closes the connection (OKX API v5, "WebSocket"). */
    @Override
    public Optional<String> shutdownNotice(StreamSession session, Instant now) {
        ObjectNode notice = Json.object();
        notice.put("event", "notice");
        notice.put("code", "64008");
        notice.put("msg", "The connection will soon be closed for a service upgrade. Please reconnect.");
        notice.put("connId", session.id());
        return Optional.of(Json.write(notice));
    }

    @Override
    public void onTick(StreamSession session, Instant from, Instant to) {
        for (String instId : session.subscriptions()) {
            CandleTicks.emit(session, listing(instId), from, to, new CandleTicks.Sink() {
                @Override
                public void closed(TrueCandle candle) {
                    session.sendData(push(instId, candle, true));
                }

                @Override
                public void update(TrueCandle partial) {
                    session.sendData(push(instId, partial, false));
                }
            });
        }
    }

    private static String push(String instId, TrueCandle c, boolean confirm) {
        ObjectNode push = Json.object();
        push.set("arg", arg(instId));
        push.set("data", Json.array().add(row(c, confirm)));
        return Json.write(push);
    }

    /** [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]; for spot vol is in base, volCcy and volCcyQuote in quote. */
    private static ArrayNode row(TrueCandle c, boolean confirm) {
        return Json.array().add(String.valueOf(c.start().toEpochMilli())).add(Json.plain(c.open())).add(Json.plain(c.high()))
                .add(Json.plain(c.low())).add(Json.plain(c.close())).add(Json.plain(c.volume()))
                .add(Json.plain(c.quoteVolume())).add(Json.plain(c.quoteVolume())).add(confirm ? "1" : "0");
    }

    @Override
    public KeepAlive keepAlive() {
        return KeepAlive.clientMustSpeakWithin(Duration.ofSeconds(30));
    }

    @Override
    public RestResponse rest(RestRequest request, SyntheticMarket market, Instant now) {
        boolean recent = request.path().equals(CANDLES);
        if (!recent && !request.path().equals(HISTORY)) {
            return RestResponse.of(404, body("404", "Not Found", Json.array()));
        }
        try {
            String instId = request.required("instId");
            if (!known(instId)) {
                return RestResponse.ok(body("51001", "Instrument ID or Spread ID doesn't exist.", Json.array()));
            }
            if (!"1m".equals(request.param("bar").orElse("1m"))) {
                return RestResponse.ok(body("51000", "Parameter bar error", Json.array()));
            }
            int max = recent ? 300 : 100;
            int limit = request.longParam("limit").map(Long::intValue).orElse(100);
            if (limit < 1 || limit > max) {
                return RestResponse.ok(body("51000", "Parameter limit error", Json.array()));
            }
            Instant openMinute = now.truncatedTo(ChronoUnit.MINUTES);
            Instant oldest = recent ? openMinute.minusSeconds(60L * (RECENT_ROWS - 1)) : Instant.EPOCH;
            // after: rows older than this ts; before: rows newer than this ts (both exclusive).
            Instant below = request.longParam("after").map(Instant::ofEpochMilli).orElse(openMinute.plusSeconds(60));
            Instant above = request.longParam("before").map(Instant::ofEpochMilli).orElse(Instant.EPOCH);
            Listing listing = listing(instId);
            ArrayNode data = Json.array();
            Instant m = CandleTicks.ceilMinute(below).minusSeconds(60);
            if (m.isAfter(openMinute)) {
                m = openMinute;
            }
            for (; m.isAfter(above) && !m.isBefore(oldest) && data.size() < limit; m = m.minusSeconds(60)) {
                boolean open = m.equals(openMinute);
                data.add(row(open ? market.partialCandle(listing, m, now) : market.candle(listing, m), !open));
            }
            return RestResponse.ok(body("0", "", data));
        } catch (RestRequest.BadRequest e) {
            return RestResponse.ok(body("51000", "Parameter error: " + e.getMessage(), Json.array()));
        }
    }

    @Override
    public RestResponse fault(RestFault fault, Instant now) {
        return switch (fault) {
            case RATE_LIMIT_STATUS -> RestResponse.of(429, body("50011", "Too Many Requests", Json.array()));
            case RATE_LIMIT_BODY -> RestResponse.ok(body("50011",
                    "Rate limit reached. Please refer to API documentation and throttle requests accordingly.", Json.array()));
            case SERVER_ERROR -> RestResponse.of(503, body("50001", "Service temporarily unavailable. Please try again later.", Json.array()));
        };
    }

    private static String body(String code, String msg, ArrayNode data) {
        ObjectNode body = Json.object();
        body.put("code", code);
        body.put("msg", msg);
        body.set("data", data);
        return Json.write(body);
    }
}
