package io.klinepipeline.pipes;

import java.util.Map;
import java.util.Optional;

/**
 * One worker run as seen by Dagster: the context it was given and the channel for its results.
 * Opened by {@link Pipes#open()}; {@code opened} has been sent by then, and {@link #close()} or
 * {@link #close(Throwable)} sends {@code closed}, after which nothing more can be sent.
 * When the process was not launched by Dagster the session is inactive: reports are dropped
 * (logs go to SLF4J) and the worker takes its parameters from its command line.
 * Implementations are thread-safe.
 */
public interface PipesSession extends AutoCloseable {

    /** Whether Dagster launched this process, i.e. reports reach it. */
    boolean isActive();

    /** The context Dagster passed; {@link IllegalStateException} when the session is inactive. */
    PipesContextData context();

    /** The context Dagster passed, or empty when the session is inactive. */
    Optional<PipesContextData> findContext();

    /** Sends a line to the Dagster run log. */
    void log(PipesLogLevel level, String message);

    /**
     * Reports that an asset was materialized, at most once per asset and session.
     *
     * @param assetKey    escaped asset key ({@link AssetKeys#fromParts}), or null for the step's single asset
     * @param metadata    metadata entries in order, or null
     * @param dataVersion the data version, or null
     */
    void reportAssetMaterialization(String assetKey, Map<String, MetadataValue> metadata, String dataVersion);

    /**
     * Reports an asset check result. The check must be declared on the asset in Dagster, or the
     * step fails.
     *
     * @param assetKey escaped asset key, or null for the step's single asset
     * @param metadata metadata entries in order, or null
     */
    void reportAssetCheck(String assetKey, String checkName, boolean passed, PipesCheckSeverity severity,
                          Map<String, MetadataValue> metadata);

    /** Sends any JSON-serializable payload, read on the Dagster side with {@code get_custom_messages()}. */
    void reportCustomMessage(Object payload);

    /** Whether {@code closed} has been sent. */
    boolean isClosed();

    /** Sends {@code closed} without exception; does nothing when already closed. */
    @Override
    void close();

    /**
     * Sends {@code closed} carrying {@code failure} (success when null); does nothing when already
     * closed. The step fails only through the process's non-zero exit status, so exit non-zero after.
     */
    void close(Throwable failure);

    /** Same as {@link #close(Throwable)}: reports the failure and closes. */
    default void fail(Throwable failure) {
        close(failure);
    }
}
