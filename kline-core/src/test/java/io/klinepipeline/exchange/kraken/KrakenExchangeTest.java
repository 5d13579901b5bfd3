package io.klinepipeline.exchange.kraken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.exchange.SymbolRules;
import org.junit.jupiter.api.Test;

class KrakenExchangeTest {
    private final KrakenExchange kraken = new KrakenExchange();

    @Test
    void isNamedKrakenAndPrefersItsOwnWebSocketCandle() {
        assertThat(kraken.name()).isEqualTo("kraken");
        assertThat(kraken.sourcePrecedence()).isEqualTo(SourcePrecedence.WEBSOCKET_FIRST);
    }

    @Test
    void readsV2PairsWithKrakensLegacyAssetNamesMapped() {
        SymbolRules symbols = kraken.symbols();
        assertThat(symbols.canonical("BTC/USD")).contains(new CanonicalPair("BTC", "USD"));
        assertThat(symbols.canonical("XBT/USD")).contains(new CanonicalPair("BTC", "USD"));
        assertThat(symbols.canonical("XDG/USD")).contains(new CanonicalPair("DOGE", "USD"));
        assertThat(symbols.canonical("BTC/USDT")).as("USD and USDT stay distinct").contains(new CanonicalPair("BTC", "USDT"));
        assertThat(symbols.pathSegment("BTC/USD")).isEqualTo("BTC%2FUSD");
        // The configuration refuses a separator-less symbol; where a pair is used, Kraken's naming says why.
        assertThatThrownBy(() -> symbols.validate("XBTUSD")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kraken.stream().subscribeMessages("XBTUSD")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly a base and a quote joined by '/'");
        assertThatThrownBy(() -> symbols.validate("BTC-USD")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesPairsForRestByTheirAltname() {
        assertThat(KrakenPairNames.restName("BTC/USD")).isEqualTo("XBTUSD");
        assertThat(KrakenPairNames.restName("XBT/USD")).isEqualTo("XBTUSD");
        assertThat(KrakenPairNames.restName("ETH/USD")).isEqualTo("ETHUSD");
        assertThat(KrakenPairNames.restName("ETH/BTC")).isEqualTo("ETHXBT");
        assertThat(KrakenPairNames.restName("DOGE/USD")).isEqualTo("XDGUSD");
        assertThat(KrakenPairNames.restName("USDT/USD")).isEqualTo("USDTUSD");
        assertThat(KrakenPairNames.webSocketName("XDG/USD")).isEqualTo("DOGE/USD");
        assertThat(KrakenPairNames.webSocketName("btc/usd")).isEqualTo("BTC/USD");
    }
}
