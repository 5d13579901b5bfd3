package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BronzePartitionedLoadTest {
    @TempDir
    Path dir;

    @Test
    void aLoadCreatesItsMonthsPartitionAndWritesThereNotToTheDefault() throws Exception {
        Database database = TestDatabases.migrated();
        PipelineConfig config = BronzeFixtures.config(dir);
        BronzeFixtures.writeLocal(config.storage().localDir(), ThreeMinuteScenario.FILES);

        new ExtToBronzeJob(config, BronzeFixtures.EXCHANGES, database, new LocalJsonlSource(config.storage().localDir()),
                Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC))
                .run("binance", "BTCUSDT", ThreeMinuteScenario.WINDOW);

        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT tableoid::regclass::text, count(*) FROM bronze.bronze_ohclv_native GROUP BY 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("bronze.bronze_ohclv_native_2026_11");
            assertThat(rs.getLong(2)).isEqualTo(7);
            assertThat(rs.next()).as("no row in another partition").isFalse();
        }
    }
}
