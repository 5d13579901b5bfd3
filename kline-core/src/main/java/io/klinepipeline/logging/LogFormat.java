package io.klinepipeline.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * How the engine and the workers write their log lines: {@code text} (the pattern of their
 * logback.xml) or {@code json}, one JSON object per line for a log shipper: {@code timestamp}
 * (Unix milliseconds), {@code level}, {@code threadName}, {@code loggerName},
 * {@code formattedMessage}, {@code mdc} (with {@code exchange} and {@code symbol} where a line
 * concerns one stream) and {@code throwable}. Chosen by {@code --log-format} or env
 * {@code KLINE_LOG_FORMAT}.
 */
public enum LogFormat {
    TEXT,
    JSON;

    /** The environment variable both commands read their default from. */
    public static final String ENV = "KLINE_LOG_FORMAT";

    /**
     * Makes every console appender of the root logger write this format (JSON: replaces each by one
     * with the same target and a JSON encoder). Loggers and levels stay as logback.xml set them.
     */
    public void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<ConsoleAppender<ILoggingEvent>> consoles = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console && !(console.getEncoder() instanceof JsonEncoder)) {
                consoles.add(console);
            }
        }
        for (ConsoleAppender<ILoggingEvent> text : consoles) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            // The message as a reader wants it, with its arguments in place; not the raw pattern and arguments apart.
            encoder.setWithFormattedMessage(true);
            encoder.setWithMessage(false);
            encoder.setWithArguments(false);
            encoder.setWithContext(false);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.start();
            ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
            json.setContext(context);
            json.setName(text.getName() + "-json");
            json.setTarget(text.getTarget());
            json.setEncoder(encoder);
            json.start();
            root.addAppender(json);
            root.detachAppender(text);
            text.stop();
        }
    }
}
