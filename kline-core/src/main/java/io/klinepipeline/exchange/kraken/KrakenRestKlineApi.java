package io.klinepipeline.exchange.kraken;

import com.fasterxml.jackson.databind.JsonNode;
import io.klinepipeline.exchange.Candle;
import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.RestKlineApi;
import io.klinepipeline.exchange.UnixSeconds;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /0/public/OHLC?pair=<altname>&interval=1&since=<unix s>} (docs.kraken.com, Spot REST
 * "Get OHLC Data"): {@code {"error":[],"result":{"<pair key>":[[time, "open", "high", "low",
 * "close", "vwap", "volume", count], ...],"last":<unix s>}}}, oldest first.
 * <ul>
 *   <li>"Returns up to 720 of the most recent entries (older data cannot be retrieved, regardless
 *       of the value of since)"; "the last entry in the OHLC array is for the current,
 *       not-yet-committed timeframe, and will always be present". {@code last} is the newest
 *       committed entry (the cursor for polling "committed OHLC data").</li>
 *   <li>{@code since} is exclusive: Kraken returns the entries after it (ccxt issue 22634: asking
 *       since=T left out the candle opening at T), so we ask since from − 1 s.</li>
 *   <li>There is no upper bound parameter: the answer always runs up to the still-open minute and
 *       the caller keeps the minutes it asked for.</li>
 *   <li>The result key is Kraken's own pair name, not necessarily the one asked for (XBTUSD is
 *       answered as XXBTZUSD, XBTUSDT as XBTUSDT): we take the one array next to {@code last}.</li>
 *   <li>A minute without trades is a row with volume 0, count 0 and vwap "0.0": an empty candle, not
 *       a missing one.</li>
 * </ul>
 * Errors and rate limits: {@link KrakenResponseAdvice}.
 */
final class KrakenRestKlineApi implements RestKlineApi {
    /** Kraken serves the 720 most recent 1-minute entries, the still-open one included. */
    static final int SERVED_ENTRIES = 720;
    static final String PATH = "/0/public/OHLC";

    @Override
    public int maxCandlesPerRequest(Instant from, Instant now) {
        return SERVED_ENTRIES;
    }

    /**
     * The start of the oldest minute among the 720 served at {@code now}: the still-open minute
     * M = now truncated to the minute is the newest of them, so they are M − 719 min … M. (Kraken
     * was seen answering with 721 rows, 720 committed plus the open one; claiming 720 stays on the
     * safe side, and a request sent a minute after {@code now} loses one more minute.)
     */
    @Override
    public Optional<Instant> oldestServed(Instant now) {
        return Optional.of(now.truncatedTo(ChronoUnit.MINUTES).minus(SERVED_ENTRIES - 1, ChronoUnit.MINUTES));
    }

    @Override
    public URI klinesRequest(URI restBase, String symbol, Instant from, Instant toExclusive, Instant now) {
        return URI.create(KrakenEnvelope.base(restBase) + PATH + "?pair=" + KrakenPairNames.restName(symbol)
                + "&interval=1&since=" + (from.getEpochSecond() - 1));
    }

    @Override
    public List<Candle> parseKlines(String symbol, String body, Instant now) throws MalformedPayloadException {
        JsonNode result = KrakenEnvelope.result(body, "OHLC");
        JsonNode last = result.get("last");
        Long committedUpTo = last != null && last.isIntegralNumber() ? last.longValue() : null;
        JsonNode rows = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("last") && field.getValue().isArray()) {
                if (rows != null) {
                    throw new MalformedPayloadException("OHLC result holds more than one pair's rows");
                }
                rows = field.getValue();
            }
        }
        if (rows == null) {
            throw new MalformedPayloadException("OHLC result holds no array of rows");
        }
        List<Candle> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String what = "OHLC row " + i;
            if (!row.isArray() || row.size() < 8) {
                throw new MalformedPayloadException(what + " is not an array of 8 fields");
            }
            long time = KrakenFields.wholeNumber(row.get(0), what + " time");
            Instant start = UnixSeconds.toInstant(time, what + " time");
            // Final only when the minute is over, Kraken has committed it, and it is not the last
            // row, which Kraken documents as the current, not-yet-committed timeframe.
            boolean isFinal = !start.plusSeconds(KrakenFields.MINUTE_SECONDS).isAfter(now)
                    && (committedUpTo == null || time <= committedUpTo)
                    && i < rows.size() - 1;
            out.add(KrakenFields.candle(symbol, start,
                    KrakenFields.decimal(row.get(1), what + " open", true),
                    KrakenFields.decimal(row.get(2), what + " high", true),
                    KrakenFields.decimal(row.get(3), what + " low", true),
                    KrakenFields.decimal(row.get(4), what + " close", true),
                    KrakenFields.decimal(row.get(6), what + " volume", true),
                    KrakenFields.decimal(row.get(5), what + " vwap", true),
                    KrakenFields.wholeNumber(row.get(7), what + " count"), isFinal));
        }
        return out;
    }

    @Override
    public RateLimitAdvice advise(int status, Function<String, Optional<String>> header, String body) {
        return KrakenResponseAdvice.advise(status, header, body);
    }
}
