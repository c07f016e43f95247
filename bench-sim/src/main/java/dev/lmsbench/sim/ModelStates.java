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

    ModelStates(SimConfig config) {
        this.config = config;
        for (SimModel model : config.models()) {
            faultsLeft.put(model.id(), model.failFirstRequestsWithModelUnloaded());
        }
    }

    /** A loaded or loading instance. Immutable. */
    record Instance(String id, SimModel model, LoadConfig config, long memoryBytes, boolean jit, long loadNanos,
            long readyAtNanos) {

        boolean loading(long nowNanos) {
            return readyAtNanos - nowNanos > 0;
        }

        LoadedModel view(long nowNanos) {
            return new LoadedModel(id, model.id(), config, memoryBytes, jit, loadNanos / 1_000_000, loading(nowNanos));
        }
    }

    /**
     * The instance a chat request runs on.
     *
     * @param instance  the instance
     * @param waitNanos how long after the request the instance is ready (its remaining load time), {@code >= 0}
     * @param loadedNow whether this request started the load (JIT)
     */
    record Ready(Instance instance, long waitNanos, boolean loadedNow) {
    }

    /** What a request's {@code model} names: a served model, optionally one instance of it. */
    record Target(SimModel model, String instanceId) {
    }

    /** Resolves a model id, or an instance id such as {@code model:2}, to what it names. */
    synchronized Optional<Target> resolve(String name) {
        Optional<SimModel> model = config.model(name);
        if (model.isPresent()) {
            return Optional.of(new Target(model.get(), null));
        }
        Instance instance = instances.get(name);
        return instance == null ? Optional.empty() : Optional.of(new Target(instance.model(), instance.id()));
    }

    /**
     * The instance a chat request for {@code target} runs on, loading the model just in time when allowed.
     *
     * @param contextLength context length for a JIT load, or {@code -1} for the model's default
     * @throws LoadRefused when the model is not loaded and cannot be (JIT off, memory)
     */
    synchronized Ready forChat(Target target, int contextLength, long nowNanos) throws LoadRefused {
        Instance chosen = target.instanceId() == null ? null : instances.get(target.instanceId());
        if (chosen == null) {
            for (Instance instance : instances.values()) {
                // the earliest-ready instance of the model, so a request never waits longer than it must
                if (instance.model().id().equals(target.model().id())
                        && (chosen == null || instance.readyAtNanos() - chosen.readyAtNanos() < 0)) {
                    chosen = instance;
                }
            }
        }
        if (chosen != null) {
            return new Ready(chosen, Math.max(0, chosen.readyAtNanos() - nowNanos), false);
        }
        if (!config.jitLoading()) {
            throw new LoadRefused(LoadRefused.Reason.NOT_LOADED, instances.isEmpty()
                    ? "No models loaded. Please load a model in the developer page or use the 'lms load' command."
                    : "Model '" + target.model().id() + "' is not loaded and JIT loading is off. Load it first.");
        }
        if (config.jitAutoEvict()) {
            // LM Studio's Auto-Evict: at most one JIT-loaded model at a time; explicitly loaded ones stay
            instances.values().removeIf(i -> {
                if (i.jit()) {
                    LOG.debug("auto-evicting JIT-loaded {} before loading {}", i.id(), target.model().id());
                }
                return i.jit();
            });
        }
        LoadConfig load = LoadConfig.defaultsFor(target.model());
        if (contextLength > 0) {
            load = load.withContextLength(contextLength);
        }
        Instance loaded = load(target.model(), load, true, nowNanos);
        return new Ready(loaded, loaded.loadNanos(), true);
    }

    /**
     * Starts loading a new instance of {@code model}; it holds its memory at once and is ready after the model's
     * load time.
     *
     * @throws LoadRefused when the context length exceeds the model's or the memory budget would be exceeded
     */
    synchronized Instance load(SimModel model, LoadConfig load, boolean jit, long nowNanos) throws LoadRefused {
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
        String id = model.id();
        for (int n = 2; instances.containsKey(id); n++) {
            id = model.id() + ":" + n;
        }
        long loadNanos = model.loadMs() * 1_000_000;
        Instance instance = new Instance(id, model, load, need, jit, loadNanos, nowNanos + loadNanos);
        instances.put(id, instance);
        LOG.debug("loading {} ({} ms, {} bytes, jit={})", id, model.loadMs(), need, jit);
        return instance;
    }

    /** Unloads one instance. @return it, or empty when no instance has that id */
    synchronized Optional<Instance> unload(String instanceId) {
        return Optional.ofNullable(instances.remove(instanceId));
    }

    /** Whether that instance (still) exists. */
    synchronized boolean contains(String instanceId) {
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
        return List.copyOf(instances.values());
    }

    /** The instances of one model, in load order. */
    synchronized List<Instance> instancesOf(String modelId) {
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
        long used = 0;
        for (Instance instance : instances.values()) {
            used += instance.memoryBytes();
        }
        return used;
    }
}
