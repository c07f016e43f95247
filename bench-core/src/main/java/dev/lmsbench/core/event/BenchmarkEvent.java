package dev.lmsbench.core.event;

import dev.lmsbench.core.engine.SweepPlan;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;

import java.util.List;

/**
 * Live progress of a run, delivered to {@link BenchmarkListener}s in order from the engine thread.
 *
 * <p>Pairing contract: every {@link RunStarted} is followed by exactly one {@link RunCompleted} or {@link RunFailed};
 * every {@link ModelStarted} by exactly one {@link ModelCompleted} or {@link ModelFailed}; every {@link ModelLoading}
 * by exactly one {@link ModelLoaded} or {@link ModelLoadFailed}; each {@link ModelStarted} is followed by one
 * {@link JobStarted}; a model whose loading was attempted gets one {@link ModelUnloaded} before the
 * {@code ModelCompleted}/{@code ModelFailed} of the last job that ran on that load (in a {@code run}, its only job;
 * in a sweep, jobs with the same load configuration share one load); every {@link CoolingDown} by exactly
 * one {@link CooledDown}; every {@link RunPaused} by one {@link RunResumed}, unless the run is cancelled while
 * paused.
 *
 * <p>With hardware profiling, {@link HardwareSampled} comes from the sampler thread, between the model's
 * {@link ModelLoaded} and {@link ModelUnloaded}; events are still delivered one at a time.
 */
public sealed interface BenchmarkEvent {

    /**
     * The run begins.
     *
     * @param run           the run
     * @param models        the models that will be benchmarked, in order
     * @param totalRequests requests planned in all
     * @param jobs          the jobs, in running order: one per model for a {@code run}, every (model, context size,
     *                      parallelism) of a sweep
     */
    record RunStarted(RunInfo run, List<ModelInfo> models, int totalRequests, List<SweepPlan.Job> jobs)
            implements BenchmarkEvent {
        /** Copies the lists. */
        public RunStarted {
            models = List.copyOf(models);
            jobs = List.copyOf(jobs);
        }

        /**
         * A run of one job per model, at the run's context length and parallelism.
         *
         * @param run           the run
         * @param models        the models
         * @param totalRequests requests planned in all
         */
        public RunStarted(RunInfo run, List<ModelInfo> models, int totalRequests) {
            this(run, models, totalRequests, models.stream().map(m -> new SweepPlan.Job(m,
                    run.settings().contextLength(), run.settings().parallel())).toList());
        }
    }

    /**
     * A job begins: one (model, context size, parallelism) of the plan. Comes right after the model's
     * {@link ModelStarted}, whose position and count are those of the job in the plan.
     *
     * @param job      the job
     * @param position 1-based position in the plan
     * @param count    jobs in the plan
     * @param reload   whether the model is (re)loaded for this job; false when the previous job's load serves it
     */
    record JobStarted(SweepPlan.Job job, int position, int count, boolean reload) implements BenchmarkEvent {
    }

    /**
     * A call failed and will be made again after a wait (the sweep's backoff, or a server's Retry-After).
     *
     * @param job     the job
     * @param index   the logical request's index in the job
     * @param warmup  whether it is a warmup request
     * @param mode    streaming or not
     * @param attempt the call that failed, 1-based
     * @param delay   the wait before the next call
     * @param type    the failure's type
     * @param error   one-line reason
     */
    record RequestRetrying(SweepPlan.Job job, int index, boolean warmup, RunMode mode, int attempt,
                           java.time.Duration delay, ErrorType type, String error) implements BenchmarkEvent {
    }

    /**
     * A model's benchmark begins.
     *
     * @param model    the model
     * @param position 1-based position in the run
     * @param count    models in the run
     */
    record ModelStarted(ModelInfo model, int position, int count) implements BenchmarkEvent {
    }

    /** Loading begins. @param model the model */
    record ModelLoading(ModelInfo model) implements BenchmarkEvent {
    }

    /**
     * Loading succeeded.
     *
     * @param model   the model
     * @param outcome what loading did (time, or not managed)
     */
    record ModelLoaded(ModelInfo model, LoadOutcome outcome) implements BenchmarkEvent {
    }

    /**
     * Loading failed.
     *
     * @param model the model
     * @param error one-line reason
     */
    record ModelLoadFailed(ModelInfo model, String error) implements BenchmarkEvent {
    }

    /**
     * One request finished (warmup or measured, successful or not).
     *
     * <p>The answer text travels with the event only (for {@code --save-responses}); no result record keeps it.
     *
     * @param result    the request
     * @param progress  progress of the whole run
     * @param content   the answer's visible text as the server sent it, {@code ""} for a failed request
     * @param reasoning the answer's reasoning text, {@code ""} when there was none or the request failed
     */
    record RequestCompleted(RequestResult result, Progress progress, String content, String reasoning)
            implements BenchmarkEvent {

        /** Normalizes absent texts to {@code ""}. */
        public RequestCompleted {
            content = java.util.Objects.requireNonNullElse(content, "");
            reasoning = java.util.Objects.requireNonNullElse(reasoning, "");
        }

        /**
         * A request without answer text (a failed one, or where the text is not known).
         *
         * @param result   the request
         * @param progress progress of the whole run
         */
        public RequestCompleted(RequestResult result, Progress progress) {
            this(result, progress, "", "");
        }
    }

    /**
     * The model was unloaded (or unloading was attempted).
     *
     * @param model the model
     * @param error one-line reason when unloading failed, else {@code ""}
     */
    record ModelUnloaded(ModelInfo model, String error) implements BenchmarkEvent {
    }

    /**
     * A model's benchmark completed; its result is already in the store.
     *
     * @param summary the model's summary
     */
    record ModelCompleted(ModelSummary summary) implements BenchmarkEvent {
    }

    /**
     * A model's benchmark failed, was skipped or was cancelled. A {@link dev.lmsbench.core.model.RunStatus#FAILED}
     * result is already in the store (with its typed errors); skipped and cancelled ones are not stored.
     *
     * @param summary what was measured before, with status, error and error type set
     */
    record ModelFailed(ModelSummary summary) implements BenchmarkEvent {
    }

    /**
     * The run ended after every model, and at least one model completed.
     *
     * @param report the results
     */
    record RunCompleted(BenchmarkReport report) implements BenchmarkEvent {
    }

    /**
     * The run did not complete: cancelled by the user ({@code partial.status()} is
     * {@link dev.lmsbench.core.model.RunStatus#CANCELLED}), or failed ({@code FAILED}): every model failed or was
     * skipped, or an internal error stopped it.
     *
     * @param error   one-line reason
     * @param partial the results measured before it ended (every model's, when every model failed)
     */
    record RunFailed(String error, BenchmarkReport partial) implements BenchmarkEvent {
    }

    /**
     * A periodic hardware sample was taken while the model was loaded (only with profiling).
     *
     * @param model  the model being benchmarked
     * @param sample the sample
     */
    record HardwareSampled(ModelInfo model, HardwareSample sample) implements BenchmarkEvent {
    }

    /**
     * The thermal/power guard pauses before the next run because the GPU is over a limit.
     *
     * @param model  the model being benchmarked
     * @param reason one line, e.g. {@code temperature 91.0 °C > limit 85.0 °C}
     */
    record CoolingDown(ModelInfo model, String reason) implements BenchmarkEvent {
    }

    /**
     * The guard's pause ended.
     *
     * @param model    the model being benchmarked
     * @param seconds  how long it paused
     * @param timedOut true when it gave up waiting (the run goes on anyway)
     */
    record CooledDown(ModelInfo model, double seconds, boolean timedOut) implements BenchmarkEvent {
    }

    /**
     * {@code BenchmarkEngine.pause()} was called: no new request starts until {@link RunResumed}; requests in
     * flight finish and are reported.
     */
    record RunPaused() implements BenchmarkEvent {
    }

    /**
     * The paused run goes on.
     *
     * @param pausedSeconds how long it was paused
     */
    record RunResumed(double pausedSeconds) implements BenchmarkEvent {
    }
}
