package io.klinepipeline.workers.silver;

import io.klinepipeline.config.ChecksConfig;
import io.klinepipeline.config.EngineConfig;
import io.klinepipeline.config.ExchangeConfig;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.config.S3Config;
import io.klinepipeline.config.StorageConfig;
import io.klinepipeline.workers.db.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** Bronze rows for the silver tests: one-minute rows with every column settable. */
final class BronzeRows {

    /** One bronze row; {@link #final1m} gives plain defaults, the withers change one column. */
    record Row(String exchange, String symbol, Instant start, String source, boolean isFinal, Instant ingestionTs,
            double open, double high, double low, double close, double volume, Double quoteVolume, Integer tradeCount,
            Double vwap) {

        static Row final1m(String exchange, String symbol, Instant start, String source) {
            return new Row(exchange, symbol, start, source, true, start.plusSeconds(61), 100, 110, 90, 105, 2, 210.0, 12, 105.0);
        }

        Row nonFinal() {
            return new Row(exchange, symbol, start, source, false, ingestionTs, open, high, low, close, volume, quoteVolume, tradeCount, vwap);
        }

        Row ingestedAt(Instant at) {
            return new Row(exchange, symbol, start, source, isFinal, at, open, high, low, close, volume, quoteVolume, tradeCount, vwap);
        }

        Row close(double value) {
            return new Row(exchange, symbol, start, source, isFinal, ingestionTs, open, high, low, value, volume, quoteVolume, tradeCount, vwap);
        }

        Row high(double value) {
            return new Row(exchange, symbol, start, source, isFinal, ingestionTs, open, value, low, close, volume, quoteVolume, tradeCount, vwap);
        }

        Row volume(double value) {
            return new Row(exchange, symbol, start, source, isFinal, ingestionTs, open, high, low, close, value, quoteVolume, tradeCount, vwap);
        }

        Row quote(Double quote, Integer trades, Double avg) {
            return new Row(exchange, symbol, start, source, isFinal, ingestionTs, open, high, low, close, volume, quote, trades, avg);
        }
    }

    private BronzeRows() {}

    /** A pipeline.yaml's worth of settings for silver over these exchanges: defaults, local storage, no S3. */
    static PipelineConfig config(Map<String, ExchangeConfig> exchanges) {
        return new PipelineConfig(exchanges, new StorageConfig(Path.of("bronze"), Path.of("dead-letter"),
                new S3Config(false, "kline-pipeline-bronze", "", null, "us-east-1", false)), null, EngineConfig.defaults(),
                ChecksConfig.defaults());
    }

    static void insert(Database database, Row... rows) throws SQLException {
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("INSERT INTO bronze.bronze_ohclv_native (exchange, symbol,"
                        + " interval_seconds, interval_start, interval_end, open, high, low, close, volume, quote_volume,"
                        + " trade_count, vwap, source, ingestion_ts, is_final) VALUES (?, ?, 60, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Row r : rows) {
                s.setString(1, r.exchange());
                s.setString(2, r.symbol());
                s.setObject(3, utc(r.start()));
                s.setObject(4, utc(r.start().plusSeconds(60)));
                s.setDouble(5, r.open());
                s.setDouble(6, r.high());
                s.setDouble(7, r.low());
                s.setDouble(8, r.close());
                s.setDouble(9, r.volume());
                s.setObject(10, r.quoteVolume(), Types.DOUBLE);
                s.setObject(11, r.tradeCount(), Types.INTEGER);
                s.setObject(12, r.vwap(), Types.DOUBLE);
                s.setString(13, r.source());
                s.setObject(14, utc(r.ingestionTs()));
                s.setBoolean(15, r.isFinal());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
