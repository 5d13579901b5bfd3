package io.klinepipeline.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens the Dagster Pipes session of this process from the two variables Dagster sets,
 * {@value #CONTEXT_ENV_VAR} and {@value #MESSAGES_ENV_VAR}. With neither set the process was not
 * launched by Dagster and the session is inactive; with only one set it is a launch error.
 */
public final class Pipes {

    public static final String CONTEXT_ENV_VAR = "DAGSTER_PIPES_CONTEXT";
    public static final String MESSAGES_ENV_VAR = "DAGSTER_PIPES_MESSAGES";

    private static final Logger LOG = LoggerFactory.getLogger(Pipes.class);

    private Pipes() {
    }

    /** Opens the session from {@link System#getenv()}. */
    public static PipesSession open() {
        return open(System.getenv());
    }

    /** Opens the session from the given environment (path, stdio and buffered_stdio writers). */
    public static PipesSession open(Map<String, String> env) {
        return open(env, null);
    }

    /**
     * Opens the session; {@code s3} (may be null) is used only when Dagster names an S3 bucket for
     * the context or the messages (its ECS/K8s Pipes clients with S3 injector/reader).
     *
     * <p>{@code opened} is sent before the context is loaded, so a context that cannot be loaded
     * is reported to Dagster in {@code closed} before the exception is thrown here.
     */
    public static PipesSession open(Map<String, String> env, Supplier<S3Client> s3) {
        boolean hasContext = env.containsKey(CONTEXT_ENV_VAR);
        boolean hasMessages = env.containsKey(MESSAGES_ENV_VAR);
        if (!hasContext && !hasMessages) {
            LOG.debug("{} and {} are unset: not launched by Dagster, Pipes reporting is off",
                    CONTEXT_ENV_VAR, MESSAGES_ENV_VAR);
            return new InactivePipesSession();
        }
        if (!hasContext || !hasMessages) {
            String present = hasContext ? CONTEXT_ENV_VAR : MESSAGES_ENV_VAR;
            String missing = hasContext ? MESSAGES_ENV_VAR : CONTEXT_ENV_VAR;
            throw new DagsterPipesException(present + " is set but " + missing + " is not; Dagster sets both."
                    + " Unset " + present + " to run outside Dagster");
        }

        PipesMessageWriter writer;
        try {
            writer = PipesMessageWriters.open(decode(env, MESSAGES_ENV_VAR), s3);
        } catch (IOException e) {
            throw new DagsterPipesException("Cannot open the Dagster Pipes message writer named by "
                    + MESSAGES_ENV_VAR + ": " + e.getMessage(), e);
        }
        ActivePipesSession session;
        try {
            session = new ActivePipesSession(writer);
        } catch (RuntimeException e) {
            try {
                writer.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        try {
            PipesContextData context = new PipesContextLoader(s3).load(decode(env, CONTEXT_ENV_VAR));
            session.attachContext(context);
            LOG.info("Dagster Pipes session open: run {}, assets {}, messages to {}",
                    context.runId(), context.assetKeys(), writer);
            return session;
        } catch (RuntimeException e) {
            try {
                session.close(e);
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    private static JsonNode decode(Map<String, String> env, String variable) {
        try {
            return PipesParamCodec.decode(env.get(variable));
        } catch (DagsterPipesException e) {
            throw new DagsterPipesException("Cannot decode " + variable + ": " + e.getMessage(), e);
        }
    }
}
