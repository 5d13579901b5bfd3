package io.klinepipeline.engine.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.engine.Engine;
import io.klinepipeline.engine.EngineOptions;
import io.klinepipeline.engine.metrics.UploadCounters;
import io.klinepipeline.engine.testing.Await;
import io.klinepipeline.engine.testing.BinanceKlineFrames;
import io.klinepipeline.engine.testing.BronzeFiles;
import io.klinepipeline.engine.testing.CapturedLogs;
import io.klinepipeline.engine.testing.FakeBinanceServer;
import io.klinepipeline.engine.testing.FaultyS3Proxy;
import io.klinepipeline.engine.testing.FaultyS3Proxy.Fault;
import io.klinepipeline.engine.testing.LocalS3;
import io.klinepipeline.engine.testing.TestPipelines;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.BronzeLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The real engine uploads through {@link FaultyS3Proxy} while S3 fails in each way it can: the
 * engine keeps capturing, finished files wait on disk for as long as S3 is down, and once it is
 * back every file is in the bucket exactly once, byte for byte, and only then gone from disk.
 * Short outages of each kind with a short retry pause, then one long outage, all kinds in turn,
 * with the engine's default back-off ({@code upload_retry_delay_ms} 1 s doubling up to 5 min):
 * 12 s per unit of {@link ChaosRow#scale()}, so 12 s in make test and 2 min under make chaos.
 */
@Tag("chaos")
class S3OutageTest {
    private static final String BUCKET = "kline-bronze";
    private static final String PREFIX = "bronze/";
    /** upload_retry_delay_ms: the outage below lasts many of these (the pause doubles per failed attempt). */
    private static final long RETRY_DELAY_MS = 100;
    private static final Duration OUTAGE = Duration.ofMillis(2_000);
    /** The long outage: 12 s in make test, 2 min under make chaos (scale 10). */
    private static final Duration LONG_OUTAGE = Duration.ofSeconds(12L * ChaosRow.scale());
    /** Every way S3 fails, in turn, during the long outage. */
    private static final List<Fault> EVERY_FAULT = List.of(Fault.INTERNAL_ERROR, Fault.SERVICE_UNAVAILABLE, Fault.SLOW_DOWN,
            Fault.RESET, Fault.STALL);
    private static final Duration FRAME_SPACING = Duration.ofMillis(100);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Short, so a stalled request fails its attempt in a second rather than the production minutes. */
    private static final UploadTimeouts TEST_TIMEOUTS = new UploadTimeouts(
            Duration.ofMillis(700), Duration.ofMillis(2_000), Duration.ofMillis(1_500), Duration.ofMillis(4_000));

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "SLOW_DOWN", "RESET", "STALL"})
    void filesWaitOnDiskThroughAnOutageAndAreUploadedExactlyOnceAfterIt(Fault fault) throws Exception {
        int outages = ChaosRow.scale();
        try (Run run = new Run(RETRY_DELAY_MS)) {
            int filesQueuedInOutages = 0;
            for (int outage = 0; outage < outages; outage++) {
                filesQueuedInOutages += run.survive(List.of(fault), OUTAGE).filesWaiting();
            }
            long failedAttempts = run.uploads().failedAttemptCount();
            Run.Result result = run.finish();
            assertThat(result.lost()).isZero();
            assertThat(result.duplicates()).isZero();
            assertThat(result.overwrites()).as("PUTs that stored an object over an existing one").isZero();
            ChaosRow.of("s3", fault.description() + " for " + OUTAGE.toMillis() / 1000.0 + " s")
                    .trials(outages).sent(result.sent()).onDisk(result.inBucket()).lost(result.lost())
                    .duplicates(result.duplicates()).unrecoveredErrors(result.leftLocal())
                    .notes(filesQueuedInOutages + " files waited on disk, " + failedAttempts + " failed upload attempts; "
                            + "every object byte-equal (SHA-256) to its local file, none overwritten")
                    .record();
        }
    }

    /**
     * S3 down for long, failing in every way in turn, against the engine's default back-off: the
     * pauses between a file's attempts grow to minutes, yet once S3 answers again every waiting file
     * is uploaded within seconds, exactly once, and deleted locally only then.
     */
    @Test
    void aLongOutageWithTheDefaultBackoffEndsInEveryFileUploadedOncePromptly() throws Exception {
        try (Run run = new Run(null)) {
            Outage outage = run.survive(EVERY_FAULT, LONG_OUTAGE);
            long failedAttempts = run.uploads().failedAttemptCount();
            Run.Result result = run.finish();
            assertThat(result.lost()).isZero();
            assertThat(result.duplicates()).isZero();
            assertThat(result.overwrites()).as("PUTs that stored an object over an existing one").isZero();
            // At make chaos's 2 min the oldest files pause 64 s and 128 s between attempts; S3 answering again cuts that short.
            assertThat(outage.recovery()).as("from S3 answering again until every waiting file is uploaded")
                    .isLessThan(Duration.ofSeconds(60));
            ChaosRow.of("s3", "down " + LONG_OUTAGE.toSeconds() + " s: 500, 503, SlowDown, reset, stall in turn")
                    .trials(1).sent(result.sent()).onDisk(result.inBucket()).lost(result.lost())
                    .duplicates(result.duplicates()).unrecoveredErrors(result.leftLocal())
                    .notes(outage.filesWaiting() + " files waited on disk, " + failedAttempts + " failed attempts with the "
                            + "default back-off (1 s doubling, 5 min cap); all uploaded " + outage.recovery().toMillis()
                            + " ms after S3 answered again; every object byte-equal to its file, none overwritten")
                    .record();
        }
    }

    /**
     * A file whose next attempt is a long pause away does not sit out that pause once S3 answers
     * again: the first upload that succeeds (a file finished after the outage, tried at once) makes
     * every waiting file due.
     */
    @Test
    void filesPausingBetweenRetriesAreUploadedAsSoonAsS3AnswersAgain() throws Exception {
        long pauseMs = 120_000;
        try (Run run = new Run(pauseMs)) {
            run.sendFrames(3);
            run.awaitAllUploaded();
            run.proxy.inject(Fault.SERVICE_UNAVAILABLE);
            run.sendFramesFor(Duration.ofMillis(1_500));
            awaitTrue("an upload attempt failed", () -> run.uploads().failedAttemptCount() > 0);
            run.proxy.heal();
            long healed = System.nanoTime();
            run.sendFramesFor(Duration.ofMillis(1_500)); // finishes a new file, tried at once
            // Well before the failed files' pause is over.
            run.awaitAllUploaded(Duration.ofSeconds(30));
            log("every file uploaded " + (System.nanoTime() - healed) / 1_000_000 + " ms after S3 was healed, the failed ones' "
                    + "pause was " + pauseMs / 1000 + " s");
            Run.Result result = run.finish();
            assertThat(result.lost()).isZero();
            assertThat(result.duplicates()).isZero();
        }
    }

    /**
     * S3 stores a PUT but the answer never arrives. The SDK's own retry repeats the PUT, which
     * If-None-Match makes S3 refuse (412); the upload queue's later retry asks first (HEAD) and
     * finds the object. Either way the key is stored once. Each trial loses answers twice: once
     * healed right away (the SDK's retry meets S3), once kept until the queue's retry has found
     * the object.
     */
    @Test
    void aPutWhoseResponseWasLostIsNotStoredASecondTime() throws Exception {
        int trials = ChaosRow.scale();
        try (Run run = new Run(RETRY_DELAY_MS)) {
            for (int trial = 0; trial < trials; trial++) {
                run.sendFrames(3);
                run.awaitAllUploaded();
                run.proxy.inject(Fault.LOSE_PUT_RESPONSE);
                int lostBefore = run.lostPutResponses();
                run.sendFrames(3);
                awaitTrue("S3 stored a PUT whose answer the engine never got", () -> run.lostPutResponses() > lostBefore);
                run.proxy.heal();
                run.awaitAllUploaded();

                long foundBefore = run.uploads().alreadyPresentCount();
                run.proxy.inject(Fault.LOSE_PUT_RESPONSE);
                run.sendFrames(3);
                awaitTrue("the queue's retry found the stored object", () -> run.uploads().alreadyPresentCount() > foundBefore);
                run.proxy.heal();
                run.awaitAllUploaded();
            }
            Run.Result result = run.finish();
            assertThat(result.overwrites()).as("PUTs that stored an object over an existing one").isZero();
            assertThat(result.lost()).isZero();
            assertThat(result.duplicates()).isZero();
            assertThat(run.preconditionFailures()).as("repeated PUTs refused by If-None-Match").isPositive();
            ChaosRow.of("s3", "PUT stored but its response lost")
                    .trials(2 * trials).sent(result.sent()).onDisk(result.inBucket()).lost(result.lost())
                    .duplicates(result.duplicates()).unrecoveredErrors(result.leftLocal())
                    .notes(run.lostPutResponses() + " PUTs stored without an answer; repeated PUTs refused by If-None-Match "
                            + run.preconditionFailures() + "×, queue retries found the object by HEAD "
                            + run.uploads().alreadyPresentCount() + "×; no second object, none overwritten")
                    .record();
        }
    }

    /** One engine capturing from a fake Binance into the local directory and uploading through the proxy. */
    private final class Run implements AutoCloseable {
        final CapturedLogs logs = new CapturedLogs();
        final LocalS3 s3 = new LocalS3();
        final S3Client client = s3.client();
        final FaultyS3Proxy proxy = new FaultyS3Proxy(s3.endpoint());
        final FakeBinanceServer server = new FakeBinanceServer();
        final Engine engine;
        final FakeBinanceServer.Connection connection;
        final BinanceKlineFrames klines = new BinanceKlineFrames("BTCUSDT", 1_795_000_020_000L - 1_795_000_020_000L % 60_000);
        int framesSent;
        boolean finished;

        /** @param retryDelayMs upload_retry_delay_ms, or null for the default */
        Run(Long retryDelayMs) throws Exception {
            client.createBucket(b -> b.bucket(BUCKET));
            String s3Yaml = "{enabled: true, bucket: " + BUCKET + ", prefix: \"" + PREFIX + "\", endpoint: \""
                    + proxy.endpoint() + "\", region: us-east-1, path_style: true}";
            engine = new Engine(
                    TestPipelines.binance(server.wsBase(), dir, "BTCUSDT",
                            "roll_max_age_seconds: 1" + (retryDelayMs == null ? "" : ", upload_retry_delay_ms: " + retryDelayMs),
                            s3Yaml),
                    ExchangeRegistry.standard(), Clock.systemUTC(), s3::credentials,
                    new EngineOptions(Duration.ofSeconds(60), Duration.ofSeconds(10), TEST_TIMEOUTS));
            engine.start();
            connection = server.awaitConnection(Duration.ofSeconds(10));
        }

        /**
         * One outage: {@code faults} in turn, each for its share of {@code duration}, while frames
         * keep coming and files keep finishing. Finished files must stay on disk and out of the
         * bucket while it lasts, and be in the bucket byte for byte and gone from disk after it.
         */
        Outage survive(List<Fault> faults, Duration duration) throws Exception {
            sendFrames(5);
            awaitAllUploaded();
            int objectsBefore = objects().size();
            long failedBefore = uploads().failedAttemptCount();
            for (Fault fault : faults) {
                proxy.inject(fault);
                sendFramesFor(duration.dividedBy(faults.size()));
            }
            awaitTrue("a file finished during the outage", () -> localDataFiles().size() >= 2);
            awaitTrue("an upload attempt failed", () -> uploads().failedAttemptCount() > failedBefore);
            // Snapshot before the end of the outage: these bytes are what S3 must hold afterwards.
            Map<String, String> waiting = checksumsOfFinishedLocalFiles();
            assertThat(waiting).as("finished files stay on disk while S3 is down").isNotEmpty();
            assertThat(objects()).as("nothing reached the bucket during the outage").hasSize(objectsBefore);
            proxy.heal();
            long healed = System.nanoTime();

            awaitAllUploaded();
            Duration recovery = Duration.ofNanos(System.nanoTime() - healed);
            for (Map.Entry<String, String> file : waiting.entrySet()) {
                assertThat(checksumOfObject(file.getKey())).as("s3 object %s holds the local file's bytes", file.getKey())
                        .isEqualTo(file.getValue());
            }
            assertThat(logs.lines()).as("the log says since when S3 failed, and that it is back")
                    .anyMatch(l -> l.startsWith("WARN") && l.contains("failing since"))
                    .anyMatch(l -> l.contains("answers again after"));
            return new Outage(waiting.size(), recovery);
        }

        UploadCounters uploads() {
            return engine.uploadCounters().orElseThrow();
        }

        void sendFrames(int n) {
            for (int i = 0; i < n; i++) {
                connection.send(klines.frame(framesSent++));
            }
        }

        void sendFramesFor(Duration duration) throws InterruptedException {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                sendFrames(1);
                Thread.sleep(FRAME_SPACING.toMillis());
            }
        }

        Path localDir() {
            return dir.resolve("bronze");
        }

        List<Path> localDataFiles() {
            try {
                return BronzeFiles.dataFiles(localDir());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits until every frame sent is written, its file finished, uploaded and deleted locally. */
        void awaitAllUploaded() throws Exception {
            awaitAllUploaded(WAIT);
        }

        void awaitAllUploaded(Duration within) throws Exception {
            awaitTrue("every frame written", within, () -> engine.streamCounters().get(0).lines() == framesSent);
            awaitTrue("the local directory emptied by uploads", within, () -> localDataFiles().isEmpty());
        }

        /**
         * SHA-256 of every local data file but the newest, which the writer may still be appending
         * to; keyed by the object key it will have.
         */
        Map<String, String> checksumsOfFinishedLocalFiles() throws Exception {
            List<Path> files = localDataFiles();
            Map<String, String> sums = new HashMap<>();
            for (Path file : files.subList(0, files.size() - 1)) {
                String relative = localDir().relativize(file).toString().replace('\\', '/');
                sums.put(PREFIX + relative, sha256(Files.readAllBytes(file)));
            }
            return sums;
        }

        String checksumOfObject(String key) throws Exception {
            return sha256(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
        }

        List<S3Object> objects() {
            return client.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().toList();
        }

        int lostPutResponses() {
            return (int) proxy.requests().stream()
                    .filter(r -> r.fault() == Fault.LOSE_PUT_RESPONSE && r.storedAnObject() && !r.answered()).count();
        }

        int preconditionFailures() {
            return (int) proxy.requests().stream().filter(r -> "PUT".equals(r.method()) && r.status() == 412).count();
        }

        /** Stops the engine (which finishes and uploads its last file) and compares the bucket with what was sent. */
        Result finish() throws Exception {
            awaitAllUploaded();
            engine.close();
            finished = true;
            List<S3Object> objects = new ArrayList<>(objects());
            objects.sort(Comparator.comparing((S3Object o) -> o.key().substring(0, o.key().lastIndexOf('/')))
                    .thenComparing(o -> o.key().substring(o.key().lastIndexOf('/') + 1), BronzeLayout.readOrder()));
            List<String> payloads = new ArrayList<>();
            for (S3Object object : objects) {
                String content = client.getObjectAsBytes(b -> b.bucket(BUCKET).key(object.key())).asUtf8String();
                assertThat(content).as(object.key()).endsWith("\n");
                for (String line : content.split("\n")) {
                    payloads.add(BronzeFiles.rawPayload(line));
                }
            }
            List<String> sent = server.sent();
            Map<String, Long> storesPerKey = proxy.requests().stream().filter(FaultyS3Proxy.Request::storedAnObject)
                    .collect(Collectors.groupingBy(FaultyS3Proxy.Request::path, Collectors.counting()));
            long overwrites = storesPerKey.values().stream().mapToLong(n -> n - 1).sum();
            assertThat(storesPerKey).as("one stored PUT per object").hasSameSizeAs(objects);
            long leftLocal = localDataFiles().size();
            assertThat(leftLocal).as("files left in the local directory").isZero();
            assertThat(payloads).as("the bucket holds every frame once, in order").containsExactlyElementsOf(sent);
            long matched = Math.min(sent.size(), payloads.size());
            return new Result(sent.size(), payloads.size(), sent.size() - matched, payloads.size() - matched, overwrites,
                    leftLocal);
        }

        @Override
        public void close() throws Exception {
            if (!finished) {
                engine.close();
            }
            server.close();
            proxy.close();
            client.close();
            s3.close();
            logs.close();
        }

        /** What the bucket holds against what the exchange sent. */
        record Result(long sent, long inBucket, long lost, long duplicates, long overwrites, long leftLocal) {}
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** What one outage left: files that waited on disk, and how long after S3 answered again the last was uploaded. */
    private record Outage(int filesWaiting, Duration recovery) {}

    private static void log(String message) {
        LoggerFactory.getLogger(S3OutageTest.class).info(message);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        awaitTrue(what, WAIT, condition);
    }

    private static void awaitTrue(String what, Duration wait, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, wait, condition);
    }
}
