package io.klinepipeline.exchange;

import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * An exchange's public trade history, paged by a cursor: where its candle history is bounded
 * (Kraken's OHLC serves the last 720 minutes) and its trade history is not, older minutes are
 * rebuilt from the trades.
 */
public interface TradeHistoryApi {

    /** The first page: trades at or after {@code from}, oldest first. */
    URI firstPage(URI restBase, String symbol, Instant from);

    /** The page after {@code cursor}, the cursor of the page before. */
    URI nextPage(URI restBase, String symbol, String cursor);

    /** One page's trades, oldest first, and the cursor for the next page. */
    TradePage page(String body) throws MalformedPayloadException;

    /** As {@link RestKlineApi#advise}: proceed, wait and retry, or fail. */
    RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body);

    /** One trade: the exchange's id, when, at what price, how much of the base asset. */
    record HistoricTrade(long id, Instant time, BigDecimal price, BigDecimal size) {}

    /** One page of trades and the cursor to ask for the next. */
    record TradePage(List<HistoricTrade> trades, String cursor) {}
}
