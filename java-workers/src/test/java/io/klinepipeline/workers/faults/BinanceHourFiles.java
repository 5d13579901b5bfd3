package io.klinepipeline.workers.faults;

import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.binance.BinanceExchange;
import io.klinepipeline.jsonl.BronzeLayout;
import io.klinepipeline.jsonl.RawEventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the engine would have captured of one hour of a Binance symbol's 1m klines: a few updates per
 * minute and the closing one just after it, in one JSONL file in the bronze layout. The price
 * tells one capture from another, so a test sees whether a window holds the old or the new rows.
 */
final class BinanceHourFiles {
    private static final RawEventCodec CODEC = new RawEventCodec();

    private BinanceHourFiles() {}

    /**
     * Writes the hour's file, in place of any earlier capture of the hour.
     *
     * @param skipped minutes (0-59) the capture missed, for bronze-rest to fill
     * @return the lines written
     */
    static int write(Path bronzeRoot, String symbol, Instant hour, int updatesPerMinute, int price, Set<Integer> skipped)
            throws IOException {
        Path hourDir = BronzeLayout.hourDir(bronzeRoot, new BinanceExchange(), symbol, hour);
        Files.createDirectories(hourDir);
        try (var earlier = Files.list(hourDir)) {
            for (Path file : earlier.toList()) {
                Files.delete(file);
            }
        }
        List<String> lines = new ArrayList<>();
        long sequence = 0;
        for (int minute = 0; minute < 60; minute++) {
            if (skipped.contains(minute)) {
                continue;
            }
            long open = hour.plusSeconds(60L * minute).toEpochMilli();
            for (int update = 1; update <= updatesPerMinute; update++) {
                boolean closing = update == updatesPerMinute;
                long receivedAt = closing ? open + 60_100 : open + 50_000L * update / updatesPerMinute;
                String frame = "{\"e\":\"kline\",\"E\":" + receivedAt + ",\"s\":\"" + symbol + "\",\"k\":{\"t\":" + open
                        + ",\"T\":" + (open + 59_999) + ",\"s\":\"" + symbol + "\",\"i\":\"1m\",\"f\":1,\"L\":" + update
                        + ",\"o\":\"" + price + "\",\"c\":\"" + (price + update) + "\",\"h\":\"" + (price + update) + "\",\"l\":\""
                        + (price - 1) + "\",\"v\":\"" + update + "\",\"n\":" + update + ",\"x\":" + closing + ",\"q\":\""
                        + (long) price * update + "\",\"V\":\"0\",\"Q\":\"0\",\"B\":\"0\"}}";
                try {
                    lines.add(CODEC.encode("binance", symbol, "kline_1m", Instant.ofEpochMilli(receivedAt), "faults.1", ++sequence,
                            frame));
                } catch (MalformedPayloadException e) {
                    throw new IllegalArgumentException(e);
                }
            }
        }
        Files.write(hourDir.resolve(BronzeLayout.newFileName(hour, "faults")), lines);
        return lines.size();
    }
}
