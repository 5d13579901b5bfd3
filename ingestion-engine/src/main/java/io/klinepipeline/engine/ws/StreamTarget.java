package io.klinepipeline.engine.ws;

import io.klinepipeline.engine.StreamId;
import io.klinepipeline.engine.capture.FrameQueue;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.exchange.StreamProtocol;
import java.net.URI;

/**
 * What one stream's connections need: where to connect, what the exchange expects, where frames go.
 *
 * @param runId the engine run's writer id: connection ids ({@code <runId>.<n>}) are unique across runs
 */
public record StreamTarget(StreamId stream, URI uri, StreamProtocol protocol, FrameQueue frames, StreamCounters counters,
        String runId) {}
