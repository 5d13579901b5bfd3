package io.klinepipeline.exchange;

import io.klinepipeline.jsonl.RawEvent;
import java.util.List;

/**
 * Turns one stream's raw events, in the order they were received, into candles. A parser sees
 * every line of the stream (also lines before the window being loaded, read for context), so it
 * may keep state across them: which connection delivered what, the minute being built from trades.
 */
public interface PayloadParser {

    /**
     * The candles one event carries; empty for messages that carry none (acks, heartbeats,
     * maintenance notices): those are not malformed.
     *
     * @throws MalformedPayloadException when the payload does not have the documented shape
     */
    List<Candle> parse(RawEvent event) throws MalformedPayloadException;

    /**
     * Candles the parser still holds when the input ends (a minute being built from trades whose
     * end was not seen); never final. Parsers without such state return none.
     */
    default List<Candle> finish() {
        return List.of();
    }
}
