package io.klinepipeline.chaos;

import java.util.SplittableRandom;

/**
 * How much a fuzz test generates, and from which seed: {@code base} tries per target in
 * {@code make test}, that many times {@link ChaosRow#scale()} under {@code make chaos} and
 * {@code make fuzz} (which runs only the fuzz tests, at a larger scale). The seed is new on every
 * run unless {@code KLINE_FUZZ_SEED} fixes it; a failure names the seed and the try, so that
 * {@code KLINE_FUZZ_SEED=<seed>} replays it.
 */
public final class FuzzBudget {
    private final int tries;
    private final long seed;

    private FuzzBudget(int tries, long seed) {
        this.tries = tries;
        this.seed = seed;
    }

    /** The budget of a target that runs {@code base} tries at scale 1. */
    public static FuzzBudget of(int base) {
        return new FuzzBudget(Math.multiplyExact(base, ChaosRow.scale()), seed(System.getenv("KLINE_FUZZ_SEED")));
    }

    static long seed(String fixed) {
        if (fixed == null || fixed.isBlank()) {
            return new SplittableRandom().nextLong();
        }
        try {
            return Long.parseLong(fixed.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("KLINE_FUZZ_SEED must be a whole number, got '" + fixed + "'", e);
        }
    }

    public int tries() {
        return tries;
    }

    public long seed() {
        return seed;
    }

    /** The generator of one try: the same seed and try give the same inputs. */
    public SplittableRandom random(int attempt) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (attempt + 1)));
    }

    /** What a failure says, so that {@code KLINE_FUZZ_SEED=<seed>} replays it. */
    public String replay(int attempt) {
        return "try " + attempt + " of KLINE_FUZZ_SEED=" + seed;
    }
}
