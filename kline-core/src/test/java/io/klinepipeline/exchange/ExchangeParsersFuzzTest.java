package io.klinepipeline.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.chaos.FuzzBudget;
import io.klinepipeline.chaos.JsonMutator;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every exchange's stream and REST parsing under generated input: arbitrary text, and mutations of
 * the exchange's own documented messages. Each try runs a short stream of frames the way the
 * engine and ext-to-bronze do (classify, encode into a JSONL line, decode, parse, and at the end
 * finish), interleaving valid frames so that the stateful parsers (Coinbase's trade minutes,
 * Kraken's per-connection candles) get deep, then one REST body through the candle parser, the
 * rate-limit advice and, for Kraken, the trades page. The property: nothing but the documented
 * {@link MalformedPayloadException}, with a reason, ever escapes, and every candle that comes out
 * is one the warehouse can hold (finite, non-negative, high ≥ low, on a whole minute, this stream's).
 */
@Tag("chaos")
@Tag("fuzz")
class ExchangeParsersFuzzTest {
    /** Tries per exchange at scale 1: 2-4 s each on a loaded two-core machine. */
    static final int TRIES = 1000;
    private static final int MAX_FRAMES = 12;
    private static final Instant START = Instant.parse("2026-11-24T10:15:00Z");
    private static final ExchangeRegistry REGISTRY = ExchangeRegistry.standard();
    private final RawEventCodec codec = new RawEventCodec();

    /** An exchange's real messages, as its documents show them, for the minute given. */
    interface Seeds {
        String frame(Instant minute, long n, SplittableRandom random);

        String restBody(Instant minute, SplittableRandom random);
    }

    @Test
    void binanceParsersRefuseBadInputOnlyWithAReason() {
        fuzz("binance", "BTCUSDT", new Seeds() {
            public String frame(Instant minute, long n, SplittableRandom random) {
                long t = minute.toEpochMilli();
                return switch (random.nextInt(8)) {
                    case 0 -> "{\"result\":null,\"id\":1}";
                    case 1 -> "{\"e\":\"serverShutdown\",\"E\":" + t + "}";
                    case 2 -> "{\"id\":1,\"error\":{\"code\":2,\"msg\":\"Invalid request\"}}";
                    default -> "{\"e\":\"kline\",\"E\":" + (t + 2000) + ",\"s\":\"BTCUSDT\",\"k\":{\"t\":" + t + ",\"T\":" + (t + 59_999)
                            + ",\"s\":\"BTCUSDT\",\"i\":\"1m\",\"f\":1,\"L\":9,\"o\":\"100.5\",\"c\":\"101.25\",\"h\":\"102\","
                            + "\"l\":\"99.75\",\"v\":\"2\",\"n\":9,\"x\":" + random.nextBoolean()
                            + ",\"q\":\"201\",\"V\":\"0\",\"Q\":\"0\",\"B\":\"0\"}}";
                };
            }

            public String restBody(Instant minute, SplittableRandom random) {
                long t = minute.toEpochMilli();
                return "[[" + t + ",\"100\",\"102\",\"99\",\"101\",\"2\"," + (t + 59_999) + ",\"201\",9,\"1\",\"100\",\"0\"],["
                        + (t + 60_000) + ",\"101\",\"103\",\"100\",\"102\",\"0\"," + (t + 119_999) + ",\"0\",0,\"0\",\"0\",\"0\"]]";
            }
        });
    }

    @Test
    void coinbaseParsersRefuseBadInputOnlyWithAReason() {
        fuzz("coinbase", "BTC-USD", new Seeds() {
            public String frame(Instant minute, long n, SplittableRandom random) {
                String at = minute.plusSeconds(random.nextInt(60)).toString();
                return switch (random.nextInt(8)) {
                    case 0 -> "{\"channel\":\"heartbeats\",\"client_id\":\"\",\"timestamp\":\"" + at + "\",\"sequence_num\":" + n
                            + ",\"events\":[{\"current_time\":\"2026-11-24 10:15:00 +0000 UTC m=+91717.525857105\","
                            + "\"heartbeat_counter\":\"" + (1000 + n) + "\"}]}";
                    case 1 -> "{\"channel\":\"subscriptions\",\"client_id\":\"\",\"timestamp\":\"" + at + "\",\"sequence_num\":" + n
                            + ",\"events\":[{\"subscriptions\":{\"market_trades\":[\"BTC-USD\"],\"heartbeats\":[\"heartbeats\"]}}]}";
                    case 2 -> "{\"type\":\"error\",\"message\":\"failure to subscribe\",\"reason\":\"product not found\"}";
                    default -> "{\"channel\":\"market_trades\",\"client_id\":\"\",\"timestamp\":\"" + at + "\",\"sequence_num\":" + n
                            + ",\"events\":[{\"type\":\"" + (random.nextInt(5) == 0 ? "snapshot" : "update") + "\",\"trades\":["
                            + "{\"trade_id\":\"" + (2 * n) + "\",\"product_id\":\"BTC-USD\",\"price\":\"100.5\",\"size\":\"0.25\","
                            + "\"side\":\"BUY\",\"time\":\"" + at + "\"},"
                            + "{\"trade_id\":\"" + (2 * n + 1) + "\",\"product_id\":\"BTC-USD\",\"price\":\"101\",\"size\":\"1\","
                            + "\"side\":\"SELL\",\"time\":\"" + at + "\"}]}]}";
                };
            }

            public String restBody(Instant minute, SplittableRandom random) {
                long s = minute.getEpochSecond();
                return "{\"candles\":[{\"start\":\"" + (s + 60) + "\",\"low\":\"99\",\"high\":\"102\",\"open\":\"100\",\"close\":\"101\","
                        + "\"volume\":\"2\"},{\"start\":\"" + s + "\",\"low\":\"98\",\"high\":\"101\",\"open\":\"99\",\"close\":\"100\","
                        + "\"volume\":\"0\"}]}";
            }
        });
    }

    @Test
    void krakenParsersRefuseBadInputOnlyWithAReason() {
        fuzz("kraken", "BTC/USD", new Seeds() {
            public String frame(Instant minute, long n, SplittableRandom random) {
                return switch (random.nextInt(9)) {
                    case 0 -> "{\"channel\":\"heartbeat\"}";
                    case 1 -> "{\"method\":\"pong\",\"time_in\":\"2026-11-24T10:15:00.000000Z\",\"time_out\":\"2026-11-24T10:15:00.000100Z\"}";
                    case 2 -> "{\"method\":\"subscribe\",\"result\":{\"channel\":\"ohlc\",\"symbol\":\"BTC/USD\",\"interval\":1,"
                            + "\"snapshot\":true,\"warnings\":[\"timestamp is deprecated, use interval_begin\"]},\"success\":true,"
                            + "\"time_in\":\"2026-11-24T10:15:00.000000Z\",\"time_out\":\"2026-11-24T10:15:00.000100Z\"}";
                    case 3 -> "{\"channel\":\"status\",\"type\":\"update\",\"data\":[{\"api_version\":\"v2\","
                            + "\"connection_id\":18446744073709551615,\"system\":\"online\",\"version\":\"2.0.10\"}]}";
                    default -> "{\"channel\":\"ohlc\",\"type\":\"" + (random.nextInt(5) == 0 ? "snapshot" : "update")
                            + "\",\"timestamp\":\"" + minute.plusSeconds(31) + "\",\"data\":[{\"symbol\":\"BTC/USD\",\"open\":100.5,"
                            + "\"high\":102,\"low\":99.75,\"close\":101.25,\"trades\":9,\"volume\":2.5,\"vwap\":100.25,"
                            + "\"interval_begin\":\"" + minute + "\",\"interval\":1,\"timestamp\":\"" + minute.plusSeconds(60) + "\"}]}";
                };
            }

            public String restBody(Instant minute, SplittableRandom random) {
                long s = minute.getEpochSecond();
                if (random.nextBoolean()) { // a Trades page, the source of minutes older than OHLC's 720
                    return "{\"error\":[],\"result\":{\"XXBTZUSD\":[[\"30243.40000\",\"0.34507674\"," + s + ".8277369,"
                            + "\"b\",\"m\",\"\",61044952],[\"30243.30000\",\"0.00376960\"," + (s + 1) + ".2804112,\"s\",\"l\",\"\","
                            + "61044953]],\"last\":\"1688671969993150842\"}}";
                }
                return "{\"error\":[],\"result\":{\"XXBTZUSD\":[[" + s + ",\"30306.1\",\"30306.2\",\"30305.7\",\"30305.7\","
                        + "\"30306.1\",\"3.39243896\",23],[" + (s + 60) + ",\"30304.5\",\"30304.5\",\"30300.0\",\"30300.0\",\"0.0\","
                        + "\"0.00000000\",0]],\"last\":" + s + "}}";
            }
        });
    }

    @Test
    void bybitParsersRefuseBadInputOnlyWithAReason() {
        fuzz("bybit", "BTCUSDT", new Seeds() {
            public String frame(Instant minute, long n, SplittableRandom random) {
                long t = minute.toEpochMilli();
                return switch (random.nextInt(8)) {
                    case 0 -> "{\"success\":true,\"ret_msg\":\"subscribe\",\"conn_id\":\"d30fdpbboasp1pjbe7r0\",\"op\":\"subscribe\"}";
                    case 1 -> "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"d30fdpbboasp1pjbe7r0\",\"op\":\"ping\"}";
                    case 2 -> "{\"success\":false,\"ret_msg\":\"Invalid topic\",\"conn_id\":\"x\",\"op\":\"subscribe\"}";
                    default -> "{\"topic\":\"kline.1.BTCUSDT\",\"data\":[{\"start\":" + t + ",\"end\":" + (t + 59_999)
                            + ",\"interval\":\"1\",\"open\":\"100.5\",\"close\":\"101.25\",\"high\":\"102\",\"low\":\"99.75\","
                            + "\"volume\":\"2\",\"turnover\":\"201\",\"confirm\":" + random.nextBoolean() + ",\"timestamp\":" + (t + 1234)
                            + "}],\"ts\":" + (t + 1234) + ",\"type\":\"snapshot\"}";
                };
            }

            public String restBody(Instant minute, SplittableRandom random) {
                long t = minute.toEpochMilli();
                return "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"list\":["
                        + "[\"" + (t + 60_000) + "\",\"100\",\"102\",\"99\",\"101\",\"2\",\"201\"],"
                        + "[\"" + t + "\",\"100\",\"102\",\"99\",\"100\",\"0\",\"0\"]]},\"retExtInfo\":{},\"time\":" + (t + 90_000) + "}";
            }
        });
    }

    @Test
    void okxParsersRefuseBadInputOnlyWithAReason() {
        fuzz("okx", "BTC-USDT", new Seeds() {
            public String frame(Instant minute, long n, SplittableRandom random) {
                long t = minute.toEpochMilli();
                return switch (random.nextInt(8)) {
                    case 0 -> "pong";
                    case 1 -> "{\"event\":\"subscribe\",\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"connId\":\"a4d3ae55\"}";
                    case 2 -> "{\"event\":\"error\",\"code\":\"60012\",\"msg\":\"Invalid request\",\"connId\":\"a4d3ae55\"}";
                    default -> "{\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"data\":[[\"" + t
                            + "\",\"100.5\",\"102\",\"99.75\",\"101.25\",\"2\",\"201\",\"201\",\"" + random.nextInt(2) + "\"]]}";
                };
            }

            public String restBody(Instant minute, SplittableRandom random) {
                long t = minute.toEpochMilli();
                return "{\"code\":\"0\",\"msg\":\"\",\"data\":[[\"" + (t + 60_000) + "\",\"100\",\"102\",\"99\",\"101\",\"2\",\"201\","
                        + "\"201\",\"0\"],[\"" + t + "\",\"100\",\"102\",\"99\",\"100\",\"0\",\"0\",\"0\",\"1\"]]}";
            }
        });
    }

    private void fuzz(String name, String symbol, Seeds seeds) {
        Exchange exchange = REGISTRY.get(name);
        StreamProtocol stream = exchange.stream();
        FuzzBudget budget = FuzzBudget.of(TRIES);
        Counts counts = new Counts();
        for (int attempt = 0; attempt < budget.tries(); attempt++) {
            SplittableRandom random = budget.random(attempt);
            String input = "";
            try {
                PayloadParser parser = exchange.newPayloadParser(symbol);
                int frames = 1 + random.nextInt(MAX_FRAMES);
                for (int i = 0; i < frames; i++) {
                    Instant minute = START.plusSeconds(60L * (i / 2));
                    input = frame(seeds.frame(minute, i + 1, random), random);
                    counts.frames++;
                    streamFrame(exchange, stream, parser, symbol, input, minute.plusSeconds(random.nextInt(60)),
                            "fuzz." + (1 + random.nextInt(2)), i + 1, counts);
                }
                input = "(finish)";
                checkCandles(exchange, symbol, parser.finish(), counts);
                input = frame(seeds.restBody(START, random), random);
                counts.bodies++;
                restBody(exchange, symbol, input, random, counts);
            } catch (Throwable e) {
                throw new AssertionError(name + ": " + budget.replay(attempt) + " failed on input: "
                        + input.substring(0, Math.min(input.length(), 2000)), e);
            }
        }
        assertThat(counts.rejected).as("the generator reaches the refusals").isPositive();
        assertThat(counts.candles).as("the generator also reaches the candles").isPositive();
        ChaosRow.of("parser", "fuzzed " + name + " messages").trials(budget.tries()).sent(counts.frames + counts.bodies)
                .unrecoveredErrors(0)
                .notes(counts.frames + " frames and " + counts.bodies + " REST bodies; " + counts.rejected
                        + " refused with a reason, " + counts.candles + " candles checked; seed " + budget.seed())
                .record();
    }

    /** Four in ten inputs valid, four a mutation of a valid one, two arbitrary text. */
    private static String frame(String valid, SplittableRandom random) {
        int pick = random.nextInt(10);
        if (pick < 4) {
            return valid;
        }
        return pick < 8 ? JsonMutator.mutate(valid, random) : JsonMutator.randomText(random, 200);
    }

    /** One frame as the engine stores it and ext-to-bronze reads it. */
    private void streamFrame(Exchange exchange, StreamProtocol stream, PayloadParser parser, String symbol, String frame,
            Instant receivedAt, String connection, long sequence, Counts counts) throws Exception {
        StreamProtocol.FrameClass kind = stream.classify(frame);
        assertThat(kind).isNotNull();
        assertThat(kind.kind()).isNotNull();
        assertThat(kind.message()).isNotNull();
        if (kind.kind() == FrameKind.PONG) {
            return; // counted, not stored
        }
        String line;
        try {
            line = codec.encode(exchange.name(), symbol, stream.channel(), receivedAt, connection, sequence, frame);
        } catch (MalformedPayloadException e) {
            refused(e, counts); // the engine dead-letters a frame that is not JSON
            return;
        }
        assertThat(line).doesNotContain("\n", "\r");
        RawEvent event = codec.decode(line); // what the engine wrote, ext-to-bronze must read
        assertThat(event.exchange()).isEqualTo(exchange.name());
        assertThat(event.sequence()).isEqualTo(sequence);
        try {
            checkCandles(exchange, symbol, parser.parse(event), counts);
        } catch (MalformedPayloadException e) {
            refused(e, counts);
        }
    }

    private static void restBody(Exchange exchange, String symbol, String body, SplittableRandom random, Counts counts)
            throws Exception {
        RestKlineApi rest = exchange.rest();
        Instant now = START.plusSeconds(random.nextInt(240));
        try {
            checkCandles(exchange, symbol, rest.parseKlines(symbol, body, now), counts);
        } catch (MalformedPayloadException e) {
            refused(e, counts);
        }
        int status = List.of(200, 200, 400, 403, 404, 418, 429, 500, 503, random.nextInt(1000)).get(random.nextInt(10));
        Map<String, String> headers = Map.of(
                "retry-after", random.nextBoolean() ? String.valueOf(random.nextLong()) : JsonMutator.randomText(random, 8),
                "x-mbx-used-weight-1m", random.nextBoolean() ? String.valueOf(random.nextLong()) : JsonMutator.randomText(random, 8),
                "x-bapi-limit-status", JsonMutator.randomText(random, 8),
                "x-bapi-limit-reset-timestamp", String.valueOf(random.nextLong()));
        Function<String, Optional<String>> header = h -> Optional.ofNullable(headers.get(h.toLowerCase(java.util.Locale.ROOT)));
        RestKlineApi.RateLimitAdvice advice = rest.advise(status, header, body);
        assertThat(advice.action()).isNotNull();
        assertThat(advice.delay()).isNotNull();
        assertThat(advice.delay().isNegative()).as("a wait is never negative: %s", advice).isFalse();
        assertThat(advice.reason()).isNotNull();
        if (exchange.tradeHistory().isPresent()) {
            try {
                exchange.tradeHistory().get().page(body);
            } catch (MalformedPayloadException e) {
                refused(e, counts);
            }
        }
    }

    private static void refused(MalformedPayloadException e, Counts counts) {
        assertThat(e.getMessage()).as("a refusal says why").isNotBlank();
        counts.rejected++;
    }

    /** What bronze can hold: the candle is this stream's, on a whole minute, its numbers finite and non-negative. */
    private static void checkCandles(Exchange exchange, String symbol, List<Candle> candles, Counts counts) {
        assertThat(candles).isNotNull();
        for (Candle c : candles) {
            counts.candles++;
            assertThat(c.exchange()).isEqualTo(exchange.name());
            assertThat(c.symbol()).isEqualTo(symbol);
            assertThat(c.intervalSeconds()).isEqualTo(60);
            assertThat(c.intervalStart().getEpochSecond() % 60).as("on a whole minute: %s", c).isZero();
            assertThat(c.intervalStart().getNano()).as("on a whole minute: %s", c).isZero();
            for (double value : new double[] {c.open(), c.high(), c.low(), c.close(), c.volume()}) {
                assertThat(Double.isFinite(value) && value >= 0).as("finite and not negative: %s", c).isTrue();
            }
            for (Double value : new Double[] {c.quoteVolume(), c.vwap()}) {
                assertThat(value == null || (Double.isFinite(value) && value >= 0)).as("finite and not negative: %s", c).isTrue();
            }
            assertThat(c.high()).as("high not below low: %s", c).isGreaterThanOrEqualTo(c.low());
            assertThat(c.tradeCount() == null || c.tradeCount() >= 0).as("trade count: %s", c).isTrue();
            assertThat(Duration.between(c.intervalStart(), c.intervalEnd())).isEqualTo(Duration.ofMinutes(1));
        }
    }

    private static final class Counts {
        long frames;
        long bodies;
        long rejected;
        long candles;
    }
}
