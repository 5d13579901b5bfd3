package io.klinepipeline.exchange;

import io.klinepipeline.config.CanonicalPair;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An exchange's symbol notation. A valid symbol is 1-32 ASCII letters and digits, optionally
 * joined by the exchange's own separators (one between two alphanumeric runs, never leading or
 * trailing). That keeps symbols out of trouble in paths, S3 keys and SQL: the only character
 * that is unsafe in a path segment is {@code /} (Kraken's {@code BTC/USD}), which
 * {@link #pathSegment} writes as {@code %2F}, as Hive escapes partition values.
 */
public final class SymbolRules {
    private final String separators;
    private final boolean separatorSplitsPair;
    private final Pattern pattern;

    /**
     * @param separators the separator characters this exchange uses, out of {@code -_/}; empty for none
     * @param separatorSplitsPair true when a symbol is always BASE&lt;sep&gt;QUOTE, so the canonical pair follows
     */
    public SymbolRules(String separators, boolean separatorSplitsPair) {
        if (!separators.chars().allMatch(c -> "-_/".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("separators must be drawn from -_/");
        }
        this.separators = separators;
        this.separatorSplitsPair = separatorSplitsPair;
        String alnum = "[A-Za-z0-9]+";
        this.pattern = separators.isEmpty()
                ? Pattern.compile(alnum)
                : Pattern.compile(alnum + "(?:[" + Pattern.quote(separators) + "]" + alnum + ")*");
    }

    /** Throws IllegalArgumentException saying what is wrong with the symbol. */
    public void validate(String symbol) {
        if (symbol == null || symbol.isEmpty() || symbol.length() > 32 || !pattern.matcher(symbol).matches()) {
            throw new IllegalArgumentException("invalid symbol '" + symbol + "': use 1-32 letters and digits"
                    + (separators.isEmpty() ? " only" : ", joined by one of '" + separators + "'"));
        }
    }

    /** The canonical pair, where the notation itself says which part is base and which quote. */
    public Optional<CanonicalPair> canonical(String symbol) {
        validate(symbol);
        if (!separatorSplitsPair) {
            return Optional.empty();
        }
        String[] parts = symbol.split("[" + Pattern.quote(separators) + "]");
        return parts.length == 2 ? Optional.of(new CanonicalPair(parts[0].toUpperCase(), parts[1].toUpperCase())) : Optional.empty();
    }

    /** The symbol as one path segment or S3 key segment (validated first). */
    public String pathSegment(String symbol) {
        validate(symbol);
        return symbol.replace("/", "%2F");
    }
}
