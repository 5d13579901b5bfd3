package io.klinepipeline.workers.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KlineRequestPlanTest {
    private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    @Test
    void splitsALongGapIntoRequestsOfAtMostTheLimit() {
        List<Instant> gap = IntStream.range(0, 2500).mapToObj(KlineRequestPlanTest::minute).toList();

        List<KlineRequestPlan.Range> ranges = KlineRequestPlan.cover(gap, 1000);

        assertThat(ranges).extracting(KlineRequestPlan.Range::from, KlineRequestPlan.Range::toExclusive)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(minute(0), minute(1000)),
                        org.assertj.core.groups.Tuple.tuple(minute(1000), minute(2000)),
                        org.assertj.core.groups.Tuple.tuple(minute(2000), minute(2500)));
        assertThat(ranges).allSatisfy(r -> assertThat(r.missing()).hasSizeLessThanOrEqualTo(1000));
    }

    @Test
    void nearbyGapsShareOneRequestWithinTheLimit() {
        List<Instant> missing = List.of(minute(0), minute(5), minute(6), minute(999), minute(1000), minute(2500));

        List<KlineRequestPlan.Range> ranges = KlineRequestPlan.cover(missing, 1000);

        assertThat(ranges).hasSize(3);
        assertThat(ranges.get(0)).isEqualTo(new KlineRequestPlan.Range(minute(0), minute(1000),
                List.of(minute(0), minute(5), minute(6), minute(999))));
        assertThat(ranges.get(1)).isEqualTo(new KlineRequestPlan.Range(minute(1000), minute(1001), List.of(minute(1000))));
        assertThat(ranges.get(2)).isEqualTo(new KlineRequestPlan.Range(minute(2500), minute(2501), List.of(minute(2500))));
    }

    @Test
    void nothingMissingNeedsNoRequest() {
        assertThat(KlineRequestPlan.cover(List.of(), 1000)).isEmpty();
    }
}
