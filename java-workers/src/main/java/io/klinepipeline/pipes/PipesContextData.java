package io.klinepipeline.pipes;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Dagster tells the worker about its run ({@code PipesContextData} in dagster_pipes). Fields
 * Dagster sends as null stay null here: {@code assetKeys} and the per-asset maps are null for a
 * step without assets, the partition fields are null unless the run covers a single partition.
 *
 * <p>Partition fields are empty for a run over a partition range, so the orchestrating asset
 * passes the window in {@code extras}; {@link #resolveTimeWindow(String, String)} prefers that.
 *
 * <p>Extras: {@code extraX} getters return null for an absent (or JSON null) extra,
 * {@code findExtraX} an empty Optional, {@code requireExtraX} an error naming the key; all of them
 * reject a present value of the wrong type.
 */
public record PipesContextData(
        List<String> assetKeys,
        Map<String, String> codeVersionByAssetKey,
        Map<String, PipesDataProvenance> provenanceByAssetKey,
        String partitionKey,
        PipesPartitionKeyRange partitionKeyRange,
        PipesTimeWindow partitionTimeWindow,
        String runId,
        String jobName,
        int retryNumber,
        JsonNode extras) {

    public PipesContextData {
        assetKeys = assetKeys == null ? null : List.copyOf(assetKeys);
        codeVersionByAssetKey = codeVersionByAssetKey == null
                ? null : Collections.unmodifiableMap(new LinkedHashMap<>(codeVersionByAssetKey));
        provenanceByAssetKey = provenanceByAssetKey == null
                ? null : Collections.unmodifiableMap(new LinkedHashMap<>(provenanceByAssetKey));
        if (extras == null || extras.isNull()) {
            extras = JsonNodeFactory.instance.objectNode();
        } else if (!extras.isObject()) {
            throw new DagsterPipesException("Context data field \"extras\": expected an object, got "
                    + extras.getNodeType());
        } else {
            extras = extras.deepCopy();
        }
    }

    /** Reads the context JSON that Dagster writes ({@code build_external_execution_context_data}); unknown keys are ignored. */
    public static PipesContextData fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new DagsterPipesException("Dagster Pipes context data must be a JSON object, got "
                    + PipesJson.abbreviate(root));
        }
        JsonNode windowNode = root.get("partition_time_window");
        JsonNode rangeNode = root.get("partition_key_range");
        JsonNode retryNode = root.get("retry_number");
        if (retryNode != null && !retryNode.isNull() && !retryNode.canConvertToInt()) {
            throw new DagsterPipesException("Context data field \"retry_number\": expected an integer, got "
                    + PipesJson.abbreviate(retryNode));
        }
        return new PipesContextData(
                optionalStringList(root, "asset_keys"),
                optionalStringMap(root, "code_version_by_asset_key"),
                optionalProvenanceMap(root),
                optionalString(root, "partition_key"),
                isAbsent(rangeNode) ? null : new PipesPartitionKeyRange(
                        requireString(rangeNode, "start", "partition_key_range"),
                        requireString(rangeNode, "end", "partition_key_range")),
                isAbsent(windowNode) ? null : PipesTimeWindow.fromJson(windowNode, "Context data field \"partition_time_window\""),
                optionalString(root, "run_id"),
                optionalString(root, "job_name"),
                isAbsent(retryNode) ? 0 : retryNode.intValue(),
                root.get("extras"));
    }

    /** A copy of the extras object passed by the orchestrating asset. */
    @Override
    public JsonNode extras() {
        return extras.deepCopy();
    }

    /** The extras as plain Java values (maps, lists, strings, numbers, booleans). */
    public Map<String, Object> extrasAsMap() {
        return PipesJson.MAPPER.convertValue(extras, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    /** The single asset this step targets; an error when it targets none or several. */
    public String assetKey() {
        if (assetKeys == null || assetKeys.isEmpty()) {
            throw new DagsterPipesException("The Dagster step does not target an asset, so there is no asset key");
        }
        if (assetKeys.size() != 1) {
            throw new DagsterPipesException("The Dagster step targets several assets " + assetKeys
                    + "; name the asset key explicitly");
        }
        return assetKeys.get(0);
    }

    /**
     * The window to process: the {@code {"start": iso, "end": iso}} object in extras under
     * {@code extrasKey} if present (the only source for a partition-range run), else the
     * partition time window, else empty.
     */
    public Optional<PipesTimeWindow> resolveTimeWindow(String extrasKey) {
        JsonNode fromExtras = extras.get(extrasKey);
        if (!isAbsent(fromExtras)) {
            return Optional.of(PipesTimeWindow.fromJson(fromExtras, "Extra \"" + extrasKey + "\""));
        }
        return Optional.ofNullable(partitionTimeWindow);
    }

    /**
     * The window from two timestamp extras (Python isoformat) when both are present, else the
     * partition time window, else empty. One of the two without the other is an error.
     */
    public Optional<PipesTimeWindow> resolveTimeWindow(String startExtraKey, String endExtraKey) {
        boolean hasStart = hasExtra(startExtraKey);
        boolean hasEnd = hasExtra(endExtraKey);
        if (hasStart && hasEnd) {
            return Optional.of(new PipesTimeWindow(requireExtraInstant(startExtraKey), requireExtraInstant(endExtraKey)));
        }
        if (hasStart || hasEnd) {
            throw new DagsterPipesException("Extras \"" + startExtraKey + "\" and \"" + endExtraKey
                    + "\" go together; only \"" + (hasStart ? startExtraKey : endExtraKey) + "\" is set");
        }
        return Optional.ofNullable(partitionTimeWindow);
    }

    /** Whether the extra is present and not null. */
    public boolean hasExtra(String key) {
        return !isAbsent(extras.get(key));
    }

    /** The extra as a JSON node; empty when absent or null. */
    public Optional<JsonNode> findExtra(String key) {
        JsonNode node = extras.get(key);
        return isAbsent(node) ? Optional.empty() : Optional.of(node.deepCopy());
    }

    /** A string extra, or null when absent or null; an error when it is not a string. */
    public String extraString(String key) {
        return hasExtra(key) ? requireExtraString(key) : null;
    }

    /** A string extra, empty when absent or null; an error when it is not a string. */
    public Optional<String> findExtraString(String key) {
        return Optional.ofNullable(extraString(key));
    }

    /** A required string extra, e.g. {@code requireExtraString("exchange")}; the error names the key. */
    public String requireExtraString(String key) {
        JsonNode node = requireExtra(key);
        if (!node.isTextual()) {
            throw wrongExtraType(key, "a string", node);
        }
        return node.textValue();
    }

    public long requireExtraLong(String key) {
        JsonNode node = requireExtra(key);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw wrongExtraType(key, "an integer", node);
        }
        return node.longValue();
    }

    public int requireExtraInt(String key) {
        JsonNode node = requireExtra(key);
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw wrongExtraType(key, "a 32-bit integer", node);
        }
        return node.intValue();
    }

    public boolean requireExtraBoolean(String key) {
        JsonNode node = requireExtra(key);
        if (!node.isBoolean()) {
            throw wrongExtraType(key, "a boolean", node);
        }
        return node.booleanValue();
    }

    /** A timestamp extra in Python isoformat ({@code 2026-11-24T10:00:00+00:00}), or null when absent or null. */
    public Instant extraInstant(String key) {
        return hasExtra(key) ? requireExtraInstant(key) : null;
    }

    /** A required timestamp extra in Python isoformat, e.g. {@code 2026-11-24T10:00:00+00:00}. */
    public Instant requireExtraInstant(String key) {
        JsonNode node = requireExtra(key);
        if (!node.isTextual()) {
            throw wrongExtraType(key, "an ISO-8601 timestamp string", node);
        }
        return IsoTimestamps.parse(node.textValue(), "Extra \"" + key + "\"");
    }

    /** An extra converted to {@code type} with Jackson (a record, a List, a Map...), or null when absent or null. */
    public <T> T extra(String key, Class<T> type) {
        if (!hasExtra(key)) {
            return null;
        }
        try {
            return PipesJson.MAPPER.treeToValue(extras.get(key), type);
        } catch (Exception e) {
            throw new DagsterPipesException("Extra \"" + key + "\" cannot be read as " + type.getSimpleName()
                    + ": " + e.getMessage(), e);
        }
    }

    private JsonNode requireExtra(String key) {
        JsonNode node = extras.get(key);
        if (isAbsent(node)) {
            List<String> present = new ArrayList<>();
            extras.fieldNames().forEachRemaining(present::add);
            throw new DagsterPipesException("Extra \"" + key + "\" is undefined: the Dagster asset that launches"
                    + " this worker must pass it in extras. Extras present: " + present);
        }
        return node;
    }

    private static DagsterPipesException wrongExtraType(String key, String expected, JsonNode node) {
        return new DagsterPipesException("Extra \"" + key + "\" must be " + expected + ", got "
                + node.getNodeType() + " " + PipesJson.abbreviate(node));
    }

    private static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static String optionalString(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw new DagsterPipesException("Context data field \"" + field + "\": expected a string or null, got "
                    + PipesJson.abbreviate(node));
        }
        return node.textValue();
    }

    private static String requireString(JsonNode object, String field, String parent) {
        if (!object.isObject()) {
            throw new DagsterPipesException("Context data field \"" + parent + "\": expected an object, got "
                    + PipesJson.abbreviate(object));
        }
        JsonNode node = object.get(field);
        if (node == null || !node.isTextual()) {
            throw new DagsterPipesException("Context data field \"" + parent + "." + field
                    + "\": expected a string, got " + PipesJson.abbreviate(node));
        }
        return node.textValue();
    }

    private static List<String> optionalStringList(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isArray()) {
            throw new DagsterPipesException("Context data field \"" + field + "\": expected a list of strings, got "
                    + PipesJson.abbreviate(node));
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new DagsterPipesException("Context data field \"" + field + "\": expected a list of strings, got "
                        + PipesJson.abbreviate(node));
            }
            values.add(element.textValue());
        }
        return values;
    }

    private static Map<String, String> optionalStringMap(JsonNode root, String field) {
        return optionalObjectMap(root, field, (where, value) -> {
            if (!value.isTextual()) {
                throw new DagsterPipesException("Context data field \"" + where + "\": expected a string or null, got "
                        + PipesJson.abbreviate(value));
            }
            return value.textValue();
        });
    }

    private static Map<String, PipesDataProvenance> optionalProvenanceMap(JsonNode root) {
        return optionalObjectMap(root, "provenance_by_asset_key", (where, value) -> {
            if (!value.isObject()) {
                throw new DagsterPipesException("Context data field \"" + where + "\": expected an object or null, got "
                        + PipesJson.abbreviate(value));
            }
            JsonNode codeVersion = value.get("code_version");
            return new PipesDataProvenance(
                    isAbsent(codeVersion) ? null : codeVersion.asText(),
                    optionalStringMap(value, "input_data_versions"),
                    value.path("is_user_provided").asBoolean(false));
        });
    }

    /** An optional object field whose values are null or read by {@code readValue(where, value)}. */
    private static <T> Map<String, T> optionalObjectMap(JsonNode root, String field,
            java.util.function.BiFunction<String, JsonNode, T> readValue) {
        JsonNode node = root.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isObject()) {
            throw new DagsterPipesException("Context data field \"" + field + "\": expected an object, got "
                    + PipesJson.abbreviate(node));
        }
        Map<String, T> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode value = entry.getValue();
            values.put(entry.getKey(), value.isNull() ? null : readValue.apply(field + "." + entry.getKey(), value));
        }
        return values;
    }
}
