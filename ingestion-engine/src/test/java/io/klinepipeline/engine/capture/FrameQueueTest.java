package io.klinepipeline.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FrameQueueTest {
    private static final StreamId STREAM = new StreamId(ExchangeRegistry.standard().get("binance"), "BTCUSDT");

    @Test
    void pausesReadingAtTheHighWatermarkAndResumesAtTheLowOneWithoutDroppingFrames() throws Exception {
        FrameQueue queue = new FrameQueue(STREAM, 4, 1);
        EmbeddedChannel channel = new EmbeddedChannel();
        for (int i = 0; i < 6; i++) {
            queue.put(ReceivedFrame.text("{\"n\":" + i + "}", Instant.EPOCH, "c#1", "run.1", i + 1), channel);
            assertThat(channel.config().isAutoRead()).isEqualTo(i < 3);
        }
        assertThat(queue.size()).isEqualTo(6);

        for (int i = 0; i < 4; i++) {
            assertThat(queue.poll(Duration.ofMillis(10)).text()).isEqualTo("{\"n\":" + i + "}");
            assertThat(channel.config().isAutoRead()).isFalse();
        }
        assertThat(queue.poll(Duration.ofMillis(10)).text()).isEqualTo("{\"n\":4}");
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(queue.pollNow().text()).isEqualTo("{\"n\":5}");
        assertThat(queue.pollNow()).isNull();
    }
}
