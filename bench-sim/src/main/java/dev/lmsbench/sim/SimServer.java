package dev.lmsbench.sim;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running simulator: an OpenAI-compatible server whose timing is configured and logged.
 *
 * <pre>{@code
 * try (SimServer sim = SimServer.start(SimConfig.defaults().withTokensPerSecond(400).withTtftMs(20))) {
 *     String url = sim.baseUrl() + "/v1/chat/completions";
 *     // ... run the client, then compare with sim.sendLog()
 * }
 * }</pre>
 *
 * <p>Endpoints under {@link SimConfig#pathPrefix()}: {@code GET /models}, {@code GET /models/{id}} and
 * {@code POST /chat/completions} (streaming and not). At the root, LM Studio's native API: {@code GET /api/v0/models},
 * {@code GET /api/v0/models/{id}}, {@code POST /api/v0/chat/completions}, {@code GET /api/v1/models},
 * {@code POST /api/v1/models/load}, {@code POST /api/v1/models/unload}, {@code POST /api/v1/models/download},
 * {@code GET /api/v1/models/download/status[/{job_id}]} and {@code POST /api/v1/chat}; and Ollama's native API:
 * {@code GET /api/version}, {@code GET /api/tags}, {@code POST /api/show}, {@code GET /api/ps},
 * {@code POST /api/generate} (load and unload) and {@code POST /api/chat} (NDJSON); and the simulator's own backend
 * for a fake {@code lms} ({@code POST /__sim/lms/load}, {@code POST /__sim/lms/unload}) and its fault plan
 * ({@code GET} and {@code POST /__sim/faults}, {@link FaultPlan}); and llama.cpp's Prometheus metrics of what it
 * served ({@code GET /metrics}). The server tracks which
 * models are loaded ({@link #loadedModels()}) within a memory budget, with parallel slots, GPU offload and idle TTLs,
 * loads models just in time, and can inject {@code Model unloaded} faults. By default it reproduces LM Studio's real
 * quirks ({@link SimConfig#quirks()}, {@link LmStudioQuirks}). Each stream is written by a virtual thread of its own at
 * its tokens' absolute due times, and answers sent whole are timed by one small scheduler pool and written on virtual
 * threads too ({@link Writers}); requests are read on virtual threads. No platform thread waits for a stream, a load
 * or a client: a client that stops reading (or sends its request slowly) delays no other stream.
 *
 * <p>Thread-safe. {@link #close()} stops the server at once: streams in flight are cut and not logged.
 *
 * <p>Loading this class sets the system property {@code sun.net.httpserver.nodelay=true} unless it is already set:
 * the JDK server otherwise leaves Nagle's algorithm on, which delays small events by tens of milliseconds. The JDK reads
 * the property once per JVM, so it has no effect if another {@code com.sun.net.httpserver} server started earlier.
 */
public final class SimServer implements AutoCloseable {

    /** How many entries {@link #sendLog()} keeps; older ones are dropped. */
    public static final int SEND_LOG_CAPACITY = 10_000;
    /** Platform threads timing the answers sent whole; they never write to a client. */
    static final int SCHEDULER_THREADS = 4;
    /** The most requests being read and planned at once (each on a virtual thread); more are refused. */
    static final int MAX_HANDLERS = 10_000;
    private static final int ACCEPT_BACKLOG = 4_096;

    private static final Logger LOG = LoggerFactory.getLogger(SimServer.class);

    static {
        // The JDK server leaves Nagle's algorithm on unless told otherwise, and with delayed ACKs that holds small
        // SSE events back by up to 40 ms. It reads the property once, when the first server in the JVM starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final SimConfig config;
    private final HttpServer server;
    private final int port;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService handlers;
    private final Writers writers;
    private final SendLog log = new SendLog(SEND_LOG_CAPACITY);
    private final ModelStates states;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private SimServer(SimConfig config, HttpServer server, ScheduledThreadPoolExecutor scheduler,
            ExecutorService handlers, Writers writers) {
        this.config = config;
        this.server = server;
        this.port = server.getAddress().getPort();
        this.scheduler = scheduler;
        this.handlers = handlers;
        this.writers = writers;
        this.states = new ModelStates(config);
    }

    /**
     * Binds and starts a simulator.
     *
     * @throws UncheckedIOException when the address cannot be bound (the port is in use, the host is unknown)
     */
    public static SimServer start(SimConfig config) {
        if (!"true".equals(System.getProperty("sun.net.httpserver.nodelay"))) {
            LOG.warn("sun.net.httpserver.nodelay is not true: small SSE events may be delayed by Nagle's algorithm");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), ACCEPT_BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot bind the simulator to " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        } catch (UnresolvedAddressException e) {
            throw new UncheckedIOException(new IOException(
                    "cannot bind the simulator to " + config.host() + ":" + config.port() + ": unknown host", e));
        }
        // thread names carry the port so several simulators in one JVM stay apart in dumps and tests
        String threadPrefix = "lmsbench-sim-" + server.getAddress().getPort();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(SCHEDULER_THREADS,
                daemonThreads(threadPrefix + "-timer-"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.prestartAllCoreThreads();
        // requests are read on virtual threads: a client sending its request slowly holds no platform thread
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(threadPrefix + "-http-", 0).factory());
        Semaphore handlerSlots = new Semaphore(MAX_HANDLERS);
        Executor bounded = task -> {
            if (!handlerSlots.tryAcquire()) {
                // the JDK server closes the connection when its executor refuses, which clients see as a reset
                LOG.warn("simulator overloaded: {} requests being read, refusing a connection", MAX_HANDLERS);
                throw new RejectedExecutionException("simulator overloaded");
            }
            try {
                handlers.execute(() -> {
                    try {
                        task.run();
                    } finally {
                        handlerSlots.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                handlerSlots.release();
                throw e;
            }
        };
        Writers writers = new Writers(scheduler, threadPrefix + "-write-");
        OpenAiJson.warmUp(config.models());
        NativeJson.warmUp(config.models());
        SimServer sim = new SimServer(config, server, scheduler, handlers, writers);
        server.setExecutor(bounded);
        server.createContext("/", new ApiHandler(config, writers, sim.log, Instant.now().getEpochSecond(),
                sim.states));
        server.start();
        LOG.info("simulator listening on {}{} with {} models", sim.baseUrl(), config.pathPrefix(),
                config.models().size());
        return sim;
    }

    /** The configuration this server runs with. */
    public SimConfig config() {
        return config;
    }

    /** The bound port (the actual one when the configuration asked for port 0). */
    public int port() {
        return port;
    }

    /** {@code http://host:port}, without the path prefix. */
    public String baseUrl() {
        String host = config.host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** {@link #baseUrl()} plus the path prefix, e.g. {@code http://127.0.0.1:1234/v1}. */
    public String apiBaseUrl() {
        return baseUrl() + config.pathPrefix();
    }

    /**
     * The most recent {@value #SEND_LOG_CAPACITY} chat completions, oldest first, including streams the client
     * abandoned ({@link SendLogEntry#completed()} false). Error responses are not logged.
     *
     * @return an immutable snapshot
     */
    public List<SendLogEntry> sendLog() {
        return log.snapshot();
    }

    /**
     * Waits until {@code count} chat completions have been logged since start (dropped entries count too).
     *
     * @return {@code false} if the timeout passed first
     */
    public boolean awaitLogged(long count, Duration timeout) throws InterruptedException {
        return log.awaitTotal(count, timeout);
    }

    /**
     * The model instances loaded now (or still loading), in load order: by {@code /api/v1/models/load}, or just in
     * time by a chat request. Tests use it to check that a client left nothing loaded.
     *
     * @return an immutable snapshot
     */
    public List<LoadedModel> loadedModels() {
        long now = System.nanoTime();
        return states.instances().stream().map(i -> i.view(now)).toList();
    }

    /** Memory the loaded and loading instances hold, out of {@link SimConfig#memoryBytes()}. */
    public long memoryUsedBytes() {
        return states.usedBytes();
    }

    /** How many chat requests were answered with an injected {@code Model unloaded} fault, all models. */
    public int injectedFaults() {
        return states.injectedFaults();
    }

    /** How many chat requests for {@code modelId} were answered with an injected {@code Model unloaded} fault. */
    public int injectedFaults(String modelId) {
        return states.injectedFaults(modelId);
    }

    /**
     * Puts a new fault plan in force, as {@code POST /__sim/faults} does: its counters start from zero, so the next
     * {@link FaultPlan#after()} chat requests are served and the {@link FaultPlan#failNext()} after them fail.
     */
    public void replaceFaultPlan(FaultPlan plan) {
        states.faults().replace(java.util.Objects.requireNonNull(plan, "plan"));
    }

    /** How many chat requests the fault plan in force has failed so far (since it was set). */
    public long faultPlanFailures() {
        return states.faults().failed();
    }

    /** Blocks until {@link #close()} has finished, for a frontend that serves until it is stopped. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Stops listening, cuts streams in flight and releases the threads. Idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.shutdownNow();
            writers.close();
            server.stop(0);
            handlers.shutdownNow();
            LOG.info("simulator on port {} stopped", port);
        } finally {
            closed.countDown();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            // daemon: a forgotten close() must not keep the JVM alive
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
