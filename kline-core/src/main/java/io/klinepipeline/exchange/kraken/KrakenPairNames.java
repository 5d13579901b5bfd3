package io.klinepipeline.exchange.kraken;

import io.klinepipeline.exchange.SymbolRules;
import java.util.Locale;
import java.util.Map;

/**
 * Kraken's names for one pair. pipeline.yaml writes pairs in WebSocket v2 notation
 * ({@code BTC/USD}, "Spot WebSocket v2 vs v1": "Symbol format XBT/USD → BTC/USD"); the REST API
 * still wants the pair's {@code altname} ({@code XBTUSD}, see {@code /0/public/AssetPairs}), which
 * keeps Kraken's legacy asset codes XBT (bitcoin) and XDG (dogecoin). Every other asset has the same
 * code in both APIs (ETH/USD → ETHUSD, USDT/USD → USDTUSD). USD and USDT are distinct assets.
 */
final class KrakenPairNames {
    /** Kraken's legacy asset codes and the common names WebSocket v2 (and silver) use. */
    static final Map<String, String> LEGACY_TO_COMMON = Map.of("XBT", "BTC", "XDG", "DOGE");
    private static final Map<String, String> COMMON_TO_LEGACY = Map.of("BTC", "XBT", "DOGE", "XDG");

    static final SymbolRules RULES = SymbolRules.separated("/", LEGACY_TO_COMMON);

    private KrakenPairNames() {}

    /**
     * The pair as WebSocket v2 names it in subscriptions and in every candle's {@code symbol}:
     * {@code XBT/USD}, which v2 refuses, becomes {@code BTC/USD}.
     */
    static String webSocketName(String symbol) {
        String[] parts = split(symbol);
        return RULES.asset(parts[0]) + "/" + RULES.asset(parts[1]);
    }

    /** The pair's REST {@code altname}: BTC/USD → XBTUSD, DOGE/USDT → XDGUSDT, ETH/USD → ETHUSD. */
    static String restName(String symbol) {
        String[] parts = split(symbol);
        return legacy(parts[0]) + legacy(parts[1]);
    }

    private static String legacy(String asset) {
        String common = RULES.asset(asset);
        return COMMON_TO_LEGACY.getOrDefault(common, common);
    }

    private static String[] split(String symbol) {
        RULES.validate(symbol);
        String[] parts = symbol.toUpperCase(Locale.ROOT).split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("Kraken pair '" + symbol + "' is not BASE/QUOTE");
        }
        return parts;
    }
}
