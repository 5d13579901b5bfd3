package io.klinepipeline.simulator.market;

import java.math.BigDecimal;
import java.time.Instant;

/** One synthetic trade; ids increase with time within a listing. */
public record Trade(long id, Instant time, BigDecimal price, BigDecimal size, boolean buyerIsTaker) {
    public BigDecimal quoteAmount() {
        return price.multiply(size);
    }
}
