package io.klinepipeline.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/** Opens the message writer named by the decoded {@code DAGSTER_PIPES_MESSAGES} parameter. */
public final class PipesMessageWriters {

    private static final Logger LOG = LoggerFactory.getLogger(PipesMessageWriters.class);

    /** How often the S3 writer uploads a chunk; PipesS3MessageWriter's default in dagster_pipes. */
    public static final Duration S3_UPLOAD_INTERVAL = Duration.ofSeconds(10);

    private PipesMessageWriters() {
    }

    /**
     * {@code {"path": file}}, {@code {"stdio": "stderr"|"stdout"}}, {@code {"buffered_stdio": ...}},
     * or {@code {"bucket": ..., "key_prefix": ...}} when {@code s3} is not null.
     */
    public static PipesMessageWriter open(JsonNode params, Supplier<S3Client> s3) throws IOException {
        if (params != null && params.isObject()) {
            if (params.path("include_stdio_in_messages").asBoolean(false)) {
                LOG.warn("Dagster asked for stdout/stderr inside Pipes messages (include_stdio_in_messages);"
                        + " this client does not forward them, they reach Dagster as the process's own output");
            }
            if (params.has("path")) {
                return new PipesFileMessageWriter(Path.of(requireText(params, "path")));
            }
            if (params.has("stdio")) {
                String stream = requireStream(params, "stdio");
                return new PipesStreamMessageWriter(stream.equals("stderr") ? System.err : System.out, stream);
            }
            if (params.has("buffered_stdio")) {
                String stream = requireStream(params, "buffered_stdio");
                return new PipesBufferedStreamMessageWriter(stream.equals("stderr") ? System.err : System.out, stream);
            }
            if (params.has("bucket") && s3 != null) {
                JsonNode prefix = params.get("key_prefix");
                if (prefix != null && !prefix.isNull() && !prefix.isTextual()) {
                    throw new DagsterPipesException("Invalid " + Pipes.MESSAGES_ENV_VAR
                            + " params: \"key_prefix\" must be a string or null, got " + PipesJson.abbreviate(prefix));
                }
                return new PipesS3MessageWriter(s3.get(), requireText(params, "bucket"),
                        prefix == null || prefix.isNull() ? null : prefix.textValue(), S3_UPLOAD_INTERVAL);
            }
        }
        String s3Hint = s3 == null && params != null && params.has("bucket")
                ? " (the \"bucket\" form needs the session opened with an S3 client)"
                : "";
        throw new DagsterPipesException("Invalid " + Pipes.MESSAGES_ENV_VAR + " params: expected key \"path\","
                + " \"stdio\" or \"buffered_stdio\"" + (s3 == null ? "" : " or \"bucket\"") + ", received "
                + PipesJson.abbreviate(params) + s3Hint);
    }

    private static String requireStream(JsonNode params, String key) {
        String stream = requireText(params, key);
        if (!stream.equals("stderr") && !stream.equals("stdout")) {
            throw new DagsterPipesException("Invalid " + Pipes.MESSAGES_ENV_VAR + " params: \"" + key
                    + "\" must be \"stderr\" or \"stdout\", got \"" + stream + "\"");
        }
        return stream;
    }

    private static String requireText(JsonNode params, String key) {
        JsonNode value = params.get(key);
        if (value == null || !value.isTextual()) {
            throw new DagsterPipesException("Invalid " + Pipes.MESSAGES_ENV_VAR + " params: \"" + key
                    + "\" must be a string, got " + PipesJson.abbreviate(value));
        }
        return value.textValue();
    }
}
