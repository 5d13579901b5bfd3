package io.klinepipeline.workers.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.workers.db.Database;
import io.klinepipeline.workers.db.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bronze-rest's fills land in their months' partitions (sql/V3), made for them, not in the default one. */
class RestFillPartitionTest {
    @Test
    void fillsAcrossAMonthsEndGoIntoBothMonthsPartitions() throws Exception {
        Database database = TestDatabases.migrated();
        Instant fetched = Instant.parse("2027-04-01T00:10:00Z");
        List<RestFillWriter.Fill> fills = new ArrayList<>();
        for (String minute : List.of("2027-03-31T23:58:00Z", "2027-03-31T23:59:00Z", "2027-04-01T00:00:00Z")) {
            fills.add(new RestFillWriter.Fill(new Candle("binance", "BTCUSDT", 60, Instant.parse(minute), 1, 2, 0.5, 1.5, 3,
                    4.5, 1.5, 7, true), fetched));
        }

        try (Connection c = database.connect()) {
            assertThat(new RestFillWriter(c).write("binance", "BTCUSDT", fills, List.of()).filled()).hasSize(3);
        }

        List<String> partitions = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT tableoid::regclass::text || ' ' || count(*) FROM bronze.bronze_ohclv_native"
                        + " GROUP BY tableoid ORDER BY 1")) {
            while (rs.next()) {
                partitions.add(rs.getString(1));
            }
        }
        assertThat(partitions).containsExactly("bronze.bronze_ohclv_native_2027_03 2", "bronze.bronze_ohclv_native_2027_04 1");
    }
}
