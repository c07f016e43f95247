package dev.lmsbench.sim;

/**
 * How a model instance was loaded: the LLM load configuration of LM Studio's {@code POST /api/v1/models/load}
 * (https://lmstudio.ai/docs/developer/rest/load). The sim accepts and reports these settings; only
 * {@code contextLength} changes anything (the memory estimate).
 *
 * @param contextLength        context length in tokens, {@code > 0}
 * @param evalBatchSize        input tokens evaluated per batch, {@code > 0}
 * @param flashAttention       whether flash attention is on
 * @param offloadKvCacheToGpu  whether the KV cache lives in GPU memory
 */
public record LoadConfig(int contextLength, int evalBatchSize, boolean flashAttention, boolean offloadKvCacheToGpu) {

    /** The batch size a load that names none gets (llama.cpp's usual default, as in LM Studio's example). */
    public static final int DEFAULT_EVAL_BATCH_SIZE = 512;

    /** Validates the figures; the messages name the field as the API spells it. */
    public LoadConfig {
        if (contextLength <= 0) {
            throw new IllegalArgumentException("context_length must be > 0, got " + contextLength);
        }
        if (evalBatchSize <= 0) {
            throw new IllegalArgumentException("eval_batch_size must be > 0, got " + evalBatchSize);
        }
    }

    /** The configuration a load of {@code model} that names nothing gets, as JIT loading uses it. */
    public static LoadConfig defaultsFor(SimModel model) {
        return new LoadConfig(model.defaultContextLength(), DEFAULT_EVAL_BATCH_SIZE, false, true);
    }

    /** This configuration with another context length. */
    public LoadConfig withContextLength(int newContextLength) {
        return new LoadConfig(newContextLength, evalBatchSize, flashAttention, offloadKvCacheToGpu);
    }
}
