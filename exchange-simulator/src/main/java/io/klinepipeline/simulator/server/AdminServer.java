package io.klinepipeline.simulator.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.simulator.market.TrueCandle;
import io.klinepipeline.simulator.venue.RestFault;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small HTTP API to steer a running simulator from a shell or another process:
 * <pre>
 * GET  /venues                               ws and rest base URL of every venue
 * GET  /now                                  the simulated time
 * GET  /venues/{v}/stats                     connections, pings, frames, REST requests
 * GET  /venues/{v}/candles?symbol=&amp;from=&amp;to= the exact candles of [from, to) (ISO-8601)
 * POST /venues/{v}/drop                      reset every connection
 * POST /venues/{v}/close?code=1001           close every connection with a close frame
 * POST /venues/{v}/shutdown_notice           the venue's own maintenance notice on every connection
 * POST /venues/{v}/faults?...                gap_from&amp;gap_to, silence_seconds, malformed_every,
 *                                            duplicate_every, reorder_every, reject_subscriptions,
 *                                            max_connection_age_seconds, oversize_every&amp;oversize_bytes,
 *                                            invalid_utf8_every, refuse_handshakes=429, rest=RATE_LIMIT_STATUS|
 *                                            RATE_LIMIT_BODY|SERVER_ERROR&amp;rest_count=n
 * POST /venues/{v}/faults/clear              every fault off
 * </pre>
 */
final class AdminServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExchangeSimulator simulator;
    private final Channel channel;
    private final String host;

    AdminServer(ExchangeSimulator simulator, EventLoopGroup group, String host, int port) throws InterruptedException {
        this.simulator = simulator;
        this.host = host;
        this.channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Handler());
                    }
                })
                .bind(host, port).sync().channel();
    }

    URI base() {
        return URI.create("http://" + host + ":" + ((InetSocketAddress) channel.localAddress()).getPort());
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private Object route(HttpMethod method, String path, QueryStringDecoder query) {
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/"));
        if (method.equals(HttpMethod.GET) && path.equals("/venues")) {
            Map<String, Object> venues = new LinkedHashMap<>();
            for (String name : simulator.venues()) {
                venues.put(name, Map.of("ws_url", simulator.wsBase(name).toString(), "rest_url", simulator.restBase(name).toString()));
            }
            return venues;
        }
        if (method.equals(HttpMethod.GET) && path.equals("/now")) {
            return Map.of("now", simulator.clock().instant().toString(), "speed", simulator.clock().speed());
        }
        if (parts.size() < 3 || !parts.get(0).equals("venues")) {
            throw new NotFound(path);
        }
        VenueServer venue = simulator.venue(parts.get(1));
        String action = String.join("/", parts.subList(2, parts.size()));
        if (method.equals(HttpMethod.GET)) {
            return switch (action) {
                case "stats" -> venue.stats().asMap();
                case "candles" -> candles(venue.venue().name(), query);
                default -> throw new NotFound(path);
            };
        }
        if (!method.equals(HttpMethod.POST)) {
            throw new NotFound(path);
        }
        switch (action) {
            case "drop" -> venue.dropConnections();
            case "shutdown_notice" -> venue.announceShutdown();
            case "close" -> venue.closeConnections(Integer.parseInt(param(query, "code", "1001")), param(query, "reason", "going away"));
            case "faults/clear" -> venue.faults().clear();
            case "faults" -> applyFaults(venue.faults(), query);
            default -> throw new NotFound(path);
        }
        return Map.of("ok", true);
    }

    private void applyFaults(VenueFaults faults, QueryStringDecoder query) {
        Map<String, List<String>> p = query.parameters();
        if (p.containsKey("gap_from") || p.containsKey("gap_to")) {
            faults.gap(Instant.parse(param(query, "gap_from", null)), Instant.parse(param(query, "gap_to", null)));
        }
        if (p.containsKey("silence_seconds")) {
            faults.silenceUntil(simulator.clock().instant().plusSeconds(Long.parseLong(param(query, "silence_seconds", "0"))));
        }
        if (p.containsKey("malformed_every")) {
            faults.malformedEvery(Integer.parseInt(param(query, "malformed_every", "0")));
        }
        if (p.containsKey("duplicate_every")) {
            faults.duplicateEvery(Integer.parseInt(param(query, "duplicate_every", "0")));
        }
        if (p.containsKey("reorder_every")) {
            faults.reorderEvery(Integer.parseInt(param(query, "reorder_every", "0")));
        }
        if (p.containsKey("reject_subscriptions")) {
            faults.rejectSubscriptions(Boolean.parseBoolean(param(query, "reject_subscriptions", "false")));
        }
        if (p.containsKey("max_connection_age_seconds")) {
            faults.maxConnectionAge(Duration.ofSeconds(Long.parseLong(param(query, "max_connection_age_seconds", "0"))));
        }
        if (p.containsKey("oversize_every")) {
            faults.oversizeEvery(Integer.parseInt(param(query, "oversize_every", "0")),
                    Integer.parseInt(param(query, "oversize_bytes", String.valueOf(2 << 20))));
        }
        if (p.containsKey("invalid_utf8_every")) {
            faults.invalidUtf8Every(Integer.parseInt(param(query, "invalid_utf8_every", "0")));
        }
        if (p.containsKey("refuse_handshakes")) {
            faults.refuseHandshakes(Integer.parseInt(param(query, "refuse_handshakes", "0")));
        }
        if (p.containsKey("rest")) {
            faults.failNextRest(RestFault.valueOf(param(query, "rest", null).toUpperCase(Locale.ROOT)),
                    Integer.parseInt(param(query, "rest_count", "1")));
        }
    }

    private List<Map<String, Object>> candles(String venue, QueryStringDecoder query) {
        Instant from = Instant.parse(param(query, "from", null));
        Instant to = Instant.parse(param(query, "to", null));
        if (Duration.between(from, to).toMinutes() > 24 * 60) {
            throw new IllegalArgumentException("at most one day of candles per request");
        }
        return simulator.trueCandles(venue, param(query, "symbol", null), from, to).stream().map(AdminServer::candle).toList();
    }

    private static Map<String, Object> candle(TrueCandle c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", c.start().toString());
        m.put("open", c.open());
        m.put("high", c.high());
        m.put("low", c.low());
        m.put("close", c.close());
        m.put("volume", c.volume());
        m.put("quote_volume", c.quoteVolume());
        m.put("trade_count", c.tradeCount());
        m.put("vwap", c.vwap());
        return m;
    }

    private static String param(QueryStringDecoder query, String name, String fallback) {
        List<String> values = query.parameters().get(name);
        if (values == null || values.isEmpty()) {
            if (fallback == null) {
                throw new IllegalArgumentException("missing parameter " + name);
            }
            return fallback;
        }
        return values.get(0);
    }

    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String path) {
            super("no admin route " + path);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            HttpResponseStatus status = HttpResponseStatus.OK;
            Object body;
            try {
                body = route(request.method(), query.path(), query);
            } catch (NotFound e) {
                status = HttpResponseStatus.NOT_FOUND;
                body = Map.of("error", e.getMessage());
            } catch (RuntimeException e) {
                status = HttpResponseStatus.BAD_REQUEST;
                body = Map.of("error", String.valueOf(e.getMessage()));
            }
            byte[] bytes;
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                bytes = ("{\"error\":\"" + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8);
                status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status, Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            HttpUtil.setContentLength(response, bytes.length);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
