package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipesFileMessageWriterTest {

    private static final int THREADS = 16;
    private static final int MESSAGES_PER_THREAD = 300;

    @TempDir
    Path dir;

    @Test
    void keepsEveryLineIntactWhenManyThreadsWriteAtOnce() throws Exception {
        Path file = dir.resolve("messages");
        try (PipesFileMessageWriter writer = new PipesFileMessageWriter(file)) {
            runConcurrently((thread, seq) -> writer.write(PipesJson.MAPPER.writeValueAsString(
                    Map.of("thread", thread, "seq", seq, "padding", padding(thread, seq)))));
        }

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(THREADS * MESSAGES_PER_THREAD);
        Set<String> seen = new HashSet<>();
        for (String line : lines) {
            JsonNode message = PipesJson.MAPPER.readTree(line);
            int thread = message.get("thread").asInt();
            int seq = message.get("seq").asInt();
            assertThat(message.get("padding").asText()).isEqualTo(padding(thread, seq));
            seen.add(thread + ":" + seq);
        }
        assertThat(seen).hasSize(THREADS * MESSAGES_PER_THREAD);
    }

    @Test
    void aSessionUsedFromManyThreadsStillEndsWithClosed() throws Exception {
        Path messages = dir.resolve("messages");
        Path context = dir.resolve("context.json");
        Files.writeString(context, "{\"asset_keys\": null, \"run_id\": \"r\", \"retry_number\": 0, \"extras\": {}}");
        Map<String, String> env = Map.of(
                Pipes.CONTEXT_ENV_VAR, PipesParamCodec.encode(Map.of("path", context.toString())),
                Pipes.MESSAGES_ENV_VAR, PipesParamCodec.encode(Map.of("path", messages.toString())));

        try (PipesSession pipes = Pipes.open(env)) {
            runConcurrently((thread, seq) -> pipes.log(PipesLogLevel.DEBUG, padding(thread, seq)));
        }

        List<String> lines = Files.readAllLines(messages, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(THREADS * MESSAGES_PER_THREAD + 2);
        assertThat(PipesJson.MAPPER.readTree(lines.get(0)).get("method").asText()).isEqualTo("opened");
        assertThat(PipesJson.MAPPER.readTree(lines.get(lines.size() - 1)).get("method").asText()).isEqualTo("closed");
        for (String line : lines.subList(1, lines.size() - 1)) {
            assertThat(PipesJson.MAPPER.readTree(line).get("method").asText()).isEqualTo("log");
        }
    }

    /** Lines from a few bytes to over 16 KiB, so some exceed a pipe buffer and a page. */
    private static String padding(int thread, int seq) {
        return (thread + "-" + seq + "-").repeat(1 + (seq * 37 % 2000));
    }

    private interface Task {
        void run(int thread, int seq) throws Exception;
    }

    private static void runConcurrently(Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int seq = 0; seq < MESSAGES_PER_THREAD; seq++) {
                    task.run(thread, seq);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }
}
