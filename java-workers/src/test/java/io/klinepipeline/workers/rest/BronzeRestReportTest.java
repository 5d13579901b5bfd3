package io.klinepipeline.workers.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.workers.report.Offending;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BronzeRestReportTest {

    @Test
    void listsOnlyTheFirstHundredStillMissingMinutesButCountsThemAll() {
        Instant t0 = Instant.parse("2026-11-24T00:00:00Z");
        List<Instant> minutes = IntStream.range(0, 500).mapToObj(i -> t0.plusSeconds(60L * i)).toList();

        BronzeRestReport report = new BronzeRestReport(500, 0, 500, 1, 0, minutes, 0, Duration.ZERO, 0, 0, 0,
                Offending.none(), Offending.none(), new Offending<>(500, minutes), java.util.Optional.empty());

        assertThat(report.stillMissing()).isEqualTo(500);
        assertThat(report.stillMissingMinutes()).hasSize(BronzeRestReport.MINUTES_LISTED).startsWith(t0);
        assertThat(report.summary()).contains("still missing 500 (first " + t0 + ")");
    }
}
