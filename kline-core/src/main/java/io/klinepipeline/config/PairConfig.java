package io.klinepipeline.config;

/** One configured pair: the exchange-native symbol and the canonical pair it means. */
public record PairConfig(String symbol, CanonicalPair canonical) {}
