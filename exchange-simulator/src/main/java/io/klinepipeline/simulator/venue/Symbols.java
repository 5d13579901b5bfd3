package io.klinepipeline.simulator.venue;

import io.klinepipeline.simulator.market.Listing;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How venues write a pair: BTCUSDT, BTC-USD, BTC/USD (with Kraken's XBT for BTC). */
final class Symbols {
    /** Quote assets a concatenated symbol may end with, longest first so FDUSD is not read as USD. */
    private static final List<String> QUOTES = List.of("FDUSD", "USDT", "USDC", "USD", "EUR", "TRY", "BTC", "ETH", "XBT");

    private Symbols() {}

    /** BTCUSDT: base and quote written together; the quote is one of the common quote assets. */
    static Listing concatenated(String venue, String symbol, Map<String, String> aliases) {
        String upper = symbol.toUpperCase(Locale.ROOT);
        for (String quote : QUOTES) {
            if (upper.length() > quote.length() && upper.endsWith(quote)) {
                String base = upper.substring(0, upper.length() - quote.length());
                return new Listing(venue, aliases.getOrDefault(base, base), aliases.getOrDefault(quote, quote));
            }
        }
        throw new IllegalArgumentException(venue + " lists no symbol " + symbol);
    }

    /** BTC-USD or BTC/USD: exactly a base and a quote around the separator. */
    static Listing separated(String venue, String symbol, char separator, Map<String, String> aliases) {
        String[] parts = symbol.toUpperCase(Locale.ROOT).split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException(venue + " lists no symbol " + symbol);
        }
        return new Listing(venue, aliases.getOrDefault(parts[0], parts[0]), aliases.getOrDefault(parts[1], parts[1]));
    }
}
