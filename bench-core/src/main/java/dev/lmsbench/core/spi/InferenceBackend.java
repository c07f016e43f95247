package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ServerInfo;

/**
 * A server the engine sends requests to. Implementations must be safe for concurrent {@link #infer} calls
 * (parallel requests) and must take every timestamp with {@link System#nanoTime()} where the bytes arrive.
 *
 * <pre>{@code
 * try (InferenceBackend backend = ...) {
 *     InferenceResult r = backend.infer(new InferenceRequest("qwen3-8b", "Hi", 64, 0.1, true, Duration.ofMinutes(1)));
 *     double ttft = r.timings().ttftSeconds();
 * }
 * }</pre>
 */
public interface InferenceBackend extends AutoCloseable {

    /** The base URL (or a description) of the server, for messages and reports. */
    String endpoint();

    /**
     * Which server this is, as far as it says: its normalized base URL, kind, version and runtime. Part of a
     * result's identity: results are reused from the cache only for the same server. The default knows only the
     * {@linkplain #endpoint() endpoint}. Called once per run, after discovery; must not throw.
     *
     * @return the server's identity
     */
    default ServerInfo server() {
        return ServerInfo.of(endpoint());
    }

    /**
     * Loads a model explicitly. The default does nothing and reports that loading is not managed: plain
     * OpenAI-compatible servers load a model on its first request.
     *
     * @param model  the model
     * @param config how to load it (context length and load configuration; unset fields keep server defaults)
     * @return what loading did
     * @throws BackendException when loading failed
     */
    default LoadOutcome load(ModelInfo model, LoadConfig config) throws BackendException {
        return LoadOutcome.notManaged();
    }

    /**
     * Unloads a model loaded with {@link #load}. The default does nothing.
     *
     * @param model the model
     * @throws BackendException when unloading failed
     */
    default void unload(ModelInfo model) throws BackendException {
    }

    /**
     * The instances of {@code model} that appeared on the server since {@link #load} loaded it and that the backend did
     * not load itself: LM Studio loading the model again just in time for concurrent requests
     * (lmstudio-bug-tracker #1751). The engine calls it after the model's measured runs, before {@link #unload}, and
     * records the ids in the model's result; a backend that reports them also unloads them with its own. The default
     * knows of none. Must not throw.
     *
     * @param model the model
     * @return the instance ids, empty when there are none or the backend cannot tell
     */
    default java.util.List<String> duplicateInstances(ModelInfo model) {
        return java.util.List.of();
    }

    /**
     * Whether {@link #load} applies {@link LoadConfig#parallel()} (the server's parallel slots), so that a sweep
     * loads the model again for each parallelism. The default, false, means the slots are the server's own setting
     * (or cannot be set): jobs that differ only in parallelism share one load.
     *
     * @return true when loads set the parallel slots
     */
    default boolean loadsParallelSlots() {
        return false;
    }

    /**
     * Makes one chat completion and measures it. Blocks until the answer is complete, the timeout passes, or
     * {@link #cancelInFlight()} is called.
     *
     * @param request what to ask
     * @return the measured result
     * @throws BackendException when the request failed; {@link BackendException.Kind#CANCELLED} after a cancel
     */
    InferenceResult infer(InferenceRequest request) throws BackendException;

    /**
     * The server's own metrics, read from its Prometheus endpoint ({@code /metrics} of llama.cpp's server started with
     * {@code --metrics}, of vLLM): each sample's value by its name with its labels
     * ({@code vllm:num_requests_waiting{model_name="m"}}). A load stage reads them before and after it runs. Bounded
     * (body size, number of samples) and never throws; the default, and a server without the endpoint, give an empty
     * map.
     *
     * @return the samples, empty when the server has none
     */
    default java.util.Map<String, Double> serverMetrics() {
        return java.util.Map.of();
    }

    /** Aborts every request in flight; each blocked {@link #infer} throws a CANCELLED exception. Thread-safe. */
    default void cancelInFlight() {
    }

    /** Releases the backend's resources. Never throws. */
    @Override
    void close();
}
