package dev.lmsbench.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which models are loaded on the simulated machine, and the injected faults. A load is a point in time: an instance
 * exists (and holds its memory) from the moment its load starts and is ready {@code loadMs} later; nothing waits for
 * it, requests just schedule their tokens after that moment. One monitor guards everything, since every operation is
 * a few map updates.
 */
final class ModelStates {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStates.class);

    private final SimConfig config;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final Map<String, Integer> faultsLeft = new HashMap<>();
    private final Map<String, Integer> faultsInjected = new HashMap<>();
    /**
     * Per global slot ({@link SimConfig#maxConcurrentRequests()}), when the last request planned on it ends; null
     * without a cap.
     */
    private final long[] globalSlotFreeAt;
    private final Faults faults;

    ModelStates(SimConfig config) {
        this.config = config;
        this.faults = new Faults(config.faults());
        if (config.maxConcurrentRequests() > 0) {
            globalSlotFreeAt = new long[config.maxConcurrentRequests()];
            java.util.Arrays.fill(globalSlotFreeAt, System.nanoTime());
        } else {
            globalSlotFreeAt = null;
        }
        for (SimModel model : config.models()) {
            faultsLeft.put(model.id(), model.failFirstRequestsWithModelUnloaded());
        }
    }

    /** Idle TTL of a model loaded just in time by a request that names none (LM Studio docs, ttl-and-auto-evict). */
    static final long JIT_DEFAULT_TTL_SECONDS = 60 * 60;

    /**
     * A loaded or loading instance. Its identity and configuration are fixed; the planned end times of the requests
     * on its parallel slots change, guarded by the {@link ModelStates} monitor.
     */
    static final class Instance {
        private final String id;
        private final SimModel model;
        private final LoadConfig config;
        private final long memoryBytes;
        private final boolean jit;
        private final long loadNanos;
        private final long readyAtNanos;
        private final int parallel;
        private final double gpuOffload;
        private final long ttlSeconds;
        /** Per slot, when the last request planned on it ends; {@code readyAtNanos} while it had none. */
        private final long[] slotFreeAt;
        /** Whether a chat request has been admitted since the load (the first pays the first-request delay). */
        private boolean initialised;
        /** When the first request's lazy initialisation ends; requests on other slots cannot start earlier. */
        private long initialisedAtNanos;

        Instance(String id, SimModel model, LoadConfig config, long memoryBytes, boolean jit, long loadNanos,
                long readyAtNanos, int parallel, double gpuOffload, long ttlSeconds) {
            if (parallel < 1) {
                throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
            }
            this.id = id;
            this.model = model;
            this.config = config;
            this.memoryBytes = memoryBytes;
            this.jit = jit;
            this.loadNanos = loadNanos;
            this.readyAtNanos = readyAtNanos;
            this.parallel = parallel;
            this.gpuOffload = gpuOffload;
            this.ttlSeconds = ttlSeconds;
            this.slotFreeAt = new long[parallel];
            java.util.Arrays.fill(slotFreeAt, readyAtNanos);
        }

        String id() {
            return id;
        }

        SimModel model() {
            return model;
        }

        LoadConfig config() {
            return config;
        }

        long memoryBytes() {
            return memoryBytes;
        }

        boolean jit() {
            return jit;
        }

        long loadNanos() {
            return loadNanos;
        }

        long readyAtNanos() {
            return readyAtNanos;
        }

        int parallel() {
            return parallel;
        }

        double gpuOffload() {
            return gpuOffload;
        }

        /** Idle TTL in seconds, or {@code -1} for none. */
        long ttlSeconds() {
            return ttlSeconds;
        }

        /** The decode rate of this instance: the model's, slowed by the part left on the CPU. */
        double decodeRate() {
            return model.decodeRate(gpuOffload);
        }

        boolean loading(long nowNanos) {
            return readyAtNanos - nowNanos > 0;
        }

        LoadedModel view(long nowNanos) {
            return new LoadedModel(id, model.id(), config, memoryBytes, jit, loadNanos / 1_000_000, loading(nowNanos),
                    parallel, gpuOffload, ttlSeconds);
        }

        /** The earliest time a new request could start on a slot (caller holds the monitor). */
        private long earliestSlot() {
            long best = slotFreeAt[0];
            for (long free : slotFreeAt) {
                if (free - best < 0) {
                    best = free;
                }
            }
            return best;
        }

        /** When its last request ends, or its load finished (caller holds the monitor). */
        private long idleSince() {
            long since = readyAtNanos;
            for (long free : slotFreeAt) {
                if (free - since > 0) {
                    since = free;
                }
            }
            return since;
        }
    }

    /**
     * How a new instance is placed besides its {@link LoadConfig}.
     *
     * @param parallel   parallel prediction slots, {@code >= 1}
     * @param gpuOffload share of the model on the GPU, in [0, 1]
     * @param ttlSeconds idle TTL, or {@code -1} for none
     * @param identifier the instance id wanted ({@code lms load --identifier}), or null for LM Studio's naming
     */
    record Placement(int parallel, double gpuOffload, long ttlSeconds, String identifier) {
        Placement {
            if (parallel < 1) {
                throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
            }
            if (!(gpuOffload >= 0 && gpuOffload <= 1)) {
                throw new IllegalArgumentException("gpu offload must be in [0, 1], got " + gpuOffload);
            }
        }
    }

    /**
     * What a chat request brings to a just-in-time load.
     *
     * @param contextLength context length, or {@code -1} for the model's default
     * @param ttlSeconds    idle TTL of the loaded instance, or {@code -1} for none
     * @param lmStudio      whether the request came through one of LM Studio's endpoints (the quirks apply)
     */
    record JitLoad(int contextLength, long ttlSeconds, boolean lmStudio) {
    }

    /**
     * The instance a chat request runs on.
     *
     * @param instance   the instance
     * @param waitNanos  how long after the request the instance is ready (its remaining load time), {@code >= 0}
     * @param loadedNow  whether this request started the load (JIT)
     * @param queueNanos how long the request then waits for a free parallel slot, {@code >= 0}
     * @param redirected whether the instance is another model's than the request named (the
     *                   {@code jit_serves_loaded_model} quirk)
     * @param initNanos  how long it then waits for the instance's lazy initialisation: the model's
     *                   {@link SimModel#firstRequestDelayMs()} for the first request after a load (and for requests
     *                   starting on other slots before that has ended), else 0
     */
    record Ready(Instance instance, long waitNanos, boolean loadedNow, long queueNanos, boolean redirected,
            long initNanos) {

        Ready(Instance instance, long waitNanos, boolean loadedNow) {
            this(instance, waitNanos, loadedNow, 0, false, 0);
        }

        Ready(Instance instance, long waitNanos, boolean loadedNow, long queueNanos, boolean redirected) {
            this(instance, waitNanos, loadedNow, queueNanos, redirected, 0);
        }

        /** The delay before the request's prompt processing starts: load wait, queue wait and initialisation. */
        long delayNanos() {
            return waitNanos + queueNanos + initNanos;
        }

        /** The load cost this request paid: the remaining load time plus the lazy initialisation. */
        long loadCostNanos() {
            return waitNanos + initNanos;
        }

        Ready admitted(long queue, long init) {
            return new Ready(instance, waitNanos, loadedNow, queue, redirected, init);
        }
    }

    /** What a request's {@code model} names: a served model, optionally one instance of it. */
    record Target(SimModel model, String instanceId) {
    }

    /** Resolves a model id, or an instance id such as {@code model:2}, to what it names. */
    synchronized Optional<Target> resolve(String name) {
        expire(System.nanoTime());
        Optional<SimModel> model = config.model(name);
        if (model.isPresent()) {
            return Optional.of(new Target(model.get(), null));
        }
        Instance instance = instances.get(name);
        return instance == null ? Optional.empty() : Optional.of(new Target(instance.model(), instance.id()));
    }

    /**
     * The instance a chat request for {@code target} runs on, loading the model just in time when allowed. The
     * request still has to take a slot on it: {@link #admit}.
     *
     * @throws LoadRefused when the model is not loaded and cannot be (JIT off, memory)
     */
    synchronized Ready forChat(Target target, JitLoad jitLoad, long nowNanos) throws LoadRefused {
        expire(nowNanos);
        LmStudioQuirks quirks = config.quirks();
        Instance chosen = target.instanceId() == null ? null : instances.get(target.instanceId());
        if (chosen == null && jitLoad.lmStudio() && quirks.jitServesLoadedModel() && instances.size() == 1) {
            // lmstudio-bug-tracker #619, #1217: with one model loaded (not just in time), LM Studio answers a
            // request naming another model with the loaded one instead of loading the requested model
            Instance only = instances.values().iterator().next();
            if (!only.jit() && !only.loading(System.nanoTime()) && !only.model().id().equals(target.model().id())) {
                LOG.debug("{} answers a request for {} (jit_serves_loaded_model)", only.id(), target.model().id());
                return new Ready(only, 0, false, 0, true);
            }
        }
        if (chosen == null) {
            List<Instance> own = new ArrayList<>();
            for (Instance instance : instances.values()) {
                if (instance.model().id().equals(target.model().id())) {
                    own.add(instance);
                }
            }
            // judged by the clock now, not by the request's arrival: a request read just before a load started
            // (on another handler thread) must not take that load for one in progress
            long stateNanos = System.nanoTime();
            boolean duplicate = jitLoad.lmStudio() && quirks.duplicateJitInstances() && !own.isEmpty()
                    && own.stream().allMatch(i -> i.jit() && i.loading(stateNanos));
            if (duplicate) {
                // lmstudio-bug-tracker #1751: a request arriving while its model is still loading just in time
                // starts another instance instead of waiting for the running load
                LOG.debug("{} is still loading: starting another instance (duplicate_jit_instances)",
                        target.model().id());
                return jitLoad(target.model(), jitLoad, nowNanos);
            }
            for (Instance instance : own) {
                // the instance this request can start on first, so it never waits longer than it must
                if (chosen == null || startNanos(instance, nowNanos) - startNanos(chosen, nowNanos) < 0) {
                    chosen = instance;
                }
            }
        }
        if (chosen != null) {
            return new Ready(chosen, Math.max(0, chosen.readyAtNanos() - nowNanos), false);
        }
        if (!config.jitLoading()) {
            if (instances.isEmpty()) {
                throw new LoadRefused(LoadRefused.Reason.NOTHING_LOADED,
                        "No models loaded. Please load a model in the developer page or use the 'lms load' command.");
            }
            throw new LoadRefused(LoadRefused.Reason.NOT_LOADED,
                    "Model '" + target.model().id() + "' is not loaded and JIT loading is off. Load it first.");
        }
        return jitLoad(target.model(), jitLoad, nowNanos);
    }

    private Ready jitLoad(SimModel model, JitLoad jitLoad, long nowNanos) throws LoadRefused {
        if (config.jitAutoEvict()) {
            // LM Studio's Auto-Evict: at most one JIT-loaded model at a time; explicitly loaded ones stay (and so do
            // the loading instances of this model when a duplicate starts)
            instances.values().removeIf(i -> {
                boolean evict = i.jit() && !i.model().id().equals(model.id());
                if (evict) {
                    LOG.debug("auto-evicting JIT-loaded {} before loading {}", i.id(), model.id());
                }
                return evict;
            });
        }
        LoadConfig load = LoadConfig.defaultsFor(model);
        if (jitLoad.contextLength() > 0) {
            load = load.withContextLength(jitLoad.contextLength());
        }
        Instance loaded = load(model, load, true,
                new Placement(config.defaultParallel(), 1.0, jitLoad.ttlSeconds(), null), nowNanos);
        return new Ready(loaded, loaded.loadNanos(), true);
    }

    /** When a request arriving now could start on the instance: once it is loaded and a slot is free. */
    private static long startNanos(Instance instance, long nowNanos) {
        long start = instance.earliestSlot();
        return start - nowNanos > 0 ? start : nowNanos;
    }

    /**
     * Takes the parallel slot of the request's instance that frees first, and the global slot that frees first when
     * {@link SimConfig#maxConcurrentRequests()} caps the server, for a request that arrived at {@code receivedNanos},
     * could start {@code ready.waitNanos()} later (when the instance is loaded) and then runs for
     * {@code durationNanos} (prompt processing and decoding, as planned). Requests take slots in arrival order, so a
     * request beyond the slots waits for the earliest planned end (FIFO). The first request admitted after the load
     * also waits the model's {@link SimModel#firstRequestDelayMs()} on its slot (lazy initialisation), and requests
     * starting on other slots before that ends wait for its end.
     *
     * @return {@code ready} with how long the request waits for its slots and for the initialisation
     */
    synchronized Ready admit(Ready ready, long receivedNanos, long durationNanos) {
        Instance instance = ready.instance();
        long readyAt = receivedNanos + ready.waitNanos();
        int slot = earliest(instance.slotFreeAt);
        long start = later(readyAt, instance.slotFreeAt[slot]);
        int global = -1;
        if (globalSlotFreeAt != null) {
            global = earliest(globalSlotFreeAt);
            start = later(start, globalSlotFreeAt[global]);
        }
        long init = 0;
        if (!instance.initialised) {
            instance.initialised = true;
            init = Math.round(instance.model().firstRequestDelayMs() * 1e6);
            instance.initialisedAtNanos = start + init;
        } else if (instance.initialisedAtNanos - start > 0) {
            init = instance.initialisedAtNanos - start;
        }
        long end = start + init + durationNanos;
        instance.slotFreeAt[slot] = end;
        if (global >= 0) {
            globalSlotFreeAt[global] = end;
        }
        return ready.admitted(start - readyAt, init);
    }

    /** The index of the smallest time (wrap-safe comparison). */
    private static int earliest(long[] times) {
        int best = 0;
        for (int i = 1; i < times.length; i++) {
            if (times[i] - times[best] < 0) {
                best = i;
            }
        }
        return best;
    }

    private static long later(long a, long b) {
        return b - a > 0 ? b : a;
    }

    /**
     * Counts one chat request against the fault plan. @return the plan when the request must fail with its status
     */
    Optional<FaultPlan> nextFault() {
        return faults.next();
    }

    /** The fault plan in force and its counters. */
    Faults faults() {
        return faults;
    }

    /**
     * Starts loading a new instance of {@code model}; it holds its memory at once and is ready after the model's
     * load time.
     *
     * @throws LoadRefused when the context length exceeds the model's or the memory budget would be exceeded
     */
    synchronized Instance load(SimModel model, LoadConfig load, boolean jit, Placement placement, long nowNanos)
            throws LoadRefused {
        expire(nowNanos);
        if (model.maxContextLength() > 0 && load.contextLength() > model.maxContextLength()) {
            throw new LoadRefused(LoadRefused.Reason.INVALID_CONFIG, "context_length " + load.contextLength()
                    + " exceeds the maximum context length of " + model.id() + " (" + model.maxContextLength() + ")");
        }
        long need = model.memoryBytes(load.contextLength());
        long used = usedBytes();
        if (used + need > config.memoryBytes()) {
            // LM Studio's guardrail message, with the simulated figures appended
            throw new LoadRefused(LoadRefused.Reason.INSUFFICIENT_MEMORY, String.format(Locale.ROOT,
                    "Model loading was stopped due to insufficient system resources. Under the current settings, "
                            + "this model requires approximately %.2f GB of memory, and continuing to load it would "
                            + "likely overload your system and cause it to freeze. (simulator: %.2f GB of %.2f GB "
                            + "already in use)", need / 1e9, used / 1e9, config.memoryBytes() / 1e9));
        }
        String id = placement.identifier();
        if (id == null || instances.containsKey(id)
                || (!id.equals(model.id()) && config.model(id).isPresent())) {
            // no identifier, or one already taken (by an instance, or by another model's id): LM Studio's names
            id = model.id();
            for (int n = 2; instances.containsKey(id); n++) {
                id = model.id() + ":" + n;
            }
        }
        long loadNanos = model.loadMs() * 1_000_000;
        Instance instance = new Instance(id, model, load, need, jit, loadNanos, nowNanos + loadNanos,
                placement.parallel(), placement.gpuOffload(), placement.ttlSeconds());
        instances.put(id, instance);
        LOG.debug("loading {} ({} ms, {} bytes, jit={}, parallel={}, gpu={}, ttl={} s)", id, model.loadMs(), need,
                jit, placement.parallel(), placement.gpuOffload(), placement.ttlSeconds());
        return instance;
    }

    /**
     * Unloads the instances whose idle TTL has passed: no request in flight, and the last one ended (or the load
     * finished) more than the TTL ago. Lazy, on every state access, so no timer is needed (caller holds the monitor).
     */
    private void expire(long nowNanos) {
        for (Iterator<Instance> it = instances.values().iterator(); it.hasNext(); ) {
            Instance instance = it.next();
            if (instance.ttlSeconds() < 0 || instance.loading(nowNanos)) {
                continue;
            }
            if (nowNanos - instance.idleSince() > instance.ttlSeconds() * 1_000_000_000L) {
                LOG.debug("unloading {}: idle for more than its TTL of {} s", instance.id(), instance.ttlSeconds());
                it.remove();
            }
        }
    }

    /** Unloads one instance. @return it, or empty when no instance has that id */
    synchronized Optional<Instance> unload(String instanceId) {
        expire(System.nanoTime());
        return Optional.ofNullable(instances.remove(instanceId));
    }

    /** Whether that instance (still) exists. */
    synchronized boolean contains(String instanceId) {
        expire(System.nanoTime());
        return instances.containsKey(instanceId);
    }

    /**
     * Fault injection: when {@code model} still has injected faults left, uses one up and unloads every instance
     * of the model, as if LM Studio had dropped it.
     *
     * @return whether the request must fail with {@code Model unloaded}
     */
    synchronized boolean injectModelUnloaded(SimModel model) {
        int left = faultsLeft.getOrDefault(model.id(), 0);
        if (left <= 0) {
            return false;
        }
        faultsLeft.put(model.id(), left - 1);
        faultsInjected.merge(model.id(), 1, Integer::sum);
        for (Iterator<Instance> it = instances.values().iterator(); it.hasNext(); ) {
            if (it.next().model().id().equals(model.id())) {
                it.remove();
            }
        }
        return true;
    }

    /** Injected {@code Model unloaded} faults so far, all models. */
    synchronized int injectedFaults() {
        return faultsInjected.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Injected {@code Model unloaded} faults so far for one model. */
    synchronized int injectedFaults(String modelId) {
        return faultsInjected.getOrDefault(modelId, 0);
    }

    /** Every instance, loaded or loading, in load order. */
    synchronized List<Instance> instances() {
        expire(System.nanoTime());
        return List.copyOf(instances.values());
    }

    /** The instances of one model, in load order. */
    synchronized List<Instance> instancesOf(String modelId) {
        expire(System.nanoTime());
        List<Instance> result = new ArrayList<>();
        for (Instance instance : instances.values()) {
            if (instance.model().id().equals(modelId)) {
                result.add(instance);
            }
        }
        return result;
    }

    /** Memory held by loaded and loading instances. */
    synchronized long usedBytes() {
        expire(System.nanoTime());
        long used = 0;
        for (Instance instance : instances.values()) {
            used += instance.memoryBytes();
        }
        return used;
    }
}
