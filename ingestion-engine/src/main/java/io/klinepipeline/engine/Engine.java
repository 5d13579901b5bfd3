package io.klinepipeline.engine;

import io.klinepipeline.config.EngineConfig;
import io.klinepipeline.config.ExchangeConfig;
import io.klinepipeline.config.PairConfig;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.config.S3Config;
import io.klinepipeline.config.StatusAddress;
import io.klinepipeline.config.StorageConfig;
import io.klinepipeline.engine.capture.FrameQueue;
import io.klinepipeline.engine.capture.FrameRecorder;
import io.klinepipeline.engine.capture.QueueWatermarks;
import io.klinepipeline.engine.metrics.MetricsReporter;
import io.klinepipeline.engine.metrics.StreamCounters;
import io.klinepipeline.engine.metrics.UploadCounters;
import io.klinepipeline.engine.status.EngineMeters;
import io.klinepipeline.engine.status.EngineStatus;
import io.klinepipeline.engine.status.StatusServer;
import io.klinepipeline.engine.storage.DeadLetterWriter;
import io.klinepipeline.engine.storage.FinishedFileListener;
import io.klinepipeline.engine.storage.HourlyJsonlWriter;
import io.klinepipeline.engine.storage.LocalDirLock;
import io.klinepipeline.engine.storage.RollPolicy;
import io.klinepipeline.engine.storage.WriterId;
import io.klinepipeline.engine.upload.LeftoverFiles;
import io.klinepipeline.s3.S3ClientFactory;
import io.klinepipeline.engine.upload.S3Uploader;
import io.klinepipeline.engine.upload.UploadQueue;
import io.klinepipeline.engine.ws.ConnectionBudget;
import io.klinepipeline.engine.ws.ReconnectBackoff;
import io.klinepipeline.engine.ws.ReconnectPolicy;
import io.klinepipeline.engine.ws.StreamSupervisor;
import io.klinepipeline.engine.ws.StreamTarget;
import io.klinepipeline.engine.ws.WebSocketConnector;
import io.klinepipeline.exchange.Exchange;
import io.klinepipeline.exchange.ExchangeRegistry;
import io.klinepipeline.exchange.StreamProtocol;
import io.klinepipeline.jsonl.RawEventCodec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The running engine: one stream (connection supervisor, frame queue, recorder thread, hourly
 * writer) per configured exchange/pair, and the upload queue when S3 is enabled. Assembles
 * everything from pipeline.yaml; {@link #close()} shuts down in the order that loses nothing:
 * connections, then recorders (which finish their files), then uploads.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    static final Duration MAX_UPLOAD_RETRY_DELAY = Duration.ofMinutes(5);
    private static final Duration CONNECTION_CLOSE_WAIT = Duration.ofSeconds(5);

    private final PipelineConfig config;
    private final ExchangeRegistry registry;
    private final Clock clock;
    private final Supplier<AwsCredentialsProvider> credentials;
    private final EngineOptions options;

    private final List<StreamSupervisor> supervisors = new ArrayList<>();
    private final List<FrameRecorder> recorders = new ArrayList<>();
    private final List<StreamCounters> counters = new ArrayList<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    /**
     * Where the recorders' due fsyncs run, off their own threads, so lines keep reaching the file
     * while the disk commits: at most one per stream at a time; an idle thread ends after a minute.
     */
    private final ExecutorService fileForces = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger made = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "file-force-" + made.incrementAndGet());
            thread.setDaemon(true); // a force is awaited by its writer before the file closes; none outlives close()
            return thread;
        }
    });
    private LocalDirLock lock;
    private EventLoopGroup loops;
    private AddressResolverGroup<?> dns;
    private S3Client s3;
    private UploadQueue uploads;
    private UploadCounters uploadCounters;
    private MetricsReporter metrics;
    private StatusServer status;

    /**
     * @param credentials asked only when S3 is enabled; the AWS default chain in production
     */
    public Engine(PipelineConfig config, ExchangeRegistry registry, Clock clock,
            Supplier<AwsCredentialsProvider> credentials, EngineOptions options) {
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.credentials = credentials;
        this.options = options;
    }

    /** Starts every stream; on failure, closes whatever had started and rethrows. */
    public synchronized void start() throws IOException {
        // Synchronized with close(): a shutdown hook that runs during start waits for it, and start
        // stops opening streams as soon as it sees the engine closing.
        if (closing.get()) {
            log.info("[engine] closing before it started: not starting");
            return;
        }
        try {
            startAll();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startAll() throws IOException {
        StorageConfig storage = config.storage();
        EngineConfig engine = config.engine();
        lock = LocalDirLock.acquire(storage.localDir());
        List<Path> leftovers = LeftoverFiles.recover(storage.localDir(), storage.deadLetterDir());
        FinishedFileListener finished = startUploads(storage, engine, leftovers);

        List<StreamId> streams = new ArrayList<>();
        for (ExchangeConfig exchangeConfig : config.exchanges().values()) {
            Exchange exchange = registry.get(exchangeConfig.name());
            for (PairConfig pair : exchangeConfig.pairs()) {
                streams.add(new StreamId(exchange, pair.symbol()));
            }
        }
        int threads = Math.max(1, Math.min(streams.size(), Runtime.getRuntime().availableProcessors()));
        loops = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("ws-loop"), NioIoHandler.newFactory());
        boolean anySecure = config.exchanges().values().stream().anyMatch(e -> "wss".equalsIgnoreCase(e.wsUrl().getScheme()));
        dns = WebSocketConnector.nonBlockingDns();
        WebSocketConnector connector = new WebSocketConnector(clock, engine.idleTimeout(),
                anySecure ? Optional.of(WebSocketConnector.defaultTls()) : Optional.empty(), dns);
        String writerId = WriterId.newRunId(new SecureRandom());
        SecureRandom jitter = new SecureRandom();
        // One budget per exchange, shared by its streams: exchanges limit new connections per IP.
        Map<String, ConnectionBudget> budgets = new HashMap<>();
        log.info("[engine] starting {} streams as writer {}; local_dir {}; S3 {}", streams.size(), writerId,
                storage.localDir(), storage.s3().enabled() ? "s3://" + storage.s3().bucket() + "/" + storage.s3().prefix() : "off");
        for (int i = 0; i < streams.size(); i++) {
            if (closing.get()) {
                log.info("[engine] closing: {} of {} streams were started", i, streams.size());
                break;
            }
            StreamId stream = streams.get(i);
            ConnectionBudget budget = budgets.computeIfAbsent(stream.exchangeName(),
                    name -> ConnectionBudget.of(stream.exchange().stream().connectionLimit(), options.connectionLimitSpeedup()));
            StreamSupervisor supervisor = startStream(stream, writerId, connector, jitter, budget, finished,
                    QueueWatermarks.sharedBy(streams.size()));
            // Exchanges limit new connections per IP: open them one by one.
            supervisor.start(engine.connectSpacing().multipliedBy(i));
        }
        metrics = new MetricsReporter(counters, Optional.ofNullable(uploadCounters));
        metrics.start(options.metricsInterval());
        engine.statusAddress().ifPresent(address -> startStatusServer(address, engine));
    }

    /**
     * /health and /metrics. A port already taken is logged, not fatal: capture matters more than
     * its observation, and a restart loop over a busy port would lose data for nothing.
     */
    private void startStatusServer(StatusAddress address, EngineConfig engine) {
        EngineStatus engineStatus = new EngineStatus(counters,
                uploads == null ? Optional.empty() : Optional.of(new EngineStatus.Uploads(uploadCounters, uploads)), clock,
                engine.idleTimeout());
        try {
            status = StatusServer.start(address, engineStatus, new EngineMeters(engineStatus, clock));
        } catch (IOException e) {
            log.error("[engine] capturing without /health and /metrics: {}; set engine.status_address to a free "
                    + "host:port, or off", e.getMessage());
        }
    }

    /** One stream: its queue, its recorder thread (started) and its connection supervisor (not yet started). */
    private StreamSupervisor startStream(StreamId stream, String writerId, WebSocketConnector connector, SecureRandom jitter,
            ConnectionBudget budget, FinishedFileListener finished, QueueWatermarks watermarks) {
        StorageConfig storage = config.storage();
        EngineConfig engine = config.engine();
        StreamProtocol protocol = stream.exchange().stream();
        StreamCounters streamCounters = new StreamCounters(stream, clock.instant());
        counters.add(streamCounters);
        FrameQueue queue = new FrameQueue(stream, watermarks.high(), watermarks.low());
        HourlyJsonlWriter writer = new HourlyJsonlWriter(stream, storage.localDir(), RollPolicy.from(engine), engine.flushInterval(),
                writerId, clock,
                file -> {
                    streamCounters.fileFinished();
                    finished.fileFinished(file);
                }, fileForces);
        DeadLetterWriter deadLetters = new DeadLetterWriter(stream, protocol.channel(), storage.deadLetterDir(),
                engine.flushInterval(), writerId, clock);
        FrameRecorder recorder = new FrameRecorder(stream, protocol.channel(), queue, new RawEventCodec(), writer, deadLetters,
                streamCounters);
        recorder.start();
        recorders.add(recorder);

        URI endpoint = protocol.endpoint(config.exchange(stream.exchangeName()).wsUrl(), stream.symbol());
        StreamTarget target = new StreamTarget(stream, endpoint, protocol, queue, streamCounters, writerId);
        StreamSupervisor supervisor = new StreamSupervisor(target, connector, loops.next(), ReconnectPolicy.from(engine, protocol),
                new ReconnectBackoff(engine.reconnectInitialDelay(), engine.reconnectMaxDelay(), jitter), clock, budget);
        supervisors.add(supervisor);
        return supervisor;
    }

    private FinishedFileListener startUploads(StorageConfig storage, EngineConfig engine, List<Path> leftovers) {
        S3Config s3Config = storage.s3();
        if (!s3Config.enabled()) {
            if (!leftovers.isEmpty()) {
                log.info("[engine] S3 is off: {} files from earlier runs stay in {}", leftovers.size(), storage.localDir());
            }
            return file -> { };
        }
        s3 = S3ClientFactory.create(s3Config, credentials.get());
        uploadCounters = new UploadCounters();
        uploads = new UploadQueue(new S3Uploader(s3, s3Config, storage.localDir(), options.uploadTimeouts()), storage.localDir(), clock,
                engine.uploadRetryDelay(), MAX_UPLOAD_RETRY_DELAY, uploadCounters);
        leftovers.forEach(uploads::fileFinished);
        uploads.start();
        return uploads;
    }

    /** Per-stream counters, in stream order. */
    public List<StreamCounters> streamCounters() {
        return List.copyOf(counters);
    }

    /** Upload counters, when S3 is enabled. */
    public Optional<UploadCounters> uploadCounters() {
        return Optional.ofNullable(uploadCounters);
    }

    /** Where /health and /metrics are served, once started; empty when off or the address could not be bound. */
    public Optional<InetSocketAddress> statusAddress() {
        return Optional.ofNullable(status).map(StatusServer::address);
    }

    /** Waits until {@link #close()} has finished, or the timeout passes; true when closed. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes connections, finishes every file, uploads what it can; safe to call twice and from a shutdown hook. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            if (!Thread.holdsLock(this)) {
                awaitQuietly();
            } // else: start() failed while a shutdown hook waits for it; the hook closes once start returns
            return;
        }
        synchronized (this) {
            closeNow();
        }
    }

    private void closeNow() {
        try {
            log.info("[engine] stopping");
            List<Future<Void>> stops = new ArrayList<>();
            supervisors.forEach(s -> stops.add(s.stop()));
            stops.forEach(f -> f.awaitUninterruptibly(CONNECTION_CLOSE_WAIT.toMillis()));
            if (dns != null) {
                dns.close();
            }
            if (loops != null) {
                loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(CONNECTION_CLOSE_WAIT.toMillis());
            }
            recorders.forEach(FrameRecorder::requestStop);
            for (FrameRecorder recorder : recorders) {
                recorder.awaitStopped();
            }
            fileForces.shutdown(); // every writer has closed, and awaited its force first
            if (uploads != null) {
                uploads.stop(options.uploadShutdownGrace());
            }
            if (s3 != null) {
                s3.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            if (status != null) {
                status.close(); // last of the parts: a scrape during shutdown sees the uploads drain
            }
            if (lock != null) {
                lock.close();
            }
            log.info("[engine] stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("[engine] interrupted while stopping; unfinished files are recovered on the next start");
        } catch (IOException e) {
            log.error("[engine] could not release the local directory lock", e);
        } finally {
            closed.countDown();
        }
    }

    private void awaitQuietly() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
