package io.klinepipeline.workers.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy between a worker and PostgreSQL that fails the way a server restart or a network
 * fault does: {@link #cutAll} resets every open connection mid-stream, {@link #refuse} closes the
 * listening port so new connections are refused, {@link #accept} opens it again on the same port.
 */
final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final List<Socket> open = new ArrayList<>();
    private ServerSocket listener;

    TcpProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        ServerSocket first = new ServerSocket();
        first.setReuseAddress(true);
        first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.port = first.getLocalPort();
        listen(first);
    }

    int port() {
        return port;
    }

    /** Resets every proxied connection, both sides, as a crashed server or a broken link would. */
    synchronized void cutAll() {
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    /** Closes the port: connection attempts are refused until {@link #accept}. */
    synchronized void refuse() throws IOException {
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    /** Listens again on the same port. */
    synchronized void accept() throws IOException {
        if (listener == null) {
            ServerSocket again = new ServerSocket();
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listen(again);
        }
    }

    private synchronized void listen(ServerSocket socket) {
        listener = socket;
        Thread acceptor = new Thread(() -> acceptLoop(socket), "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // refused or closed
            }
            try {
                Socket server = new Socket(target.getAddress(), target.getPort());
                synchronized (this) {
                    open.add(client);
                    open.add(server);
                }
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side is gone, or cutAll reset it: the reset reaches the peer below.
            } finally {
                reset(from);
                reset(to);
            }
        }, "tcp-proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private static void reset(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0); // RST, not FIN: the peer sees "connection reset"
                socket.close();
            }
        } catch (SocketException e) {
            // already closed
        } catch (IOException e) {
            // nothing more to do for a socket we are throwing away
        }
    }

    @Override
    public synchronized void close() throws IOException {
        refuse();
        cutAll();
    }
}
