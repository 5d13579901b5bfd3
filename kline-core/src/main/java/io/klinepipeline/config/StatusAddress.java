package io.klinepipeline.config;

import java.util.Optional;

/**
 * Where the engine serves /health and /metrics: {@code engine.status_address}, {@code host:port}
 * ({@code [::1]:9464} for an IPv6 literal), port 0 for any free port, or {@code off}.
 */
public record StatusAddress(String host, int port) {
    static final String DEFAULT = "127.0.0.1:9464";
    private static final String OFF = "off";

    public StatusAddress {
        if (host.isBlank() || port < 0 || port > 65_535) {
            throw new IllegalArgumentException("not a listening address: " + host + ":" + port);
        }
    }

    /** The value of a {@code status_address} key; empty for {@code off}. */
    static Optional<StatusAddress> parse(String key, String text) {
        String value = text.trim();
        if (value.equalsIgnoreCase(OFF)) {
            return Optional.empty();
        }
        int colon = value.lastIndexOf(':');
        String problem = "must be host:port (for example 127.0.0.1:9464; port 0 picks a free port) or off, not '" + text + "'";
        if (colon <= 0 || colon == value.length() - 1) {
            throw ConfigNode.error(key, problem);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw ConfigNode.error(key, "an IPv6 address goes in brackets ([::1]:9464), not '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw ConfigNode.error(key, problem);
        }
        if (host.isBlank() || port < 0 || port > 65_535) {
            throw ConfigNode.error(key, problem + " (the port is 0 to 65535)");
        }
        return Optional.of(new StatusAddress(host, port));
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
