package io.klinepipeline.workers.rest;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The pause each venue's last response asked for, carried from one stream's run to the next of
 * the same launch. Venues limit REST requests per IP, not per symbol (Coinbase 10/s, Bybit 600 per
 * 5 s, OKX per endpoint, Kraken's counter): without this, a batch of 100 symbols would send each
 * symbol's first request right after the previous symbol's last, at whatever rate the network
 * allows, and earn the 429s the pacing exists to avoid.
 */
final class OwedPauses {
    /** The last request sent to a venue and when the pause its response advised runs out. */
    record Owed(URI lastRequest, Instant until) {
        /** What is left of the pause at {@code now}; zero once it has passed. */
        Duration remainingAt(Instant now) {
            Duration left = Duration.between(now, until);
            return left.isNegative() ? Duration.ZERO : left;
        }
    }

    private final Map<String, Owed> byVenue = new HashMap<>();

    synchronized Owed get(String venue) {
        return byVenue.get(venue);
    }

    /** Records that {@code lastRequest}'s response, at {@code respondedAt}, asked for {@code pause} before the next. */
    synchronized void owe(String venue, URI lastRequest, Instant respondedAt, Duration pause) {
        byVenue.put(venue, new Owed(lastRequest, respondedAt.plus(pause)));
    }
}
