package io.klinepipeline.engine.ws;

import io.klinepipeline.engine.StreamId;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * A stream's connection log lines (connect, subscribe, disconnect, back-off, reconnect), with the
 * stream's exchange and symbol as MDC fields, as the recorders' and the workers' lines carry them
 * (see {@code --log-format json}). Many streams share one event-loop thread, so the fields are set
 * around each line and the thread's own restored after it, not set once per thread.
 */
final class StreamLog {
    static final String EXCHANGE = "exchange";
    static final String SYMBOL = "symbol";

    private final Logger log;
    private final StreamId stream;

    StreamLog(Logger log, StreamId stream) {
        this.log = log;
        this.stream = stream;
    }

    void debug(String format, Object... arguments) {
        if (log.isDebugEnabled()) {
            withFields(() -> log.debug(format, arguments));
        }
    }

    void info(String format, Object... arguments) {
        if (log.isInfoEnabled()) {
            withFields(() -> log.info(format, arguments));
        }
    }

    void warn(String format, Object... arguments) {
        if (log.isWarnEnabled()) {
            withFields(() -> log.warn(format, arguments));
        }
    }

    void error(String format, Object... arguments) {
        if (log.isErrorEnabled()) {
            withFields(() -> log.error(format, arguments));
        }
    }

    /** Runs one log call with the stream's fields set, and the thread's own put back after it. */
    private void withFields(Runnable line) {
        String[] before = putFields();
        try {
            line.run();
        } finally {
            restore(before);
        }
    }

    private String[] putFields() {
        String[] before = {MDC.get(EXCHANGE), MDC.get(SYMBOL)};
        MDC.put(EXCHANGE, stream.exchangeName());
        MDC.put(SYMBOL, stream.symbol());
        return before;
    }

    private static void restore(String[] before) {
        restore(EXCHANGE, before[0]);
        restore(SYMBOL, before[1]);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
