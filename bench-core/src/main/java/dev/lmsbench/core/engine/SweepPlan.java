package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.ModelInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The jobs of a context and parallelism sweep (seed 004): every (model, context size, parallelism), run one after
 * the other so that they do not disturb each other, in the order that needs the fewest model loads: by model (in
 * the order given), then context size ascending, then parallelism ascending. A {@code run} is the plan of one
 * context and one parallelism per model.
 *
 * <p>Context sizes are a list given by the user, or per model a sweep from 1/8 of the model's maximum context to the
 * full size in {@code sweepCount} steps (the seed's default), each step the same factor apart and rounded down to a
 * multiple of {@value #CONTEXT_GRANULE} tokens.
 *
 * <p>Besides the jobs, a plan says how failed calls are retried ({@code retryBackoff}: the waits before each retry;
 * empty for none, as a {@code run} has it, where only a server's Retry-After is honoured once) and whether prompts
 * are sized to a token count ({@code targetPromptTokens}, or {@code promptFill} of each job's context size; both 0:
 * the settings' prompt is sent as it is).
 *
 * @param jobs               the jobs, in running order
 * @param retryBackoff       the waits before the retries of a failed call ({@link SweepMath#RETRY_BACKOFF} for a
 *                           sweep); empty for no retries
 * @param targetPromptTokens the prompt size every job aims at, in tokens, or 0
 * @param promptFill         the fraction of each job's context size its prompt aims at (used when
 *                           {@code targetPromptTokens} is 0), 0 to 1, 0 for none
 */
public record SweepPlan(List<Job> jobs, List<java.time.Duration> retryBackoff, int targetPromptTokens,
                        double promptFill) {

    /** Context sizes of a sweep are multiples of this many tokens. */
    public static final int CONTEXT_GRANULE = 256;

    /** The seed's default number of context sizes per model. */
    public static final int DEFAULT_SWEEP_COUNT = 4;

    /**
     * One job.
     *
     * @param model         the model
     * @param contextLength the context size to load the model with (0: the server's default)
     * @param parallel      logical requests in flight at once, at least 1 (a load stage: the parallel slots the
     *                      model is loaded with, where the server takes them; its pattern says what is in flight)
     * @param load          the load stage this job runs instead of warmups and measured runs ({@code lmsbench
     *                      load}), or null
     */
    public record Job(ModelInfo model, int contextLength, int parallel, dev.lmsbench.core.load.LoadSpec load) {

        /** A job of warmups and measured runs (see the canonical constructor for the parameters). */
        public Job(ModelInfo model, int contextLength, int parallel) {
            this(model, contextLength, parallel, null);
        }

        /** Checks the values. */
        public Job {
            Objects.requireNonNull(model, "model");
            if (contextLength < 0) {
                throw new IllegalArgumentException("context length must be 0 or more: " + contextLength);
            }
            if (parallel < 1) {
                throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
            }
        }
    }

    /** Copies the lists and checks the values. */
    public SweepPlan {
        jobs = List.copyOf(jobs);
        retryBackoff = List.copyOf(retryBackoff);
        for (java.time.Duration d : retryBackoff) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("a retry wait must not be negative: " + d);
            }
        }
        if (targetPromptTokens < 0) {
            throw new IllegalArgumentException("the target prompt tokens must be 0 or more: " + targetPromptTokens);
        }
        if (!(promptFill >= 0 && promptFill <= 1)) {
            throw new IllegalArgumentException("the prompt fill must be from 0 to 1: " + promptFill);
        }
    }

    /** A plan of these jobs without retries or prompt sizing. @param jobs the jobs, in running order */
    public SweepPlan(List<Job> jobs) {
        this(jobs, List.of(), 0, 0);
    }

    /** This plan with other retry waits. @param waits the waits before each retry @return the copy */
    public SweepPlan withRetryBackoff(List<java.time.Duration> waits) {
        return new SweepPlan(jobs, waits, targetPromptTokens, promptFill);
    }

    /**
     * This plan with prompts sized to a token count.
     *
     * @param tokens the target, or 0 to use {@code fill}
     * @param fill   the fraction of each job's context size, 0 to 1 (0: none)
     * @return the copy
     */
    public SweepPlan withPromptTarget(int tokens, double fill) {
        return new SweepPlan(jobs, retryBackoff, tokens, fill);
    }

    /** This plan without the jobs that {@code done} accepts (finished jobs of a resumed sweep). */
    public SweepPlan without(java.util.function.Predicate<Job> done) {
        return new SweepPlan(jobs.stream().filter(done.negate()).toList(), retryBackoff, targetPromptTokens,
                promptFill);
    }

    /**
     * The prompt tokens a job aims at.
     *
     * @param job the job
     * @return the target, or 0 when its prompt is not sized (no target, or a fill without a known context size)
     */
    public int promptTokensFor(Job job) {
        if (targetPromptTokens > 0) {
            return targetPromptTokens;
        }
        if (promptFill > 0 && job.contextLength() > 0) {
            return SweepMath.targetPromptTokens(0, job.contextLength(), promptFill);
        }
        return 0;
    }

    /** The models of the jobs, each once, in running order. @return the models */
    public List<ModelInfo> models() {
        java.util.LinkedHashMap<String, ModelInfo> out = new java.util.LinkedHashMap<>();
        for (Job j : jobs) {
            out.putIfAbsent(j.model().id(), j.model());
        }
        return List.copyOf(out.values());
    }

    /**
     * The plan of explicit context sizes.
     *
     * @param models   the models, in running order
     * @param contexts the context sizes (0: the server's default); duplicates run once
     * @param parallel the parallelism levels; duplicates run once
     * @return the plan
     * @throws IllegalArgumentException when a list is empty or holds a bad value
     */
    public static SweepPlan of(List<ModelInfo> models, List<Integer> contexts, List<Integer> parallel) {
        TreeSet<Integer> ctx = sorted("context size", contexts, 0);
        TreeSet<Integer> par = sorted("parallelism", parallel, 1);
        List<Job> jobs = new ArrayList<>();
        for (ModelInfo m : models) {
            for (int c : ctx) {
                for (int p : par) {
                    jobs.add(new Job(m, c, p));
                }
            }
        }
        return new SweepPlan(jobs);
    }

    /**
     * The plan of a context sweep per model: {@link #contextSweep} of each model's maximum context.
     *
     * @param models     the models, in running order; each must know its maximum context
     * @param sweepCount context sizes per model, 1 to 64
     * @param parallel   the parallelism levels
     * @return the plan
     * @throws IllegalArgumentException when a model does not know its maximum context, or a value is bad
     */
    public static SweepPlan sweep(List<ModelInfo> models, int sweepCount, List<Integer> parallel) {
        TreeSet<Integer> par = sorted("parallelism", parallel, 1);
        List<Job> jobs = new ArrayList<>();
        for (ModelInfo m : models) {
            if (m.maxContextLength() <= 0) {
                throw new IllegalArgumentException("the server does not say the maximum context of " + m.id()
                        + ": give the context sizes (--ctx)");
            }
            for (int c : contextSweep(m.maxContextLength(), sweepCount)) {
                for (int p : par) {
                    jobs.add(new Job(m, c, p));
                }
            }
        }
        return new SweepPlan(jobs);
    }

    /**
     * Context sizes from 1/8 of {@code maxContext} to {@code maxContext} in {@code count} steps, each the same factor
     * apart (8^(1/(count-1))), rounded down to a multiple of {@value #CONTEXT_GRANULE} (at least one granule), the
     * last exactly {@code maxContext}; sizes that round to the same value appear once.
     *
     * @param maxContext the model's maximum context, at least 1
     * @param count      how many sizes, 1 to 64 (1: the maximum only)
     * @return the sizes, ascending
     */
    public static List<Integer> contextSweep(int maxContext, int count) {
        if (maxContext < 1) {
            throw new IllegalArgumentException("the maximum context must be at least 1: " + maxContext);
        }
        if (count < 1 || count > 64) {
            throw new IllegalArgumentException("the sweep count must be from 1 to 64: " + count);
        }
        TreeSet<Integer> out = new TreeSet<>();
        for (int i = 0; i < count - 1; i++) {
            double size = maxContext / Math.pow(8, (double) (count - 1 - i) / (count - 1));
            int rounded = (int) (Math.floor(size / CONTEXT_GRANULE) * CONTEXT_GRANULE);
            out.add(Math.min(maxContext, Math.max(CONTEXT_GRANULE, rounded)));
        }
        out.add(maxContext);
        return List.copyOf(out);
    }

    /**
     * How many times the models must be loaded to run the jobs in order.
     *
     * @param parallelIsLoadSetting true where the number of parallel slots is fixed when a model is loaded (LM Studio,
     *                              llama.cpp), so that each parallelism needs its own load
     * @return the loads
     */
    public int loads(boolean parallelIsLoadSetting) {
        int loads = 0;
        Job previous = null;
        for (Job j : jobs) {
            if (previous == null || !previous.model().id().equals(j.model().id())
                    || previous.contextLength() != j.contextLength()
                    || parallelIsLoadSetting && previous.parallel() != j.parallel()) {
                loads++;
            }
            previous = j;
        }
        return loads;
    }

    private static TreeSet<Integer> sorted(String what, List<Integer> values, int min) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("give at least one " + what);
        }
        TreeSet<Integer> out = new TreeSet<>();
        for (Integer v : values) {
            if (v == null || v < min) {
                throw new IllegalArgumentException(what + " must be " + min + " or more: " + v);
            }
            out.add(v);
        }
        return out;
    }
}
