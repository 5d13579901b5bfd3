package io.klinepipeline.engine.status;

import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.metrics.UploadCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

/**
 * /metrics: the engine's counters in the Prometheus text format, labelled by exchange and symbol.
 * Every meter reads a counter the engine keeps anyway (function counters and gauges, evaluated at
 * scrape time), so capturing a frame costs nothing more than it did: no registry lookup, no second
 * increment.
 */
public final class EngineMeters {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public EngineMeters(EngineStatus status, Clock clock) {
        for (StreamCounters counters : status.streams()) {
            Tags tags = Tags.of("exchange", counters.stream().exchangeName(), "symbol", counters.stream().symbol());
            counter("kline.engine.frames.received", "WebSocket frames received (data, control, heartbeats)", counters,
                    StreamCounters::frames, tags);
            counter("kline.engine.lines.written", "JSONL lines written", counters, StreamCounters::lines, tags);
            FunctionCounter.builder("kline.engine.written", counters, StreamCounters::bytesWritten)
                    .description("JSONL bytes written").baseUnit("bytes").tags(tags).register(registry);
            counter("kline.engine.reconnects", "reconnects scheduled", counters, StreamCounters::reconnects, tags);
            counter("kline.engine.dead.lettered", "frames dead-lettered instead of stored", counters,
                    StreamCounters::deadLetteredCount, tags);
            Gauge.builder("kline.engine.connected", counters, c -> c.health().snapshot().up() ? 1 : 0)
                    .description("1 while a connection delivers data, else 0").tags(tags).register(registry);
            Gauge.builder("kline.engine.last.message.age", counters,
                            c -> EngineStatus.lastMessageAge(c.health().snapshot(), clock.instant()).orElse(Double.NaN))
                    .description("seconds since the last frame stored; NaN before the first").baseUnit("seconds")
                    .tags(tags).register(registry);
        }
        status.uploads().ifPresent(u -> {
            UploadCounters c = u.counters();
            counter("kline.engine.upload.successes", "files confirmed in S3 (uploaded, or found already there)", c,
                    x -> x.uploadedCount() + x.alreadyPresentCount(), Tags.empty());
            counter("kline.engine.upload.failures", "failed upload attempts (each is retried)", c,
                    UploadCounters::failedAttemptCount, Tags.empty());
            counter("kline.engine.upload.conflicts", "files kept because S3 holds another object under their key", c,
                    UploadCounters::conflictCount, Tags.empty());
            Gauge.builder("kline.engine.upload.backlog.files", u.queue(), q -> q.backlog().files())
                    .description("finished files waiting for upload").register(registry);
            Gauge.builder("kline.engine.upload.backlog", u.queue(), q -> q.backlog().bytes()).baseUnit("bytes")
                    .description("bytes of the finished files waiting for upload").register(registry);
            Gauge.builder("kline.engine.upload.failing.since.timestamp", c,
                            x -> x.failingSince().map(EngineMeters::epochSeconds).orElse(0.0))
                    .description("when uploads began failing, in Unix seconds; 0 while S3 answers").baseUnit("seconds")
                    .register(registry);
        });
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    private <T> void counter(String name, String description, T source, ToDoubleFunction<T> read, Tags tags) {
        FunctionCounter.builder(name, source, read).description(description).tags(tags).register(registry);
    }

    private static double epochSeconds(Instant at) {
        return at.getEpochSecond() + at.getNano() / 1e9;
    }

    /** Every meter, in the Prometheus text exposition format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }
}
