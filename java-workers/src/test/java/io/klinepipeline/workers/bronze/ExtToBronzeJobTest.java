package io.klinepipeline.workers.bronze;

import static io.klinepipeline.workers.bronze.BronzeFixtures.event;
import static io.klinepipeline.workers.bronze.ThreeMinuteScenario.M57;
import static io.klinepipeline.workers.bronze.ThreeMinuteScenario.M58;
import static io.klinepipeline.workers.bronze.ThreeMinuteScenario.M59;
import static io.klinepipeline.workers.bronze.ThreeMinuteScenario.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.config.ConfigException;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.workers.bronze.BronzeFixtures.JsonlFile;
import io.klinepipeline.workers.bronze.BronzeRows.Row;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtToBronzeJobTest {
    private static final Instant RUN_AT = Instant.parse("2026-11-25T12:00:00.123Z");

    @TempDir
    Path dir;

    private Database database;
    private PipelineConfig config;
    private Path localDir;

    @BeforeEach
    void setUp() {
        database = TestDatabases.migrated();
        config = BronzeFixtures.config(dir);
        localDir = config.storage().localDir();
    }

    private ExtToBronzeJob job() {
        return new ExtToBronzeJob(config, BronzeFixtures.EXCHANGES, database, new LocalJsonlSource(localDir),
                Clock.fixed(RUN_AT, ZoneOffset.UTC));
    }

    @Test
    void loadsEveryUpdateOfTheWindowWithExactValues() throws Exception {
        BronzeFixtures.writeLocal(localDir, ThreeMinuteScenario.FILES);

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", WINDOW);

        List<Row> rows = BronzeRows.all(database);
        assertThat(rows).containsExactlyElementsOf(ThreeMinuteScenario.expectedRows());
        // The first update spelled out, so the expectation does not only restate the scenario's arithmetic.
        assertThat(rows.get(0)).isEqualTo(new Row("binance", "BTCUSDT", 60, M57, M58,
                50000.0, 50012.0, 49995.25, 50010.5, 1.25, 62510.12345678, 62510.12345678 / 1.25, 40,
                "websocket", Instant.parse("2026-11-24T10:57:02.345678Z"), false));
        // The empty minute: zero volume, so no average price.
        assertThat(rows.get(4)).satisfies(r -> {
            assertThat(r.intervalStart()).isEqualTo(M58);
            assertThat(r.volume()).isZero();
            assertThat(r.vwap()).isNull();
            assertThat(r.tradeCount()).isZero();
            assertThat(r.isFinal()).isTrue();
        });
        // The close of 10:59 came from the 11:00 folder.
        assertThat(rows.get(6).ingestionTs()).isEqualTo(Instant.parse("2026-11-24T11:00:00.310Z"));
        assertThat(rows.get(6).isFinal()).isTrue();

        assertThat(report.objects()).isEqualTo(3);
        assertThat(report.lines()).isEqualTo(ThreeMinuteScenario.LINES);
        assertThat(report.rowsLoaded()).isEqualTo(7);
        assertThat(report.rowsReplaced()).isZero();
        assertThat(report.deadLettered()).isZero();
        assertThat(report.deadLetterFile()).isNull();
        assertThat(report.firstMinute()).isEqualTo(M57);
        assertThat(report.lastMinute()).isEqualTo(M59);
        assertThat(report.finalMinutes()).isEqualTo(3);
        assertThat(report.minutesWithRows()).isEqualTo(3);
        assertThat(report.minutesWithoutFinal()).isZero();
        assertThat(report.partialLinesIgnored()).isZero();
        assertThat(Files.exists(config.storage().deadLetterDir())).isFalse();
    }

    @Test
    void rerunReplacesTheWindowInsteadOfDoublingIt() throws Exception {
        BronzeFixtures.writeLocal(localDir, ThreeMinuteScenario.FILES);
        job().run("binance", "BTCUSDT", WINDOW);
        List<Row> first = BronzeRows.all(database);

        ExtToBronzeReport again = job().run("binance", "BTCUSDT", WINDOW);

        assertThat(again.rowsReplaced()).isEqualTo(7);
        assertThat(again.rowsLoaded()).isEqualTo(7);
        assertThat(BronzeRows.all(database)).hasSize(7).isEqualTo(first);
    }

    @Test
    void leavesTheOldRowsInPlaceWhenALoadFailsHalfway() throws Exception {
        BronzeFixtures.writeLocal(localDir, ThreeMinuteScenario.FILES);
        job().run("binance", "BTCUSDT", WINDOW);
        List<Row> loaded = BronzeRows.all(database);
        String secondObject = ThreeMinuteScenario.FILES.get(1).name();
        LocalJsonlSource files = new LocalJsonlSource(localDir);
        JsonlObjectSource failing = new JsonlObjectSource() {
            @Override
            public List<String> fileNames(String folder) throws IOException {
                return files.fileNames(folder);
            }

            @Override
            public InputStream open(String name) throws IOException {
                if (name.equals(secondObject)) {
                    throw new IOException("disk went away");
                }
                return files.open(name);
            }

            @Override
            public String describe(String name) {
                return files.describe(name);
            }
        };
        ExtToBronzeJob failingJob = new ExtToBronzeJob(config, BronzeFixtures.EXCHANGES, database, failing,
                Clock.fixed(RUN_AT, ZoneOffset.UTC));

        assertThatThrownBy(() -> failingJob.run("binance", "BTCUSDT", WINDOW)).hasMessageContaining("disk went away");

        assertThat(BronzeRows.all(database)).isEqualTo(loaded);
    }

    @Test
    void concurrentRunsOfTheSameWindowTakeTurnsInsteadOfDoubling() throws Exception {
        BronzeFixtures.writeLocal(localDir, ThreeMinuteScenario.FILES);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Callable<ExtToBronzeReport> run = () -> {
                start.await();
                return job().run("binance", "BTCUSDT", WINDOW);
            };
            Future<ExtToBronzeReport> first = pool.submit(run);
            Future<ExtToBronzeReport> second = pool.submit(run);
            start.countDown();

            assertThat(first.get(60, TimeUnit.SECONDS).rowsReplaced() + second.get(60, TimeUnit.SECONDS).rowsReplaced())
                    .isEqualTo(7);
        } finally {
            pool.shutdownNow();
        }
        assertThat(BronzeRows.all(database)).containsExactlyElementsOf(ThreeMinuteScenario.expectedRows());
    }

    @Test
    void leavesRowsOutsideTheWindowOrFromOtherSourcesUntouched() throws Exception {
        BronzeFixtures.writeLocal(localDir, ThreeMinuteScenario.FILES);
        Row before = BronzeRows.seeded("BTCUSDT", ThreeMinuteScenario.M56, "websocket", 1.0);
        Row after = BronzeRows.seeded("BTCUSDT", ThreeMinuteScenario.M00, "websocket", 2.0);
        Row restInside = BronzeRows.seeded("BTCUSDT", M58, "rest", 3.0);
        Row otherSymbolInside = BronzeRows.seeded("ETHUSDT", M58, "websocket", 4.0);
        Row staleInside = BronzeRows.seeded("BTCUSDT", M57, "websocket", 5.0);
        BronzeRows.insert(database, before, after, restInside, otherSymbolInside, staleInside);

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", WINDOW);

        assertThat(report.rowsReplaced()).isEqualTo(1);
        List<Row> rows = BronzeRows.all(database);
        assertThat(rows).contains(before, after, restInside, otherSymbolInside).doesNotContain(staleInside);
        assertThat(rows).hasSize(4 + 7);
        // Neither the 10:56 minute before the window nor the 11:00 update after it was loaded.
        assertThat(rows).filteredOn(r -> r.source().equals("websocket") && r.symbol().equals("BTCUSDT"))
                .extracting(Row::intervalStart)
                .containsOnly(ThreeMinuteScenario.M56, M57, M58, M59, ThreeMinuteScenario.M00);
        assertThat(rows).filteredOn(r -> r.intervalStart().equals(ThreeMinuteScenario.M56)).containsExactly(before);
        assertThat(rows).filteredOn(r -> r.intervalStart().equals(ThreeMinuteScenario.M00)).containsExactly(after);
    }

    @Test
    void deadLettersMalformedLinesAndLoadsTheRest() throws Exception {
        String good = ThreeMinuteScenario.M57_FIRST.line();
        String notJson = "{\"v\":1,\"exchange\":\"binance\",this is not json";
        String wrongVersion = ThreeMinuteScenario.M57_SECOND.line().replace("{\"v\":1,", "{\"v\":2,");
        // Binance's "1M" is one MONTH: a 1-minute pipeline must refuse it, never read it as 1m.
        String monthInterval = event(Instant.parse("2026-11-24T10:57:30Z"), BinanceKlineFrame.update(
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-24T10:57:29.900Z"), "48000.00000000",
                "51000.00000000", "47000.00000000", "50020.00000000", "90000.00000000", "4410000000.00000000", 5_000_000)
                .withInterval("1M"));
        String wrongSymbol = event("ETHUSDT", Instant.parse("2026-11-24T10:57:31Z"),
                ThreeMinuteScenario.M57_SECOND.frame().withSymbol("ETHUSDT").text());
        String close = ThreeMinuteScenario.M57_CLOSE.line();
        JsonlFile file = JsonlFile.of(Instant.parse("2026-11-24T10:57:00Z"),
                good, notJson, wrongVersion, monthInterval, wrongSymbol, close);
        BronzeFixtures.writeLocal(localDir, List.of(file));

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", WINDOW);

        assertThat(report.lines()).isEqualTo(6);
        assertThat(report.rowsLoaded()).isEqualTo(2);
        assertThat(report.deadLettered()).isEqualTo(4);
        assertThat(BronzeRows.all(database)).containsExactly(
                ThreeMinuteScenario.expectedRow(ThreeMinuteScenario.M57_FIRST),
                ThreeMinuteScenario.expectedRow(ThreeMinuteScenario.M57_CLOSE));

        Path expectedFile = config.storage().deadLetterDir()
                .resolve("ext-to-bronze/exchange=binance/symbol=BTCUSDT/20261124T1057Z-20261125T120000123Z.jsonl");
        assertThat(report.deadLetterFile()).isEqualTo(expectedFile);
        List<JsonNode> letters = readJsonLines(expectedFile);
        String source = localDir.resolve(file.name()).toString();
        assertThat(letters).extracting(l -> l.get("source").asText()).containsOnly(source);
        assertThat(letters).extracting(l -> l.get("line").asLong()).containsExactly(2L, 3L, 4L, 5L);
        assertThat(letters).extracting(l -> l.get("text").asText())
                .containsExactly(notJson, wrongVersion, monthInterval, wrongSymbol);
        assertThat(letters.get(0).get("error").asText()).contains("not JSON");
        assertThat(letters.get(1).get("error").asText()).contains("envelope version 2");
        assertThat(letters.get(2).get("error").asText()).contains("'1M' is not 1m");
        assertThat(letters.get(3).get("error").asText()).contains("binance/ETHUSDT");
    }

    @Test
    void leavesMalformedLinesReceivedAfterTheWindowToTheNextWindowsDeadLetters() throws Exception {
        String garbage = "garbage after the 11:00 close";
        String monthInterval = event(Instant.parse("2026-11-24T11:02:00Z"), ThreeMinuteScenario.AFTER_UPDATE.frame()
                .withInterval("1M"));
        BronzeFixtures.writeLocal(localDir, List.of(
                JsonlFile.of(Instant.parse("2026-11-24T10:59:00Z"), ThreeMinuteScenario.M59_FIRST.line()),
                JsonlFile.of(Instant.parse("2026-11-24T11:00:00Z"),
                        ThreeMinuteScenario.M59_CLOSE.line(), garbage, monthInterval)));

        ExtToBronzeReport lastMinute = job().run("binance", "BTCUSDT", TimeWindow.parse("2026-11-24T10:59:00Z", "2026-11-24T11:00:00Z"));
        ExtToBronzeReport next = job().run("binance", "BTCUSDT", TimeWindow.parse("2026-11-24T11:00:00Z", "2026-11-24T11:05:00Z"));

        assertThat(lastMinute.rowsLoaded()).isEqualTo(2);
        assertThat(lastMinute.finalMinutes()).isEqualTo(1);
        assertThat(lastMinute.deadLettered()).isZero();
        assertThat(lastMinute.deadLetterFile()).isNull();
        assertThat(next.deadLettered()).isEqualTo(2);
        assertThat(readJsonLines(next.deadLetterFile())).extracting(l -> l.get("text").asText())
                .containsExactly(garbage, monthInterval);
    }

    @Test
    void ignoresTheUnterminatedLastLineOfAFileStillBeingWritten() throws Exception {
        String complete = ThreeMinuteScenario.M57_FIRST.line();
        String inProgress = ThreeMinuteScenario.M57_SECOND.line();
        JsonlFile halfWritten = JsonlFile.unterminated(Instant.parse("2026-11-24T10:57:00Z"),
                complete, inProgress.substring(0, inProgress.length() / 2));
        // Even a whole event is not trusted without its '\n': the writer may be mid-line.
        JsonlFile wholeButUnterminated = JsonlFile.unterminated(Instant.parse("2026-11-24T10:58:00Z"),
                ThreeMinuteScenario.M57_CLOSE.line());
        BronzeFixtures.writeLocal(localDir, List.of(halfWritten, wholeButUnterminated));

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", WINDOW);

        assertThat(report.lines()).isEqualTo(1);
        assertThat(report.partialLinesIgnored()).isEqualTo(2);
        assertThat(report.deadLettered()).isZero();
        assertThat(report.deadLetterFile()).isNull();
        assertThat(BronzeRows.all(database)).containsExactly(ThreeMinuteScenario.expectedRow(ThreeMinuteScenario.M57_FIRST));
    }

    @Test
    void stopsReadingAFileFiveMinutesAfterTheWindowEnds() throws Exception {
        TimeWindow lastMinute = TimeWindow.parse("2026-11-24T10:59:00Z", "2026-11-24T11:00:00Z");
        ThreeMinuteScenario.Received lateButInTime = new ThreeMinuteScenario.Received(
                Instant.parse("2026-11-24T11:05:00Z"), ThreeMinuteScenario.M59_CLOSE.frame());
        ThreeMinuteScenario.Received tooLate = new ThreeMinuteScenario.Received(
                Instant.parse("2026-11-24T11:05:00.000001Z"), ThreeMinuteScenario.M59_CLOSE.frame());
        BronzeFixtures.writeLocal(localDir, List.of(
                JsonlFile.of(Instant.parse("2026-11-24T10:59:00Z"), ThreeMinuteScenario.M59_FIRST.line()),
                JsonlFile.of(Instant.parse("2026-11-24T11:00:00Z"),
                        lateButInTime.line(), tooLate.line(), "never read: the file is past the grace limit")));

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", lastMinute);

        assertThat(report.lines()).isEqualTo(2);
        assertThat(report.deadLettered()).isZero();
        assertThat(BronzeRows.all(database)).extracting(Row::ingestionTs)
                .containsExactly(ThreeMinuteScenario.M59_FIRST.at(), lateButInTime.at());
    }

    /**
     * Files roll at the hour, so a received_at outside its file's hour folder is damage: the line
     * is dead-lettered, and it must not end the read, or the lines after it would be neither loaded
     * nor dead-lettered (found by the line fuzz test).
     */
    @Test
    void refusesALineReceivedOutsideItsHourFolderAndReadsOn() throws Exception {
        String damaged = event(Instant.parse("2096-11-24T10:57:30Z"), ThreeMinuteScenario.M57_SECOND.frame());
        String damagedAndUnparsable = event("BTCUSDT", Instant.parse("1970-01-01T00:00:00Z"), "{\"e\":\"kline\"}");
        BronzeFixtures.writeLocal(localDir, List.of(JsonlFile.of(Instant.parse("2026-11-24T10:57:00Z"),
                ThreeMinuteScenario.M57_FIRST.line(), damaged, damagedAndUnparsable,
                ThreeMinuteScenario.M57_CLOSE.line(), ThreeMinuteScenario.M58_EMPTY.line())));

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", WINDOW);

        assertThat(report.lines()).isEqualTo(5);
        assertThat(report.deadLettered()).isEqualTo(2);
        assertThat(report.firstDeadLetters()).anySatisfy(entry -> assertThat(entry).contains("outside the file's hour folder"));
        assertThat(BronzeRows.all(database)).extracting(Row::ingestionTs).containsExactlyInAnyOrder(
                ThreeMinuteScenario.M57_FIRST.at(), ThreeMinuteScenario.M57_CLOSE.at(), ThreeMinuteScenario.M58_EMPTY.at());
    }

    @Test
    void keepsExistingRowsWhenTheSourceHasNoObjectsForTheWindow() throws Exception {
        Row existing = BronzeRows.seeded("BTCUSDT", M58, "websocket", 3.0);
        BronzeRows.insert(database, existing);

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", WINDOW);

        assertThat(report.objects()).isZero();
        assertThat(report.rowsLoaded()).isZero();
        assertThat(report.rowsReplaced()).isZero();
        assertThat(report.firstMinute()).isNull();
        assertThat(report.lastMinute()).isNull();
        assertThat(report.minutesWithoutFinal()).isEqualTo(3);
        assertThat(BronzeRows.all(database)).containsExactly(existing);
    }

    @Test
    void keepsAnHoursRowsWhenOnlyTheNextHoursFolderHasObjects() throws Exception {
        BronzeFixtures.writeLocal(localDir, ThreeMinuteScenario.FILES);
        job().run("binance", "BTCUSDT", WINDOW);
        List<Row> loaded = BronzeRows.all(database);
        // The 10:00 folder is pruned (or not uploaded yet); only 11:00's file, with 10:59's close, is left.
        try (var files = Files.walk(localDir)) {
            files.filter(f -> f.toString().contains("hour=10") && Files.isRegularFile(f)).forEach(f -> f.toFile().delete());
        }

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", WINDOW);

        assertThat(report.hoursWithoutSource()).isEqualTo(1);
        assertThat(report.rowsReplaced()).isZero();
        assertThat(report.rowsLoaded()).as("10:59's close is already there; loading it again would double it").isZero();
        assertThat(BronzeRows.all(database)).isEqualTo(loaded);
    }

    @Test
    void readsThePreviousHoursLastFilesForContextButLoadsAndReplacesOnlyTheWindow() throws Exception {
        Instant hour = Instant.parse("2026-11-24T10:00:00Z");
        BinanceKlineFrame m0 = BinanceKlineFrame.update(hour, hour.plusSeconds(2), "1", "2", "1", "2", "1", "2", 1);
        BinanceKlineFrame m50 = m0.atMinute(hour.minusSeconds(600));
        BinanceKlineFrame m59 = m0.atMinute(hour.minusSeconds(60));
        BronzeFixtures.writeLocal(localDir, List.of(
                // Opened 20 minutes before the window: older than twice roll_max_age (60 s by default), not read.
                BronzeFixtures.JsonlFile.of(hour.minusSeconds(1200), BronzeFixtures.event(hour.minusSeconds(1200), m50)),
                // Opened 90 s before: the lead-in a parser needs to see a connection already delivering.
                BronzeFixtures.JsonlFile.of(hour.minusSeconds(90), BronzeFixtures.event(hour.minusSeconds(59), m59.closing())),
                BronzeFixtures.JsonlFile.of(hour.plusSeconds(2), BronzeFixtures.event(hour.plusSeconds(2), m0))));
        Row before = BronzeRows.seeded("BTCUSDT", hour.minusSeconds(60), "websocket", 3.0);
        BronzeRows.insert(database, before);

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", new TimeWindow(hour, hour.plusSeconds(3600)));

        assertThat(report.objects()).as("the lead-in file and the window's file").isEqualTo(2);
        assertThat(report.rowsLoaded()).as("only the window's minute").isEqualTo(1);
        assertThat(report.hoursWithoutSource()).isZero();
        assertThat(BronzeRows.all(database)).as("the previous hour's rows are not replaced").contains(before).hasSize(2);
    }

    @Test
    void skipsFilesThatAreNotDataFilesOfTheLayout() throws Exception {
        JsonlFile data = JsonlFile.of(Instant.parse("2026-11-24T10:57:00Z"), ThreeMinuteScenario.M57_FIRST.line());
        BronzeFixtures.writeLocal(localDir, List.of(data));
        Path folder = localDir.resolve(data.name()).getParent();
        Files.writeString(folder.resolve("20261124T105800000Z-engine-1.jsonl.tmp"), ThreeMinuteScenario.M57_SECOND.line() + "\n");
        Files.writeString(folder.resolve("notes.txt"), "not an event\n");

        ExtToBronzeReport report = job().run("binance", "BTCUSDT", WINDOW);

        assertThat(report.objects()).isEqualTo(1);
        assertThat(report.deadLettered()).isZero();
        assertThat(BronzeRows.all(database)).hasSize(1);
    }

    @Test
    void refusesAStreamThatIsNotConfigured() {
        assertThatThrownBy(() -> job().run("binance", "DOGEUSDT", WINDOW))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("symbol 'DOGEUSDT' is not configured for binance")
                .hasMessageContaining("BTCUSDT, ETHUSDT");
        assertThatThrownBy(() -> job().run("kraken", "XBTUSDT", WINDOW))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exchange 'kraken' is not configured");
    }

    @Test
    void streamsAWholeHourFromASourceThatNeverHoldsItInMemory() throws Exception {
        int updatesPerMinute = 500;
        TimeWindow hour = TimeWindow.parse("2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z");
        GeneratedSource source = new GeneratedSource(hour.start(), 60, updatesPerMinute);
        ExtToBronzeJob job = new ExtToBronzeJob(config, BronzeFixtures.EXCHANGES, database, source,
                Clock.fixed(RUN_AT, ZoneOffset.UTC));

        ExtToBronzeReport report = job.run("binance", "BTCUSDT", hour);

        assertThat(report.rowsLoaded()).isEqualTo(60L * updatesPerMinute);
        assertThat(report.finalMinutes()).isEqualTo(60);
        assertThat(source.bytesServed()).isGreaterThan(12L * 1024 * 1024);
        try (var c = database.connect();
                var rs = c.createStatement().executeQuery("SELECT count(*), count(*) FILTER (WHERE is_final)"
                        + " FROM bronze.bronze_ohclv_native")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(60L * updatesPerMinute);
            assertThat(rs.getLong(2)).isEqualTo(60);
        }
    }

    static List<JsonNode> readJsonLines(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(json.readTree(line));
        }
        return out;
    }
}
