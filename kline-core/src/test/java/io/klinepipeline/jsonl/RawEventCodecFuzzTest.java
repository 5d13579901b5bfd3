package io.klinepipeline.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.chaos.ChaosRow;
import io.klinepipeline.chaos.FuzzBudget;
import io.klinepipeline.chaos.JsonMutator;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The JSONL contract under generated input. Decoding arbitrary and damaged lines either gives an
 * event with every envelope field or refuses with a reason; and whatever frame the engine's
 * encode accepts, decode reads back to the same payload (a line the engine writes is never one
 * ext-to-bronze cannot read).
 */
@Tag("chaos")
@Tag("fuzz")
class RawEventCodecFuzzTest {
    static final int TRIES = 4000;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String VALID_FRAME = "{\"e\":\"kline\",\"E\":1764000002000,\"s\":\"BTCUSDT\",\"k\":{\"t\":1764000000000,"
            + "\"i\":\"1m\",\"o\":\"100.5\",\"c\":\"101.25\",\"h\":\"102\",\"l\":\"99.75\",\"v\":\"2\",\"n\":9,\"x\":true,\"q\":\"201\"}}";
    private final RawEventCodec codec = new RawEventCodec();

    @Test
    void everyLineIsReadOrRefusedWithAReasonAndEveryEncodedFrameReadsBack() throws Exception {
        FuzzBudget budget = FuzzBudget.of(TRIES);
        String validLine = codec.encode("binance", "BTCUSDT", "kline_1m", Instant.parse("2026-11-24T10:15:03.123456Z"),
                "k3x9a2f1.4", 17, VALID_FRAME);
        long read = 0;
        long refused = 0;
        long encoded = 0;
        for (int attempt = 0; attempt < budget.tries(); attempt++) {
            SplittableRandom random = budget.random(attempt);
            String input = "";
            try {
                int pick = random.nextInt(10);
                input = pick < 5 ? JsonMutator.mutate(validLine, random)
                        : pick < 8 ? JsonMutator.mutate(VALID_FRAME, random) : JsonMutator.randomText(random, 300);
                try {
                    RawEvent event = codec.decode(input);
                    assertThat(event.exchange()).isNotEmpty();
                    assertThat(event.symbol()).isNotEmpty();
                    assertThat(event.channel()).isNotEmpty();
                    assertThat(event.receivedAt()).isNotNull();
                    assertThat(event.payload()).isNotNull();
                    assertThat(event.hasConnection() ? event.sequence() >= 1 : event.sequence() == 0).isTrue();
                    read++;
                } catch (MalformedPayloadException e) {
                    assertThat(e.getMessage()).as("a refusal says why").isNotBlank();
                    refused++;
                }
                String line;
                try {
                    line = codec.encode("binance", "BTCUSDT", "kline_1m", Instant.ofEpochMilli(random.nextLong(0, 4_102_444_800_000L)),
                            "c" + random.nextInt(1000), 1 + random.nextInt(1 << 20), input);
                } catch (MalformedPayloadException e) {
                    assertThat(e.getMessage()).as("a refusal says why").isNotBlank();
                    continue;
                }
                encoded++;
                assertThat(line).doesNotContain("\n", "\r");
                assertThat(codec.decode(line).payload()).as("the payload reads back").isEqualTo(JSON.readTree(input));
            } catch (Throwable e) {
                throw new AssertionError(budget.replay(attempt) + " failed on: " + input.substring(0, Math.min(2000, input.length())), e);
            }
        }
        assertThat(read).as("the generator reaches valid lines").isPositive();
        assertThat(refused).as("and refused ones").isPositive();
        assertThat(encoded).as("and frames the engine stores").isPositive();
        ChaosRow.of("parser", "fuzzed JSONL lines").trials(budget.tries()).sent(budget.tries()).unrecoveredErrors(0)
                .notes(read + " lines read, " + refused + " refused with a reason, " + encoded
                        + " encoded frames read back whole; seed " + budget.seed())
                .record();
    }
}
