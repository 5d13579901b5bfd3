package io.klinepipeline.exchange.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice;
import io.klinepipeline.exchange.TradeHistoryApi;
import io.klinepipeline.exchange.UnixSeconds;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /0/public/Trades?pair=<altname>&since=<cursor>&count=1000} (docs.kraken.com, Spot
 * REST "Get Recent Trades"), the way to rebuild minutes older than the 720 that OHLC serves:
 * {@code {"error":[],"result":{"<pair key>":[[price, volume, time, side, type, misc, trade_id],
 * ...],"last":"<ns cursor>"}}}, oldest first. Prices and volumes are strings, {@code time} is
 * unix seconds with a fraction, side is {@code b}/{@code s}, type {@code m}arket/{@code l}imit.
 * {@code last} is the cursor to pass as {@code since} for the next page; Kraken asks clients to
 * page with it rather than build it themselves, except for the first page, where the cursor is a
 * nanosecond timestamp: we start one nanosecond before the first wanted instant, as pages hold the
 * trades after {@code since}. At most 1000 trades a page. Errors and pacing as for OHLC (Trades
 * shares the public per-IP and per-pair limit).
 */
public final class KrakenTradesApi implements TradeHistoryApi {
    static final String PATH = "/0/public/Trades";
    static final int MAX_COUNT = 1000;
    private static final BigDecimal LATEST_TIME = BigDecimal.valueOf(UnixSeconds.YEAR_10000);

    /** One trade. */
    public record Trade(BigDecimal price, BigDecimal volume, Instant time, Side side, String orderType, String misc, long tradeId) {}

    /** The aggressor's side. */
    public enum Side { BUY, SELL }

    /** One page of trades and the cursor for the next. */
    public record Page(List<Trade> trades, String last) {}

    /** The first page of trades at or after {@code from}. */
    public URI tradesFrom(URI restBase, String symbol, Instant from) {
        long nanos = Math.addExact(Math.multiplyExact(from.getEpochSecond(), 1_000_000_000L), from.getNano());
        return tradesAfter(restBase, symbol, Long.toString(nanos - 1));
    }

    /** The page after {@code cursor}, the {@code last} of the page before. */
    public URI tradesAfter(URI restBase, String symbol, String cursor) {
        if (!cursor.chars().allMatch(Character::isDigit) || cursor.isEmpty()) {
            throw new IllegalArgumentException("Kraken Trades cursor must be digits, not '" + cursor + "'");
        }
        return URI.create(KrakenEnvelope.base(restBase) + PATH + "?pair=" + KrakenPairNames.restName(symbol)
                + "&since=" + cursor + "&count=" + MAX_COUNT);
    }

    @Override
    public URI firstPage(URI restBase, String symbol, Instant from) {
        return tradesFrom(restBase, symbol, from);
    }

    @Override
    public URI nextPage(URI restBase, String symbol, String cursor) {
        return tradesAfter(restBase, symbol, cursor);
    }

    @Override
    public TradePage page(String body) throws MalformedPayloadException {
        Page page = parseTrades(body);
        List<HistoricTrade> trades = new ArrayList<>(page.trades().size());
        for (Trade t : page.trades()) {
            trades.add(new HistoricTrade(t.tradeId(), t.time(), t.price(), t.volume()));
        }
        return new TradePage(trades, page.last());
    }

    public Page parseTrades(String body) throws MalformedPayloadException {
        JsonNode result = KrakenEnvelope.result(body, "Trades");
        JsonNode last = result.get("last");
        if (last == null || !(last.isTextual() || last.isIntegralNumber())) {
            throw new MalformedPayloadException("Trades result has no 'last' cursor");
        }
        JsonNode rows = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("last") && field.getValue().isArray()) {
                if (rows != null) {
                    throw new MalformedPayloadException("Trades result holds more than one pair's trades");
                }
                rows = field.getValue();
            }
        }
        if (rows == null) {
            throw new MalformedPayloadException("Trades result holds no array of trades");
        }
        List<Trade> trades = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            trades.add(trade(rows.get(i), "trade " + i));
        }
        return new Page(trades, last.asText());
    }

    @Override
    public RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body) {
        return KrakenResponseAdvice.advise(status, header, body);
    }

    private static Trade trade(JsonNode row, String what) throws MalformedPayloadException {
        if (!row.isArray() || row.size() < 7) {
            throw new MalformedPayloadException(what + " is not an array of 7 fields");
        }
        BigDecimal price = KrakenFields.decimal(row.get(0), what + " price", true);
        BigDecimal volume = KrakenFields.decimal(row.get(1), what + " volume", true);
        BigDecimal seconds = KrakenFields.decimal(row.get(2), what + " time", false);
        // Unix seconds before the year 10000: longValue() would wrap larger ones into another time.
        if (seconds.compareTo(LATEST_TIME) >= 0) {
            throw new MalformedPayloadException(what + " time " + seconds + " is not unix seconds");
        }
        long whole = seconds.longValue();
        long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        Side side = switch (row.get(3).asText()) {
            case "b" -> Side.BUY;
            case "s" -> Side.SELL;
            default -> throw new MalformedPayloadException(what + " side '" + row.get(3).asText() + "' is neither b nor s");
        };
        String type = row.get(4).asText();
        if (!type.equals("m") && !type.equals("l")) {
            throw new MalformedPayloadException(what + " order type '" + type + "' is neither m nor l");
        }
        return new Trade(price, volume, Instant.ofEpochSecond(whole, nanos), side, type, row.get(5).asText(""),
                KrakenFields.wholeNumber(row.get(6), what + " trade_id"));
    }
}
