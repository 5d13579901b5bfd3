package io.klinepipeline.engine.ws;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.klinepipeline.engine.StreamId;
import io.klinepipeline.exchange.ExchangeRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class StreamLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(StreamLogTest.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
        MDC.clear();
    }

    /** Event loops run many streams' connections, and a recorder thread has its own stream's fields. */
    @Test
    void eachLineNamesItsStreamAndTheThreadKeepsItsOwnFields() {
        appender.start();
        logger.addAppender(appender);
        ExchangeRegistry registry = ExchangeRegistry.standard();
        StreamLog btc = new StreamLog(logger, new StreamId(registry.get("binance"), "BTCUSDT"));
        StreamLog eth = new StreamLog(logger, new StreamId(registry.get("okx"), "ETH-USDT"));

        btc.warn("[{}] dropped after {} s", "binance/BTCUSDT#1", 3);
        eth.info("[{}] connected", "okx/ETH-USDT#1");
        assertThat(MDC.getCopyOfContextMap()).as("an event-loop thread's fields after the lines").isNullOrEmpty();

        MDC.put("exchange", "kraken");
        MDC.put("symbol", "XBT/USD");
        btc.error("[{}] reads paused", "binance/BTCUSDT#1");
        assertThat(MDC.getCopyOfContextMap()).as("a thread's own fields after a line").isEqualTo(Map.of("exchange", "kraken",
                "symbol", "XBT/USD"));

        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("[binance/BTCUSDT#1] dropped after 3 s", "[okx/ETH-USDT#1] connected", "[binance/BTCUSDT#1] reads paused");
        assertThat(appender.list).extracting(ILoggingEvent::getMDCPropertyMap).containsExactly(
                Map.of("exchange", "binance", "symbol", "BTCUSDT"),
                Map.of("exchange", "okx", "symbol", "ETH-USDT"),
                Map.of("exchange", "binance", "symbol", "BTCUSDT"));
    }
}
