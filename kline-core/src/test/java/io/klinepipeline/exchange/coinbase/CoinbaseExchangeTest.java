package io.klinepipeline.exchange.coinbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.exchange.SymbolRules;
import org.junit.jupiter.api.Test;

class CoinbaseExchangeTest {
    private final CoinbaseExchange coinbase = new CoinbaseExchange();

    @Test
    void isNamedCoinbaseAndPrefersRestOverItsTradeBuiltCandles() {
        assertThat(coinbase.name()).isEqualTo("coinbase");
        assertThat(coinbase.sourcePrecedence()).isEqualTo(SourcePrecedence.REST_FIRST);
        assertThat(coinbase.stream().channel()).isEqualTo("market_trades");
        assertThat(coinbase.newPayloadParser("BTC-USD")).isInstanceOf(CoinbaseTradeCandleParser.class)
                .isNotSameAs(coinbase.newPayloadParser("BTC-USD"));
    }

    @Test
    void readsDashedProductsWithUsdAndStablecoinsDistinct() {
        SymbolRules symbols = coinbase.symbols();
        assertThat(symbols.canonical("BTC-USD")).contains(new CanonicalPair("BTC", "USD"));
        assertThat(symbols.canonical("BTC-USDT")).contains(new CanonicalPair("BTC", "USDT"));
        assertThat(symbols.canonical("ETH-USDC")).contains(new CanonicalPair("ETH", "USDC"));
        assertThat(symbols.pathSegment("BTC-USD")).isEqualTo("BTC-USD");
        assertThatThrownBy(() -> symbols.validate("BTC/USD")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("joined by '-'");
        assertThatThrownBy(() -> coinbase.stream().subscribeMessages("BTC_USD")).isInstanceOf(IllegalArgumentException.class);
    }
}
