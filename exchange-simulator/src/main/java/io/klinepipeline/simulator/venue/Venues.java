package io.klinepipeline.simulator.venue;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The five venues the simulator plays, in the order their ports are numbered. */
public final class Venues {
    private Venues() {}

    public static List<Venue> all() {
        return List.of(new BinanceVenue(), new CoinbaseVenue(), new KrakenVenue(), new BybitVenue(), new OkxVenue());
    }

    /** All five, Binance pinging every {@code binancePingInterval} rather than 20 s: for tests that must see pings answered soon. */
    public static List<Venue> all(Duration binancePingInterval) {
        return List.of(new BinanceVenue(binancePingInterval), new CoinbaseVenue(), new KrakenVenue(), new BybitVenue(),
                new OkxVenue());
    }

    /** Each venue's symbol for bitcoin, in its own notation and venue order: the pair a test trades on all five at once. */
    public static Map<String, String> bitcoinSymbols() {
        Map<String, String> symbols = new LinkedHashMap<>();
        symbols.put("binance", "BTCUSDT");
        symbols.put("coinbase", "BTC-USD");
        symbols.put("kraken", "BTC/USD");
        symbols.put("bybit", "BTCUSDT");
        symbols.put("okx", "BTC-USDT");
        return Collections.unmodifiableMap(symbols);
    }
}
