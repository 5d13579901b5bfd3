package io.klinepipeline.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klinepipeline.exchange.DocumentedMessages;
import io.klinepipeline.exchange.MalformedPayloadException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSONL contract under Jazzer, coverage-guided: any text, read as a line, gives an event with
 * every envelope field or is refused with a reason; read as a frame, the engine's encode either
 * refuses it with a reason or writes one line that decodes back to the same payload. Seeds: every
 * exchange's documented frames, as frames and as the lines the engine writes of them.
 */
@Tag("fuzz")
class RawEventCodecJazzerFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Instant RECEIVED_AT = Instant.parse("2026-11-24T10:15:03.123456Z");
    private final RawEventCodec codec = new RawEventCodec();

    @MethodSource("seeds") // before @FuzzTest, as Jazzer requires
    @DictionaryEntries({"{\"v\":1,", "\"exchange\":", "\"symbol\":", "\"channel\":", "\"received_at\":", "\"conn\":",
            "\"seq\":", "\"payload\":", "2026-11-24T10:15:03.123456Z", "+10000-01-01T00:00:00.000000Z", "\u2028"})
    @FuzzTest
    void everyLineIsReadOrRefusedWithAReasonAndEveryEncodedFrameReadsBack(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            RawEvent event = codec.decode(text);
            assertThat(event.exchange()).isNotEmpty();
            assertThat(event.symbol()).isNotEmpty();
            assertThat(event.channel()).isNotEmpty();
            assertThat(event.receivedAt()).isNotNull();
            assertThat(event.payload()).isNotNull();
            assertThat(event.hasConnection() ? event.sequence() >= 1 : event.sequence() == 0).isTrue();
        } catch (MalformedPayloadException e) {
            assertThat(e.getMessage()).as("a refusal says why").isNotBlank();
        }
        String line;
        try {
            line = codec.encode("binance", "BTCUSDT", "kline_1m", RECEIVED_AT, "k3x9a2f1.4", 1 + input.length, text);
        } catch (MalformedPayloadException e) {
            assertThat(e.getMessage()).as("a refusal says why").isNotBlank();
            return;
        }
        assertThat(line).doesNotContain("\n", "\r");
        RawEvent event = codec.decode(line); // a line the engine writes is never one ext-to-bronze cannot read
        assertThat(event.payload()).as("the payload reads back").isEqualTo(JSON.readTree(text));
        assertThat(event.receivedAt()).isEqualTo(RECEIVED_AT);
        assertThat(event.sequence()).isEqualTo(1 + input.length);
    }

    static Stream<byte[]> seeds() throws Exception {
        RawEventCodec codec = new RawEventCodec();
        List<byte[]> seeds = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(11);
        for (String exchange : List.of("binance", "coinbase", "kraken", "bybit", "okx")) {
            DocumentedMessages messages = DocumentedMessages.of(exchange);
            for (int i = 0; i < 4; i++) {
                String frame = messages.frame(Instant.parse("2026-11-24T10:15:00Z"), i + 1, random);
                seeds.add(frame.getBytes(StandardCharsets.UTF_8));
                String line = frame.startsWith("{") || frame.startsWith("[")
                        ? codec.encode(exchange, messages.symbol(), "fuzz", RECEIVED_AT, "c1", i + 1, frame) : frame;
                seeds.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return seeds.stream();
    }
}
