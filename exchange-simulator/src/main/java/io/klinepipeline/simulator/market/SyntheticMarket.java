package io.klinepipeline.simulator.market;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deterministic trades for any listing and any minute, computed from a seed rather than stored:
 * every part of the simulator (each venue's WebSocket, its REST history, the tests' expected
 * candles) asks the same question and gets the same trades, however far back or in which order.
 *
 * <p>A base asset's price is one smooth path shared by every venue and quote (so BTC-USD on
 * Coinbase and BTCUSDT on Binance agree roughly, as real venues do), plus a small fixed offset per
 * venue and a small noise per trade. About one minute in {@value #EMPTY_MINUTE_ONE_IN} has no
 * trades at all, so "the venue says nothing traded" is exercised too.
 */
public final class SyntheticMarket {
    static final int EMPTY_MINUTE_ONE_IN = 25;
    /** How far back {@link #candle} looks for the previous close of an empty minute. */
    private static final int PREVIOUS_CLOSE_LOOKBACK_MINUTES = 24 * 60;
    private static final Map<String, Double> REFERENCE_PRICES = Map.of(
            "BTC", 90_000.0, "ETH", 3_000.0, "SOL", 150.0, "XRP", 0.6, "DOGE", 0.15);

    /** Listings whose latest minute is kept; past it the cache starts over, so odd clients cannot grow it without end. */
    private static final int MAX_CACHED_LISTINGS = 10_000;

    private final long seed;
    private final int meanTradesPerMinute;
    /**
     * The last minute computed per listing. A stream asks for the same minute at every tick (and a
     * firehose ticks thousands of times a second), and computing a minute's trades costs far more
     * than sending a frame: without this the simulator, not the client, would bound a benchmark.
     */
    private final Map<Listing, MinuteTrades> latestMinute = new ConcurrentHashMap<>();

    private record MinuteTrades(long minuteIndex, List<Trade> trades) {}

    /**
     * @param seed the same seed gives the same market
     * @param meanTradesPerMinute average trades in a minute of one listing (a firehose raises it)
     */
    public SyntheticMarket(long seed, int meanTradesPerMinute) {
        if (meanTradesPerMinute < 1 || meanTradesPerMinute > 5_000) {
            throw new IllegalArgumentException("meanTradesPerMinute must be within 1..5000");
        }
        this.seed = seed;
        this.meanTradesPerMinute = meanTradesPerMinute;
    }

    /** The trades of the minute starting at {@code minuteStart}, in time order (ties by id). */
    public List<Trade> trades(Listing listing, Instant minuteStart) {
        Instant minute = minuteStart.truncatedTo(ChronoUnit.MINUTES);
        long minuteIndex = minute.getEpochSecond() / 60;
        MinuteTrades cached = latestMinute.get(listing);
        if (cached != null && cached.minuteIndex() == minuteIndex) {
            return cached.trades();
        }
        List<Trade> trades = Collections.unmodifiableList(computeTrades(listing, minute, minuteIndex));
        if (latestMinute.size() >= MAX_CACHED_LISTINGS) {
            latestMinute.clear();
        }
        latestMinute.put(listing, new MinuteTrades(minuteIndex, trades));
        return trades;
    }

    private List<Trade> computeTrades(Listing listing, Instant minute, long minuteIndex) {
        SplittableRandom random = new SplittableRandom(mix(seed, listing.venue(), listing.base() + "/" + listing.quote(), minuteIndex));
        if (random.nextInt(EMPTY_MINUTE_ONE_IN) == 0) {
            return List.of();
        }
        int count = 1 + random.nextInt(2 * meanTradesPerMinute);
        long[] offsetsMicros = new long[count];
        for (int i = 0; i < count; i++) {
            offsetsMicros[i] = random.nextLong(60_000_000L);
        }
        Arrays.sort(offsetsMicros);
        double venueOffset = (unit(mix(seed, listing.venue(), listing.base(), -1)) - 0.5) * 0.0006;
        int priceScale = priceScale(listing.base());
        List<Trade> trades = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Instant time = minute.plusNanos(offsetsMicros[i] * 1_000);
            double price = midPrice(listing.base(), time) * (1 + venueOffset + (random.nextDouble() - 0.5) * 0.001);
            BigDecimal size = BigDecimal.valueOf(1 + random.nextLong(500_000), 6); // 0.000001 .. 0.5
            // Ids grow with time: minute index × 10,000 + position in the minute.
            trades.add(new Trade(minuteIndex * 10_000 + i, time,
                    BigDecimal.valueOf(price).setScale(priceScale, RoundingMode.HALF_EVEN), size, random.nextBoolean()));
        }
        return trades;
    }

    /** The trades of one minute received up to and including {@code upTo}. */
    public List<Trade> tradesUpTo(Listing listing, Instant minuteStart, Instant upTo) {
        List<Trade> all = trades(listing, minuteStart);
        int n = 0;
        while (n < all.size() && !all.get(n).time().isAfter(upTo)) {
            n++;
        }
        return all.subList(0, n);
    }

    /** The exact candle of the whole minute. */
    public TrueCandle candle(Listing listing, Instant minuteStart) {
        return partialCandle(listing, minuteStart, minuteStart.plusSeconds(60).minusNanos(1));
    }

    /** The candle of the minute's trades up to {@code upTo}, as a venue shows the open minute. */
    public TrueCandle partialCandle(Listing listing, Instant minuteStart, Instant upTo) {
        Instant minute = minuteStart.truncatedTo(ChronoUnit.MINUTES);
        List<Trade> trades = tradesUpTo(listing, minute, upTo);
        return TrueCandle.of(minute, trades, trades.isEmpty() ? previousClose(listing, minute) : null);
    }

    private BigDecimal previousClose(Listing listing, Instant minute) {
        for (int back = 1; back <= PREVIOUS_CLOSE_LOOKBACK_MINUTES; back++) {
            List<Trade> earlier = trades(listing, minute.minus(Duration.ofMinutes(back)));
            if (!earlier.isEmpty()) {
                return earlier.get(earlier.size() - 1).price();
            }
        }
        return BigDecimal.valueOf(midPrice(listing.base(), minute)).setScale(priceScale(listing.base()), RoundingMode.HALF_EVEN);
    }

    /** A smooth path: a slow six-hour swing and a faster 17-minute one around the asset's reference price. */
    private double midPrice(String base, Instant time) {
        double reference = REFERENCE_PRICES.getOrDefault(base, 10.0 + (Math.floorMod(base.hashCode(), 1000)));
        double t = time.toEpochMilli() / 1000.0;
        double phase = Math.floorMod(base.hashCode(), 360) * Math.PI / 180;
        return reference * (1 + 0.02 * Math.sin(2 * Math.PI * t / 21_600 + phase) + 0.004 * Math.sin(2 * Math.PI * t / 1_020 + phase));
    }

    private static int priceScale(String base) {
        double reference = REFERENCE_PRICES.getOrDefault(base, 100.0);
        return reference >= 100 ? 2 : 5;
    }

    private static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    private static long mix(long seed, String a, String b, long n) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        h = stafford(h ^ a.hashCode());
        h = stafford(h ^ b.hashCode());
        return stafford(h ^ n);
    }

    /** Stafford's variant 13 of the SplitMix64 finaliser: spreads nearby inputs over all 64 bits. */
    private static long stafford(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
