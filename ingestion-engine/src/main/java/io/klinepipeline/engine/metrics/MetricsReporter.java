package io.klinepipeline.engine.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs every counter periodically, one line per stream (with its state and down_since) plus one for uploads. */
public final class MetricsReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsReporter.class);

    private final List<StreamCounters> streams;
    private final Optional<UploadCounters> uploads;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "metrics-reporter");
        thread.setDaemon(true);
        return thread;
    });

    public MetricsReporter(List<StreamCounters> streams, Optional<UploadCounters> uploads) {
        this.streams = List.copyOf(streams);
        this.uploads = uploads;
    }

    public void start(Duration interval) {
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(this::report, millis, millis, TimeUnit.MILLISECONDS);
    }

    public void report() {
        for (StreamCounters counters : streams) {
            log.info("[{}] metrics {}", counters.stream(), counters.summary());
        }
        uploads.ifPresent(u -> log.info("[upload] metrics {}", u.summary()));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        report();
    }
}
