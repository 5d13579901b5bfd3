package io.klinepipeline.exchange;

import io.klinepipeline.config.CanonicalPair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An exchange's list of symbols with their base and quote assets, as the exchange's own symbol
 * metadata gives them (Binance exchangeInfo, Bybit instruments-info), cached in the repository as
 * a resource: {@code SYMBOL<TAB>BASE<TAB>QUOTE} per line, {@code #} comments. Configuration can
 * override any entry and name symbols the cache lacks.
 */
public final class SymbolTable {
    private final String source;
    private final Map<String, CanonicalPair> pairs;

    public SymbolTable(String source, Map<String, CanonicalPair> pairs) {
        this.source = source;
        this.pairs = Map.copyOf(pairs);
    }

    /** Reads a cached table from the classpath, next to {@code owner}; a broken resource is a build error. */
    public static SymbolTable resource(Class<?> owner, String name) {
        String where = owner.getPackageName().replace('.', '/') + "/" + name;
        Map<String, CanonicalPair> pairs = new HashMap<>();
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("symbol table " + where + " is missing from the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.strip().split("\t");
                if (fields.length != 3) {
                    throw new IllegalStateException(where + " line " + number + ": expected SYMBOL<TAB>BASE<TAB>QUOTE");
                }
                pairs.put(fields[0], new CanonicalPair(fields[1], fields[2]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read symbol table " + where, e);
        }
        return new SymbolTable(where, pairs);
    }

    public Optional<CanonicalPair> find(String symbol) {
        return Optional.ofNullable(pairs.get(symbol));
    }

    /** Where the table comes from, for error messages. */
    public String source() {
        return "the cached symbol list " + source;
    }

    public int size() {
        return pairs.size();
    }
}
