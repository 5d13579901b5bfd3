package io.klinepipeline.pipes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A session of a process launched by Dagster: every call becomes one message through the writer. */
final class ActivePipesSession implements PipesSession {

    private final PipesMessageWriter writer;
    private final Object lock = new Object();
    private final Set<String> materializedAssets = new HashSet<>();
    private PipesContextData context;
    private boolean closed;

    /** Sends {@code opened} through {@code writer}; the context follows with {@link #attachContext}. */
    ActivePipesSession(PipesMessageWriter writer) {
        this.writer = writer;
        send(PipesMessages.opened(JsonNodeFactory.instance.objectNode()));
    }

    void attachContext(PipesContextData loaded) {
        synchronized (lock) {
            this.context = Objects.requireNonNull(loaded);
        }
    }

    @Override
    public boolean isActive() {
        return true;
    }

    @Override
    public PipesContextData context() {
        synchronized (lock) {
            if (context == null) {
                throw new IllegalStateException("The Dagster Pipes context is not loaded");
            }
            return context;
        }
    }

    @Override
    public Optional<PipesContextData> findContext() {
        synchronized (lock) {
            return Optional.ofNullable(context);
        }
    }

    @Override
    public void log(PipesLogLevel level, String message) {
        send(PipesMessages.log(Objects.requireNonNull(message, "message"), Objects.requireNonNull(level, "level")));
    }

    @Override
    public void reportAssetMaterialization(String assetKey, Map<String, MetadataValue> metadata, String dataVersion) {
        synchronized (lock) {
            String key = resolveAssetKey(assetKey, "report_asset_materialization");
            if (materializedAssets.contains(key)) {
                throw new DagsterPipesException("Asset " + key + " was already reported as materialized in this"
                        + " session; Dagster accepts one materialization per asset and step");
            }
            send(PipesMessages.assetMaterialization(key, metadata, dataVersion));
            materializedAssets.add(key);
        }
    }

    @Override
    public void reportAssetCheck(String assetKey, String checkName, boolean passed, PipesCheckSeverity severity,
                                 Map<String, MetadataValue> metadata) {
        Objects.requireNonNull(checkName, "checkName");
        Objects.requireNonNull(severity, "severity");
        synchronized (lock) {
            send(PipesMessages.assetCheck(resolveAssetKey(assetKey, "report_asset_check"),
                    checkName, passed, severity, metadata));
        }
    }

    @Override
    public void reportCustomMessage(Object payload) {
        JsonNode tree;
        try {
            tree = PipesJson.MAPPER.valueToTree(payload);
        } catch (IllegalArgumentException e) {
            throw new DagsterPipesException("Custom message payload is not JSON-serializable: " + e.getMessage(), e);
        }
        send(PipesMessages.customMessage(tree));
    }

    @Override
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public void close() {
        close(null);
    }

    @Override
    public void close(Throwable failure) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            RuntimeException problem = null;
            try {
                send(PipesMessages.closed(failure == null ? null : PipesExceptionJson.of(failure)));
            } catch (RuntimeException e) {
                problem = e;
            }
            closed = true;
            try {
                writer.close();
            } catch (IOException e) {
                DagsterPipesException closeFailure = new DagsterPipesException(
                        "Cannot close Dagster Pipes message writer " + writer + ": " + e.getMessage(), e);
                if (problem == null) {
                    problem = closeFailure;
                } else {
                    problem.addSuppressed(closeFailure);
                }
            }
            if (problem != null) {
                throw problem;
            }
        }
    }

    /** Mirrors dagster_pipes' {@code _resolve_optionally_passed_asset_key}: Dagster needs a key on the wire. */
    private String resolveAssetKey(String assetKey, String method) {
        List<String> defined = context == null ? null : context.assetKeys();
        if (defined != null && !defined.isEmpty()) {
            if (assetKey != null && !defined.contains(assetKey)) {
                throw new DagsterPipesException("Invalid asset key for " + method + ": expected one of " + defined
                        + ", got " + assetKey);
            }
            if (assetKey == null) {
                if (defined.size() != 1) {
                    throw new DagsterPipesException("Calling " + method + " without an asset key is undefined: the"
                            + " step targets several assets " + defined);
                }
                return defined.get(0);
            }
        }
        if (assetKey == null) {
            throw new DagsterPipesException("Calling " + method + " without an asset key is undefined: the step"
                    + " does not target a specific asset");
        }
        return assetKey;
    }

    private void send(ObjectNode message) {
        String method = message.get("method").asText();
        String line;
        try {
            line = PipesJson.MAPPER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new DagsterPipesException("Cannot serialize Dagster Pipes message " + method + ": "
                    + e.getOriginalMessage(), e);
        }
        synchronized (lock) {
            if (closed) {
                throw new DagsterPipesException("Cannot send " + method + " after the Dagster Pipes session is closed");
            }
            try {
                writer.write(line);
            } catch (IOException e) {
                throw new DagsterPipesException("Cannot send Dagster Pipes message " + method + " through " + writer
                        + ": " + e.getMessage(), e);
            }
        }
    }
}
