package io.klinepipeline.pipes;

/** Levels of a {@code log} message; the names are Python's logging level names, which Dagster's logger accepts. */
public enum PipesLogLevel {
    DEBUG, INFO, WARNING, ERROR, CRITICAL
}
