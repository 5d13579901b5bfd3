package io.klinepipeline.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.config.CanonicalPair;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SymbolRulesTest {
    private static final SymbolTable LISTED = new SymbolTable("test", Map.of("BTCUSDT", new CanonicalPair("BTC", "USDT")));

    @Test
    void acceptsOnlyLettersDigitsAndTheExchangesSeparator() {
        SymbolRules none = SymbolRules.concatenated(LISTED);
        none.validate("BTCUSDT");
        for (String bad : new String[] {"BTC-USDT", "../x", "", "BTC USDT", "BTC'USDT", "a".repeat(33), "BTC/USD"}) {
            assertThatThrownBy(() -> none.validate(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        SymbolRules slash = SymbolRules.separated("/", Map.of());
        slash.validate("BTC/USD");
        assertThatThrownBy(() -> slash.validate("/BTC")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> slash.validate("BTC//USD")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> slash.validate("BTC-USD")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escapesSlashForPathsAsHiveDoes() {
        assertThat(SymbolRules.separated("/", Map.of()).pathSegment("BTC/USD")).isEqualTo("BTC%2FUSD");
        assertThat(SymbolRules.separated("-", Map.of()).pathSegment("BTC-USD")).isEqualTo("BTC-USD");
    }

    @Test
    void derivesTheCanonicalPairFromTheNotationWithTheExchangesAssetNamesMapped() {
        assertThat(SymbolRules.separated("-", Map.of()).canonical("btc-usdt")).contains(new CanonicalPair("BTC", "USDT"));
        SymbolRules kraken = SymbolRules.separated("/", Map.of("XBT", "BTC"));
        assertThat(kraken.canonical("XBT/USD")).contains(new CanonicalPair("BTC", "USD"));
        assertThat(kraken.canonical("BTC/USDT")).as("USD and USDT stay distinct").contains(new CanonicalPair("BTC", "USDT"));
        assertThatThrownBy(() -> kraken.canonical("A/B/C")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly a base and a quote joined by '/'");
        assertThatThrownBy(() -> kraken.validate("XBTUSD")).as("Kraken's legacy REST name is not a v2 pair")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void takesConcatenatedSymbolsFromTheExchangesListNeverFromSuffixes() {
        SymbolRules listed = SymbolRules.concatenated(LISTED);
        assertThat(listed.canonical("BTCUSDT")).contains(new CanonicalPair("BTC", "USDT"));
        assertThat(listed.canonical("ETHUSDT")).isEmpty();
        assertThat(listed.canonicalSource()).contains("test");
    }

    @Test
    void binancesCachedListNamesTheCommonPairs() {
        SymbolRules binance = new io.klinepipeline.exchange.binance.BinanceExchange().symbols();
        assertThat(binance.canonical("BTCUSDT")).contains(new CanonicalPair("BTC", "USDT"));
        assertThat(binance.canonical("ETHBTC")).contains(new CanonicalPair("ETH", "BTC"));
        assertThat(binance.canonical("1INCHUSDT")).contains(new CanonicalPair("1INCH", "USDT"));
    }
}
