package io.klinepipeline.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of an S3 endpoint (normally {@link LocalS3}) that fails
 * the way S3 and the network between fail, switched at run time: S3's 500 and 503 error
 * answers (with S3's XML error body), connections reset after the request was read, requests
 * that are read and never answered, and PUTs that reach S3 but whose answer is lost. Every
 * request it handles is recorded, with whether it reached S3 and what S3 answered.
 *
 * <p>One thread per client connection, one upstream connection per client connection (reused
 * for its keep-alive requests). Understands Content-Length and chunked bodies and answers
 * {@code Expect: 100-continue} itself, so the upstream never sees that header.
 */
public final class FaultyS3Proxy implements AutoCloseable {

    /** What the proxy does with each request while the fault is on. */
    public enum Fault {
        /** Forwards every request and relays the answer. */
        NONE("healthy"),
        /** Answers 500 InternalError. */
        INTERNAL_ERROR("HTTP 500 InternalError"),
        /** Answers 503 ServiceUnavailable. */
        SERVICE_UNAVAILABLE("HTTP 503 ServiceUnavailable"),
        /** Answers 503 SlowDown, S3's request-rate throttling. */
        SLOW_DOWN("HTTP 503 SlowDown"),
        /** Reads the request, then resets the connection (TCP RST). */
        RESET("connection reset"),
        /** Reads the request and never answers; the connection stays open until the client gives up. */
        STALL("stalled connection"),
        /** Forwards PUTs to S3, then resets the connection instead of relaying S3's answer; other requests pass. */
        LOSE_PUT_RESPONSE("PUT stored, response lost");

        private final String description;

        Fault(String description) {
            this.description = description;
        }

        /** A short phrase for logs and the fault table. */
        public String description() {
            return description;
        }
    }

    /**
     * One request the proxy handled.
     *
     * @param status what S3 answered, or what the proxy answered itself; 0 when nobody answered
     * @param reachedS3 the request was forwarded to S3
     * @param answered the client got an answer
     */
    public record Request(String method, String path, Fault fault, int status, boolean reachedS3, boolean answered) {
        public boolean storedAnObject() {
            return "PUT".equals(method) && reachedS3 && status >= 200 && status < 300;
        }
    }

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "faulty-s3-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger errorIds = new AtomicInteger();
    private volatile Fault fault = Fault.NONE;
    private volatile long faultEndsNanos = Long.MAX_VALUE;
    private volatile boolean closed;

    public FaultyS3Proxy(URI upstream) throws IOException {
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** {@code http://127.0.0.1:<port>}, the endpoint to give the S3 client instead of the real one. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Turns {@code fault} on until {@link #heal()}. */
    public void inject(Fault fault) {
        inject(fault, null);
    }

    /** Turns {@code fault} on for {@code duration}; null for until {@link #heal()}. */
    public void inject(Fault fault, Duration duration) {
        faultEndsNanos = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        this.fault = fault;
    }

    /** Back to forwarding everything. Requests already stalled stay stalled. */
    public void heal() {
        fault = Fault.NONE;
    }

    /** The fault in force now. */
    public Fault fault() {
        Fault now = fault;
        if (now != Fault.NONE && System.nanoTime() - faultEndsNanos >= 0) {
            fault = Fault.NONE;
            return Fault.NONE;
        }
        return now;
    }

    /** Every request handled so far, in the order they were finished. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(client);
            threads.execute(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        Socket s3 = null;
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (!closed) {
                Head head = Head.read(in);
                if (head == null) {
                    return;
                }
                if (head.removeHeader("Expect") != null) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                byte[] body = readBody(in, head);
                Fault now = fault();
                switch (now) {
                    case NONE -> {
                        s3 = s3 != null ? s3 : connectUpstream();
                        int status = forward(head, body, s3, out);
                        requests.add(new Request(head.method(), head.path(), now, status, true, true));
                        if (status < 0) {
                            return;
                        }
                    }
                    case INTERNAL_ERROR -> answerError(head, out, now, 500, "InternalError",
                            "We encountered an internal error. Please try again.");
                    case SERVICE_UNAVAILABLE -> answerError(head, out, now, 503, "ServiceUnavailable",
                            "Service is unable to handle request.");
                    case SLOW_DOWN -> answerError(head, out, now, 503, "SlowDown", "Please reduce your request rate.");
                    case RESET -> {
                        requests.add(new Request(head.method(), head.path(), now, 0, false, false));
                        reset(client);
                        return;
                    }
                    case STALL -> {
                        requests.add(new Request(head.method(), head.path(), now, 0, false, false));
                        // Never answer: wait until the client gives up and closes (or the proxy closes).
                        while (in.read() >= 0) {
                            // discard whatever else the client sends
                        }
                        return;
                    }
                    case LOSE_PUT_RESPONSE -> {
                        s3 = s3 != null ? s3 : connectUpstream();
                        if (!"PUT".equals(head.method())) {
                            int status = forward(head, body, s3, out);
                            requests.add(new Request(head.method(), head.path(), Fault.NONE, status, true, true));
                            continue;
                        }
                        int status = forward(head, body, s3, OutputStream.nullOutputStream());
                        requests.add(new Request(head.method(), head.path(), now, status, true, false));
                        reset(client);
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // the client or S3 went away: nothing to relay
        } finally {
            sockets.remove(client);
            if (s3 != null) {
                sockets.remove(s3);
                closeQuietly(s3);
            }
        }
    }

    private Socket connectUpstream() throws IOException {
        Socket socket = new Socket();
        socket.connect(upstream, 5_000);
        sockets.add(socket);
        return socket;
    }

    /** Sends the request to S3 and relays the answer to {@code out}; returns S3's status, or -1 when S3 closes after it. */
    private static int forward(Head head, byte[] body, Socket s3, OutputStream out) throws IOException {
        OutputStream toS3 = s3.getOutputStream();
        toS3.write(head.bytes());
        toS3.write(body);
        toS3.flush();
        InputStream fromS3 = s3.getInputStream();
        Head response;
        do {
            response = Head.read(fromS3);
            if (response == null) {
                throw new IOException("S3 closed the connection without answering " + head.requestLine());
            }
        } while (response.status() == 100);
        ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        relayed.write(response.bytes());
        boolean noBody = "HEAD".equals(head.method()) || response.status() == 204 || response.status() == 304;
        boolean untilClose = false;
        if (!noBody) {
            if (response.header("Content-Length") == null && !response.chunked()) {
                untilClose = true;
                fromS3.transferTo(relayed);
            } else {
                relayed.write(readBody(fromS3, response));
            }
        }
        out.write(relayed.toByteArray());
        out.flush();
        boolean closes = untilClose || "close".equalsIgnoreCase(response.header("Connection"));
        return closes ? -1 : response.status();
    }

    private void answerError(Head head, OutputStream out, Fault now, int status, String code, String message)
            throws IOException {
        String requestId = "FAULT" + errorIds.incrementAndGet();
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><Resource>" + head.path() + "</Resource><RequestId>" + requestId + "</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        String reason = status == 500 ? "Internal Server Error" : "Service Unavailable";
        String headers = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "x-amz-request-id: " + requestId + "\r\n"
                + "\r\n";
        out.write(headers.getBytes(StandardCharsets.ISO_8859_1));
        if (!"HEAD".equals(head.method())) {
            out.write(body);
        }
        out.flush();
        requests.add(new Request(head.method(), head.path(), now, status, false, true));
    }

    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0); // close() then sends RST instead of FIN
        socket.close();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The body that follows {@code head} on {@code in}, as bytes to relay verbatim (chunk framing included). */
    private static byte[] readBody(InputStream in, Head head) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head.chunked()) {
            while (true) {
                String sizeLine = readLine(in);
                body.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
                if (size == 0) {
                    for (String trailer = readLine(in); !trailer.isEmpty(); trailer = readLine(in)) {
                        body.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    }
                    body.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size));
                body.write((readLine(in) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        String length = head.header("Content-Length");
        if (length == null) {
            return new byte[0];
        }
        int n = Integer.parseInt(length.trim());
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new IOException("body ended after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    /** A line without its CRLF; throws at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        String line = readLineOrNull(in);
        if (line == null) {
            throw new SocketException("connection closed mid-message");
        }
        return line;
    }

    private static String readLineOrNull(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : new String(line.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    /** The start line and headers of a request or response. */
    private static final class Head {
        private final String startLine;
        private final List<String[]> headers;

        private Head(String startLine, List<String[]> headers) {
            this.startLine = startLine;
            this.headers = headers;
        }

        /** The next head on {@code in}, or null at a clean end of stream. */
        static Head read(InputStream in) throws IOException {
            String start = readLineOrNull(in);
            if (start == null) {
                return null;
            }
            List<String[]> headers = new ArrayList<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            return new Head(start, headers);
        }

        String requestLine() {
            return startLine;
        }

        String method() {
            return startLine.split(" ", 2)[0];
        }

        String path() {
            String[] parts = startLine.split(" ");
            return parts.length > 1 ? parts[1] : "";
        }

        int status() {
            return Integer.parseInt(startLine.split(" ")[1]);
        }

        String header(String name) {
            for (String[] header : headers) {
                if (header[0].equalsIgnoreCase(name)) {
                    return header[1];
                }
            }
            return null;
        }

        String removeHeader(String name) {
            String value = header(name);
            headers.removeIf(h -> h[0].equalsIgnoreCase(name));
            return value;
        }

        boolean chunked() {
            String encoding = header("Transfer-Encoding");
            return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
        }

        byte[] bytes() {
            StringBuilder text = new StringBuilder(startLine).append("\r\n");
            for (String[] header : headers) {
                text.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
            return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
