package io.klinepipeline.pipes.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.pipes.PipesCheckSeverity;
import io.klinepipeline.pipes.PipesLogLevel;
import io.klinepipeline.pipes.PipesSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * What the external process does for each test of the conformance suite ({@code PipesTestSuite}
 * in dagster_pipes_tests.suite), named by {@code --test-name}. The suite asserts on the Dagster
 * side; the checks here (extras, job name) fail the process, which fails the test.
 */
final class ConformanceCase {

    static final String ERROR_MESSAGE = "Very bad error has happened!";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConformanceArgs args;
    private final PipesSession pipes;

    ConformanceCase(ConformanceArgs args, PipesSession pipes) {
        this.args = args;
        this.pipes = pipes;
    }

    void run() {
        checkContext();
        switch (args.testName()) {
            case "test_components" -> {
                pipes.reportCustomMessage("Hello from external process!");
                pipes.reportAssetMaterialization(null, null, null);
            }
            case "test_extras" -> pipes.reportAssetMaterialization(null, null, null);
            case "test_error_reporting" -> throw new IllegalStateException(ERROR_MESSAGE);
            case "test_message_log" -> logAtEveryLevel();
            case "test_message_report_custom_message" -> {
                pipes.reportCustomMessage(readJson(args.customPayload()).get("payload"));
                pipes.reportAssetMaterialization(null, null, null);
            }
            case "test_message_report_asset_materialization" -> reportMaterialization();
            case "test_message_report_asset_check" -> reportCheck();
            default -> throw new IllegalArgumentException("Unknown conformance test " + args.testName());
        }
    }

    /** The extras file and the job name the suite passes must match what the context loader read. */
    private void checkContext() {
        if (args.extras() != null) {
            JsonNode expected = readJson(args.extras());
            JsonNode loaded = pipes.context().extras();
            if (!expected.equals(loaded)) {
                throw new IllegalStateException("Extras differ: the suite passed " + expected + ", the context has "
                        + loaded);
            }
        }
        if (args.jobName() != null && !args.jobName().equals(pipes.context().jobName())) {
            throw new IllegalStateException("Job name differs: the suite passed " + args.jobName()
                    + ", the context has " + pipes.context().jobName());
        }
    }

    private void logAtEveryLevel() {
        pipes.log(PipesLogLevel.DEBUG, "Debug message");
        pipes.log(PipesLogLevel.INFO, "Info message");
        pipes.log(PipesLogLevel.WARNING, "Warning message");
        pipes.log(PipesLogLevel.ERROR, "Error message");
        pipes.log(PipesLogLevel.CRITICAL, "Critical message");
    }

    /** The file holds {@code {"dataVersion"?: str, "assetKey"?: str}}; absent means null. */
    private void reportMaterialization() {
        JsonNode request = readJson(args.reportAssetMaterialization());
        pipes.reportAssetMaterialization(optionalText(request, "assetKey"), KnownMetadata.entries(),
                optionalText(request, "dataVersion"));
    }

    /** The file holds {@code {"passed": bool, "severity": "WARN"|"ERROR", "checkName": str, "assetKey"?: str}}. */
    private void reportCheck() {
        JsonNode request = readJson(args.reportAssetCheck());
        pipes.reportAssetCheck(optionalText(request, "assetKey"), request.get("checkName").textValue(),
                request.get("passed").booleanValue(), PipesCheckSeverity.valueOf(request.get("severity").textValue()),
                KnownMetadata.entries());
    }

    private static String optionalText(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value == null || value.isNull() ? null : value.textValue();
    }

    private static JsonNode readJson(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("This conformance test needs its JSON file option");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
