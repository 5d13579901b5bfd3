package io.klinepipeline.simulator.server;

import io.klinepipeline.clock.SimulatedClock;
import io.klinepipeline.simulator.market.SyntheticMarket;
import io.klinepipeline.simulator.venue.RestRequest;
import io.klinepipeline.simulator.venue.RestResponse;
import io.klinepipeline.simulator.venue.Venue;
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
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One venue on one port: WebSocket handshakes on the venue's stream path, every other request
 * answered by its REST API (or by the REST fault queued next).
 */
public final class VenueServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VenueServer.class);
    private static final int MAX_FRAME = 1 << 20;

    private final Venue venue;
    private final SyntheticMarket market;
    private final SimulatedClock clock;
    private final Duration tickInterval;
    private static final int MAX_REQUEST_LINE = 64 * 1024;
    private final Optional<FirehosePace> firehose;
    private final VenueFaults faults = new VenueFaults();
    private final VenueStats stats = new VenueStats();
    private final Map<Channel, SimConnection> connections = new ConcurrentHashMap<>();
    private final AtomicLong connectionIds;
    private final Channel serverChannel;
    private final String host;

    VenueServer(Venue venue, SyntheticMarket market, SimulatedClock clock, Duration tickInterval, Optional<FirehosePace> firehose, EventLoopGroup group,
            String host, int port, AtomicLong connectionIds) throws InterruptedException {
        this.firehose = firehose;
        this.venue = venue;
        this.market = market;
        this.clock = clock;
        this.tickInterval = tickInterval;
        this.connectionIds = connectionIds;
        this.host = host;
        this.serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // A long first line: a Binance combined stream names up to 1,024 streams in its URL.
                        ch.pipeline().addLast(new HttpServerCodec(MAX_REQUEST_LINE, 8192, 8192), new HttpObjectAggregator(MAX_FRAME),
                                new HttpHandler());
                    }
                })
                .bind(host, port).sync().channel();
    }

    public Venue venue() {
        return venue;
    }

    public VenueFaults faults() {
        return faults;
    }

    public VenueStats stats() {
        return stats;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The value for the venue's ws_url. */
    public URI wsBase() {
        return URI.create("ws://" + host + ":" + port());
    }

    /** The value for the venue's rest_url. */
    public URI restBase() {
        return URI.create("http://" + host + ":" + port());
    }

    /** Resets every open connection (no close frame), as a network failure does. */
    public void dropConnections() {
        connections.values().forEach(SimConnection::reset);
    }

    /**
     * Sends every open connection the venue's own notice of a coming maintenance (Binance's
     * serverShutdown, OKX's notice 64008); venues that document none send nothing. Connections stay open.
     */
    public void announceShutdown() {
        connections.values().forEach(SimConnection::announceShutdown);
    }

    /** Closes every open connection with a close frame of this code, as a venue going into maintenance does. */
    public void closeConnections(int code, String reason) {
        connections.values().forEach(c -> c.close(code, reason));
    }

    @Override
    public void close() {
        connections.keySet().forEach(Channel::close);
        serverChannel.close().syncUninterruptibly();
    }

    private final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            boolean upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
            if (upgrade && venue.isStreamPath(uri.path()) && faults.refuseHandshakes() != 0) {
                stats.handshakesRefused.incrementAndGet();
                respond(ctx, request, RestResponse.of(faults.refuseHandshakes(), "{\"code\":-1,\"msg\":\"stream refused (simulated)\"}"));
            } else if (upgrade && venue.isStreamPath(uri.path())) {
                // The query too: Binance's combined streams name theirs in it (/stream?streams=a/b).
                handshake(ctx, request, uri.rawQuery().isEmpty() ? uri.path() : uri.path() + "?" + uri.rawQuery());
            } else if (upgrade) {
                respond(ctx, request, RestResponse.of(404, "{\"error\":\"no stream at " + uri.path() + "\"}"));
            } else {
                stats.restRequests.incrementAndGet();
                RestResponse response = faults.takeRestFault()
                        .map(fault -> {
                            stats.restFaults.incrementAndGet();
                            return venue.fault(fault, clock.instant());
                        })
                        .orElseGet(() -> venue.rest(new RestRequest(uri.path(), uri.parameters()), market, clock.instant()));
                respond(ctx, request, response);
            }
        }

        private void handshake(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
            String url = "ws://" + request.headers().get(HttpHeaderNames.HOST, host) + request.uri();
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, true, MAX_FRAME).newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            Channel channel = ctx.channel();
            SimConnection connection = new SimConnection(channel, venue, market, clock, faults, stats,
                    venue.name() + "-" + connectionIds.incrementAndGet());
            handshaker.handshake(channel, request).addListener(done -> {
                if (!done.isSuccess()) {
                    LOG.warn("{} handshake failed: {}", venue.name(), done.cause().toString());
                    channel.close();
                    return;
                }
                channel.pipeline().replace(this, "ws-aggregator", new WebSocketFrameAggregator(MAX_FRAME));
                channel.pipeline().addLast("ws", new FrameHandler(handshaker, connection));
                connections.put(channel, connection);
                channel.closeFuture().addListener(f -> connections.remove(channel));
                connection.start(path, tickInterval, firehose);
                int gate = firehose.map(FirehosePace::startWhenConnected).orElse(0);
                if (gate > 0 && connections.size() >= gate) {
                    connections.values().forEach(SimConnection::startFirehose); // those already started ignore it
                }
            });
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest request, RestResponse response) {
            FullHttpResponse http = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.valueOf(response.status()),
                    Unpooled.copiedBuffer(response.body(), StandardCharsets.UTF_8));
            http.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            response.headers().forEach(http.headers()::set);
            HttpUtil.setContentLength(http, http.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(http, keepAlive);
            var written = ctx.writeAndFlush(http);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private static final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final WebSocketServerHandshaker handshaker;
        private final SimConnection connection;

        FrameHandler(WebSocketServerHandshaker handshaker, SimConnection connection) {
            this.handshaker = handshaker;
            this.connection = connection;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                connection.onClientText(text.text());
            } else if (frame instanceof PingWebSocketFrame) {
                connection.clientActive();
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof PongWebSocketFrame) {
                connection.onClientPong();
            } else if (frame instanceof CloseWebSocketFrame) {
                handshaker.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            connection.writable();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection {} failed: {}", connection.id(), cause.toString());
            ctx.close();
        }
    }
}
