package io.klinepipeline.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.chaos.FuzzBudget;
import io.klinepipeline.chaos.JsonMutator;
import io.klinepipeline.jsonl.RawEvent;
import io.klinepipeline.jsonl.RawEventCodec;
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

    @Test
    void binanceParsersRefuseBadInputOnlyWithAReason() {
        fuzz("binance");
    }

    @Test
    void coinbaseParsersRefuseBadInputOnlyWithAReason() {
        fuzz("coinbase");
    }

    @Test
    void krakenParsersRefuseBadInputOnlyWithAReason() {
        fuzz("kraken");
    }

    @Test
    void bybitParsersRefuseBadInputOnlyWithAReason() {
        fuzz("bybit");
    }

    @Test
    void okxParsersRefuseBadInputOnlyWithAReason() {
        fuzz("okx");
    }

    private void fuzz(String name) {
        DocumentedMessages seeds = DocumentedMessages.of(name);
        String symbol = seeds.symbol();
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

    private static void checkCandles(Exchange exchange, String symbol, List<Candle> candles, Counts counts) {
        counts.candles += WarehouseCandles.check(exchange, symbol, candles);
    }

    private static final class Counts {
        long frames;
        long bodies;
        long rejected;
        long candles;
    }
}
