package io.klinepipeline.exchange.bybit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.exchange.SymbolRules;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BybitExchangeTest {
    private final BybitExchange bybit = new BybitExchange();

    @Test
    void namesItselfAndPrefersItsOwnClosedCandles() {
        assertThat(bybit.name()).isEqualTo("bybit");
        assertThat(bybit.sourcePrecedence()).isEqualTo(SourcePrecedence.WEBSOCKET_FIRST);
    }

    @Test
    void takesTheCanonicalPairFromTheCachedInstrumentList() {
        SymbolRules symbols = bybit.symbols();
        assertThat(symbols.canonical("BTCUSDT")).contains(new CanonicalPair("BTC", "USDT"));
        assertThat(symbols.canonical("BTCUSDC")).as("USDC stays USDC").contains(new CanonicalPair("BTC", "USDC"));
        assertThat(symbols.canonical("ETHBTC")).contains(new CanonicalPair("ETH", "BTC"));
        assertThat(symbols.canonical("ZZZUSDT")).as("not guessed from the suffix").isEmpty();
        assertThatThrownBy(() -> symbols.validate("BTC-USDT")).isInstanceOf(IllegalArgumentException.class);
        assertThat(symbols.pathSegment("BTCUSDT")).isEqualTo("BTCUSDT");
    }

    @Test
    void everyCachedSymbolIsItsBaseAndQuoteWrittenTogether() throws Exception {
        int entries = 0;
        try (InputStream in = BybitExchange.class.getResourceAsStream("symbols.tsv");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                assertThat(fields[0]).as(line).isEqualTo(fields[1] + fields[2]);
                assertThat(bybit.symbols().canonical(fields[0])).contains(new CanonicalPair(fields[1], fields[2]));
                entries++;
            }
        }
        assertThat(entries).isGreaterThan(30);
    }
}
