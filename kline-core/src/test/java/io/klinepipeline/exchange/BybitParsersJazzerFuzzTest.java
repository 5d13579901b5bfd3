package io.klinepipeline.exchange;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bybit's parsers under Jazzer, coverage-guided: its kline.1 topic and /v5/market/kline lists. See {@link VenueParsersFuzzTarget}
 * for the input's shape and the properties; the seeds are the structure-aware generator's
 * documented messages. Without JAZZER_FUZZ it replays the seeds and the findings kept in
 * {@code src/test/resources/io/klinepipeline/exchange/BybitParsersJazzerFuzzTestInputs/}.
 */
@Tag("fuzz")
class BybitParsersJazzerFuzzTest {
    private final VenueParsersFuzzTarget target = new VenueParsersFuzzTarget("bybit");

    @MethodSource("seeds") // before @FuzzTest, as Jazzer requires
    @DictionaryFile(resourcePath = "exchange-messages.dict")
    @FuzzTest
    void parsersRefuseBadInputOnlyWithAReason(byte[] input) throws Exception {
        target.run(input);
    }

    static Stream<byte[]> seeds() throws IOException {
        return VenueParsersFuzzTarget.seeds("bybit");
    }
}
