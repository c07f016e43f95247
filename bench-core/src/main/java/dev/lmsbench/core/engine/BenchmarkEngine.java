package dev.lmsbench.core.engine;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.core.event.Progress;
import dev.lmsbench.core.hardware.HardwareAggregates;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.hardware.HardwareSampler;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.spi.ResultStore;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a benchmark: a plan of jobs ({@link SweepPlan}: model x context size x parallelism), each loaded when
 * needed, warmed up, measured N times; {@link #run(RunInfo, List)} is the plan of one job per model at the settings'
 * context size and parallelism. The unload is guaranteed (it runs in a {@code finally}) whenever loading was
 * attempted, also when a request fails or the run is cancelled. Each completed or failed job is saved to the
 * {@link ResultStore} before the next job starts, so nothing finished is ever lost (cancelled and skipped jobs are not
 * saved).
 *
 * <p>Failures: a failed request is recorded with its {@link ErrorType} (a {@link RuntimeException} from the backend
 * is {@link ErrorType#CLIENT}), its HTTP status and a sanitized one-line message. A model whose every warmup, or
 * every measured request, failed is {@link RunStatus#FAILED} with the dominant error type and its first message; a
 * model with at least one successful measured request is {@link RunStatus#COMPLETED}. The run is
 * {@link RunStatus#FAILED} (and ends with {@link BenchmarkEvent.RunFailed}) when every model failed or was skipped.
 *
 * <p>Retry-After: when a request fails with HTTP 429 or 503 and the server sent {@code Retry-After}, the engine
 * waits that long, at most {@link #MAX_RETRY_AFTER_WAIT} and never longer than the request timeout, then retries
 * that request once; {@link #cancel()} ends the wait at once. If the retry fails too, its failure is recorded.
 *
 * <p>Prompt cache: with {@link BenchmarkSettings#promptCache()} {@link dev.lmsbench.core.model.PromptCache#OFF} (the
 * default) every request, warmups and retries after Retry-After included, carries a nonce
 * ({@link InferenceRequest#nonce()}) that no other request of the run, nor of another run, carries: 16 hex digits
 * from a bijection of a random per-run seed and the request counter, so two requests of a run never share one. The
 * backend puts it at the very start of the first message. With {@code REUSE} every request sends the identical
 * prompt.
 *
 * <p>A measured run sends {@code parallel} streaming requests together, then (when
 * {@link BenchmarkSettings#nonStreaming()}) {@code parallel} non-streaming ones. Warmup requests stream one at a time.
 *
 * <pre>{@code
 * BenchmarkEngine engine = BenchmarkEngine.builder()
 *         .backend(backend)
 *         .store(store)
 *         .listener(event -> System.err.println(event))
 *         .build();
 * BenchmarkReport report = engine.run(RunInfo.start(backend.endpoint(), settings, "1.0"), models);
 * }</pre>
 *
 * <p>Hardware profiling ({@link Builder#monitor}): one sample just before loading, periodic samples from just after
 * loading through warmups and measured runs, stopped before unloading; the aggregates become the model's
 * {@link ModelSummary#sideMetrics()}. With {@link Builder#thermalLimits}, the engine pauses before each measured run
 * while the GPU is over a limit (at most {@link #MAX_GUARD_WAIT}) and records the pause as {@code guard.pause}.
 *
 * <p>{@link #pause()} holds the run between requests: requests in flight finish, no new one starts until
 * {@link #resume()} (or {@link #cancel()}); the listeners get {@link BenchmarkEvent.RunPaused} at once and
 * {@link BenchmarkEvent.RunResumed} with the paused time, and the progress estimate leaves paused time out.
 *
 * <p>Thread safety: {@link #run} is called from one thread at a time; {@link #cancel()}, {@link #pause()} and
 * {@link #resume()} may be called from any thread (a signal handler, a web request); a cancel makes {@code run} return
 * a {@link RunStatus#CANCELLED} report promptly, also while paused.
 */
public final class BenchmarkEngine {

    /** The longest the thermal/power guard waits before one run; after that the run goes on anyway. */
    public static final Duration MAX_GUARD_WAIT = Duration.ofMinutes(10);

    /**
     * The longest the engine honours a server's {@code Retry-After} (on HTTP 429 or 503) before retrying the request
     * once: a longer wait is cut to this (and to the request timeout, whichever is shorter).
     */
    public static final Duration MAX_RETRY_AFTER_WAIT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkEngine.class);

    private final InferenceBackend backend;
    private final ResultStore store;
    private final List<BenchmarkListener> listeners;
    private final Clock clock;
    private final java.util.function.LongSupplier memoryBudget;
    private final HardwareMonitor monitor;
    private final Duration sampleInterval;
    private final double maxTempC;
    private final double maxPowerW;
    private final Duration maxGuardWait;
    private final Duration maxRetryWait;
    private final Object emitLock = new Object();
    /** Released by {@link #cancel()}: ends a Retry-After wait at once. */
    private final CountDownLatch cancelSignal = new CountDownLatch(1);
    private volatile boolean cancelled;
    /** Guards {@link #paused}; signalled on resume and cancel. */
    private final java.util.concurrent.locks.ReentrantLock pauseLock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.locks.Condition unpaused = pauseLock.newCondition();
    private volatile boolean paused;
    /** System.nanoTime() of the pause that holds the run now. */
    private long pausedSince;
    /** A resume is announcing itself (the run still holds); a pause meanwhile sets {@link #pauseAgain}. */
    private boolean resuming;
    private boolean pauseAgain;
    /** The progress of the current run, for the paused time; null between runs. */
    private volatile ProgressTracker currentProgress;
    private final Long nonceSeed;
    private final CalibrationCache calibrations;
    private final TokenRecount recount;
    /** The prompt nonces of the current run; set at the start of {@link #run}. */
    private volatile PromptNonces nonces = new PromptNonces(0);

    private BenchmarkEngine(Builder b) {
        this.backend = Objects.requireNonNull(b.backend, "backend");
        this.store = b.store;
        this.listeners = List.copyOf(b.listeners);
        this.clock = b.clock;
        this.memoryBudget = b.memoryBudget;
        this.monitor = b.monitor;
        this.sampleInterval = b.sampleInterval;
        this.maxTempC = b.maxTempC;
        this.maxPowerW = b.maxPowerW;
        this.maxGuardWait = b.maxGuardWait;
        this.maxRetryWait = b.maxRetryWait;
        this.nonceSeed = b.nonceSeed;
        this.calibrations = b.calibrations;
        this.recount = new TokenRecount(b.tokenCounters);
    }

    /** A new builder. @return the builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Stops the run as soon as possible: in-flight requests are aborted, the current model is unloaded. */
    public void cancel() {
        cancelled = true;
        cancelSignal.countDown();
        pauseLock.lock();
        try {
            unpaused.signalAll();
        } finally {
            pauseLock.unlock();
        }
        backend.cancelInFlight();
    }

    /**
     * Holds the run before its next request; requests in flight finish. Does nothing when already paused.
     * Announced at once with {@link BenchmarkEvent.RunPaused}.
     */
    public void pause() {
        pauseLock.lock();
        try {
            if (resuming) {
                pauseAgain = true; // a resume is being announced: it ends paused instead
                return;
            }
            if (paused) {
                return;
            }
            paused = true;
            pausedSince = System.nanoTime();
        } finally {
            pauseLock.unlock();
        }
        LOG.info("benchmark paused");
        emit(new BenchmarkEvent.RunPaused()); // never under pauseLock: a listener may call pause or resume
    }

    /** Lets a paused run go on; announced with {@link BenchmarkEvent.RunResumed}. Does nothing when not paused. */
    public void resume() {
        long pausedNanos;
        pauseLock.lock();
        try {
            if (!paused || resuming) {
                return;
            }
            resuming = true;
            pausedNanos = System.nanoTime() - pausedSince;
        } finally {
            pauseLock.unlock();
        }
        ProgressTracker progress = currentProgress;
        if (progress != null) {
            progress.paused(pausedNanos);
        }
        LOG.info("benchmark resumed after {} s", seconds(Duration.ofNanos(pausedNanos)));
        // announced while the run still holds, so no event of a new request comes before it
        emit(new BenchmarkEvent.RunResumed(pausedNanos / 1e9));
        boolean again;
        pauseLock.lock();
        try {
            resuming = false;
            again = pauseAgain;
            pauseAgain = false;
            if (again) {
                pausedSince = System.nanoTime();
            } else {
                paused = false;
                unpaused.signalAll();
            }
        } finally {
            pauseLock.unlock();
        }
        if (again) {
            LOG.info("benchmark paused");
            emit(new BenchmarkEvent.RunPaused());
        }
    }

    /** Whether the run is paused ({@link #pause()} without a {@link #resume()} since). @return true while paused */
    public boolean isPaused() {
        return paused;
    }

    /** Blocks while paused, until resumed or cancelled. */
    private void awaitUnpaused() {
        if (!paused) {
            return;
        }
        pauseLock.lock();
        try {
            while (paused && !cancelled) {
                unpaused.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
        } finally {
            pauseLock.unlock();
        }
    }

    /** Whether {@link #cancel()} was called. @return true after a cancel */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Benchmarks the models in order.
     *
     * @param run    the run (its settings apply to every model)
     * @param models the models
     * @return every result, with status {@link RunStatus#CANCELLED} when cancelled
     */
    public BenchmarkReport run(RunInfo run, List<ModelInfo> models) {
        BenchmarkSettings settings = run.settings();
        return run(run, new SweepPlan(models.stream()
                .map(m -> new SweepPlan.Job(m, settings.contextLength(), settings.parallel())).toList()));
    }

    /**
     * Runs the jobs of a plan in order: each (model, context size, parallelism) with its own warmup and measured runs,
     * loading a model only when the job before did not leave it loaded with the same load configuration (the context
     * size and, where the settings carry it, the parallel slots), and unloading it when the next job needs another
     * load or none follows. Each job's result is a {@link ModelSummary} of the job's settings (the run's settings with
     * the job's context length and parallelism), saved to the store as it finishes.
     *
     * <p>With {@link SweepPlan#retryBackoff()}, a failed call is made again after each wait in turn (announced with
     * {@link BenchmarkEvent.RequestRetrying}); after the last it is recorded as failed with its
     * {@link RequestResult#attempts()} ({@code error_final}). With a prompt target ({@link SweepPlan#promptTokensFor}),
     * the prompt is built from a characters-per-token estimate (the {@link Builder#calibrations cache}'s, else
     * {@link SweepMath#DEFAULT_CHARS_PER_TOKEN}) corrected by the prompt tokens each warmup's usage reports; when the
     * last warmup was outside {@link SweepMath#CALIBRATION_TOLERANCE}, up to {@link SweepMath#MAX_CALIBRATION_CALLS}
     * calibration calls follow (recorded as warmup rows).
     *
     * @param run  the run (its settings apply to every job, with the job's context length and parallelism)
     * @param plan the jobs, retries and prompt sizing
     * @return every result, with status {@link RunStatus#CANCELLED} when cancelled
     */
    public BenchmarkReport run(RunInfo run, SweepPlan plan) {
        BenchmarkSettings settings = run.settings();
        nonces = new PromptNonces(nonceSeed != null ? nonceSeed : new java.security.SecureRandom().nextLong());
        retryBackoff = plan.retryBackoff();
        List<SweepPlan.Job> jobs = plan.jobs();
        int total = 0;
        for (SweepPlan.Job job : jobs) {
            total += requestsOf(settings, job);
        }
        ProgressTracker progress = new ProgressTracker(total, System.nanoTime());
        currentProgress = progress;
        List<ModelSummary> summaries = new ArrayList<>();
        List<RequestResult> allRequests = new ArrayList<>();
        emit(new BenchmarkEvent.RunStarted(run, plan.models(), total, jobs));
        dev.lmsbench.core.hardware.HardwareInfo hardware = describeHardware();
        loaded = null;
        try (Profiler profiler = monitor == null ? null : new Profiler()) {
            for (int i = 0; i < jobs.size() && !cancelled; i++) {
                SweepPlan.Job job = jobs.get(i);
                SweepPlan.Job next = i + 1 < jobs.size() ? jobs.get(i + 1) : null;
                List<RequestResult> requests = Collections.synchronizedList(new ArrayList<>());
                ModelSummary summary = benchmarkJob(run, plan, job, next, i + 1, jobs.size(), requests, progress,
                        profiler);
                summaries.add(summary);
                synchronized (requests) {
                    allRequests.addAll(requests);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("run failed", e);
            unloadCurrent();
            BenchmarkReport partial = new BenchmarkReport(run, RunStatus.FAILED, clock.instant(), summaries,
                    allRequests, hardware);
            emit(new BenchmarkEvent.RunFailed("internal error: " + e, partial));
            return partial;
        } finally {
            unloadCurrent();
        }
        if (cancelled) {
            BenchmarkReport partial = new BenchmarkReport(run, RunStatus.CANCELLED, clock.instant(), summaries,
                    allRequests, hardware);
            emit(new BenchmarkEvent.RunFailed("cancelled by user", partial));
            return partial;
        }
        String failure = runFailure(summaries);
        if (failure != null) {
            BenchmarkReport failed = new BenchmarkReport(run, RunStatus.FAILED, clock.instant(), summaries,
                    allRequests, hardware);
            emit(new BenchmarkEvent.RunFailed(failure, failed));
            return failed;
        }
        BenchmarkReport report = new BenchmarkReport(run, RunStatus.COMPLETED, clock.instant(), summaries,
                allRequests, hardware);
        emit(new BenchmarkEvent.RunCompleted(report));
        return report;
    }

    /** The requests a job is planned to make: a load stage's expected sends, else warmups and measured calls. */
    static int requestsOf(BenchmarkSettings settings, SweepPlan.Job job) {
        return job.load() != null ? job.load().expectedRequests() : jobSettings(settings, job).requestsPerModel();
    }

    /** The settings of one job: the run's, with the job's context length and parallelism (and parallel slots). */
    static BenchmarkSettings jobSettings(BenchmarkSettings settings, SweepPlan.Job job) {
        if (job.contextLength() == settings.contextLength() && job.parallel() == settings.parallel()) {
            return settings;
        }
        return settings.withContextLength(job.contextLength()).withParallel(job.parallel())
                .withLoad(settings.load().withContextLength(job.contextLength())
                        .withParallel(job.parallel() > 1 ? job.parallel() : null));
    }

    /** What is loaded now: the model and the load configuration it was loaded with. Engine thread only. */
    private record Loaded(ModelInfo model, dev.lmsbench.core.model.LoadConfig config, LoadOutcome outcome) {
        boolean serves(ModelInfo m, dev.lmsbench.core.model.LoadConfig c, boolean slotsMatter) {
            return model.id().equals(m.id())
                    && (slotsMatter ? config.equals(c) : config.withParallel(null).equals(c.withParallel(null)));
        }
    }

    /** The model loaded by an earlier job and not unloaded yet, or null. Engine thread only. */
    private Loaded loaded;

    /** The waits before the retries of a failed call in the current run. */
    private volatile List<Duration> retryBackoff = List.of();

    /** Whether the backend's loads set the parallel slots, so that each parallelism needs its own load. */
    private boolean slotsMatter() {
        try {
            return backend.loadsParallelSlots();
        } catch (RuntimeException e) {
            LOG.debug("the backend could not say whether it loads parallel slots", e);
            return true;
        }
    }

    /** Unloads the loaded model, if any, and announces it. Never throws. */
    private void unloadCurrent() {
        Loaded current = loaded;
        loaded = null;
        if (current != null) {
            unload(current.model());
        }
    }

    private void unload(ModelInfo model) {
        String unloadError = "";
        try {
            backend.unload(model);
        } catch (BackendException | RuntimeException e) {
            LOG.warn("unloading {} failed: {}", model.id(), e.getMessage());
            LOG.debug("unload failure", e);
            unloadError = String.valueOf(e.getMessage());
        }
        emit(new BenchmarkEvent.ModelUnloaded(model, unloadError));
    }

    /** Why the run failed: every model failed or was skipped; null when at least one model completed. */
    private static String runFailure(List<ModelSummary> summaries) {
        if (summaries.isEmpty()) {
            return null;
        }
        long failed = summaries.stream().filter(m -> m.status() == RunStatus.FAILED).count();
        long skipped = summaries.stream().filter(m -> m.status() == RunStatus.SKIPPED).count();
        if (failed + skipped < summaries.size()) {
            return null;
        }
        if (skipped == 0) {
            return failed == 1 ? "the model failed: " + summaries.getFirst().error()
                    : "every model failed (" + failed + " models)";
        }
        return "every model failed or was skipped (" + failed + " failed, " + skipped + " skipped)";
    }

    /** What the monitor detected (for the report), or null without a monitor; a failure never stops the run. */
    private dev.lmsbench.core.hardware.HardwareInfo describeHardware() {
        if (monitor == null) {
            return null;
        }
        try {
            return monitor.describe();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("hardware monitor could not describe the machine: {}", e.toString());
            return null;
        }
    }

    private ModelSummary benchmarkJob(RunInfo run, SweepPlan plan, SweepPlan.Job job, SweepPlan.Job next,
                                      int position, int count, List<RequestResult> requests,
                                      ProgressTracker progress, Profiler profiler) {
        BenchmarkSettings settings = jobSettings(run.settings(), job);
        ModelInfo model = job.model();
        Instant started = clock.instant();
        Loaded before = loaded;
        boolean reload = before == null || !before.serves(model, settings.load(), slotsMatter());
        emit(new BenchmarkEvent.ModelStarted(model, position, count));
        emit(new BenchmarkEvent.JobStarted(job, position, count, reload));
        RunStatus status = RunStatus.COMPLETED;
        String error = "";
        ErrorType errorType = ErrorType.NONE;
        double loadSeconds = Double.NaN;
        dev.lmsbench.core.model.LoadMemory loadMemory = dev.lmsbench.core.model.LoadMemory.UNKNOWN;
        dev.lmsbench.core.model.LoadDetails loadDetails = dev.lmsbench.core.model.LoadDetails.UNKNOWN;
        dev.lmsbench.core.model.PromptCalibration calibration = dev.lmsbench.core.model.PromptCalibration.NONE;
        dev.lmsbench.core.load.LoadResult loadResult = null;
        if (reload) {
            unloadCurrent();
            String noRoom = resourceCheck(model, settings);
            if (noRoom != null) {
                LOG.warn("{}: {}", model.id(), noRoom);
                progress.replanned(-requestsOf(run.settings(), job));
                ModelSummary skipped = ModelSummary.of(model, settings, List.of(), RunStatus.SKIPPED, noRoom,
                        ErrorType.NONE, Double.NaN, started, clock.instant(), List.of());
                emit(new BenchmarkEvent.ModelFailed(skipped));
                return skipped;
            }
        }
        boolean keepLoaded = false;
        try {
            LoadOutcome outcome = null;
            if (profiler != null) {
                profiler.beforeLoad(model);
            }
            if (!reload) {
                outcome = before.outcome();
                loadMemory = outcome.memory();
                loadDetails = outcome.details().asReused();
                if (profiler != null) {
                    profiler.afterLoad();
                }
            } else {
                emit(new BenchmarkEvent.ModelLoading(model));
                try {
                    outcome = backend.load(model, settings.load());
                    loaded = new Loaded(model, settings.load(), outcome);
                    loadSeconds = outcome.seconds();
                    loadMemory = outcome.memory();
                    loadDetails = outcome.details();
                    for (String note : loadDetails.notes()) {
                        LOG.warn("{}: {}", model.id(), note);
                    }
                    emit(new BenchmarkEvent.ModelLoaded(model, outcome));
                    if (profiler != null) {
                        profiler.afterLoad();
                    }
                } catch (BackendException e) {
                    LOG.debug("loading {} failed", model.id(), e);
                    // the unload is guaranteed whenever loading was attempted
                    loaded = new Loaded(model, settings.load(), null);
                    String message = SafeText.oneLine(e.getMessage());
                    errorType = e.errorType();
                    if (e.kind() == BackendException.Kind.CANCELLED || cancelled) {
                        // Ctrl-C during the load: the model was not measured, it did not fail
                        status = RunStatus.CANCELLED;
                        error = "cancelled by user";
                        errorType = ErrorType.CANCELLED;
                    } else if (e.insufficientResources()) {
                        status = RunStatus.SKIPPED;
                        error = "skipped: not enough memory to load it (" + message + ")";
                    } else {
                        status = RunStatus.FAILED;
                        error = "load failed: " + message;
                    }
                    progress.replanned(-requestsOf(run.settings(), job));
                    emit(new BenchmarkEvent.ModelLoadFailed(model, message));
                    outcome = null;
                }
            }
            if (outcome != null) {
                Measured measured = job.load() != null ? measureLoad(job, settings, requests, progress, profiler,
                        reload)
                        : measure(run, plan, job, settings, requests, progress, profiler);
                calibration = measured.calibration();
                loadResult = measured.load();
                List<String> duplicates = duplicatesOf(model);
                if (!duplicates.isEmpty()) {
                    LOG.warn("{}: the server loaded the model again while it was measured (instances {}); their"
                            + " requests ran on copies, not the instance loaded for the benchmark", model.id(),
                            String.join(", ", duplicates));
                    loadDetails = loadDetails.withDuplicateInstances(duplicates);
                }
                if (cancelled) {
                    status = RunStatus.CANCELLED;
                    error = "cancelled by user";
                    errorType = ErrorType.CANCELLED;
                } else if (measured.failure() != null) {
                    status = RunStatus.FAILED;
                    error = measured.failure().reason();
                    errorType = measured.failure().type();
                }
                // the next job runs on this load when it needs the same one
                keepLoaded = !cancelled && next != null && loaded != null && loaded.outcome() != null
                        && loaded.serves(next.model(), jobSettings(run.settings(), next).load(), slotsMatter());
            }
        } finally {
            if (profiler != null) {
                profiler.stop();
            }
            if (!keepLoaded) {
                unloadCurrent();
            }
        }
        List<RequestResult> snapshot;
        synchronized (requests) {
            snapshot = List.copyOf(requests);
        }
        Instant finished = clock.instant();
        ModelSummary summary = ModelSummary.of(model, settings, snapshot, status, error, errorType, loadSeconds,
                started, finished, List.of());
        List<RequestResult> measuredRequests = snapshot.stream().filter(r -> !r.warmup()).toList();
        if (status == RunStatus.COMPLETED && summary.successCount() == 0 && !measuredRequests.isEmpty()) {
            // every measured logical request had a failed call (the summary counts them): nothing was measured
            Failure none = dominantFailure("every measured request failed", measuredRequests);
            status = RunStatus.FAILED;
            error = none.reason();
            errorType = none.type();
            summary = ModelSummary.of(model, settings, snapshot, status, error, errorType, loadSeconds, started,
                    finished, List.of());
        }
        summary = summary.withLoadMemory(loadMemory).withLoadDetails(loadDetails).withCalibration(calibration)
                .withLoad(loadResult);
        if (profiler != null) {
            summary = summary.withSideMetrics(profiler.sideMetrics(summary)).withHardwareSamples(profiler.samples());
        }
        if (status == RunStatus.COMPLETED || status == RunStatus.FAILED) {
            // failed jobs are kept too, with their typed errors; the cache reuses completed ones only
            save(run, summary, snapshot);
        }
        if (status == RunStatus.COMPLETED) {
            emit(new BenchmarkEvent.ModelCompleted(summary));
        } else {
            emit(new BenchmarkEvent.ModelFailed(summary));
        }
        return summary;
    }

    private void save(RunInfo run, ModelSummary summary, List<RequestResult> requests) {
        if (store == null) {
            return;
        }
        try {
            store.save(run, summary, requests);
        } catch (StoreException | RuntimeException e) {
            LOG.error("could not save the result of {} to the store: {}", summary.model().id(), e.getMessage());
            LOG.debug("store failure", e);
        }
    }

    /** The backend's duplicate instances of the model; a failure there never stops the run. */
    private List<String> duplicatesOf(ModelInfo model) {
        try {
            return List.copyOf(backend.duplicateInstances(model));
        } catch (RuntimeException e) {
            LOG.debug("the backend could not list the instances of {}", model.id(), e);
            return List.of();
        }
    }

    /** Why a model could not be benchmarked, and the type of that failure. */
    private record Failure(String reason, ErrorType type) {
    }

    /** {@code prefix (4 x http_status 401: first message)} over the failed requests. */
    private static Failure dominantFailure(String prefix, List<RequestResult> requests) {
        Map<ErrorType, Integer> counts = ModelSummary.countErrors(requests);
        ErrorType type = ModelSummary.dominantErrorType(counts);
        RequestResult first = requests.stream().filter(r -> !r.success() && r.errorType() == type).findFirst()
                .orElse(null);
        if (first == null) {
            return new Failure(prefix, ErrorType.UNKNOWN);
        }
        String label = type.label() + (first.httpStatus() > 0 ? " " + first.httpStatus() : "");
        return new Failure(prefix + " (" + counts.get(type) + " x " + label + ": " + first.error() + ")", type);
    }

    /** The reason to skip a model that would not fit the known memory budget, or null to go ahead. */
    private String resourceCheck(ModelInfo model, BenchmarkSettings settings) {
        if (memoryBudget == null) {
            return null;
        }
        long budget = memoryBudget.getAsLong();
        long need = MemoryFit.neededBytes(model, settings.contextLength());
        if (budget <= 0 || need <= 0 || need <= budget) {
            return null;
        }
        return String.format(java.util.Locale.ROOT,
                "skipped: needs about %.1f GB at context %d, only %.1f GB available (estimate; see docs/cli.md)",
                need / 1e9, settings.contextLength(), budget / 1e9);
    }

    /** What measuring a job gave: the failure when it cannot be benchmarked (else null), and its calibration. */
    private record Measured(Failure failure, dev.lmsbench.core.model.PromptCalibration calibration,
                            dev.lmsbench.core.load.LoadResult load) {
        Measured(Failure failure, dev.lmsbench.core.model.PromptCalibration calibration) {
            this(failure, calibration, null);
        }
    }

    /**
     * Runs a load stage: its requests at the times its pattern plans, through the one request path, no retries
     * (a retry would be a request the pattern did not plan); then flags the warmup and cooldown requests and computes
     * the stage's figures.
     */
    private Measured measureLoad(SweepPlan.Job job, BenchmarkSettings settings, List<RequestResult> requests,
                                 ProgressTracker progress, Profiler profiler, boolean prime) {
        dev.lmsbench.core.load.LoadSpec spec = job.load();
        ModelInfo model = job.model();
        if (profiler != null) {
            profiler.guard();
            profiler.measuring(true);
        }
        LoadRunner runner = new LoadRunner(spec, (w, index, inFlight, warmup, answered) -> request(model,
                settings.withPrompt(w.prompt()).withMaxTokens(w.maxTokens()).withParallel(inFlight), index,
                warmup, RunMode.STREAM, requests, progress, answered, false), () -> cancelled, prime);
        if (prime) {
            progress.replanned(1); // the unmeasured first request is a request too
        }
        runner.prime();
        java.util.Map<String, Double> before = serverMetrics();
        CpuMeter cpu = new CpuMeter();
        LoadRunner.Sent sent;
        double[] cpuUse;
        try {
            sent = runner.run();
        } finally {
            cpuUse = cpu.stop();
            if (profiler != null) {
                profiler.measuring(false);
            }
        }
        java.util.Map<String, Double> after = serverMetrics();
        progress.replanned(sent.samples().size() - spec.expectedRequests());
        List<RequestResult> flagged;
        synchronized (requests) {
            requests.replaceAll(r -> !r.warmup() && sent.excluded().contains(r.index()) ? r.withWarmup(true) : r);
            flagged = List.copyOf(requests);
        }
        dev.lmsbench.core.load.LoadResult result = dev.lmsbench.core.load.LoadResult.compute(spec, flagged,
                sent.samples(), cpuUse, counterChanges(before, after));
        for (String warning : result.generator().warnings()) {
            LOG.warn("{}: {}", model.id(), warning);
        }
        // a stage whose every measured request failed is failed by benchmarkJob's check, as any job is
        return new Measured(null, dev.lmsbench.core.model.PromptCalibration.NONE, result);
    }

    /** The server's metrics; a failure there never stops the run. */
    private java.util.Map<String, Double> serverMetrics() {
        try {
            return java.util.Map.copyOf(backend.serverMetrics());
        } catch (RuntimeException e) {
            LOG.debug("the server's metrics could not be read", e);
            return java.util.Map.of();
        }
    }

    /**
     * What changed over a stage: the difference of each counter (a name ending in {@code _total}, Prometheus's
     * convention, labels aside), the value after it of everything else (gauges); sorted by name.
     */
    static java.util.Map<String, Double> counterChanges(java.util.Map<String, Double> before,
                                                        java.util.Map<String, Double> after) {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        after.forEach((name, value) -> {
            int brace = name.indexOf('{');
            String bare = brace < 0 ? name : name.substring(0, brace);
            if (bare.endsWith("_total")) {
                Double was = before.get(name);
                out.put(name, was == null ? value : value - was);
            } else {
                out.put(name, value);
            }
        });
        return out;
    }

    /** Runs warmups, calibration calls and measured runs. */
    private Measured measure(RunInfo run, SweepPlan plan, SweepPlan.Job job, BenchmarkSettings jobSettings,
                             List<RequestResult> requests, ProgressTracker progress, Profiler profiler) {
        ModelInfo model = job.model();
        int target = plan.promptTokensFor(job);
        BenchmarkSettings settings = jobSettings;
        SweepMath.Calibration calibration = null;
        String calibrationSource = "";
        int lastPromptTokens = -1;
        if (target > 0) {
            java.util.OptionalDouble cached = cachedCalibration(run, model, target);
            calibration = cached.isPresent() ? new SweepMath.Calibration(cached.getAsDouble())
                    : SweepMath.Calibration.initial();
            calibrationSource = cached.isPresent() ? dev.lmsbench.core.model.PromptCalibration.CACHE_SOURCE
                    : dev.lmsbench.core.model.PromptCalibration.DEFAULT_SOURCE;
            settings = settings.withPrompt(SweepMath.sizedPrompt(calibration.charsFor(target)));
        }
        List<RequestResult> warmups = new ArrayList<>();
        int warmupSuccesses = 0;
        for (int i = 0; i < settings.warmupRuns() && !cancelled; i++) {
            RequestResult r = request(model, settings, i, true, RunMode.STREAM, requests, progress);
            if (r == null) {
                continue;
            }
            warmups.add(r);
            if (r.success()) {
                warmupSuccesses++;
                if (calibration != null && !r.usage().estimated() && r.usage().promptTokens() > 0) {
                    // every warmup sends the same prompt (their TTFTs give the load estimate); its count seeds
                    // the calibration
                    lastPromptTokens = r.usage().promptTokens();
                }
            }
        }
        if (settings.warmupRuns() > 0 && warmupSuccesses == 0 && !cancelled) {
            Map<ErrorType, Integer> counts = ModelSummary.countErrors(warmups);
            ErrorType type = ModelSummary.dominantErrorType(counts);
            String firstError = warmups.stream().filter(r -> !r.success()).map(RequestResult::error).findFirst()
                    .orElse("no warmup request was made");
            return new Measured(new Failure("every warmup request failed: " + firstError,
                    type == ErrorType.NONE ? ErrorType.UNKNOWN : type), sizing(target, calibration, lastPromptTokens,
                    0, calibrationSource));
        }
        int calls = 0;
        if (calibration != null && lastPromptTokens > 0) {
            calibration = calibration.corrected(settings.prompt().length(), lastPromptTokens);
            if (!SweepMath.withinTolerance(target, lastPromptTokens, SweepMath.CALIBRATION_TOLERANCE)) {
                settings = settings.withPrompt(SweepMath.sizedPrompt(calibration.charsFor(target)));
            }
        }
        if (calibration != null) {
            // a warmup prompt outside the tolerance: calibration calls check the corrected prompt until it is within
            int index = settings.warmupRuns();
            while (!cancelled && calls < SweepMath.MAX_CALIBRATION_CALLS
                    && !SweepMath.withinTolerance(target, lastPromptTokens, SweepMath.CALIBRATION_TOLERANCE)) {
                progress.replanned(1);
                RequestResult r = request(model, settings, index++, true, RunMode.STREAM, requests, progress);
                calls++;
                if (r == null || !r.success() || r.usage().estimated() || r.usage().promptTokens() <= 0) {
                    break; // nothing to correct with: the runs go on with the estimate
                }
                lastPromptTokens = r.usage().promptTokens();
                calibration = calibration.corrected(settings.prompt().length(), lastPromptTokens);
                settings = settings.withPrompt(SweepMath.sizedPrompt(calibration.charsFor(target)));
            }
            if (SweepMath.withinTolerance(target, lastPromptTokens, SweepMath.CALIBRATION_TOLERANCE)) {
                keepCalibration(run, model, target, calibration.charsPerToken());
            }
            LOG.info("{}: prompt of {} tokens aimed at, {} counted, {} chars per token ({} calibration call{})",
                    model.id(), target, lastPromptTokens,
                    String.format(java.util.Locale.ROOT, "%.3f", calibration.charsPerToken()), calls,
                    calls == 1 ? "" : "s");
        }
        for (int r = 0; r < settings.runs() && !cancelled; r++) {
            if (profiler != null) {
                profiler.guard();
                profiler.measuring(true);
            }
            batch(model, settings, r, RunMode.STREAM, requests, progress);
            if (settings.nonStreaming() && !cancelled) {
                batch(model, settings, r, RunMode.NONSTREAM, requests, progress);
            }
            if (profiler != null) {
                profiler.measuring(false);
            }
        }
        return new Measured(null, sizing(target, calibration, lastPromptTokens, calls, calibrationSource));
    }

    private static dev.lmsbench.core.model.PromptCalibration sizing(int target, SweepMath.Calibration calibration,
                                                                    int promptTokens, int calls, String source) {
        if (target <= 0 || calibration == null) {
            return dev.lmsbench.core.model.PromptCalibration.NONE;
        }
        return new dev.lmsbench.core.model.PromptCalibration(target, calibration.charsPerToken(), promptTokens,
                calls, SweepMath.withinTolerance(target, promptTokens, SweepMath.CALIBRATION_TOLERANCE), source);
    }

    private java.util.OptionalDouble cachedCalibration(RunInfo run, ModelInfo model, int target) {
        if (calibrations == null) {
            return java.util.OptionalDouble.empty();
        }
        try {
            java.util.OptionalDouble v = calibrations.charsPerToken(run.endpoint(), model.id(), target);
            return v.isPresent() && v.getAsDouble() > 0 && !Double.isInfinite(v.getAsDouble()) ? v
                    : java.util.OptionalDouble.empty();
        } catch (RuntimeException e) {
            LOG.warn("the calibration cache could not be read: {}", e.toString());
            LOG.debug("calibration cache failure", e);
            return java.util.OptionalDouble.empty();
        }
    }

    private void keepCalibration(RunInfo run, ModelInfo model, int target, double charsPerToken) {
        if (calibrations == null) {
            return;
        }
        try {
            calibrations.put(run.endpoint(), model.id(), target, charsPerToken);
        } catch (RuntimeException e) {
            LOG.warn("the calibration cache could not be written: {}", e.toString());
            LOG.debug("calibration cache failure", e);
        }
    }

    private void batch(ModelInfo model, BenchmarkSettings settings, int run, RunMode mode,
                       List<RequestResult> requests, ProgressTracker progress) {
        int parallel = settings.parallel();
        if (parallel == 1) {
            request(model, settings, run, false, mode, requests, progress);
            return;
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int j = 0; j < parallel; j++) {
                int index = run * parallel + j;
                futures.add(pool.submit(() -> request(model, settings, index, false, mode, requests, progress)));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel();
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.debug("parallel request failed unexpectedly", e.getCause());
                }
            }
        }
    }

    /**
     * Makes one call, retrying it after each wait of the run's backoff (or once after a server's Retry-After when the
     * run has none); records and announces it; returns null when it was cancelled (not a measurement).
     */
    private RequestResult request(ModelInfo model, BenchmarkSettings settings, int index, boolean warmup,
                                  RunMode mode, List<RequestResult> requests, ProgressTracker progress) {
        return request(model, settings, index, warmup, mode, requests, progress, null, true);
    }

    /**
     * {@link #request(ModelInfo, BenchmarkSettings, int, boolean, RunMode, List, ProgressTracker)} that hands the
     * answer to {@code answered} (when not null) and, without {@code retries}, makes the call once whatever fails.
     */
    private RequestResult request(ModelInfo model, BenchmarkSettings settings, int index, boolean warmup,
                                  RunMode mode, List<RequestResult> requests, ProgressTracker progress,
                                  java.util.function.Consumer<InferenceResult> answered, boolean retries) {
        List<Duration> backoff = retryBackoff;
        RequestResult result = null;
        InferenceResult answer = null;
        for (int attempt = 0; result == null; attempt++) {
            awaitUnpaused();
            if (cancelled) {
                return null;
            }
            // a fresh nonce for every call, retries included: no call can be answered from another's cache
            String nonce = settings.promptCache() == dev.lmsbench.core.model.PromptCache.OFF ? nonces.next() : "";
            InferenceRequest req = new InferenceRequest(model.id(), settings.prompt(), settings.maxTokens(),
                    settings.sampling(), mode == RunMode.STREAM, settings.requestTimeout(), nonce,
                    settings.draftModel());
            Instant startedAt = clock.instant();
            long sent = System.nanoTime();
            try {
                InferenceResult r = backend.infer(req);
                answer = r;
                // counted only now that the response is complete: counting never moves a timestamp
                TokenUsage usage = recount.usage(model.id(), req.messageText(), r);
                result = new RequestResult(model.id(), settings.contextLength(), settings.parallel(), index, warmup,
                        mode, startedAt, r.timings(), usage, SafeText.oneLine(r.finishReason()), "",
                        r.serverStats(), ErrorType.NONE, -1, r.usageCheck(), attempt + 1);
            } catch (BackendException e) {
                if (e.kind() == BackendException.Kind.CANCELLED || cancelled) {
                    LOG.debug("request {} of {} cancelled", index, model.id());
                    return null;
                }
                Duration retryAfter = retryWait(e, settings.requestTimeout());
                Duration wait;
                if (!retries) {
                    wait = null; // a load stage: a retry would be a request its pattern did not plan
                } else if (backoff.isEmpty()) {
                    wait = attempt == 0 ? retryAfter : null; // a run: the server's Retry-After, once
                } else if (e.errorType() == ErrorType.MODEL_NOT_LOADED || e.errorType() == ErrorType.WRONG_MODEL) {
                    wait = null; // asking again gets the same answer: loading is the user's decision
                } else if (attempt < backoff.size()) {
                    wait = retryAfter != null && retryAfter.compareTo(backoff.get(attempt)) > 0 ? retryAfter
                            : backoff.get(attempt);
                } else {
                    wait = null;
                }
                if (wait != null) {
                    String why = SafeText.oneLine(e.getMessage());
                    if (retryAfter != null) {
                        LOG.info("{}: request {} got HTTP {} with Retry-After {} s; retrying in {} s", model.id(),
                                index, e.httpStatus(), seconds(e.retryAfter().orElseThrow()), seconds(wait));
                    } else {
                        LOG.info("{}: request {} failed ({}: {}); retry {} in {} s", model.id(), index,
                                e.errorType().label(), why, attempt + 1, seconds(wait));
                    }
                    LOG.debug("request {} of {} failed, retrying", index, model.id(), e);
                    emit(new BenchmarkEvent.RequestRetrying(new SweepPlan.Job(model, settings.contextLength(),
                            settings.parallel()), index, warmup, mode, attempt + 1, wait, e.errorType(),
                            why.isEmpty() ? "unknown error" : why));
                    if (!waitUnlessCancelled(wait)) {
                        LOG.debug("request {} of {} cancelled while waiting to retry", index, model.id());
                        return null;
                    }
                    continue;
                }
                LOG.debug("request {} of {} failed", index, model.id(), e);
                result = failed(model, settings, index, warmup, mode, startedAt, sent, e.getMessage(),
                        e.errorType(), e.httpStatus()).withAttempts(attempt + 1);
                if (attempt > 0 && !backoff.isEmpty()) {
                    LOG.warn("{}: request {} failed after {} calls (error_final): {}", model.id(), index,
                            attempt + 1, result.error());
                }
            } catch (RuntimeException e) {
                LOG.debug("request {} of {} failed unexpectedly", index, model.id(), e);
                result = failed(model, settings, index, warmup, mode, startedAt, sent, "client error: " + e,
                        ErrorType.CLIENT, -1).withAttempts(attempt + 1);
            }
        }
        requests.add(result);
        if (answered != null && answer != null) {
            answered.accept(answer);
        }
        Progress p = progress.requestCompleted(System.nanoTime());
        emit(answer == null ? new BenchmarkEvent.RequestCompleted(result, p)
                : new BenchmarkEvent.RequestCompleted(result, p, answer.content(), answer.reasoning()));
        return result;
    }
    /**
     * How long to wait before retrying a request the server refused with 429 or 503 and a Retry-After: the server's
     * wait, cut to the maximum and to the request timeout; null when it is not to be retried.
     */
    private Duration retryWait(BackendException e, Duration requestTimeout) {
        if (e.errorType() != ErrorType.HTTP_STATUS || (e.httpStatus() != 429 && e.httpStatus() != 503)
                || e.retryAfter().isEmpty()) {
            return null;
        }
        Duration wait = e.retryAfter().get();
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        wait = min(wait, maxRetryWait);
        return min(wait, requestTimeout);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toNanos() / 1e9);
    }

    /** Waits, returning early when the run is cancelled; true when the wait ran out without a cancel. */
    private boolean waitUnlessCancelled(Duration wait) {
        try {
            return !cancelSignal.await(wait.toNanos(), TimeUnit.NANOSECONDS) && !cancelled;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return false;
        }
    }

    private static RequestResult failed(ModelInfo model, BenchmarkSettings settings, int index, boolean warmup,
                                        RunMode mode, Instant startedAt, long sent, String message,
                                        ErrorType type, int httpStatus) {
        String oneLine = SafeText.oneLine(message);
        if (oneLine.isEmpty()) {
            oneLine = "unknown error";
        }
        return new RequestResult(model.id(), settings.contextLength(), settings.parallel(), index, warmup, mode,
                startedAt, RequestTimings.failed(sent, System.nanoTime() - sent),
                TokenUsage.reported(0, 0, 0), "", oneLine, ServerStats.NONE, type,
                type == ErrorType.HTTP_STATUS ? httpStatus : -1);
    }

    private void emit(BenchmarkEvent event) {
        synchronized (emitLock) {
            for (BenchmarkListener l : listeners) {
                try {
                    l.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("a progress listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
                    LOG.debug("listener failure", e);
                }
            }
        }
    }

    /** Hardware profiling and the thermal/power guard of one run, one model at a time. Engine thread only. */
    private final class Profiler implements AutoCloseable {
        private final HardwareSampler sampler;
        private volatile ModelInfo current;
        private HardwareSample beforeLoad;
        private HardwareSample afterLoad;
        private List<HardwareSample> samples = List.of();
        private long measuredNanos;
        private long measuringSince = -1;
        private double pausedSeconds;
        private boolean paused;
        private boolean sampling;

        Profiler() {
            this.sampler = new HardwareSampler(monitor, sampleInterval, s -> {
                ModelInfo model = current;
                if (model != null) {
                    emit(new BenchmarkEvent.HardwareSampled(model, s));
                }
            });
        }

        void beforeLoad(ModelInfo model) {
            current = model;
            afterLoad = null;
            samples = List.of();
            measuredNanos = 0;
            measuringSince = -1;
            pausedSeconds = 0;
            paused = false;
            beforeLoad = sampler.sampleNow();
        }

        void afterLoad() {
            afterLoad = sampler.sampleNow();
            sampler.start();
            sampling = true;
        }

        void stop() {
            measuring(false);
            if (sampling) {
                samples = sampler.stop();
                sampling = false;
            }
        }

        void measuring(boolean on) {
            long now = System.nanoTime();
            if (on && measuringSince < 0) {
                measuringSince = now;
            } else if (!on && measuringSince >= 0) {
                measuredNanos += now - measuringSince;
                measuringSince = -1;
            }
        }

        /** Waits while the latest sample is over a limit, up to the maximum wait; records the pause. */
        void guard() {
            if (Double.isNaN(maxTempC) && Double.isNaN(maxPowerW)) {
                return;
            }
            HardwareSample latest = sampler.sampleNow();
            String reason = overLimit(latest);
            if (reason == null) {
                return;
            }
            ModelInfo model = current;
            LOG.info("{}: pausing, {}", model.id(), reason);
            emit(new BenchmarkEvent.CoolingDown(model, reason));
            long start = System.nanoTime();
            long deadline = start + maxGuardWait.toNanos();
            boolean timedOut = false;
            while (reason != null && !cancelled) {
                if (System.nanoTime() - deadline >= 0) {
                    timedOut = true;
                    break;
                }
                LockSupport.parkNanos(sampleInterval.toNanos());
                if (Thread.currentThread().isInterrupted()) {
                    cancel();
                    break;
                }
                HardwareSample s = sampler.sampleNow();
                reason = s == null ? reason : overLimit(s);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pausedSeconds += seconds;
            paused = true;
            emit(new BenchmarkEvent.CooledDown(model, seconds, timedOut));
        }

        private String overLimit(HardwareSample s) {
            if (s == null) {
                return null;
            }
            double temp = HardwareAggregates.temperature(s);
            if (!Double.isNaN(maxTempC) && !Double.isNaN(temp) && temp > maxTempC) {
                return String.format(java.util.Locale.ROOT, "GPU temperature %.1f °C is above the limit %.1f °C",
                        temp, maxTempC);
            }
            double power = HardwareAggregates.power(s);
            if (!Double.isNaN(maxPowerW) && !Double.isNaN(power) && power > maxPowerW) {
                return String.format(java.util.Locale.ROOT, "GPU power %.1f W is above the limit %.1f W",
                        power, maxPowerW);
            }
            return null;
        }

        List<HardwareSample> samples() {
            return samples;
        }

        List<SideMetric> sideMetrics(ModelSummary summary) {
            List<SideMetric> out = new ArrayList<>(HardwareAggregates.of(beforeLoad, afterLoad, samples));
            double seconds = measuredNanos > 0 ? measuredNanos / 1e9 : Double.NaN;
            out.addAll(HardwareAggregates.efficiency(out, summary.decodeTokensPerSecond().p50(),
                    summary.tokens().completion(), seconds));
            if (paused) {
                out.add(new SideMetric(HardwareAggregates.GUARD_PAUSE, "s", SideMetric.Aggregation.SUM,
                        pausedSeconds));
            }
            current = null;
            return out;
        }

        @Override
        public void close() {
            sampler.close();
        }
    }

    /** Builds a {@link BenchmarkEngine}. */
    public static final class Builder {
        private InferenceBackend backend;
        private ResultStore store;
        private final List<BenchmarkListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private java.util.function.LongSupplier memoryBudget;
        private HardwareMonitor monitor;
        private Duration sampleInterval = HardwareSampler.DEFAULT_INTERVAL;
        private double maxTempC = Double.NaN;
        private double maxPowerW = Double.NaN;
        private Duration maxGuardWait = MAX_GUARD_WAIT;
        private Duration maxRetryWait = MAX_RETRY_AFTER_WAIT;
        private Long nonceSeed;
        private CalibrationCache calibrations;
        private final List<dev.lmsbench.core.spi.TokenCounter> tokenCounters = new ArrayList<>();

        private Builder() {
        }

        /** The seed of the prompt nonces instead of a random one (tests). @param value the seed @return this */
        Builder nonceSeed(long value) {
            this.nonceSeed = value;
            return this;
        }

        /**
         * Profiles the hardware while each model is loaded and measured (optional). The engine neither closes the
         * monitor nor lets its failures stop a run.
         *
         * @param value    the monitor, or null for none
         * @param interval time between samples, positive (e.g. {@link HardwareSampler#DEFAULT_INTERVAL})
         * @return this
         */
        public Builder monitor(HardwareMonitor value, Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("sampling interval must be positive: " + interval);
            }
            this.monitor = value;
            this.sampleInterval = interval;
            return this;
        }

        /**
         * Pauses before each measured run while the hottest GPU is above {@code maxTempC} or the GPUs together draw
         * more than {@code maxPowerW}. Needs {@link #monitor}; without it the limits have no effect.
         *
         * @param maxTempC  degrees Celsius, or NaN for no limit
         * @param maxPowerW watts, or NaN for no limit
         * @return this
         */
        public Builder thermalLimits(double maxTempC, double maxPowerW) {
            this.maxTempC = maxTempC;
            this.maxPowerW = maxPowerW;
            return this;
        }

        /** The longest a Retry-After is honoured (tests). @param value the wait @return this */
        Builder maxRetryWait(Duration value) {
            this.maxRetryWait = Objects.requireNonNull(value, "maxRetryWait");
            return this;
        }

        /** The longest the guard waits before one run (tests). @param value the wait @return this */
        Builder maxGuardWait(Duration value) {
            this.maxGuardWait = Objects.requireNonNull(value, "maxGuardWait");
            return this;
        }

        /**
         * Checks each model against memory before loading it: a model whose estimated need
         * ({@link MemoryFit#neededBytes}) exceeds the budget is skipped with the reason instead of being loaded.
         * Optional; without it only the server's own refusal skips a model.
         *
         * @param bytesAvailable returns the bytes available now, or a value {@code <= 0} when unknown
         * @return this
         */
        public Builder memoryBudget(java.util.function.LongSupplier bytesAvailable) {
            this.memoryBudget = bytesAvailable;
            return this;
        }

        /** The server to benchmark (required). @param value the backend @return this */
        public Builder backend(InferenceBackend value) {
            this.backend = value;
            return this;
        }

        /** Where each completed or failed model is saved (optional). @param value the store @return this */
        public Builder store(ResultStore value) {
            this.store = value;
            return this;
        }

        /** Adds a progress listener. @param value the listener @return this */
        public Builder listener(BenchmarkListener value) {
            this.listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /**
         * Adds a token counter to the chain for requests whose server sent no usage (optional; see
         * {@link dev.lmsbench.core.spi.TokenCounter}). Counters are tried in the order added, after the response is
         * complete; without any, such requests keep the client's estimate.
         *
         * @param value the counter
         * @return this
         */
        public Builder tokenCounter(dev.lmsbench.core.spi.TokenCounter value) {
            this.tokenCounters.add(Objects.requireNonNull(value, "tokenCounter"));
            return this;
        }

        /**
         * Where sweep jobs' prompt calibrations are kept between runs (optional; without it every job starts from
         * {@link SweepMath#DEFAULT_CHARS_PER_TOKEN}).
         *
         * @param value the cache, or null for none
         * @return this
         */
        public Builder calibrations(CalibrationCache value) {
            this.calibrations = value;
            return this;
        }

        /** The clock for wall-clock timestamps (tests). @param value the clock @return this */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Builds the engine. @return the engine */
        public BenchmarkEngine build() {
            return new BenchmarkEngine(this);
        }
    }
}
