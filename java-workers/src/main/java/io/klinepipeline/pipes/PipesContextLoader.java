package io.klinepipeline.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Loads the context data named by the decoded {@code DAGSTER_PIPES_CONTEXT} parameter:
 * {@code {"path": file}} (what PipesSubprocessClient sends), {@code {"data": {...}}} inline, or,
 * when an S3 client is supplied, {@code {"bucket": ..., "key": ...}} (PipesS3ContextInjector).
 */
public final class PipesContextLoader {

    private final Supplier<S3Client> s3;

    /** A loader for the {@code path} and {@code data} forms. */
    public PipesContextLoader() {
        this(null);
    }

    /** A loader that also reads {@code bucket}/{@code key} through the given client; {@code s3} may be null. */
    public PipesContextLoader(Supplier<S3Client> s3) {
        this.s3 = s3;
    }

    public PipesContextData load(JsonNode params) {
        if (params != null && params.isObject()) {
            if (params.has("path")) {
                return fromFile(requireText(params, "path"));
            }
            if (params.has("data")) {
                JsonNode data = params.get("data");
                if (!data.isObject()) {
                    throw new DagsterPipesException("Invalid " + Pipes.CONTEXT_ENV_VAR
                            + " params: \"data\" must be an object, got " + data.getNodeType());
                }
                return PipesContextData.fromJson(data);
            }
            if (params.has("bucket") && params.has("key") && s3 != null) {
                return fromS3(requireText(params, "bucket"), requireText(params, "key"));
            }
        }
        String s3Hint = s3 == null && params != null && params.has("bucket")
                ? " (the \"bucket\"/\"key\" form needs the session opened with an S3 client)"
                : "";
        throw new DagsterPipesException("Invalid " + Pipes.CONTEXT_ENV_VAR + " params: expected key \"path\" or"
                + " \"data\"" + (s3 == null ? "" : " or \"bucket\" and \"key\"") + ", received "
                + PipesJson.abbreviate(params) + s3Hint);
    }

    private static PipesContextData fromFile(String path) {
        JsonNode root;
        try {
            root = PipesJson.MAPPER.readTree(Files.readAllBytes(Path.of(path)));
        } catch (NoSuchFileException e) {
            throw new DagsterPipesException("Dagster Pipes context file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new DagsterPipesException("Cannot read Dagster Pipes context file " + path + ": " + e.getMessage(), e);
        }
        try {
            return PipesContextData.fromJson(root);
        } catch (DagsterPipesException e) {
            throw new DagsterPipesException("In Dagster Pipes context file " + path + ": " + e.getMessage(), e);
        }
    }

    private PipesContextData fromS3(String bucket, String key) {
        String location = "s3://" + bucket + "/" + key;
        try (ResponseInputStream<GetObjectResponse> in = s3.get().getObject(b -> b.bucket(bucket).key(key))) {
            return PipesContextData.fromJson(PipesJson.MAPPER.readTree(in));
        } catch (IOException | RuntimeException e) {
            throw new DagsterPipesException("Cannot read Dagster Pipes context " + location + ": " + e.getMessage(), e);
        }
    }

    private static String requireText(JsonNode params, String key) {
        JsonNode value = params.get(key);
        if (value == null || !value.isTextual()) {
            throw new DagsterPipesException("Invalid " + Pipes.CONTEXT_ENV_VAR + " params: \"" + key
                    + "\" must be a string, got " + PipesJson.abbreviate(value));
        }
        return value.textValue();
    }
}
