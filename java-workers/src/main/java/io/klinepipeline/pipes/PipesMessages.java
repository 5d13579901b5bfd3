package io.klinepipeline.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Builds the message envelopes. Dagster calls its handler with the params as keyword arguments,
 * so each method's params carry exactly the keys listed here, null rather than absent.
 */
final class PipesMessages {

    static final String PROTOCOL_VERSION = "0.1";
    static final String VERSION_FIELD = "__dagster_pipes_version";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private PipesMessages() {
    }

    static ObjectNode envelope(String method, JsonNode params) {
        ObjectNode message = JSON.objectNode();
        message.put(VERSION_FIELD, PROTOCOL_VERSION);
        message.put("method", method);
        message.set("params", params == null ? NullNode.getInstance() : params);
        return message;
    }

    static ObjectNode opened(JsonNode extras) {
        ObjectNode params = JSON.objectNode();
        params.set("extras", extras);
        return envelope("opened", params);
    }

    /**
     * {@code closed}: {@code {}} on success, as the Python client sends. {@code {"exception": null}}
     * would break Dagster 1.13's handler, which reads an exception whenever the key is present.
     */
    static ObjectNode closed(ObjectNode exception) {
        ObjectNode params = JSON.objectNode();
        if (exception != null) {
            params.set("exception", exception);
        }
        return envelope("closed", params);
    }

    static ObjectNode log(String message, PipesLogLevel level) {
        ObjectNode params = JSON.objectNode();
        params.put("message", message);
        params.put("level", level.name());
        return envelope("log", params);
    }

    static ObjectNode assetMaterialization(String assetKey, Map<String, MetadataValue> metadata, String dataVersion) {
        ObjectNode params = JSON.objectNode();
        params.put("asset_key", assetKey);
        params.put("data_version", dataVersion);
        params.set("metadata", metadata(metadata));
        return envelope("report_asset_materialization", params);
    }

    static ObjectNode assetCheck(String assetKey, String checkName, boolean passed,
                                 PipesCheckSeverity severity, Map<String, MetadataValue> metadata) {
        ObjectNode params = JSON.objectNode();
        params.put("asset_key", assetKey);
        params.put("check_name", checkName);
        params.put("passed", passed);
        params.set("metadata", metadata(metadata));
        params.put("severity", severity.name());
        return envelope("report_asset_check", params);
    }

    static ObjectNode customMessage(JsonNode payload) {
        ObjectNode params = JSON.objectNode();
        params.set("payload", payload == null ? NullNode.getInstance() : payload);
        return envelope("report_custom_message", params);
    }

    /** Empty metadata is sent as null, as the Python client does. */
    private static JsonNode metadata(Map<String, MetadataValue> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return NullNode.getInstance();
        }
        ObjectNode node = JSON.objectNode();
        metadata.forEach((name, value) -> {
            if (name == null || value == null) {
                throw new IllegalArgumentException("Metadata names and values cannot be null; use MetadataValue.ofNull()"
                        + " for an explicit null (entry " + name + ")");
            }
            node.set(name, value.toJson());
        });
        return node;
    }
}
