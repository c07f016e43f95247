package dev.lmsbench.core.model;

/**
 * The memory a loaded model holds, as the server reports it right after loading (Ollama's {@code GET /api/ps}
 * {@code size} and {@code size_vram}). Each figure is {@link #UNKNOWN_BYTES} when the server did not say.
 *
 * @param totalBytes the model's memory in all (weights, KV cache, buffers), or {@link #UNKNOWN_BYTES}
 * @param vramBytes  the part of it in GPU memory, or {@link #UNKNOWN_BYTES}
 */
public record LoadMemory(long totalBytes, long vramBytes) {

    /** The sentinel of a figure the server did not report. */
    public static final long UNKNOWN_BYTES = -1;

    /** Nothing reported. */
    public static final LoadMemory UNKNOWN = new LoadMemory(UNKNOWN_BYTES, UNKNOWN_BYTES);

    /** Normalizes negative figures to {@link #UNKNOWN_BYTES}. */
    public LoadMemory {
        totalBytes = Math.max(UNKNOWN_BYTES, totalBytes);
        vramBytes = Math.max(UNKNOWN_BYTES, vramBytes);
    }
}
