package io.klinepipeline.simulator.venue;

import java.util.List;

/** The five venues the simulator plays, in the order their ports are numbered. */
public final class Venues {
    private Venues() {}

    public static List<Venue> all() {
        return List.of(new BinanceVenue(), new CoinbaseVenue(), new KrakenVenue(), new BybitVenue(), new OkxVenue());
    }
}
