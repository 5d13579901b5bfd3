package io.klinepipeline.engine.ws;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.capture.FrameQueue;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.exchange.StreamProtocol;
import java.net.URI;
import java.util.function.Predicate;

/** What one stream's connections need: where to connect, what the exchange expects, where frames go. */
public record StreamTarget(StreamId stream, URI uri, StreamProtocol protocol, FrameQueue frames, StreamCounters counters) {

    /** Recognises the exchange's notice that the server is about to shut down. */
    Predicate<String> shutdownNotice() {
        return protocol::isShutdownNotice;
    }
}
