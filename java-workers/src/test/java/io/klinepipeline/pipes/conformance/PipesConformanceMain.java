package io.klinepipeline.pipes.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.pipes.Pipes;
import io.klinepipeline.pipes.PipesParamCodec;
import io.klinepipeline.pipes.PipesSession;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The test entry point driven by Dagster's Pipes conformance suite
 * ({@code java-workers/pipes-conformance/}, run by {@code scripts/pipes-conformance.sh}). It
 * lives in the test sources so the shipped jar carries no test harness, and it uses only the
 * public API of {@code io.klinepipeline.pipes}, as a worker does.
 *
 * <p>Exit status 0 on success; on failure the exception goes to Dagster in {@code closed} and the
 * process exits 1, the way a worker must fail.
 */
public final class PipesConformanceMain {

    private PipesConformanceMain() {
    }

    public static void main(String[] argv) {
        ConformanceArgs args = ConformanceArgs.parse(argv);
        Map<String, String> env = System.getenv();
        checkChannel(env, Pipes.CONTEXT_ENV_VAR, args.contextLoader());
        checkChannel(env, Pipes.MESSAGES_ENV_VAR, args.messageWriter());

        Supplier<S3Client> s3 = new LazyS3();
        int exitCode = 0;
        try (PipesSession pipes = Pipes.open(env, s3)) {
            try {
                new ConformanceCase(args, pipes).run();
            } catch (RuntimeException e) {
                pipes.fail(e);
                exitCode = 1;
            }
        } catch (RuntimeException e) {
            // Pipes.open has already reported a context it could not load in "closed".
            e.printStackTrace();
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    /**
     * The client picks the loader and writer from the parameters Dagster sends; the suite's
     * {@code --context-loader s3} / {@code --message-writer s3} say which it meant, so check that
     * the parameters really name a bucket then, and only then.
     */
    private static void checkChannel(Map<String, String> env, String variable, String expected) {
        String encoded = env.get(variable);
        if (encoded == null) {
            throw new IllegalStateException(variable + " is unset: this entry point is launched by Dagster");
        }
        JsonNode params = PipesParamCodec.decode(encoded);
        boolean namesBucket = params.has("bucket");
        if (namesBucket != expected.equals("s3")) {
            throw new IllegalStateException(variable + " is " + params + " but the suite asked for the "
                    + expected + " channel");
        }
    }

    /** Builds the S3 client only when Dagster names a bucket; each run uses one at most. */
    private static final class LazyS3 implements Supplier<S3Client> {
        private S3Client client;

        @Override
        public synchronized S3Client get() {
            if (client == null) {
                client = ConformanceS3.fromEnvironment();
            }
            return client;
        }
    }
}
