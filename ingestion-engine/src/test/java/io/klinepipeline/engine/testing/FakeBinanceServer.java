package io.klinepipeline.engine.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local WebSocket server that speaks Binance's raw stream protocol on
 * {@code /ws/<symbol>@kline_1m}. The test drives each accepted connection: send frames, ping,
 * drop. Every frame whose write succeeded on an open connection is remembered in order.
 */
public final class FakeBinanceServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel serverChannel;
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();

    private final SslContext tls;

    public FakeBinanceServer() throws InterruptedException {
        this(null);
    }

    /** @param tls the server's TLS context, for a {@code wss://} server; null for plain {@code ws://} */
    public FakeBinanceServer(SslContext tls) throws InterruptedException {
        this.tls = tls;
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws")
                                        .checkStartsWith(true)
                                        .dropPongFrames(false)
                                        .sendCloseFrame(null) // drop() cuts the TCP connection, no close frame
                                        .build()),
                                new ServerHandler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /** {@code ws://127.0.0.1:<port>} (or wss), the value for ws_url. */
    public URI wsBase() {
        return URI.create((tls == null ? "ws" : "wss") + "://127.0.0.1:" + ((InetSocketAddress) serverChannel.localAddress()).getPort());
    }

    /** The next connection that completed its handshake. */
    public Connection awaitConnection(Duration timeout) throws InterruptedException {
        Connection connection = accepted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (connection == null) {
            throw new AssertionError("no WebSocket connection within " + timeout);
        }
        return connection;
    }

    /** Every frame successfully sent on an open connection, in order. */
    public List<String> sent() {
        return List.copyOf(sent);
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One accepted client connection. */
    public final class Connection {
        private final Channel channel;
        private final String path;
        private final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        private final BlockingQueue<String> clientTexts = new LinkedBlockingQueue<>();
        private final List<String> sentHere = new CopyOnWriteArrayList<>();

        Connection(Channel channel, String path) {
            this.channel = channel;
            this.path = path;
        }

        /** The request path, e.g. {@code /ws/btcusdt@kline_1m}. */
        public String path() {
            return path;
        }

        /** Sends one text frame and waits until it is written; remembers it as sent. */
        public void send(String text) {
            channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
            sent.add(text);
            sentHere.add(text);
        }

        /** Sends a text frame made of these bytes as they are, valid UTF-8 or not; not remembered as sent. */
        public void sendRawText(byte[] bytes) {
            channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
        }

        /** The frames sent on this connection, in order. */
        public List<String> sent() {
            return List.copyOf(sentHere);
        }

        public void ping(String payload) {
            channel.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)))
                    .syncUninterruptibly();
        }

        /** The payload of the next pong the client sent, or null after the timeout. */
        public String awaitPong(Duration timeout) throws InterruptedException {
            return pongs.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The next text frame the client sent (subscribe messages, client pings), or null after the timeout. */
        public String awaitClientText(Duration timeout) throws InterruptedException {
            return clientTexts.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Cuts the TCP connection without a close frame, as a network failure would. */
        public void drop() {
            channel.close().syncUninterruptibly();
        }

        public boolean isOpen() {
            return channel.isActive();
        }

        /** Waits until the connection is closed (by either side); true if it closed in time. */
        public boolean awaitClosed(Duration timeout) {
            return channel.closeFuture().awaitUninterruptibly(timeout.toMillis());
        }
    }

    private final class ServerHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private Connection connection;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
                connection = new Connection(ctx.channel(), handshake.requestUri());
                accepted.add(connection);
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // e.g. a TLS handshake the client refused: the test asserts on the client's side
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof PongWebSocketFrame pong) {
                connection.pongs.add(pong.content().toString(StandardCharsets.UTF_8));
            } else if (frame instanceof TextWebSocketFrame text) {
                connection.clientTexts.add(text.text());
            }
        }
    }
}
