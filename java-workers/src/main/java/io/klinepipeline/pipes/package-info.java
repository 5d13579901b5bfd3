/**
 * A self-contained Dagster Pipes client: the external-process side of the protocol spoken by the
 * {@code dagster-pipes} Python package (protocol version "0.1").
 *
 * <p>Entry point: {@link io.klinepipeline.pipes.Pipes#open()}. A worker opens one
 * {@link io.klinepipeline.pipes.PipesSession} for its whole run, reads the
 * {@link io.klinepipeline.pipes.PipesContextData}, reports results, and on failure calls
 * {@link io.klinepipeline.pipes.PipesSession#fail(Throwable)} before exiting non-zero:
 *
 * <pre>{@code
 * try (PipesSession pipes = Pipes.open()) {
 *     try {
 *         ... work ...
 *         pipes.reportAssetMaterialization(null, Map.of("rows", MetadataValue.ofInt(rows)), null);
 *     } catch (Exception e) {
 *         pipes.fail(e);
 *         throw e;
 *     }
 * }
 * }</pre>
 *
 * <p>Nothing here depends on the rest of the project, so the package can be replaced by an
 * official Java Pipes library without touching its callers' logic.
 */
package io.klinepipeline.pipes;
