package io.klinepipeline.exchange;

import io.klinepipeline.exchange.binance.BinanceExchange;
import io.klinepipeline.exchange.bybit.BybitExchange;
import io.klinepipeline.exchange.coinbase.CoinbaseExchange;
import io.klinepipeline.exchange.kraken.KrakenExchange;
import io.klinepipeline.exchange.okx.OkxExchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The exchanges this build supports, by name. Passed in explicitly; there is no global instance. */
public final class ExchangeRegistry {
    private final Map<String, Exchange> byName = new LinkedHashMap<>();

    public ExchangeRegistry(List<Exchange> exchanges) {
        for (Exchange exchange : exchanges) {
            if (byName.put(exchange.name(), exchange) != null) {
                throw new IllegalArgumentException("exchange registered twice: " + exchange.name());
            }
        }
    }

    /** Every exchange this build ships. */
    public static ExchangeRegistry standard() {
        return new ExchangeRegistry(List.of(new BinanceExchange(), new CoinbaseExchange(), new KrakenExchange(),
                new BybitExchange(), new OkxExchange()));
    }

    public Optional<Exchange> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Exchange get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown exchange '" + name + "' (supported: " + String.join(", ", names()) + ")"));
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }
}
