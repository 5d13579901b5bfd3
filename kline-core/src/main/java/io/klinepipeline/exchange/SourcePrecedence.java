package io.klinepipeline.exchange;

/**
 * Which final bronze row silver prefers when both sources have one for a minute: an exchange's
 * property, because it depends on what its WebSocket candle is.
 */
public enum SourcePrecedence {
    /** The WebSocket candle is the exchange's own closed candle (Binance k.x, Bybit/OKX confirm, Kraken ohlc). */
    WEBSOCKET_FIRST,
    /** The WebSocket candle is ours, built from a trade stream; the exchange's REST candle is its own word. */
    REST_FIRST
}
