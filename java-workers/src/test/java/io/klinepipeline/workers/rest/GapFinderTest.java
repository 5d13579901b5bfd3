package io.klinepipeline.workers.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import io.klinepipeline.workers.window.TimeWindow;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GapFinderTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    private Database database;
    private BronzeFixture bronze;

    @BeforeEach
    void setUp() {
        database = TestDatabases.migrated();
        bronze = new BronzeFixture(database);
    }

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    private List<Instant> missing(TimeWindow window, Instant now) throws Exception {
        try (Connection c = database.connect()) {
            return GapFinder.missingMinutes(Database.dsl(c), "binance", "BTCUSDT", window, now);
        }
    }

    @Test
    void findsAPlantedGapAndCountsMinutesWithOnlyNonFinalRowsAsMissing() throws Exception {
        bronze.plantWebsocketFinal("BTCUSDT", minute(0), minute(10), minute(4), minute(5), minute(7), minute(8), minute(9));
        bronze.plant("BTCUSDT", minute(7), "websocket", false);   // an update, never closed
        bronze.plant("BTCUSDT", minute(7), "websocket", false);
        bronze.plant("BTCUSDT", minute(8), "rest", true);         // a final row from any source counts
        bronze.markChecked("BTCUSDT", minute(9), minute(20));     // known to be empty
        bronze.plant("ETHUSDT", minute(4), "websocket", true);    // another symbol fills nothing here

        // now is inside minute 11: minute 10 is over and empty, minute 11 is still open.
        assertThat(missing(new TimeWindow(minute(0), minute(12)), minute(11).plusSeconds(30)))
                .containsExactly(minute(4), minute(5), minute(7), minute(10));
    }

    @Test
    void aMinuteIsMissingFromTheInstantItEnds() throws Exception {
        TimeWindow window = new TimeWindow(minute(0), minute(3));

        assertThat(missing(window, minute(2))).containsExactly(minute(0), minute(1));
        assertThat(missing(window, minute(2).minusMillis(1))).containsExactly(minute(0));
        assertThat(missing(window, minute(0))).isEmpty();
    }
}
