package io.klinepipeline.workers.bronze;

import io.klinepipeline.exchange.Candle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Encodes websocket candles as rows of PostgreSQL's binary COPY format, in the column order of
 * {@link BronzeWindowLoad#COPY}. Binary, not text: numbers and times go as their bits, so neither
 * the worker formats a double or a timestamp nor the server parses one back (in text, that was most
 * of both sides' CPU in a load), and a double is stored bit for bit as parsed. One encoder per load:
 * it reuses its buffer and the UTF-8 of the stream's exchange and symbol.
 */
final class BronzeCopyRows {
    static final String SOURCE = "websocket";

    /** The binary COPY header: signature, no flags, no header extension. */
    static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** The end of the rows: a field count of -1. */
    static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};

    private static final short COLUMNS = 16;
    private static final byte[] SOURCE_UTF8 = SOURCE.getBytes(StandardCharsets.UTF_8);
    /** PostgreSQL's timestamps count microseconds from 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private byte[] row = new byte[256];
    private int length;
    private String exchange = "";
    private byte[] exchangeUtf8 = new byte[0];
    private String symbol = "";
    private byte[] symbolUtf8 = new byte[0];

    /** Encodes one row; read it with {@link #bytes()} and {@link #length()} until the next call. */
    void encode(Candle candle, Instant ingestionTs) {
        length = 0;
        if (!exchange.equals(candle.exchange())) {
            exchange = candle.exchange();
            exchangeUtf8 = exchange.getBytes(StandardCharsets.UTF_8);
        }
        if (!symbol.equals(candle.symbol())) {
            symbol = candle.symbol();
            symbolUtf8 = symbol.getBytes(StandardCharsets.UTF_8);
        }
        ensure(2 + 16 * 4 + exchangeUtf8.length + symbolUtf8.length + SOURCE_UTF8.length + 4 + 3 * 8 + 8 * 8 + 4 + 1);
        putShort(COLUMNS);
        bytesField(exchangeUtf8);
        bytesField(symbolUtf8);
        putInt(4);
        putInt(candle.intervalSeconds());
        timestampField(candle.intervalStart());
        timestampField(candle.intervalEnd());
        doubleField(candle.open());
        doubleField(candle.high());
        doubleField(candle.low());
        doubleField(candle.close());
        doubleField(candle.volume());
        doubleField(candle.quoteVolume());
        doubleField(candle.vwap());
        if (candle.tradeCount() == null) {
            putInt(-1);
        } else {
            putInt(4);
            putInt(candle.tradeCount());
        }
        bytesField(SOURCE_UTF8);
        timestampField(ingestionTs);
        putInt(1);
        row[length++] = (byte) (candle.isFinal() ? 1 : 0);
    }

    byte[] bytes() {
        return row;
    }

    int length() {
        return length;
    }

    /**
     * Microseconds since PostgreSQL's epoch. Times hold whole microseconds (the engine writes six
     * fractional digits); finer digits, from a line written by hand, are rounded half up.
     */
    static long postgresMicros(Instant instant) {
        long micros = Math.multiplyExact(instant.getEpochSecond() - POSTGRES_EPOCH_SECONDS, 1_000_000L);
        int nanos = instant.getNano();
        return micros + nanos / 1_000 + (nanos % 1_000 >= 500 ? 1 : 0);
    }

    private void bytesField(byte[] value) {
        putInt(value.length);
        System.arraycopy(value, 0, row, length, value.length);
        length += value.length;
    }

    private void timestampField(Instant value) {
        putInt(8);
        putLong(postgresMicros(value));
    }

    private void doubleField(Double value) {
        if (value == null) {
            putInt(-1);
        } else {
            doubleField(value.doubleValue());
        }
    }

    private void doubleField(double value) {
        putInt(8);
        putLong(Double.doubleToLongBits(value));
    }

    private void ensure(int size) {
        if (row.length < size) {
            row = Arrays.copyOf(row, Math.max(size, row.length * 2));
        }
    }

    private void putShort(short value) {
        row[length++] = (byte) (value >>> 8);
        row[length++] = (byte) value;
    }

    private void putInt(int value) {
        row[length++] = (byte) (value >>> 24);
        row[length++] = (byte) (value >>> 16);
        row[length++] = (byte) (value >>> 8);
        row[length++] = (byte) value;
    }

    private void putLong(long value) {
        putInt((int) (value >>> 32));
        putInt((int) value);
    }
}
