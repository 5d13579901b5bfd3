package io.klinepipeline.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.config.CanonicalPair;
import org.junit.jupiter.api.Test;

class SymbolRulesTest {

    @Test
    void acceptsOnlyLettersDigitsAndTheExchangesSeparators() {
        SymbolRules none = new SymbolRules("", false);
        none.validate("BTCUSDT");
        for (String bad : new String[] {"BTC-USDT", "../x", "", "BTC USDT", "BTC'USDT", "a".repeat(33), "BTC/USD"}) {
            assertThatThrownBy(() -> none.validate(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        SymbolRules slash = new SymbolRules("/", true);
        slash.validate("BTC/USD");
        assertThatThrownBy(() -> slash.validate("/BTC")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> slash.validate("BTC//USD")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escapesSlashForPathsAsHiveDoes() {
        assertThat(new SymbolRules("/", true).pathSegment("BTC/USD")).isEqualTo("BTC%2FUSD");
        assertThat(new SymbolRules("-", true).pathSegment("BTC-USD")).isEqualTo("BTC-USD");
    }

    @Test
    void derivesTheCanonicalPairOnlyWhereTheNotationSplitsIt() {
        assertThat(new SymbolRules("-", true).canonical("btc-usdt")).contains(new CanonicalPair("BTC", "USDT"));
        assertThat(new SymbolRules("", false).canonical("BTCUSDT")).isEmpty();
    }
}
