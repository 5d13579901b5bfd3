package io.klinepipeline.pipes;

/** Severity of a failed asset check ({@code AssetCheckSeverity} in Dagster). */
public enum PipesCheckSeverity {
    WARN, ERROR
}
