package dev.lmsbench.sim;

/**
 * One loaded (or loading) model instance, as {@link SimServer#loadedModels()} reports it.
 *
 * @param instanceId  the instance id: the model id for the first instance, then {@code id:2}, {@code id:3}, as LM
 *                    Studio names them (or the identifier an {@code lms load} gave it)
 * @param modelId     the model it is an instance of
 * @param config      how it was loaded
 * @param memoryBytes memory it takes from {@link SimConfig#memoryBytes()}
 * @param jit         whether a chat request loaded it just in time (Auto-Evict applies only to these)
 * @param loadMs      how long its load took or takes
 * @param loading     {@code true} while the simulated load has not finished
 * @param parallel    its parallel prediction slots: how many requests it runs at once, {@code >= 1}
 * @param gpuOffload  the share of the model on the GPU, in [0, 1] ({@code 1}: all of it)
 * @param ttlSeconds  idle time after which it is unloaded, or {@code -1} for none
 */
public record LoadedModel(String instanceId, String modelId, LoadConfig config, long memoryBytes, boolean jit,
        long loadMs, boolean loading, int parallel, double gpuOffload, long ttlSeconds) {
}
