package io.klinepipeline.workers.bronze;

import io.klinepipeline.jsonl.BronzeLayout;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * One hour of Binance kline events (BTCUSDT unless told) made up on the fly as the reader pulls bytes: the whole hour never
 * exists at once, so a reader that needed the whole object would show it in memory, not here.
 */
final class GeneratedSource implements JsonlObjectSource {
    private static final BigDecimal PRICE = new BigDecimal("50000.5");
    private final String symbol;
    private final Instant hour;
    private final int minutes;
    private final int updatesPerMinute;
    private final String name;
    private long bytesServed;

    GeneratedSource(Instant hour, int minutes, int updatesPerMinute) {
        this("BTCUSDT", hour, minutes, updatesPerMinute);
    }

    GeneratedSource(String symbol, Instant hour, int minutes, int updatesPerMinute) {
        this.symbol = symbol;
        this.hour = hour;
        this.minutes = minutes;
        this.updatesPerMinute = updatesPerMinute;
        this.name = BronzeLayout.newFileName(hour, "generated");
    }

    @Override
    public List<String> fileNames(String folder) {
        return folder.equals(BronzeLayout.hourPrefix(BronzeFixtures.BINANCE, symbol, hour)) ? List.of(name) : List.of();
    }

    @Override
    public InputStream open(String object) {
        return new InputStream() {
            private long next;
            private byte[] line = new byte[0];
            private int position;

            @Override
            public int read() {
                if (position == line.length && !advance()) {
                    return -1;
                }
                bytesServed++;
                return line[position++] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (length == 0) {
                    return 0;
                }
                if (position == line.length && !advance()) {
                    return -1;
                }
                int n = Math.min(length, line.length - position);
                System.arraycopy(line, position, buffer, offset, n);
                position += n;
                bytesServed += n;
                return n;
            }

            private boolean advance() {
                if (next == (long) minutes * updatesPerMinute) {
                    return false;
                }
                line = (lineFor(next++) + "\n").getBytes(StandardCharsets.UTF_8);
                position = 0;
                return true;
            }
        };
    }

    private String lineFor(long index) {
        int minute = (int) (index / updatesPerMinute);
        int update = (int) (index % updatesPerMinute);
        Instant start = hour.plusSeconds(60L * minute);
        boolean closing = update == updatesPerMinute - 1;
        // Updates spread over the minute; the closing one just after it.
        Instant receivedAt = closing ? start.plusMillis(60_050) : start.plusNanos(59_000_000_000L / updatesPerMinute * update);
        int trades = update + 1;
        BigDecimal volume = BigDecimal.valueOf(trades, 3).setScale(8);
        BigDecimal quote = volume.multiply(PRICE).setScale(8);
        BinanceKlineFrame frame = BinanceKlineFrame.update(start, receivedAt.minusMillis(20), "50000.00000000",
                "50010.00000000", "49990.00000000", "50000.50000000", volume.toPlainString(), quote.toPlainString(), trades);
        BinanceKlineFrame sent = (closing ? frame.closing() : frame).withSymbol(symbol);
        return BronzeFixtures.event(symbol, receivedAt, sent.text());
    }

    long bytesServed() {
        return bytesServed;
    }

    @Override
    public String describe(String object) {
        return "generated:" + object;
    }
}
