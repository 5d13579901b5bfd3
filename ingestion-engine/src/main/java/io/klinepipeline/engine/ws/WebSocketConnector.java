package io.klinepipeline.engine.ws;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Opens one WebSocket connection and assembles its pipeline, the only place that does:
 * (TLS) → HTTP codec → HTTP aggregator (handshake response) → WebSocket protocol
 * (handshake, ping → pong with the same payload, close on our side) → continuation-frame
 * aggregator → {@link StreamFrameHandler}.
 */
public final class WebSocketConnector {
    static final int MAX_FRAME_BYTES = 1 << 20;
    static final int MAX_MESSAGE_BYTES = 4 << 20;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final Clock clock;
    private final Duration idleTimeout;
    private final Optional<SslContext> tls;
    private final AddressResolverGroup<?> resolver;

    /**
     * @param tls for wss URLs; empty when every URL is plain ws (building a TLS context takes a while)
     * @param resolver looks host names up without blocking the event loop
     */
    public WebSocketConnector(Clock clock, Duration idleTimeout, Optional<SslContext> tls, AddressResolverGroup<?> resolver) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.tls = tls;
        this.resolver = resolver;
    }

    /** Netty's asynchronous DNS resolver, reading the system's resolv.conf and hosts file; close it at shutdown. */
    public static AddressResolverGroup<?> nonBlockingDns() {
        return new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(NioDatagramChannel.class)
                .socketChannelType(NioSocketChannel.class)
                .nameServerProvider(DnsServerAddressStreamProviders.platformDefault()));
    }

    /** TLS with the JDK's default trust store and hostname verification. */
    public static SslContext defaultTls() throws SSLException {
        return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
    }

    /** Starts connecting on {@code loop}; watch the returned connection's {@link StreamConnection#ready()}. */
    /**
     * @param label names the connection in logs
     * @param id names it in every JSONL line it delivers; unique across engine runs
     */
    public StreamConnection connect(EventLoop loop, StreamTarget target, String label, String id) {
        URI uri = target.uri();
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        NioSocketChannel channel = new NioSocketChannel();
        StreamConnection connection = new StreamConnection(label, id, channel, loop);
        ChannelFactory<NioSocketChannel> thisChannel = () -> channel; // one pre-made channel, so the connection knows it
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(thisChannel)
                .resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        assemble(ch, connection, target, secure, host, port);
                    }
                });
        ChannelFuture connected = bootstrap.connect(host, port);
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                connection.markFailed(f.cause());
            }
        });
        return connection;
    }

    private void assemble(Channel ch, StreamConnection connection, StreamTarget target, boolean secure, String host, int port) {
        ChannelPipeline pipeline = ch.pipeline();
        if (secure) {
            SslContext context = tls.orElseThrow(() -> new IllegalStateException("no TLS context for " + target.uri()));
            pipeline.addLast("tls", context.newHandler(ch.alloc(), host, port));
        }
        pipeline.addLast("http", new HttpClientCodec());
        pipeline.addLast("http-aggregator", new HttpObjectAggregator(64 * 1024));
        pipeline.addLast("websocket", new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(target.uri())
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .handleCloseFrames(false) // StreamFrameHandler logs the server's reason, then closes
                .sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                // Netty's validator closes the connection on invalid UTF-8; StreamFrameHandler
                // decodes strictly itself and dead-letters such a frame instead.
                .withUTF8Validator(false)
                .build()));
        pipeline.addLast("frame-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
        pipeline.addLast("stream", new StreamFrameHandler(connection, target, clock, idleTimeout));
    }
}
