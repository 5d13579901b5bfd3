package io.klinepipeline.workers.bronze;

import static io.klinepipeline.workers.bronze.BronzeFixtures.event;

import io.klinepipeline.workers.bronze.BronzeFixtures.JsonlFile;
import io.klinepipeline.workers.bronze.BronzeRows.Row;
import io.klinepipeline.workers.window.TimeWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * BTCUSDT around the window [10:57, 11:00) of 2026-11-24, as the engine would have written it:
 * three files, several updates per minute, each minute's {@code x:true} close just after it, an
 * empty minute (10:58, no trades), and the close of 10:59 in the next hour's folder. Around the
 * window: the minute before (10:56) and the first update of 11:00, which must not load.
 */
final class ThreeMinuteScenario {
    static final TimeWindow WINDOW = TimeWindow.parse("2026-11-24T10:57:00Z", "2026-11-24T11:00:00Z");

    static final Instant M56 = Instant.parse("2026-11-24T10:56:00Z");
    static final Instant M57 = Instant.parse("2026-11-24T10:57:00Z");
    static final Instant M58 = Instant.parse("2026-11-24T10:58:00Z");
    static final Instant M59 = Instant.parse("2026-11-24T10:59:00Z");
    static final Instant M00 = Instant.parse("2026-11-24T11:00:00Z");

    /** A frame and when the engine received it. */
    record Received(Instant at, BinanceKlineFrame frame) {
        String line() {
            return event(at, frame);
        }
    }

    static final Received BEFORE_UPDATE = received("2026-11-24T10:56:30.000001Z",
            BinanceKlineFrame.update(M56, at("2026-11-24T10:56:29.998Z"), "49990.00000000", "50001.00000000",
                    "49989.00000000", "50000.00000000", "0.80000000", "39995.20000000", 30));
    static final Received BEFORE_CLOSE = received("2026-11-24T10:57:00.150000Z",
            BinanceKlineFrame.update(M56, at("2026-11-24T10:57:00.101Z"), "49990.00000000", "50001.00000000",
                    "49989.00000000", "50000.00000000", "0.90000000", "44995.10000000", 33).closing());
    static final Received M57_FIRST = received("2026-11-24T10:57:02.345678Z",
            BinanceKlineFrame.update(M57, at("2026-11-24T10:57:02.301Z"), "50000.00000000", "50012.00000000",
                    "49995.25000000", "50010.50000000", "1.25000000", "62510.12345678", 40));
    static final Received M57_SECOND = received("2026-11-24T10:57:40.000001Z",
            BinanceKlineFrame.update(M57, at("2026-11-24T10:57:39.990Z"), "50000.00000000", "50025.00000000",
                    "49995.25000000", "50020.00000000", "3.50000000", "175040.00000000", 95));
    static final Received M57_CLOSE = received("2026-11-24T10:58:00.120000Z",
            BinanceKlineFrame.update(M57, at("2026-11-24T10:58:00.071Z"), "50000.00000000", "50025.00000000",
                    "49995.25000000", "50018.00000000", "4.00000000", "200075.00000000", 110).closing());
    static final Received M58_EMPTY = received("2026-11-24T10:58:10.500000Z",
            BinanceKlineFrame.update(M58, at("2026-11-24T10:58:10.450Z"), "50018.00000000", "50018.00000000",
                    "50018.00000000", "50018.00000000", "0.00000000", "0.00000000", 0));
    static final Received M58_EMPTY_CLOSE = received("2026-11-24T10:59:00.200000Z",
            BinanceKlineFrame.update(M58, at("2026-11-24T10:59:00.150Z"), "50018.00000000", "50018.00000000",
                    "50018.00000000", "50018.00000000", "0.00000000", "0.00000000", 0).closing());
    static final Received M59_FIRST = received("2026-11-24T10:59:30.000000Z",
            BinanceKlineFrame.update(M59, at("2026-11-24T10:59:29.950Z"), "50018.00000000", "50031.00000000",
                    "50017.00000000", "50030.00000000", "0.10000000", "5002.99000000", 12));
    static final Received M59_CLOSE = received("2026-11-24T11:00:00.310000Z",
            BinanceKlineFrame.update(M59, at("2026-11-24T11:00:00.260Z"), "50018.00000000", "50031.00000000",
                    "50017.00000000", "50029.99000000", "0.30000000", "15008.79900000", 25).closing());
    static final Received AFTER_UPDATE = received("2026-11-24T11:00:05.000000Z",
            BinanceKlineFrame.update(M00, at("2026-11-24T11:00:04.950Z"), "50029.99000000", "50035.00000000",
                    "50029.99000000", "50035.00000000", "0.05000000", "2501.74950000", 3));

    /** The in-window updates, in the order they must be stored (minute, then received). */
    static final List<Received> IN_WINDOW =
            List.of(M57_FIRST, M57_SECOND, M57_CLOSE, M58_EMPTY, M58_EMPTY_CLOSE, M59_FIRST, M59_CLOSE);

    private ThreeMinuteScenario() {}

    /** Two files in the 10:00 folder (the engine rolled at 10:58), one in the 11:00 folder. */
    static final List<JsonlFile> FILES = List.of(
                JsonlFile.of(at("2026-11-24T10:55:00Z"),
                        BEFORE_UPDATE.line(), BEFORE_CLOSE.line(), M57_FIRST.line(), M57_SECOND.line()),
                JsonlFile.of(at("2026-11-24T10:58:00Z"),
                        M57_CLOSE.line(), M58_EMPTY.line(), M58_EMPTY_CLOSE.line(), M59_FIRST.line()),
                JsonlFile.of(at("2026-11-24T11:00:00Z"), M59_CLOSE.line(), AFTER_UPDATE.line()));

    static final int LINES = 10;

    /** The bronze rows a load of WINDOW must produce, from the frames' own fields. */
    static List<Row> expectedRows() {
        List<Row> rows = new ArrayList<>();
        for (Received r : IN_WINDOW) {
            rows.add(expectedRow(r));
        }
        return rows;
    }

    static Row expectedRow(Received r) {
        BinanceKlineFrame f = r.frame();
        double volume = Double.parseDouble(f.volume());
        double quote = Double.parseDouble(f.quoteVolume());
        return new Row("binance", f.symbol(), 60, f.minute(), f.minute().plusSeconds(60),
                Double.parseDouble(f.open()), Double.parseDouble(f.high()), Double.parseDouble(f.low()),
                Double.parseDouble(f.close()), volume, quote, volume == 0 ? null : quote / volume, f.trades(),
                "websocket", r.at(), f.closed());
    }

    private static Received received(String at, BinanceKlineFrame frame) {
        return new Received(Instant.parse(at), frame);
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
