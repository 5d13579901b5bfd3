package io.klinepipeline.simulator.market;

/**
 * One venue's market for a pair, in the common asset names (BTC, not Kraken's XBT). Venues that
 * list the same base agree on its price up to a small venue offset, as real venues roughly do.
 */
public record Listing(String venue, String base, String quote) {
    public Listing {
        if (venue.isBlank() || base.isBlank() || quote.isBlank()) {
            throw new IllegalArgumentException("venue, base and quote are required");
        }
    }
}
