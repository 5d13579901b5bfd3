package io.klinepipeline.exchange;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Okx's parsers under Jazzer, coverage-guided: its candle1m channel and /api/v5/market/(history-)candles arrays. See {@link VenueParsersFuzzTarget}
 * for the input's shape and the properties; the seeds are the structure-aware generator's
 * documented messages. Without JAZZER_FUZZ it replays the seeds and the findings kept in
 * {@code src/test/resources/io/klinepipeline/exchange/OkxParsersJazzerFuzzTestInputs/}.
 */
@Tag("fuzz")
class OkxParsersJazzerFuzzTest {
    private final VenueParsersFuzzTarget target = new VenueParsersFuzzTarget("okx");

    @MethodSource("seeds") // before @FuzzTest, as Jazzer requires
    @DictionaryFile(resourcePath = "exchange-messages.dict")
    @FuzzTest
    void parsersRefuseBadInputOnlyWithAReason(byte[] input) throws Exception {
        target.run(input);
    }

    static Stream<byte[]> seeds() throws IOException {
        return VenueParsersFuzzTarget.seeds("okx");
    }
}
