package io.klinepipeline.config;

import java.util.regex.Pattern;

/** An exchange-agnostic pair such as {@code BTC-USDT}: the symbol notation of silver. */
public record CanonicalPair(String base, String quote) {
    private static final Pattern ASSET = Pattern.compile("[A-Z0-9]{1,16}");

    public CanonicalPair {
        if (!ASSET.matcher(base).matches() || !ASSET.matcher(quote).matches()) {
            throw new IllegalArgumentException("assets must be 1-16 upper-case letters or digits: " + base + "-" + quote);
        }
    }

    /** Parses {@code BASE-QUOTE}; throws IllegalArgumentException with the reason. */
    public static CanonicalPair parse(String text) {
        int dash = text.indexOf('-');
        if (dash <= 0 || dash != text.lastIndexOf('-') || dash == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not of the form BASE-QUOTE, e.g. BTC-USDT");
        }
        return new CanonicalPair(text.substring(0, dash), text.substring(dash + 1));
    }

    @Override
    public String toString() {
        return base + "-" + quote;
    }
}
