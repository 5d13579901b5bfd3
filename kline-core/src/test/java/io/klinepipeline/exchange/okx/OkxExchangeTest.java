package io.klinepipeline.exchange.okx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.exchange.SourcePrecedence;
import io.klinepipeline.exchange.SymbolRules;
import org.junit.jupiter.api.Test;

class OkxExchangeTest {
    private final OkxExchange okx = new OkxExchange();

    @Test
    void isNamedOkxAndPrefersItsOwnConfirmedCandles() {
        assertThat(okx.name()).isEqualTo("okx");
        assertThat(okx.sourcePrecedence()).isEqualTo(SourcePrecedence.WEBSOCKET_FIRST);
    }

    @Test
    void readsTheCanonicalPairFromTheInstrumentId() {
        SymbolRules symbols = okx.symbols();
        assertThat(symbols.canonical("BTC-USDT")).contains(new CanonicalPair("BTC", "USDT"));
        assertThat(symbols.canonical("BTC-USDT").get().toString()).isEqualTo("BTC-USDT");
        assertThat(symbols.canonical("ETH-BTC")).contains(new CanonicalPair("ETH", "BTC"));
        assertThat(symbols.canonical("BTC-USDC")).as("USDC stays USDC").contains(new CanonicalPair("BTC", "USDC"));
        assertThat(symbols.pathSegment("BTC-USDT")).isEqualTo("BTC-USDT");
        assertThatThrownBy(() -> symbols.canonical("BTCUSDT")).as("no guessing at suffixes").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OkxInstruments.spotInstId("BTCUSDT")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a spot pair BASE-QUOTE");
        assertThatThrownBy(() -> symbols.validate("BTC/USDT")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> symbols.validate("-BTC")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesDerivativesWithAClearMessageWhereverThePairIsUsed() {
        // The configuration refuses them (SymbolRules wants exactly BASE-QUOTE); where a pair is used,
        // OKX's spot rule says why.
        assertThatThrownBy(() -> okx.symbols().validate("BTC-USDT-SWAP")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly a base and a quote joined by '-'");
        assertThatThrownBy(() -> OkxInstruments.spotInstId("BTC-USDT-SWAP")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OKX symbol 'BTC-USDT-SWAP' is not a spot pair BASE-QUOTE (e.g. BTC-USDT): instruments with more parts "
                        + "are swaps, futures or options (BTC-USDT-SWAP, BTC-USD-240628)");
        assertThatThrownBy(() -> okx.newPayloadParser("BTC-USD-240628-50000-C")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> okx.stream().subscribeMessages("BTC-USD-SWAP")).isInstanceOf(IllegalArgumentException.class);
        assertThat(OkxInstruments.spotInstId("btc-usdt")).isEqualTo("BTC-USDT");
    }
}
