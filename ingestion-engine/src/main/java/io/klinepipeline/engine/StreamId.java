package io.klinepipeline.engine;

import io.klinepipeline.exchange.Exchange;

/** One captured stream: an exchange and one of its native symbols. Its toString prefixes every log line. */
public record StreamId(Exchange exchange, String symbol) {

    public String exchangeName() {
        return exchange.name();
    }

    @Override
    public String toString() {
        return exchange.name() + "/" + symbol;
    }
}
