package io.klinepipeline.config;

import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.ExchangeRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One exchange's section of pipeline.yaml.
 *
 * @param name the exchange's key, e.g. {@code binance}
 * @param wsUrl WebSocket base URL; overridable so tests and demos point at local servers
 * @param restUrl REST base URL
 * @param pairs the configured pairs, exchange-native symbols with their canonical names
 */
public record ExchangeConfig(String name, URI wsUrl, URI restUrl, List<PairConfig> pairs) {

    public ExchangeConfig {
        pairs = List.copyOf(pairs);
    }

    static ExchangeConfig from(String name, ConfigNode node, ExchangeRegistry registry) {
        node.allowOnly("ws_url", "rest_url", "pairs", "canonical");
        Exchange exchange = registry.find(name).orElseThrow(() -> ConfigNode.error("exchanges." + name,
                "unknown exchange '" + name + "' (supported: " + String.join(", ", registry.names()) + ")"));
        URI ws = node.requiredUri("ws_url", Set.of("ws", "wss"));
        URI rest = node.requiredUri("rest_url", Set.of("http", "https"));
        List<String> symbols = node.requiredStringList("pairs");
        if (symbols.isEmpty()) {
            throw ConfigNode.error(node.key("pairs"), "must list at least one pair");
        }
        Map<String, String> canonical = node.stringMap("canonical");
        for (String key : canonical.keySet()) {
            if (!symbols.contains(key)) {
                throw ConfigNode.error(node.key("canonical") + "." + key, "names a symbol that is not in pairs");
            }
        }
        List<PairConfig> pairs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < symbols.size(); i++) {
            String symbol = symbols.get(i);
            String key = node.key("pairs") + "[" + i + "]";
            try {
                exchange.symbols().validate(symbol);
            } catch (IllegalArgumentException e) {
                throw ConfigNode.error(key, e.getMessage());
            }
            if (!seen.add(symbol)) {
                throw ConfigNode.error(key, "lists " + symbol + " twice");
            }
            pairs.add(new PairConfig(symbol, canonicalOf(exchange, symbol, canonical, node.key("canonical"))));
        }
        return new ExchangeConfig(name, ws, rest, pairs);
    }

    private static CanonicalPair canonicalOf(Exchange exchange, String symbol, Map<String, String> configured, String key) {
        String text = configured.get(symbol);
        if (text != null) {
            try {
                return CanonicalPair.parse(text);
            } catch (IllegalArgumentException e) {
                throw ConfigNode.error(key + "." + symbol, e.getMessage());
            }
        }
        Optional<CanonicalPair> derived = exchange.symbols().canonical(symbol);
        return derived.orElseThrow(() -> ConfigNode.error(key + "." + symbol,
                "is required: " + symbol + " is not in " + exchange.symbols().canonicalSource()
                        + ", so say which asset is base and which quote, e.g. " + symbol + ": BASE-QUOTE"));
    }

    /** The pair with this native symbol, or empty. */
    public Optional<PairConfig> pair(String symbol) {
        return pairs.stream().filter(p -> p.symbol().equals(symbol)).findFirst();
    }
}
