package io.klinepipeline.pipes.conformance;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command line the Dagster Pipes conformance suite passes to {@link PipesConformanceMain}:
 * {@code --name value} pairs (or {@code --name=value}). Every option is optional except
 * {@code --test-name}; an option the suite does not define is an error, so a suite that grows a new
 * option fails here loudly instead of being half-served.
 */
record ConformanceArgs(
        String testName,
        Path extras,
        String jobName,
        Path customPayload,
        Path reportAssetMaterialization,
        Path reportAssetCheck,
        String contextLoader,
        String messageWriter) {

    private static final Set<String> OPTIONS = Set.of("test-name", "extras", "job-name", "custom-payload",
            "report-asset-materialization", "report-asset-check", "context-loader", "message-writer");

    static ConformanceArgs parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Expected an option --name, got \"" + arg + "\"");
            }
            String name;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Option " + arg + " needs a value");
                }
                name = arg.substring(2);
                value = args[++i];
            }
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("Unknown option --" + name + "; known: " + OPTIONS);
            }
            values.put(name, value);
        }
        if (!values.containsKey("test-name")) {
            throw new IllegalArgumentException("--test-name is required");
        }
        return new ConformanceArgs(
                values.get("test-name"),
                path(values.get("extras")),
                values.get("job-name"),
                path(values.get("custom-payload")),
                path(values.get("report-asset-materialization")),
                path(values.get("report-asset-check")),
                values.getOrDefault("context-loader", "default"),
                values.getOrDefault("message-writer", "default"));
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }
}
