package io.klinepipeline.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One metadata entry as sent in Pipes messages: {@code {"raw_value": ..., "type": T}} with exactly
 * those two keys. The factories mirror Dagster's {@code MetadataValue} constructors; a raw value
 * ({@link #ofRaw}) gets type {@code __infer__}, which is what the Python client sends for a bare value.
 */
public record MetadataValue(String type, JsonNode rawValue) {

    /** The type Dagster infers from the raw value on the orchestration side. */
    public static final String INFER = "__infer__";

    /** Every type name Dagster 1.13 accepts ({@code PipesMetadataType} in dagster_pipes). */
    public static final Set<String> TYPES = Set.of(
            INFER, "text", "url", "path", "notebook", "json", "md", "float", "int", "bool",
            "dagster_run", "asset", "null", "table", "table_schema", "table_column_lineage", "timestamp");

    public MetadataValue {
        Objects.requireNonNull(type, "type");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException(
                    "Unknown metadata type \"" + type + "\"; expected one of " + TYPES);
        }
        rawValue = rawValue == null ? NullNode.getInstance() : rawValue.deepCopy();
    }

    /** The raw value, as a copy: callers cannot change a value after it was built. */
    @Override
    public JsonNode rawValue() {
        return rawValue.deepCopy();
    }

    /** A value of any type, for the types without a dedicated factory (table, asset, dagster_run...). */
    public static MetadataValue of(String type, Object rawValue) {
        return new MetadataValue(type, PipesJson.MAPPER.valueToTree(rawValue));
    }

    /** A bare value whose type Dagster infers (string, number, bool, list, map or null). */
    public static MetadataValue ofRaw(Object rawValue) {
        return of(INFER, rawValue);
    }

    public static MetadataValue ofText(String text) {
        return new MetadataValue("text", JsonNodeFactory.instance.textNode(requireArg(text, "text")));
    }

    /** Markdown, e.g. a preview table of the written rows. */
    public static MetadataValue ofMd(String markdown) {
        return new MetadataValue("md", JsonNodeFactory.instance.textNode(requireArg(markdown, "md")));
    }

    public static MetadataValue ofUrl(String url) {
        return new MetadataValue("url", JsonNodeFactory.instance.textNode(requireArg(url, "url")));
    }

    public static MetadataValue ofPath(String path) {
        return new MetadataValue("path", JsonNodeFactory.instance.textNode(requireArg(path, "path")));
    }

    public static MetadataValue ofPath(Path path) {
        return ofPath(requireArg(path, "path").toString());
    }

    /** Structured detail: {@code value} must serialize to a JSON object or array, as Dagster's json type requires. */
    public static MetadataValue ofJson(Object value) {
        JsonNode node = PipesJson.MAPPER.valueToTree(requireArg(value, "json"));
        if (!node.isObject() && !node.isArray()) {
            throw new IllegalArgumentException(
                    "A json metadata value must be an object or an array, got " + node.getNodeType());
        }
        return new MetadataValue("json", node);
    }

    /** A count or other integer. */
    public static MetadataValue ofInt(long value) {
        return new MetadataValue("int", JsonNodeFactory.instance.numberNode(value));
    }

    public static MetadataValue ofFloat(double value) {
        return new MetadataValue("float", JsonNodeFactory.instance.numberNode(requireFinite(value, "float")));
    }

    public static MetadataValue ofBool(boolean value) {
        return new MetadataValue("bool", JsonNodeFactory.instance.booleanNode(value));
    }

    public static MetadataValue ofNull() {
        return new MetadataValue("null", NullNode.getInstance());
    }

    /**
     * A point in time, sent as seconds since the Unix epoch with a fraction (a float), which is what
     * Dagster's {@code MetadataValue.timestamp(float(value))} reads for the {@code timestamp} type.
     */
    public static MetadataValue ofTimestamp(Instant instant) {
        requireArg(instant, "timestamp");
        double seconds = instant.getEpochSecond() + instant.getNano() / 1_000_000_000.0;
        return new MetadataValue("timestamp", JsonNodeFactory.instance.numberNode(seconds));
    }

    /** The wire form, {@code {"raw_value": ..., "type": ...}}. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.set("raw_value", rawValue.deepCopy());
        node.put("type", type);
        return node;
    }

    private static <T> T requireArg(T value, String type) {
        if (value == null) {
            throw new IllegalArgumentException(
                    "A " + type + " metadata value cannot be null; use MetadataValue.ofNull()");
        }
        return value;
    }

    private static double requireFinite(double value, String type) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "A " + type + " metadata value must be finite (JSON has no NaN or Infinity), got " + value);
        }
        return value;
    }
}
