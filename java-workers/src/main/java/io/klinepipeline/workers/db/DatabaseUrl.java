package io.klinepipeline.workers.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The database to use, from a JDBC URL ({@code jdbc:postgresql://host:5432/db?user=u&password=p})
 * or a libpq-style URL ({@code postgresql://u:p@host:5432/db}), as given in {@code KLINE_DATABASE_URL}.
 * A libpq-style URL to a loopback address without an sslmode gets {@code sslmode=disable}.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
    /** The environment variable that names the database. */
    public static final String ENV = "KLINE_DATABASE_URL";
    /** The local server that {@code make run} starts (scripts/ensure-postgres.sh). */
    public static final String LOCAL_DEFAULT = "postgresql://kline:kline@127.0.0.1:5432/kline";

    /** From the environment, or the local default. */
    public static DatabaseUrl fromEnvironment(java.util.Map<String, String> env) {
        String value = env.get(ENV);
        return parse(value == null || value.isBlank() ? LOCAL_DEFAULT : value);
    }

    /** Parses either form; throws IllegalArgumentException naming the problem (never echoing a password). */
    public static DatabaseUrl parse(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(url, null, null);
        }
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new IllegalArgumentException(ENV + " must start with jdbc:postgresql:, postgresql:// or postgres://");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENV + " is not a valid URL (" + e.getReason() + ")");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? (user == null ? "postgres" : user) : uri.getPath().substring(1);
        List<String> params = new ArrayList<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                // libpq's sslmode means the same to the JDBC driver; other libpq-only keys are passed through.
                params.add(pair);
            }
        }
        if (isLoopback(host) && params.stream().noneMatch(p -> p.startsWith("sslmode="))) {
            // The JDBC driver's default, sslmode=prefer, encrypts even a connection to this machine:
            // about a fifth of a bronze load's CPU (make bench, bronze-load) for traffic that never
            // leaves the host. Only for a loopback address written as such, or localhost (RFC 6761
            // reserves it for loopback); never for another name, and only when the URL names no
            // sslmode: an explicit one (require, verify-full) is kept as written.
            params.add("sslmode=disable");
        }
        String jdbc = "jdbc:postgresql://" + host + ":" + port + "/" + database + (params.isEmpty() ? "" : "?" + String.join("&", params));
        return new DatabaseUrl(jdbc, user, password);
    }

    /** 127.0.0.0/8, ::1 and "localhost", as written; no host name is resolved here. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** The same server, another database. */
    public DatabaseUrl withDatabase(String database) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String rebuilt = "jdbc:postgresql://" + uri.getRawAuthority() + "/" + database + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new DatabaseUrl(rebuilt, user, password);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return jdbcUrl.replaceAll("password=[^&]*", "password=***") + (user == null ? "" : " (user " + user + ")");
    }
}
