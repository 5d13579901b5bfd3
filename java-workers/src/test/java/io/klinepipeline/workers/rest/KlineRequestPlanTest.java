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

    @Test
    void anOldPartOfAGapTakesSmallPagesUntilTheLargePagesReachBegins() {
        // OKX-like: minutes from 1000 on in pages of 300, older ones in pages of 100.
        List<Instant> gap = IntStream.range(950, 2390).mapToObj(KlineRequestPlanTest::minute).toList();

        List<KlineRequestPlan.Range> ranges = KlineRequestPlan.cover(gap, m -> m.isBefore(minute(1000)) ? 100 : 300);

        // 50 old minutes and 1,390 recent: one small page (950-1049, reaching into the recent part),
        // then ceil(1,340 / 300) large ones. Small pages throughout would take 15.
        assertThat(ranges).extracting(KlineRequestPlan.Range::from)
                .containsExactly(minute(950), minute(1050), minute(1350), minute(1650), minute(1950), minute(2250));
        assertThat(ranges.get(0).minutes()).isEqualTo(100);
        assertThat(ranges.subList(1, 5)).allSatisfy(r -> assertThat(r.minutes()).isEqualTo(300));
        assertThat(ranges.get(5).toExclusive()).isEqualTo(minute(2390));
    }
}
