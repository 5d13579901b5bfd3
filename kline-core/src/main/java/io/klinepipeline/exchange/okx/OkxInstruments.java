package io.klinepipeline.exchange.okx;

import io.klinepipeline.exchange.SymbolRules;
import java.util.Locale;
import java.util.Map;

/**
 * OKX instrument IDs for spot pairs. OKX writes every instrument with dashes ("Get instruments"):
 * spot and margin {@code BTC-USDT}, perpetual swaps {@code BTC-USDT-SWAP}, futures
 * {@code BTC-USD-240628}, options {@code BTC-USD-240628-50000-C}. {@link SymbolRules} refuses
 * all but BASE-QUOTE when the configuration is read; where the pair is used (subscribe, parser,
 * REST request) this says why in OKX's terms.
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
        String upper = symbol == null ? "" : symbol.toUpperCase(Locale.ROOT);
        if (upper.split("-", -1).length != 2) {
            throw new IllegalArgumentException("OKX symbol '" + symbol + "' is not a spot pair BASE-QUOTE (e.g. BTC-USDT): "
                    + "instruments with more parts are swaps, futures or options (BTC-USDT-SWAP, BTC-USD-240628)");
        }
        RULES.validate(symbol);
        return upper;
    }
}
