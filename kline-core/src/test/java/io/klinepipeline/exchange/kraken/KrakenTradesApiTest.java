package io.klinepipeline.exchange.kraken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klinepipeline.exchange.MalformedPayloadException;
import io.klinepipeline.exchange.RestKlineApi.RateLimitAdvice.Action;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KrakenTradesApiTest {
    private final KrakenTradesApi trades = new KrakenExchange().trades();

    /** The example answer of Kraken's "Get Recent Trades" page. */
    private static final String DOCUMENTED = "{\"error\":[],\"result\":{\"XXBTZUSD\":["
            + "[\"30243.40000\",\"0.34507674\",1688669597.8277369,\"b\",\"m\",\"\",61044952],"
            + "[\"30243.30000\",\"0.00376960\",1688669598.2804112,\"s\",\"l\",\"\",61044953],"
            + "[\"30243.30000\",\"0.01235716\",1688669602.698379,\"s\",\"m\",\"\",61044956]],"
            + "\"last\":\"1688671969993150842\"}}";

    @Test
    void startsOneNanosecondBeforeTheFirstWantedInstantThenFollowsTheCursor() {
        URI base = URI.create("https://api.kraken.com");
        assertThat(trades.tradesFrom(base, "BTC/USD", Instant.parse("2023-07-06T19:00:00Z")))
                .isEqualTo(URI.create("https://api.kraken.com/0/public/Trades?pair=XBTUSD&since=1688669999999999999&count=1000"));
        assertThat(trades.tradesAfter(URI.create("http://127.0.0.1:18083/"), "ETH/USD", "1688671969993150842"))
                .isEqualTo(URI.create("http://127.0.0.1:18083/0/public/Trades?pair=ETHUSD&since=1688671969993150842&count=1000"));
        assertThatThrownBy(() -> trades.tradesAfter(base, "BTC/USD", "1&pair=x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesTheDocumentedTradesAnswer() throws Exception {
        KrakenTradesApi.Page page = trades.parseTrades(DOCUMENTED);

        assertThat(page.last()).isEqualTo("1688671969993150842");
        assertThat(page.trades()).hasSize(3);
        KrakenTradesApi.Trade first = page.trades().get(0);
        assertThat(first.price()).isEqualByComparingTo(new BigDecimal("30243.4"));
        assertThat(first.volume()).isEqualByComparingTo(new BigDecimal("0.34507674"));
        assertThat(first.time()).isEqualTo(Instant.ofEpochSecond(1688669597L, 827_736_900L));
        assertThat(first.side()).isEqualTo(KrakenTradesApi.Side.BUY);
        assertThat(first.orderType()).isEqualTo("m");
        assertThat(first.tradeId()).isEqualTo(61044952L);
        assertThat(page.trades().get(1).side()).isEqualTo(KrakenTradesApi.Side.SELL);
        assertThat(page.trades()).extracting(KrakenTradesApi.Trade::time).isSorted();
    }

    @Test
    void rejectsOtherShapesAndAdvisesLikeOhlc() {
        assertThatThrownBy(() -> trades.parseTrades(DOCUMENTED.replace("\"b\",\"m\"", "\"x\",\"m\"")))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("side 'x'");
        assertThatThrownBy(() -> trades.parseTrades(DOCUMENTED.replace(",\"last\":\"1688671969993150842\"", "")))
                .hasMessageContaining("no 'last' cursor");
        assertThatThrownBy(() -> trades.parseTrades("{\"error\":[\"EQuery:Unknown asset pair\"]}"))
                .hasMessageContaining("Unknown asset pair");
        assertThat(trades.advise(200, h -> Optional.empty(), "{\"error\":[\"EGeneral:Too many requests\"]}").action())
                .isEqualTo(Action.RETRY_AFTER_WAIT);
    }

    /** Found by reading what the fuzz test reached: longValue() wrapped a huge time, and Instant then threw. */
    @Test
    void refusesATradeTimeThatIsNotUnixSeconds() {
        String body = "{\"error\":[],\"result\":{\"XXBTZUSD\":[[\"1\",\"1\",1e18,\"b\",\"m\",\"\",1]],\"last\":\"1\"}}";
        assertThatThrownBy(() -> trades.parseTrades(body))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("is not unix seconds");
    }
}
