package io.klinepipeline.pipes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Serializes a Throwable as the {@code PipesException} object of a {@code closed} message:
 * {@code {name, message, stack, cause, context}}, every key present. {@code message} is the bare
 * exception message, as Dagster's Pipes conformance suite requires (the class goes in {@code name},
 * which Dagster shows beside it); only an exception without a message falls back to its
 * {@code toString()}, the class name, since Dagster needs a string. The stack has one entry per
 * frame ending with a newline, like the Python client's. Java has no implicit "during handling
 * of" chain, so {@code context} is always null; {@code cause} follows {@link Throwable#getCause()}.
 */
final class PipesExceptionJson {

    private PipesExceptionJson() {
    }

    static ObjectNode of(Throwable throwable) {
        return of(throwable, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static ObjectNode of(Throwable throwable, Set<Throwable> seen) {
        seen.add(throwable);
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        String className = throwable.getClass().getName();
        node.put("name", className.substring(className.lastIndexOf('.') + 1));
        String message = throwable.getMessage();
        node.put("message", message != null ? message : String.valueOf(throwable));
        var stack = node.putArray("stack");
        for (StackTraceElement frame : throwable.getStackTrace()) {
            stack.add("  at " + frame + "\n");
        }
        Throwable cause = throwable.getCause();
        if (cause != null && !seen.contains(cause)) {
            node.set("cause", of(cause, seen));
        } else {
            node.putNull("cause");
        }
        node.putNull("context");
        return node;
    }
}
