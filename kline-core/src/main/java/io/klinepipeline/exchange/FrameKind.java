package io.klinepipeline.exchange;

/** What a text frame from an exchange is, as {@link StreamProtocol#classify} tells it. */
public enum FrameKind {
    /** Market data: stored, and proof that the data stream is alive. */
    DATA,
    /** The exchange's heartbeat: stored; counts as liveness only where {@link StreamProtocol#heartbeatsShowLiveness()}. */
    HEARTBEAT,
    /** Acks, status and system messages: stored, never liveness, never a candle, never a dead letter. */
    CONTROL,
    /** The answer to our own ping: counted, not stored (it is our keepalive, not an exchange event). */
    PONG,
    /** An error or a refused subscription: stored, logged with the exchange's message; the connection is replaced with back-off. */
    ERROR,
    /** The server announces it will go down: stored; a replacement connection is opened at once. */
    SHUTDOWN_NOTICE
}
