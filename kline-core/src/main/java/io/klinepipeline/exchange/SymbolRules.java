package io.klinepipeline.exchange;

import io.klinepipeline.config.CanonicalPair;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An exchange's symbol notation. A valid symbol is 1-32 ASCII letters and digits: for exchanges
 * with a separator, exactly a base and a quote joined by it (so Kraken's legacy {@code XBTUSD}
 * and OKX's derivatives {@code BTC-USDT-SWAP} are refused when the configuration is read); for
 * the others, uppercase letters and digits only, as their symbol lists write them. That keeps symbols out of trouble in paths, S3 keys and SQL: the only character
 * that is unsafe in a path segment is {@code /} (Kraken's {@code BTC/USD}), which
 * {@link #pathSegment} writes as {@code %2F}, as Hive escapes partition values.
 *
 * <p>The canonical pair comes either from the notation ({@code BASE<sep>QUOTE}, with the
 * exchange's own asset names mapped to the common ones, e.g. Kraken's XBT to BTC) or, for
 * exchanges whose symbols have no separator (BTCUSDT), from the exchange's symbol list, never
 * from guessing at suffixes.
 */
public final class SymbolRules {
    private static final String ALNUM = "[A-Za-z0-9]+";

    private final String separator;
    private final Pattern pattern;
    private final Map<String, String> assetAliases;
    private final SymbolTable listed;

    private SymbolRules(String separator, Map<String, String> assetAliases, SymbolTable listed) {
        this.separator = separator;
        this.assetAliases = Map.copyOf(assetAliases);
        this.listed = listed;
        this.pattern = separator.isEmpty()
                ? Pattern.compile("[A-Z0-9]+")
                : Pattern.compile(ALNUM + Pattern.quote(separator) + ALNUM);
    }

    /**
     * Symbols are {@code BASE<separator>QUOTE} (Coinbase and OKX {@code -}, Kraken {@code /}).
     *
     * @param assetAliases the exchange's own asset names and the common names they stand for, e.g. XBT → BTC
     */
    public static SymbolRules separated(String separator, Map<String, String> assetAliases) {
        if (separator.length() != 1 || "-_/".indexOf(separator.charAt(0)) < 0) {
            throw new IllegalArgumentException("the separator must be one of - _ /");
        }
        return new SymbolRules(separator, assetAliases, null);
    }

    /** Symbols are base and quote written together (BTCUSDT): the exchange's symbol list says which is which. */
    public static SymbolRules concatenated(SymbolTable listed) {
        return new SymbolRules("", Map.of(), listed);
    }

    /** Throws IllegalArgumentException saying what is wrong with the symbol. */
    public void validate(String symbol) {
        if (symbol == null || symbol.isEmpty() || symbol.length() > 32 || !pattern.matcher(symbol).matches()) {
            throw new IllegalArgumentException("invalid symbol '" + symbol + "': use 1-32 "
                    + (separator.isEmpty() ? "uppercase letters and digits only, as the exchange lists it"
                            : "letters and digits, exactly a base and a quote joined by '" + separator + "'"));
        }
    }

    /**
     * The canonical pair: from the notation, or from the exchange's symbol list; empty when
     * neither says (the configuration must then name it).
     */
    public Optional<CanonicalPair> canonical(String symbol) {
        validate(symbol);
        if (listed != null) {
            return listed.find(symbol.toUpperCase(Locale.ROOT));
        }
        String[] parts = symbol.toUpperCase(Locale.ROOT).split(Pattern.quote(separator));
        if (parts.length != 2) {
            return Optional.empty();
        }
        return Optional.of(new CanonicalPair(asset(parts[0]), asset(parts[1])));
    }

    /** Where the canonical pair comes from, for error messages. */
    public String canonicalSource() {
        return listed != null ? listed.source() : "the symbol's notation BASE" + separator + "QUOTE";
    }

    /** The common name of one of the exchange's asset names (Kraken XBT → BTC). */
    public String asset(String exchangeAsset) {
        return assetAliases.getOrDefault(exchangeAsset, exchangeAsset);
    }

    /** The symbol as one path segment or S3 key segment (validated first). */
    public String pathSegment(String symbol) {
        validate(symbol);
        return symbol.replace("/", "%2F");
    }
}
