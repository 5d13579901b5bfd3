package io.klinepipeline.exchange.okx;

import io.klinepipeline.exchange.SymbolRules;
import java.util.Locale;
import java.util.Map;

/**
 * OKX instrument IDs for spot pairs. OKX writes every instrument with dashes ("Get instruments"):
 * spot and margin {@code BTC-USDT}, perpetual swaps {@code BTC-USDT-SWAP}, futures
 * {@code BTC-USD-240628}, options {@code BTC-USD-240628-50000-C}. {@link SymbolRules} accepts any
 * number of dash-joined parts, so the spot-only rule (exactly BASE-QUOTE) is checked here, where
 * the pair is first used (subscribe, parser, REST request), as Kraken's pair names do for BASE/QUOTE.
 */
final class OkxInstruments {
    /** OKX uses the common asset names (BTC, not XBT): no aliases. */
    static final SymbolRules RULES = SymbolRules.separated("-", Map.of());

    private OkxInstruments() {}

    /**
     * The instrument ID OKX expects and echoes in {@code arg.instId}, upper case.
     *
     * @throws IllegalArgumentException when the symbol is not a spot pair BASE-QUOTE
     */
    static String spotInstId(String symbol) {
        RULES.validate(symbol);
        String upper = symbol.toUpperCase(Locale.ROOT);
        String[] parts = upper.split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("OKX symbol '" + symbol + "' is not a spot pair BASE-QUOTE (e.g. BTC-USDT): "
                    + "instruments with more parts are swaps, futures or options (BTC-USDT-SWAP, BTC-USD-240628)");
        }
        return upper;
    }
}
