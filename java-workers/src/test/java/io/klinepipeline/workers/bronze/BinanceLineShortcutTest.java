package io.klinepipeline.workers.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.PayloadParser;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Binance shortcut is only a faster way to the same candles: it takes the lines the engine
 * writes, and whatever line it takes, whole or damaged, the general way (RawEventCodec and the
 * Binance parser) makes the same candle, received at the same time, of it.
 */
class BinanceLineShortcutTest {
    private static final RawEventCodec CODEC = new RawEventCodec();
    private static final String JSON_BYTES = "0123456789.-e\"{}[],:tfn\\ \u00ff";
    private static final Instant MINUTE = Instant.parse("2026-11-24T10:15:00Z");

    @Test
    void takesTheEngineLinesAndMakesTheCandlesTheGeneralWayMakes() throws Exception {
        for (String line : engineLines()) {
            BinanceLineShortcut shortcut = new BinanceLineShortcut("binance", "BTCUSDT");
            assertThat(shortcut.read(bytes(line), bytes(line).length)).as("takes %s", line).isTrue();
            assertSameAsTheGeneralWay(line, shortcut);
        }
    }

    @Test
    void anyDamagedLineItTakesGivesWhatTheGeneralWayGives() throws Exception {
        SplittableRandom random = new SplittableRandom(20261124);
        List<String> lines = new ArrayList<>(engineLines());
        String usual = lines.get(0);
        // Shapes it must leave to the general way, or read exactly as it does.
        lines.add(usual.replace("\"v\":1,", "\"v\":1,\"v\":2,"));
        lines.add(usual.replace("\"o\":\"50000.00\"", "\"o\":\"50000.00\",\"o\":\"1.0\""));
        lines.add(usual.replace("\"o\":\"50000.00\"", "\"o\":50000.00"));
        lines.add(usual.replace("\"o\":\"50000.00\"", "\"o\":\"-1\""));
        lines.add(usual.replace("\"o\":\"50000.00\"", "\"o\":\"NaN\""));
        lines.add(usual.replace("\"n\":", "\"n\":1e3,\"x1\":"));
        lines.add(usual.replace("\"payload\":{", "\"payload\":{\"stream\":\"btcusdt@kline_1m\",\"data\":{").replace("}}}", "}}}}"));
        lines.add(usual.replace("\"i\":\"1m\"", "\"i\":\"1M\""));
        lines.add(usual.replace("\"s\":\"BTCUSDT\"", "\"s\":\"ETHUSDT\""));
        lines.add(usual.replace("\"symbol\":\"BTCUSDT\"", "\"symbol\":\"ETHUSDT\""));
        lines.add(usual.replace(".000000Z", ".0000001Z"));
        lines.add(usual.replace("T10:15", "T24:15"));
        lines.add(usual.replace("\"seq\":", "\"seq\":0,\"s2\":"));
        lines.add(usual + " {}");
        lines.add(usual.replace("\"B\":\"0\"", "\"B\":{\"deep\":[1.5]}"));
        int taken = 0;
        int tried = 0;
        for (String line : lines) {
            for (int mutation = 0; mutation < 60; mutation++) {
                byte[] damaged = mutation == 0 ? bytes(line) : damage(bytes(line), random);
                BinanceLineShortcut shortcut = new BinanceLineShortcut("binance", "BTCUSDT");
                tried++;
                if (shortcut.read(damaged, damaged.length)) {
                    taken++;
                    assertSameAsTheGeneralWay(new String(damaged, StandardCharsets.UTF_8), shortcut);
                }
            }
        }
        assertThat(taken).as("some damaged lines are still whole klines (a changed digit), and are taken").isPositive()
                .isLessThan(tried);
    }

    /**
     * Found by ExtToBronzeLinesJazzerFuzzTest: a byte that is not UTF-8 before a key ("\xffi" for
     * "i"). One shortcut reads a load's lines one after another, so it is warmed with whole lines first.
     */
    @Test
    void leavesALineWithAByteThatIsNotAsciiToTheGeneralWay() throws Exception {
        BinanceLineShortcut shortcut = new BinanceLineShortcut("binance", "BTCUSDT");
        for (String line : engineLines()) {
            assertThat(shortcut.read(bytes(line), bytes(line).length)).isTrue();
        }
        String usual = engineLines().get(0);
        byte[] damaged = bytes(usual.replace("\"i\":\"1m\"", "\"#i\":\"1m\""));
        damaged[usual.indexOf("\"i\":\"1m\"") + 1] = (byte) 0xff;

        assertThat(shortcut.read(damaged, damaged.length)).isFalse();
        assertThatThrownBy(() -> BronzeFixtures.BINANCE.newPayloadParser("BTCUSDT")
                .parse(CODEC.decode(new String(damaged, StandardCharsets.UTF_8))))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("'i'");
    }

    private static void assertSameAsTheGeneralWay(String line, BinanceLineShortcut shortcut) throws MalformedPayloadException {
        RawEvent event = CODEC.decode(line);
        PayloadParser parser = BronzeFixtures.BINANCE.newPayloadParser("BTCUSDT");
        List<Candle> candles = parser.parse(event);
        assertThat(event.exchange()).isEqualTo("binance");
        assertThat(event.symbol()).isEqualTo("BTCUSDT");
        assertThat(candles).as("the general way of %s", line).containsExactly(shortcut.candle());
        assertThat(event.receivedAt()).isEqualTo(shortcut.receivedAt());
    }

    /** Lines as the engine writes them: updates and closes, odd prices, zero volume, a leap day. */
    private static List<String> engineLines() {
        List<String> lines = new ArrayList<>();
        String[][] values = {
            {"50000.00", "50010.00", "49990.00", "50005.00", "1.5", "75000.0"},
            {"0.00000001", "0.00000002", "0.00000001", "0.00000001", "0.00000000", "0.00000000"},
            {"57994.60000000", "58018.03000000", "57974.41000000", "57999.99000000", "23.06712200", "1337913.58654308"},
        };
        Instant[] minutes = {MINUTE, Instant.parse("2028-02-29T23:59:00Z"), Instant.parse("2026-12-31T23:59:00Z")};
        int trades = 0;
        for (Instant minute : minutes) {
            for (String[] v : values) {
                BinanceKlineFrame update = BinanceKlineFrame.update(minute, minute.plusSeconds(3), v[0], v[1], v[2], v[3], v[4], v[5],
                        trades++);
                lines.add(BronzeFixtures.event(minute.plusSeconds(3).plusNanos(123_456_000), update));
                lines.add(BronzeFixtures.event(minute.plusSeconds(60), update.closing()));
            }
        }
        return lines;
    }

    private static byte[] damage(byte[] line, SplittableRandom random) {
        byte[] out = line.clone();
        int at = random.nextInt(out.length);
        switch (random.nextInt(4)) {
            case 0 -> out[at] = (byte) JSON_BYTES.charAt(random.nextInt(JSON_BYTES.length()));
            case 1 -> out[at] = (byte) random.nextInt(256);
            case 2 -> {
                byte[] shorter = new byte[out.length - 1];
                System.arraycopy(out, 0, shorter, 0, at);
                System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                out = shorter;
            }
            default -> out[at] = (byte) Character.forDigit(random.nextInt(10), 10);
        }
        return out;
    }

    private static byte[] bytes(String line) {
        return line.getBytes(StandardCharsets.UTF_8);
    }
}
