package io.klinepipeline.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A mapping of pipeline.yaml that knows its own dotted key, so that every validation message
 * names the key a user has to fix.
 */
final class ConfigNode {
    private static final Duration MAX_DURATION = Duration.ofDays(36_500);
    private final JsonNode node;
    private final String path;

    ConfigNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
        if (node != null && !node.isNull() && !node.isObject()) {
            throw error(path, "must be a mapping");
        }
    }

    static ConfigException error(String key, String problem) {
        return new ConfigException("pipeline.yaml: " + (key.isEmpty() ? "(top level)" : key) + ": " + problem);
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    boolean isMissing() {
        return node == null || node.isNull();
    }

    /** Unknown keys are an error: a typo must not silently fall back to a default. */
    ConfigNode allowOnly(String... names) {
        if (isMissing()) {
            return this;
        }
        Set<String> allowed = Set.of(names);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw error(key(name), "unknown key (known keys here: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    private JsonNode raw(String name) {
        JsonNode value = isMissing() ? null : node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    ConfigNode child(String name) {
        return new ConfigNode(raw(name), key(name));
    }

    String requiredString(String name) {
        String value = optionalString(name, null);
        if (value == null || value.isBlank()) {
            throw error(key(name), "is required");
        }
        return value;
    }

    String optionalString(String name, String defaultValue) {
        JsonNode value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isValueNode() || value.isBoolean()) {
            throw error(key(name), "must be a string");
        }
        return value.asText();
    }

    boolean optionalBoolean(String name, boolean defaultValue) {
        JsonNode value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw error(key(name), "must be true or false, not '" + value.asText() + "'");
        }
        return value.booleanValue();
    }

    long optionalPositiveLong(String name, long defaultValue) {
        JsonNode value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() <= 0) {
            throw error(key(name), "must be a positive whole number, not '" + value.asText() + "'");
        }
        long max = maxDuration(name);
        if (value.longValue() > max) {
            throw error(key(name), "must be at most " + max + " (100 years), not " + value.asText());
        }
        return value.longValue();
    }

    /**
     * A duration key (named {@code _ms} or {@code _seconds}) is at most 100 years: longer ones are
     * typos, and the largest would overflow the time arithmetic done with them (Instant plus, and
     * nanoseconds, which overflow past 292 years). Tests set bounds of years to mean "never".
     */
    private static long maxDuration(String name) {
        if (name.endsWith("_ms")) {
            return MAX_DURATION.toMillis();
        }
        if (name.endsWith("_seconds")) {
            return MAX_DURATION.toSeconds();
        }
        return Long.MAX_VALUE;
    }

    /**
     * A path, relative ones resolved against {@code baseDir}. Not empty (that would be the config's
     * own folder), and without control characters, which no file system should be handed.
     */
    Path optionalPath(String name, String defaultValue, Path baseDir) {
        String text = optionalString(name, defaultValue);
        if (text.isBlank()) {
            throw error(key(name), "must not be empty");
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw error(key(name), "must not contain control characters");
        }
        try {
            return baseDir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw error(key(name), "is not a valid path: " + e.getMessage());
        }
    }

    /** A share between 0 and 1, both included (0.01 is one in a hundred). */
    double optionalFraction(String name, double defaultValue) {
        JsonNode value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue()) || value.doubleValue() < 0 || value.doubleValue() > 1) {
            throw error(key(name), "must be a number from 0 to 1 (0.01 is 1 %), not '" + value.asText() + "'");
        }
        return value.doubleValue();
    }

    URI requiredUri(String name, Set<String> schemes) {
        return parseUri(name, requiredString(name), schemes);
    }

    URI optionalUri(String name, Set<String> schemes) {
        String text = optionalString(name, null);
        return text == null ? null : parseUri(name, text, schemes);
    }

    private URI parseUri(String name, String text, Set<String> schemes) {
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (uri.getScheme() == null || !schemes.contains(uri.getScheme()) || uri.getHost() == null) {
                throw error(key(name), "must be an absolute " + String.join(" or ", new TreeSet<>(schemes))
                        + " URL with a host, not '" + text + "'");
            }
            // The exchanges append their paths and parameters to it; credentials in it would be logged.
            if (uri.getRawUserInfo() != null) {
                throw error(key(name), "must not carry a user or password (user@host): credentials come from the environment");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw error(key(name), "must not have a query (?...) or fragment (#...), not '" + text + "'");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65_535) {
                throw error(key(name), "has no valid port (1-65535): '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw error(key(name), "is not a valid URL: " + e.getMessage());
        }
    }

    Instant requiredInstant(String name) {
        String text = requiredString(name);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw error(key(name), "must be an ISO-8601 UTC timestamp such as 2026-11-01T00:00:00Z, not '" + text + "'");
        }
    }

    List<String> requiredStringList(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            throw error(key(name), "is required");
        }
        if (!value.isArray()) {
            throw error(key(name), "must be a list");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual()) {
                throw error(key(name) + "[" + i + "]", "must be a string");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A mapping of names to sub-mappings, in file order. */
    Map<String, ConfigNode> children() {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (!isMissing()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), new ConfigNode(e.getValue(), key(e.getKey()))));
        }
        return out;
    }

    /** A mapping of names to strings, in file order. */
    Map<String, String> stringMap(String name) {
        JsonNode value = raw(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!value.isObject()) {
            throw error(key(name), "must be a mapping");
        }
        value.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw error(key(name) + "." + e.getKey(), "must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }
}
