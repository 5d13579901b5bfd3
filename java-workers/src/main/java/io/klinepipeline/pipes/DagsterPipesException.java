package io.klinepipeline.pipes;

/** A Dagster Pipes bootstrap or protocol failure; the message names the variable, key or file at fault. */
public class DagsterPipesException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DagsterPipesException(String message) {
        super(message);
    }

    public DagsterPipesException(String message, Throwable cause) {
        super(message, cause);
    }
}
