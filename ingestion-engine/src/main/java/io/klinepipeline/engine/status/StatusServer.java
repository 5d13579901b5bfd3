package io.klinepipeline.engine.status;

import io.klinepipeline.config.StatusAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine's /health and /metrics over HTTP/1.1, on one event loop thread of its own. */
public final class StatusServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
    /** Requests are a line and a few headers; anything with a body this large is not a scraper. */
    private static final int MAX_REQUEST_BYTES = 8 * 1024;
    /** A client that opens a connection and sends nothing is cut off after this many seconds. */
    private static final int READ_TIMEOUT_SECONDS = 30;

    private final EventLoopGroup group;
    private final Channel channel;

    private StatusServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code address} (port 0: any free port) and serves until {@link #close()}. */
    public static StatusServer start(StatusAddress address, EngineStatus status, EngineMeters meters) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("status-http", true),
                NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                                    new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                    new StatusHandler(status, meters));
                        }
                    })
                    .bind(address.host(), address.port()).sync().channel();
            StatusServer server = new StatusServer(group, channel);
            log.info("[status] serving /health and /metrics on http://{}", server.addressText());
            return server;
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("cannot serve /health and /metrics on " + address + " (engine.status_address): " + e, e);
        }
    }

    /** The address bound, with the port chosen when the configured one was 0. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    private String addressText() {
        InetSocketAddress bound = address();
        String host = bound.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
