package io.klinepipeline.pipes;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny worker for cross-checking against real Dagster, run by hand through
 * {@code PipesSubprocessClient} (not part of the unit tests). It reports one materialization with
 * every metadata type, one check and a custom message, and fails when extras say {@code "fail": true}.
 * With the argument {@code encode} it prints {@link PipesParamCodec#encode} of a sample value for
 * Python's {@code decode_param}.
 */
public final class PipesCrossCheckWorker {

    private PipesCrossCheckWorker() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("encode")) {
            System.out.println(PipesParamCodec.encode(Map.of("path", "/tmp/x", "note", "caf\u00e9 \u20ac",
                    "nested", List.of(1, 2.5, true))));
            return;
        }
        int exitCode = 0;
        try (PipesSession pipes = Pipes.open()) {
            try {
                PipesContextData context = pipes.context();
                pipes.log(PipesLogLevel.INFO, "window " + context.resolveTimeWindow("window").orElse(null));
                if (context.hasExtra("fail") && context.requireExtraBoolean("fail")) {
                    throw new IllegalStateException("worker asked to fail",
                            new java.io.IOException("root cause from Java"));
                }
                Map<String, MetadataValue> metadata = new LinkedHashMap<>();
                metadata.put("rows", MetadataValue.ofInt(1440));
                metadata.put("ratio", MetadataValue.ofFloat(0.5));
                metadata.put("exchange", MetadataValue.ofText(context.requireExtraString("exchange")));
                metadata.put("preview", MetadataValue.ofMd("| open | close |\n|---|---|\n| 1 | 2 |"));
                metadata.put("gaps", MetadataValue.ofJson(List.of("10:01", "10:02")));
                metadata.put("first_minute", MetadataValue.ofTimestamp(Instant.parse("2026-11-24T10:00:00Z")));
                metadata.put("complete", MetadataValue.ofBool(true));
                metadata.put("docs", MetadataValue.ofUrl("https://example.com"));
                metadata.put("file", MetadataValue.ofPath("/data/bronze"));
                metadata.put("nothing", MetadataValue.ofNull());
                metadata.put("raw_count", MetadataValue.ofRaw(7));
                pipes.reportAssetMaterialization(null, metadata, "dv-1");
                pipes.reportAssetCheck(null, "no_gaps", false, PipesCheckSeverity.WARN,
                        Map.of("missing", MetadataValue.ofInt(2)));
                pipes.reportCustomMessage(Map.of("hello", "from java"));
            } catch (RuntimeException e) {
                pipes.fail(e);
                exitCode = 1;
            }
        }
        System.exit(exitCode);
    }
}
