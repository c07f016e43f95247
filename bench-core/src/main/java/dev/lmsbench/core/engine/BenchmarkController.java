package dev.lmsbench.core.engine;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.core.event.Progress;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs one benchmark at a time in the background and tells anyone who asks what it is doing: the control surface of
 * the web dashboard's API and the tray. A start hands over a {@link JobFactory} that builds the engine with the
 * controller's listener; the run goes on a thread of its own, and {@link #pause()}, {@link #resume()} and
 * {@link #stop()} act on it from any thread. {@link #status()} is a consistent snapshot; {@link #subscribe} delivers
 * the engine's events, in order, to live listeners (a server-sent-events stream) after the controller has updated
 * its status, so a listener that reads {@link #status()} on an event sees that event's state.
 *
 * <pre>{@code
 * BenchmarkController controller = new BenchmarkController();
 * controller.start(listener -> BenchmarkController.job(
 *         BenchmarkEngine.builder().backend(backend).store(store).listener(listener).build(), run, models,
 *         report -> writeReports(report)));
 * controller.pause(); controller.resume(); controller.stop();
 * }</pre>
 *
 * <p>States: {@link State#IDLE} until a start, {@link State#STARTING} while the factory builds the job,
 * {@link State#RUNNING}, {@link State#PAUSED} (the engine holds between requests), {@link State#STOPPING} after a
 * stop until the engine returns, then {@link State#IDLE} again, or {@link State#ERROR} when the run failed or could
 * not start (the next start clears it). Thread-safe.
 */
public final class BenchmarkController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkController.class);

    private static final int MAX_ERROR_CHARS = 500;

    /** What the controller is doing. */
    public enum State {
        /** No benchmark; a start is accepted. */
        IDLE("idle"),
        /** A start is building its job (discovering models, loading configuration). */
        STARTING("starting"),
        /** A benchmark runs. */
        RUNNING("running"),
        /** The benchmark holds between requests. */
        PAUSED("paused"),
        /** A stop was asked for; the engine is finishing. */
        STOPPING("stopping"),
        /** The last benchmark failed or could not start; a start is accepted. */
        ERROR("error");

        private final String label;

        State(String label) {
            this.label = label;
        }

        /** The lower-case name the API shows. @return e.g. {@code running} */
        public String label() {
            return label;
        }

        /** Whether a benchmark is under way (a start would be refused). @return true from starting to stopping */
        public boolean active() {
            return this == STARTING || this == RUNNING || this == PAUSED || this == STOPPING;
        }
    }

    /**
     * A snapshot of the controller.
     *
     * @param state         the state
     * @param runId         the current or last run's id; empty before the first run
     * @param model         the model being benchmarked; empty when none
     * @param modelPosition 1-based position of that model; 0 when none
     * @param modelCount    models in the run; 0 before the first run
     * @param progress      requests done, planned, elapsed and estimated time left; null before the first request
     * @param error         one line: why the last run failed or could not start; empty otherwise
     * @param startedAt     when the current or last run started; null before the first run
     * @param finishedAt    when the last run ended; null while one runs or before the first
     * @param lastStatus    how the last finished run ended; null before the first one ends
     */
    public record Status(State state, String runId, String model, int modelPosition, int modelCount,
                         Progress progress, String error, Instant startedAt, Instant finishedAt,
                         RunStatus lastStatus) {
        /** Requires a state; null strings become empty. */
        public Status {
            Objects.requireNonNull(state, "state");
            runId = Objects.requireNonNullElse(runId, "");
            model = Objects.requireNonNullElse(model, "");
            error = Objects.requireNonNullElse(error, "");
        }

        private static final Status IDLE = new Status(State.IDLE, "", "", 0, 0, null, "", null, null, null);

        private Status with(State s) {
            return new Status(s, runId, model, modelPosition, modelCount, progress, error, startedAt, finishedAt,
                    lastStatus);
        }
    }

    /** A benchmark ready to run: its engine (built with the controller's listener), run and models. */
    public interface Job extends AutoCloseable {

        /**
         * @return the engine, whose listeners include the one the factory was given; null for a job that builds its
         *         engine in {@link #execute}
         */
        BenchmarkEngine engine();

        /** @return the run; null for a job that only knows it in {@link #execute} */
        RunInfo run();

        /** @return the models, in order; empty for a job that discovers them in {@link #execute} */
        List<ModelInfo> models();

        /**
         * Runs the benchmark on the controller's thread: by default {@code engine().run(run(), models())}. A job that
         * builds its engine while it runs (discovering the server's models first, as {@code lmsbench run} does)
         * overrides this and hands the engine to {@code attach} the moment it exists, so that pause, resume and stop
         * reach it (a stop or pause asked for before is applied then).
         *
         * @param attach takes the engine
         * @return the report (complete, cancelled or failed)
         * @throws Exception when the run could not be made; its message becomes the status's error
         */
        default BenchmarkReport execute(java.util.function.Consumer<BenchmarkEngine> attach) throws Exception {
            attach.accept(engine());
            return engine().run(run(), models());
        }

        /**
         * Called on the run's thread with the report (complete, cancelled or failed) before the controller leaves
         * its active state: write the reports here. A failure is logged and makes the state {@link State#ERROR}.
         *
         * @param report the report
         * @throws Exception when finishing failed
         */
        default void finished(BenchmarkReport report) throws Exception {
        }

        /** Releases what the job holds (a backend's HTTP client, a store); called last, also when the run failed. */
        @Override
        default void close() {
        }
    }

    /** Builds a job; called on the caller's thread of {@link #start}. */
    @FunctionalInterface
    public interface JobFactory {
        /**
         * @param listener the controller's listener: the engine must be built with it
         * @return the job
         * @throws Exception when the job cannot be built; {@link IllegalArgumentException} for bad settings
         */
        Job create(BenchmarkListener listener) throws Exception;
    }

    /** What a report goes to when {@link Job#finished} is called. */
    @FunctionalInterface
    public interface ReportConsumer {
        /** @param report the report @throws Exception when it failed */
        void accept(BenchmarkReport report) throws Exception;
    }

    /**
     * A job of an engine, a run and models, handing the report to {@code finished}.
     *
     * @param engine   the engine, built with the factory's listener
     * @param run      the run
     * @param models   the models
     * @param finished gets the report; may be null
     * @return the job
     */
    public static Job job(BenchmarkEngine engine, RunInfo run, List<ModelInfo> models, ReportConsumer finished) {
        return job(engine, run, models, finished, null);
    }

    /**
     * A job of an engine, a run and models, handing the report to {@code finished} and closing {@code resources}
     * (the backend's HTTP client, a store) last.
     *
     * @param engine    the engine, built with the factory's listener
     * @param run       the run
     * @param models    the models
     * @param finished  gets the report; may be null
     * @param resources closed when the job ends, also after a failure; may be null
     * @return the job
     */
    public static Job job(BenchmarkEngine engine, RunInfo run, List<ModelInfo> models, ReportConsumer finished,
                          AutoCloseable resources) {
        Objects.requireNonNull(run, "run");
        return job(engine, run, new SweepPlan(models.stream().map(m -> new SweepPlan.Job(m,
                run.settings().contextLength(), run.settings().parallel())).toList()), finished, resources);
    }

    /**
     * A job that runs a plan (a sweep; {@link Job#models()} are the plan's models), handing the report to
     * {@code finished} and closing {@code resources} last.
     *
     * @param engine    the engine, built with the factory's listener
     * @param run       the run
     * @param plan      the jobs, retries and prompt sizing
     * @param finished  gets the report; may be null
     * @param resources closed when the job ends, also after a failure; may be null
     * @return the job
     */
    public static Job job(BenchmarkEngine engine, RunInfo run, SweepPlan plan, ReportConsumer finished,
                          AutoCloseable resources) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(plan, "plan");
        List<ModelInfo> copy = plan.models();
        return new Job() {
            @Override
            public BenchmarkReport execute(java.util.function.Consumer<BenchmarkEngine> attach) {
                attach.accept(engine);
                return engine.run(run, plan);
            }

            @Override
            public BenchmarkEngine engine() {
                return engine;
            }

            @Override
            public RunInfo run() {
                return run;
            }

            @Override
            public List<ModelInfo> models() {
                return copy;
            }

            @Override
            public void finished(BenchmarkReport report) throws Exception {
                if (finished != null) {
                    finished.accept(report);
                }
            }

            @Override
            public void close() {
                if (resources != null) {
                    try {
                        resources.close();
                    } catch (Exception e) {
                        LOG.debug("closing the job's resources failed", e);
                    }
                }
            }
        };
    }

    /** Thrown by {@link #start} while a benchmark is under way (the API's 409). */
    public static final class BusyException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        BusyException(State state) {
            super("a benchmark is already " + state.label());
        }
    }

    private final Clock clock;
    private final List<BenchmarkListener> subscribers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private Status status = Status.IDLE;
    private BenchmarkEngine engine;
    /** A stop or pause asked for before the job attached its engine. */
    private boolean pendingStop;
    private boolean pendingPause;
    private Thread thread;
    private BenchmarkReport lastReport;

    /** A controller on the system clock. */
    public BenchmarkController() {
        this(Clock.systemUTC());
    }

    /** @param clock the clock of the start and finish times */
    public BenchmarkController(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Starts a benchmark. The factory runs on this thread (its exceptions reach the caller, and the state becomes
     * {@link State#ERROR} unless it threw {@link IllegalArgumentException}, a request to fix, which leaves the state
     * as it was); the run then goes on a thread of its own.
     *
     * @param factory builds the job
     * @return the run's id
     * @throws BusyException            while a benchmark is under way
     * @throws IllegalArgumentException what the factory threw for bad settings
     * @throws Exception                anything else the factory threw
     */
    public String start(JobFactory factory) throws Exception {
        Objects.requireNonNull(factory, "factory");
        Status before;
        synchronized (lock) {
            if (status.state().active()) {
                throw new BusyException(status.state());
            }
            before = status;
            status = status.with(State.STARTING);
        }
        Job job;
        try {
            job = Objects.requireNonNull(factory.create(this::onEngineEvent), "the factory returned no job");
        } catch (IllegalArgumentException e) {
            synchronized (lock) {
                status = before;
            }
            throw e;
        } catch (Exception | Error e) {
            synchronized (lock) {
                status = new Status(State.ERROR, before.runId(), "", 0, 0, null,
                        "could not start: " + oneLine(e.getMessage() == null ? e.toString() : e.getMessage()),
                        before.startedAt(), before.finishedAt(), before.lastStatus());
            }
            throw e;
        }
        RunInfo run = job.run();
        String runId = run == null ? "" : run.runId();
        synchronized (lock) {
            engine = null;
            pendingStop = false;
            pendingPause = false;
            status = new Status(State.RUNNING, runId, "", 0, job.models().size(), null, "", clock.instant(),
                    null, null);
            thread = Thread.ofPlatform().name("lmsbench-run" + (runId.isEmpty() ? "" : "-" + runId))
                    .daemon(false).unstarted(() -> execute(job));
            thread.start();
        }
        LOG.info("benchmark {} started: {} model(s)", runId, job.models().size());
        return runId;
    }

    /** The job's engine exists: pause, resume and stop reach it from now on. */
    private void attach(BenchmarkEngine e) {
        boolean stop;
        boolean pause;
        synchronized (lock) {
            engine = Objects.requireNonNull(e, "engine");
            stop = pendingStop;
            pause = pendingPause;
        }
        if (stop) {
            e.cancel();
        } else if (pause) {
            e.pause();
        }
    }

    private void execute(Job job) {
        BenchmarkReport report = null;
        String error = "";
        try {
            report = job.execute(this::attach);
            try {
                job.finished(report);
            } catch (Exception e) {
                LOG.debug("finishing the run failed", e);
                error = "writing the results failed: " + oneLine(String.valueOf(e.getMessage()));
            }
        } catch (RuntimeException e) {
            LOG.debug("the run failed", e);
            error = "internal error: " + oneLine(e.toString());
        } catch (Exception e) {
            LOG.debug("the run could not be made", e);
            error = oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            try {
                job.close();
            } catch (Exception e) {
                LOG.debug("closing the job failed", e);
            }
            // no report: the job failed, or was stopped before it built its engine
            RunStatus outcome = report != null ? report.status()
                    : pendingStopped() ? RunStatus.CANCELLED : RunStatus.FAILED;
            if (error.isEmpty() && outcome == RunStatus.FAILED) {
                error = "the run failed: no model could be benchmarked";
            }
            String runId;
            synchronized (lock) {
                runId = status.runId(); // a job that builds its engine late has no run of its own to ask
                State next = error.isEmpty() ? State.IDLE : State.ERROR;
                status = new Status(next, status.runId(), "", 0, status.modelCount(), status.progress(), error,
                        status.startedAt(), clock.instant(), outcome);
                lastReport = report;
                engine = null;
                thread = null;
                lock.notifyAll();
            }
            LOG.info("benchmark {} ended: {}", runId, outcome.label());
        }
    }

    /** The engine's listener: updates the status, then tells the subscribers. */
    private void onEngineEvent(BenchmarkEvent event) {
        synchronized (lock) {
            Status s = status;
            status = switch (event) {
                case BenchmarkEvent.RunStarted e -> new Status(s.state(), e.run().runId(), s.model(),
                        s.modelPosition(), e.models().size(), s.progress(), s.error(), s.startedAt(), null, null);
                case BenchmarkEvent.ModelStarted e -> new Status(s.state(), s.runId(), e.model().id(),
                        e.position(), e.count(), s.progress(), s.error(), s.startedAt(), null, null);
                case BenchmarkEvent.RequestCompleted e -> new Status(s.state(), s.runId(), s.model(),
                        s.modelPosition(), s.modelCount(), e.progress(), s.error(), s.startedAt(), null, null);
                case BenchmarkEvent.RunPaused e -> s.state() == State.RUNNING ? s.with(State.PAUSED) : s;
                case BenchmarkEvent.RunResumed e -> s.state() == State.PAUSED ? s.with(State.RUNNING) : s;
                default -> s;
            };
        }
        for (BenchmarkListener l : subscribers) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("a subscriber failed on {}: {}", event.getClass().getSimpleName(), e.toString());
                LOG.debug("subscriber failure", e);
            }
        }
    }

    /** Holds the benchmark between requests; no effect when none runs or it is paused already. */
    public void pause() {
        BenchmarkEngine e;
        synchronized (lock) {
            e = status.state() == State.STOPPING ? null : engine;
            if (e == null && status.state() == State.RUNNING) {
                pendingPause = true; // the job has not built its engine yet
            }
        }
        if (e != null) {
            e.pause();
        }
    }

    /** Lets a paused benchmark go on; no effect otherwise. */
    public void resume() {
        BenchmarkEngine e;
        synchronized (lock) {
            pendingPause = false;
            e = status.state() == State.STOPPING ? null : engine;
        }
        if (e != null) {
            e.resume();
        }
    }

    /**
     * Stops the benchmark: in-flight requests are aborted, the model unloaded, finished results kept (the engine's
     * store has them). Returns at once; {@link #awaitIdle} waits for the end.
     *
     * @return true when a benchmark was running
     */
    public boolean stop() {
        BenchmarkEngine e;
        synchronized (lock) {
            if (status.state() != State.RUNNING && status.state() != State.PAUSED
                    && status.state() != State.STOPPING) {
                return false;
            }
            e = engine;
            status = status.with(State.STOPPING);
            if (e == null) {
                pendingStop = true; // the job has not built its engine yet: cancelled when it does
                return true;
            }
        }
        e.cancel();
        return true;
    }

    private boolean pendingStopped() {
        synchronized (lock) {
            return pendingStop;
        }
    }

    /** @return a consistent snapshot of the state */
    public Status status() {
        synchronized (lock) {
            return status;
        }
    }

    /** @return the last finished run's report (complete, cancelled or failed), if any */
    public Optional<BenchmarkReport> lastReport() {
        synchronized (lock) {
            return Optional.ofNullable(lastReport);
        }
    }

    /**
     * Waits until no benchmark is under way.
     *
     * @param timeout the longest wait
     * @return true when idle (or in error) within the timeout
     * @throws InterruptedException when interrupted
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (status.state().active()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /**
     * Delivers the engine's events to a listener, after the status reflects each one, until the returned handle is
     * closed. Listeners must be fast (an SSE stream should queue, not write on this thread).
     *
     * @param listener the listener
     * @return closing it unsubscribes
     */
    public AutoCloseable subscribe(BenchmarkListener listener) {
        Objects.requireNonNull(listener, "listener");
        subscribers.add(listener);
        return () -> subscribers.remove(listener);
    }

    /** Stops a running benchmark and waits up to 30 s for it to end. */
    @Override
    public void close() throws InterruptedException {
        if (stop() && !awaitIdle(Duration.ofSeconds(30))) {
            LOG.warn("the benchmark did not stop within 30 s");
        }
    }

    private static String oneLine(String s) {
        return SafeText.oneLine(s, MAX_ERROR_CHARS);
    }
}
