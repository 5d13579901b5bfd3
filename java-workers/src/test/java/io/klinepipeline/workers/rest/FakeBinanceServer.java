package io.klinepipeline.workers.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A local HTTP server speaking Binance spot's {@code GET /api/v3/klines}: rows of 12 elements
 * ({@code [open ms, "o", "h", "l", "c", "volume", close ms, "quote volume", trades, "taker base",
 * "taker quote", "0"]}), oldest first, open times bounded inclusively by startTime and endTime, at
 * most {@code limit} rows (default 500, more than 1000 is Binance's error -1130). Responses can be
 * scripted (429, 418, ...) for the next requests; every request is recorded. Public for the fault
 * tests of other packages.
 */
public final class FakeBinanceServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server saw it. */
    record Request(String symbol, long startTime, long endTime, int limit) {
        Instant from() {
            return Instant.ofEpochMilli(startTime);
        }

        Instant toExclusive() {
            return Instant.ofEpochMilli(endTime + 1);
        }
    }

    /** A canned response; {@link #NORMAL} serves the data as usual. */
    record Scripted(int status, Map<String, String> headers, String body) {}

    static final Scripted NORMAL = new Scripted(0, Map.of(), "");

    private final HttpServer server;
    private final Map<String, NavigableMap<Long, JsonNode>> rows = new HashMap<>();
    private final Deque<Scripted> scripted = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private boolean ignoreEndTime;
    private String usedWeight = "2";

    private FakeBinanceServer(HttpServer server) {
        this.server = server;
    }

    public static FakeBinanceServer start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeBinanceServer fake = new FakeBinanceServer(http);
        http.createContext("/", fake::handle);
        http.start();
        return fake;
    }

    /** The base URL to configure as rest_url. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A synthetic row for every minute in [from, toExclusive) except the given ones. */
    public synchronized void addMinutes(String symbol, Instant from, Instant toExclusive, Instant... except) {
        List<Instant> skip = List.of(except);
        for (Instant m = from; m.isBefore(toExclusive); m = m.plusSeconds(60)) {
            if (!skip.contains(m)) {
                addRow(symbol, syntheticRow(m));
            }
        }
    }

    synchronized void addRow(String symbol, JsonNode row) {
        rows.computeIfAbsent(symbol, s -> new TreeMap<>()).put(row.get(0).longValue(), row);
    }

    /** The next requests get these responses, in order, before normal service resumes. */
    synchronized void respondNext(Scripted... responses) {
        scripted.addAll(List.of(responses));
    }

    /** Misbehave like a server that returns everything from startTime on, up to the limit. */
    synchronized void ignoreEndTime() {
        ignoreEndTime = true;
    }

    /** The X-MBX-USED-WEIGHT-1M header of normal responses. */
    synchronized void usedWeight(int weight) {
        usedWeight = Integer.toString(weight);
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * A deterministic row in Binance's exact format for one minute. Prices, volumes and the trade
     * count depend on the minute, so a stored value tells which row it came from.
     */
    static ArrayNode syntheticRow(Instant minute) {
        long t = minute.toEpochMilli();
        long k = (t / 60_000) % 1000;
        BigDecimal open = new BigDecimal(60_000 + k).add(new BigDecimal("0.01"));
        BigDecimal volume = new BigDecimal(10 + k).divide(new BigDecimal(7), 8, RoundingMode.HALF_UP);
        BigDecimal quote = volume.multiply(open.add(BigDecimal.ONE)).setScale(8, RoundingMode.HALF_UP);
        ArrayNode row = JSON.createArrayNode();
        row.add(t);
        row.add(decimal(open));
        row.add(decimal(open.add(new BigDecimal("5.5"))));
        row.add(decimal(open.subtract(new BigDecimal("4.25"))));
        row.add(decimal(open.add(BigDecimal.ONE)));
        row.add(decimal(volume));
        row.add(t + 59_999);
        row.add(decimal(quote));
        row.add((int) (100 + k));
        row.add(decimal(volume.divide(new BigDecimal(2), 8, RoundingMode.HALF_UP)));
        row.add(decimal(quote.divide(new BigDecimal(2), 8, RoundingMode.HALF_UP)));
        row.add("0");
        return row;
    }

    private static String decimal(BigDecimal value) {
        return value.setScale(8, RoundingMode.HALF_UP).toPlainString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) || !"/api/v3/klines".equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, Map.of(), "<html><body><h1>404 Not found</h1></body></html>");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI());
            Scripted response;
            synchronized (this) {
                String symbol = query.get("symbol");
                if (symbol == null || !"1m".equals(query.get("interval")) || !query.containsKey("startTime")
                        || !query.containsKey("endTime")) {
                    send(exchange, 400, Map.of(), "{\"code\":-1102,\"msg\":\"Mandatory parameter was not sent, was empty/null, or malformed.\"}");
                    return;
                }
                int limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : 500;
                long start = Long.parseLong(query.get("startTime"));
                long end = Long.parseLong(query.get("endTime"));
                requests.add(new Request(symbol, start, end, limit));
                Scripted next = scripted.poll();
                if (next != null && next != NORMAL) {
                    response = next;
                } else if (limit < 1 || limit > 1000) {
                    response = new Scripted(400, Map.of(), "{\"code\":-1130,\"msg\":\"Data sent for parameter 'limit' is not valid.\"}");
                } else {
                    NavigableMap<Long, JsonNode> all = rows.getOrDefault(symbol, new TreeMap<>());
                    NavigableMap<Long, JsonNode> selected = ignoreEndTime ? all.tailMap(start, true) : all.subMap(start, true, end, true);
                    ArrayNode body = JSON.createArrayNode();
                    selected.values().stream().limit(limit).forEach(body::add);
                    response = new Scripted(200, Map.of("X-MBX-USED-WEIGHT-1M", usedWeight), JSON.writeValueAsString(body));
                }
            }
            send(exchange, response.status(), response.headers(), response.body());
        }
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
