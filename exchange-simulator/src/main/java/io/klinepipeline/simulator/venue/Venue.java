package io.klinepipeline.simulator.venue;

import io.klinepipeline.simulator.market.Listing;
import io.klinepipeline.simulator.market.SyntheticMarket;
import java.time.Instant;
import java.util.Optional;

/**
 * One exchange as the simulator plays it: its WebSocket path, subscribe and keepalive rules and
 * message shapes, and its REST candle history with its page sizes, ordering and rate-limit
 * answers. Written from the exchange's documentation, independently of kline-core's parsers.
 */
public interface Venue {

    /** The exchange's key, as in pipeline.yaml: binance, coinbase, kraken, bybit, okx. */
    String name();

    /** The listing behind one of the venue's symbols; IllegalArgumentException when it lists no such symbol. */
    Listing listing(String symbol);

    /** Whether a WebSocket handshake on this path is the venue's stream endpoint. */
    boolean isStreamPath(String path);

    /** The connection is open; {@code path} is the handshake's path (Binance subscribes by URL). */
    void onOpen(StreamSession session, String path);

    /** A text frame from the client: subscribe requests, text pings. */
    void onText(StreamSession session, String text);

    /** Time moved from {@code from} (exclusive) to {@code to} (inclusive): send what the venue would have. */
    void onTick(StreamSession session, Instant from, Instant to);

    /** The venue's own notice ahead of a maintenance that will close the connection, if it documents one. */
    default Optional<String> shutdownNotice(StreamSession session, Instant now) {
        return Optional.empty();
    }

    /** The venue's keepalive rules. */
    KeepAlive keepAlive();

    /** Answers a REST request at simulated time {@code now}; a 404 response for paths the venue does not serve. */
    RestResponse rest(RestRequest request, SyntheticMarket market, Instant now);

    /** The venue's own answer when it rate-limits or fails a request, in its status codes, headers and body. */
    RestResponse fault(RestFault fault, Instant now);
}
