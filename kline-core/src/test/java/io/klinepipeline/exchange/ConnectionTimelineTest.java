package io.klinepipeline.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.klinepipeline.jsonl.RawEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConnectionTimelineTest {
    private static final Instant MINUTE = Instant.parse("2026-11-24T10:15:00Z");
    private final ConnectionTimeline timeline = new ConnectionTimeline();

    private static RawEvent line(String conn, long seq, String at) {
        return new RawEvent("kraken", "BTC/USD", "ohlc", Instant.parse(at), JsonNodeFactory.instance.objectNode(), conn, seq);
    }

    @Test
    void aConnectionDeliveringBeforeTheMinuteWithNoLossSawItWhole() {
        timeline.observe(line("a.1", 7, "2026-11-24T10:14:59Z"));
        timeline.observe(line("a.1", 8, "2026-11-24T10:15:30Z"));
        timeline.observe(line("a.1", 9, "2026-11-24T10:16:01Z"));
        assertThat(timeline.sawWholeSince("a.1", MINUTE)).isTrue();
    }

    @Test
    void aConnectionThatOpenedDuringTheMinuteDidNot() {
        timeline.observe(line("b.2", 1, "2026-11-24T10:15:10Z"));
        timeline.observe(line("b.2", 2, "2026-11-24T10:16:01Z"));
        assertThat(timeline.sawWholeSince("b.2", MINUTE)).isFalse();
        assertThat(timeline.sawWholeSince("b.2", MINUTE.plusSeconds(60))).as("but it saw the next minute begin").isTrue();
    }

    @Test
    void aSequenceJumpDuringTheMinuteMeansItWasNotSeenWhole() {
        timeline.observe(line("a.1", 1, "2026-11-24T10:14:00Z"));
        timeline.observe(line("a.1", 2, "2026-11-24T10:14:59Z"));
        timeline.observe(line("a.1", 5, "2026-11-24T10:15:20Z"));
        assertThat(timeline.sawWholeSince("a.1", MINUTE)).isFalse();
        assertThat(timeline.sawWholeSince("a.1", MINUTE.plusSeconds(60))).as("the loss was before the next minute").isTrue();
    }

    @Test
    void aLossTheExchangeReportsCountsToo() {
        timeline.observe(line("a.1", 1, "2026-11-24T10:14:00Z"));
        RawEvent jump = line("a.1", 2, "2026-11-24T10:15:20Z");
        timeline.observe(jump);
        timeline.lossBefore(jump);
        assertThat(timeline.sawWholeSince("a.1", MINUTE)).isFalse();
    }

    @Test
    void linesWithoutAConnectionNeverMakeAMinuteWhole() {
        timeline.observe(RawEvent.unattributed("kraken", "BTC/USD", "ohlc", Instant.parse("2026-11-24T10:00:00Z"),
                JsonNodeFactory.instance.objectNode()));
        assertThat(timeline.sawWholeSince(null, MINUTE)).isFalse();
        assertThat(timeline.sawWholeSince("unknown", MINUTE)).isFalse();
    }
}
