package io.klinepipeline.workers.bronze;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEventCodec;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.RunLock;
import io.klinepipeline.workers.window.TimeWindow;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ext-to-bronze: loads the engine's raw events of one stream into {@code bronze.bronze_ohclv_native}
 * for the minutes {@code [window.start, window.end)}, replacing the window's earlier websocket rows.
 * Every update is kept (bronze takes duplicates and unfinished rows by design; silver picks the
 * final one); unusable lines are dead-lettered and never stop the load.
 */
public final class ExtToBronzeJob {
    /**
     * A minute's closing update (Binance {@code x:true}) arrives just after the minute, so the last
     * minute's close is in the files after the window: read that long past its end.
     */
    static final Duration LATE_CLOSE_GRACE = Duration.ofMinutes(5);
    /** Hour folders are listed this far past the window's end, for those late closes. */
    static final Duration SPILL_OVER = Duration.ofHours(1);

    /**
     * The run lock's job name. Not "ext-to-bronze": that key is the load transaction's own lock,
     * taken on the load's connection, which would wait for this one's session forever.
     */
    static final String RUN_LOCK = "ext-to-bronze run";

    private static final Logger log = LoggerFactory.getLogger(ExtToBronzeJob.class);

    private final PipelineConfig config;
    private final ExchangeRegistry exchanges;
    private final Database database;
    private final JsonlObjectSource source;
    private final Clock clock;
    private final RunLock runLock;
    private final RawEventCodec codec = new RawEventCodec();
    private final LoadLedger ledger;

    /**
     * @param source where the JSONL objects are read (see {@link JsonlSourceFactory}); the caller closes it
     * @param clock names the run's dead-letter file
     */
    public ExtToBronzeJob(PipelineConfig config, ExchangeRegistry exchanges, Database database, JsonlObjectSource source,
            Clock clock) {
        this(config, exchanges, database, source, clock, RunLock.withDefaultWait());
    }

    /** @param runLock how long a run waits for another run of the same stream */
    public ExtToBronzeJob(PipelineConfig config, ExchangeRegistry exchanges, Database database, JsonlObjectSource source,
            Clock clock, RunLock runLock) {
        this.config = config;
        this.exchanges = exchanges;
        this.database = database;
        this.source = source;
        this.clock = clock;
        this.runLock = runLock;
        this.ledger = new LoadLedger(database, LoadLedger.runningBuild());
    }

    /**
     * Loads one window of one stream.
     *
     * @throws io.klinepipeline.config.ConfigException when the exchange or symbol is not configured
     */
    public ExtToBronzeReport run(String exchangeName, String symbol, TimeWindow window) throws Exception {
        config.pair(exchangeName, symbol);
        // A second run of the stream (a double-clicked backfill) waits here, on a session of its
        // own, for a bounded time and naming the run it waits for; the load's transaction lock
        // alone would keep the runs apart too, but would wait forever and without a word.
        try (Connection lockSession = database.connect()) {
            runLock.hold(lockSession, RUN_LOCK, exchangeName + "/" + symbol);
            return runLocked(exchangeName, symbol, window);
        }
    }

    private ExtToBronzeReport runLocked(String exchangeName, String symbol, TimeWindow window) throws Exception {
        Exchange exchange = exchanges.get(exchangeName);
        String stream = "ext-to-bronze " + exchangeName + "/" + symbol + " " + window;
        Instant runAt = clock.instant();

        List<String> skipped = new ArrayList<>();
        List<HourObject> objects = list(exchange, symbol, window, skipped);
        for (String file : skipped) {
            log.warn("{}: skipping {}: its name is not the engine's <opened-at>-<writer>.jsonl, so its hour's load never reads it;"
                    + " bring it into the layout with kline-worker import-jsonl", stream, source.describe(file));
        }
        List<String> skippedFiles = skipped.stream().map(source::describe).toList();
        // Only hours whose own folder has objects are replaced. An hour without any is not "an hour
        // without candles": its files may have been pruned locally or not uploaded yet, so what
        // bronze already holds for it stays (and the late closes of it found in the next hour's
        // folder are not loaded again beside those rows).
        Set<Instant> replacedHours = new TreeSet<>();
        Instant firstHour = window.start().truncatedTo(ChronoUnit.HOURS);
        objects.stream().map(HourObject::hour).filter(h -> !h.isBefore(firstHour) && h.isBefore(window.end()))
                .forEach(replacedHours::add);
        List<Instant> hoursWithoutSource = window.hours().filter(h -> !replacedHours.contains(h)).toList();
        if (!hoursWithoutSource.isEmpty()) {
            log.warn("{}: no data objects in {} for hour(s) {}{}; their bronze rows are left in place", stream, source,
                    hoursWithoutSource, skipped.isEmpty() ? "" : " (" + skipped.size() + " file(s) skipped, named above)");
        }
        if (replacedHours.isEmpty()) {
            return new ExtToBronzeReport(0, 0, 0, 0, 0, 0, null, null, 0, null, window.minutes(), 0, 0, hoursWithoutSource.size(),
                    List.of(), skippedFiles);
        }
        ReplaceScope scope = new ReplaceScope(window, replacedHours);
        List<String> objectNames = objects.stream().map(HourObject::name).toList();
        Optional<ExtToBronzeReport> unchanged = ledger.lastLoadIfUnchanged(exchangeName, symbol, scope, objectNames, source,
                hoursWithoutSource.size(), skippedFiles);
        if (unchanged.isPresent()) {
            log.info("{}: the {} objects are the ones its last load read, and bronze holds that load's rows: nothing to do; {}",
                    stream, objects.size(), unchanged.get().summary());
            return unchanged.get();
        }
        log.info("{}: reading {} objects from {}", stream, objects.size(), source);

        Path deadLetterPath = DeadLetterFile.pathFor(config.storage().deadLetterDir(), exchange, symbol, window, runAt);
        ExtToBronzeReport report;
        try (DeadLetterFile deadLetters = new DeadLetterFile(deadLetterPath);
                BronzeWindowLoad load = BronzeWindowLoad.begin(database, exchangeName, symbol, scope)) {
            WindowReplay replay = new WindowReplay(exchangeName, symbol, scope, window.end().plus(LATE_CLOSE_GRACE),
                    source, codec, exchange.newPayloadParser(symbol), shortcutFor(exchangeName, symbol), load::add, deadLetters, stream);
            for (HourObject object : objects) {
                replay.read(object.name(), object.hour());
            }
            replay.finish();
            deadLetters.force();
            long loaded = load.commit(ledger, new LoadLedger.Entry(exchangeName, symbol, scope, replay.identities(), replay.lines(),
                    deadLetters.lines(), replay.partialLines(), replay.coverage(), deadLetters.writtenPath(),
                    deadLetters.firstEntries()));
            WindowCoverage coverage = replay.coverage();
            report = new ExtToBronzeReport(replay.objects(), replay.lines(), loaded, load.rowsReplaced(), load.rowsUnchanged(),
                    deadLetters.lines(), coverage.firstMinute(), coverage.lastMinute(), coverage.finalMinutes(),
                    deadLetters.writtenPath(), window.minutes(), coverage.minutesWithRows(), replay.partialLines(),
                    hoursWithoutSource.size(), deadLetters.firstEntries(), skippedFiles);
        }
        if (report.deadLettered() > 0) {
            log.warn("{}: {} unusable lines dead-lettered to {}", stream, report.deadLettered(), report.deadLetterFile());
        }
        log.info("{}: {}", stream, report.summary());
        return report;
    }

    /**
     * The data objects of every hour folder from the window's start to the spill-over's end, in
     * read order, preceded by the previous hour's last files when the window starts near the hour:
     * a parser must see a connection delivering before a minute began to take the minute as seen
     * whole (exchanges without a closed flag), and the window's first minute begins at the hour.
     * Files live at most engine.roll_max_age, so those opened within twice that before the window
     * hold its lead-in; their candles are outside the window and neither loaded nor replaced.
     * Files of the window's own hour folders that are not the layout's go to {@code skipped}
     * (the lead-in and spill-over folders' belong to the runs of their own hours).
     */
    private List<HourObject> list(Exchange exchange, String symbol, TimeWindow window, List<String> skipped) throws IOException {
        List<HourObject> objects = new ArrayList<>();
        Instant firstHour = window.start().truncatedTo(ChronoUnit.HOURS);
        Instant leadIn = window.start().minus(config.engine().rollMaxAge().multipliedBy(2));
        Instant until = window.end().plus(SPILL_OVER);
        for (Instant hour = leadIn.truncatedTo(ChronoUnit.HOURS); hour.isBefore(until); hour = hour.plus(1, ChronoUnit.HOURS)) {
            boolean context = hour.isBefore(firstHour);
            JsonlObjectSource.HourFolder folder = source.hourFolder(BronzeLayout.hourPrefix(exchange, symbol, hour));
            if (!context && hour.isBefore(window.end())) {
                skipped.addAll(folder.skipped());
            }
            for (String name : folder.dataObjects()) {
                if (!context || !BronzeLayout.openedAt(fileName(name)).isBefore(leadIn)) {
                    objects.add(new HourObject(name, hour));
                }
            }
        }
        return objects;
    }

    /**
     * The hourly windows whose run reads an object of the hour folder {@code folderHour} opened at
     * {@code openedAt}, by the rules of {@link #list} and the read limit of {@link #LATE_CLOSE_GRACE}:
     * its own hour; the hour before, when it opened within the grace after the hour (it may hold
     * that hour's late closes); and the hours after whose lead-in (twice the roll age) reaches back
     * to it. Kept beside {@link #list} so that a change to what a window reads changes this too;
     * {@code list-finished} uses it to tell the freshness sensor which partitions a new object touches.
     */
    public static List<Instant> windowsReading(Instant folderHour, Instant openedAt, Duration rollMaxAge) {
        List<Instant> windows = new ArrayList<>();
        if (openedAt.isBefore(folderHour.plus(LATE_CLOSE_GRACE))) {
            windows.add(folderHour.minus(1, ChronoUnit.HOURS));
        }
        windows.add(folderHour);
        Duration leadIn = rollMaxAge.multipliedBy(2);
        for (Instant next = folderHour.plus(1, ChronoUnit.HOURS); !openedAt.isBefore(next.minus(leadIn));
                next = next.plus(1, ChronoUnit.HOURS)) {
            windows.add(next);
        }
        return windows;
    }

    /** Binance's usual lines are read by a shortcut (most of a load's CPU otherwise); other exchanges' by their parser alone. */
    static BinanceLineShortcut shortcutFor(String exchange, String symbol) {
        return "binance".equals(exchange) ? new BinanceLineShortcut(exchange, symbol) : null;
    }

    private static String fileName(String object) {
        return object.substring(object.lastIndexOf('/') + 1);
    }

    private record HourObject(String name, Instant hour) {}
}
