package dev.lmsbench.core.model;

import java.util.Locale;

/**
 * What a benchmark does about the server's prompt (KV) cache. Servers such as llama.cpp keep the KV cache of the
 * last prompt and reuse its longest common prefix: with the same prompt in every request, every request after the
 * first processes one token, and TTFT and prefill speed measure a cache hit. See {@code docs/metrics.md}.
 */
public enum PromptCache {

    /**
     * Defeat the cache (the default): every request starts with a line unique to it (a nonce), so no two prompts of a
     * run share more than the chat template's fixed head, and servers with a per-request switch are told not to cache
     * (llama.cpp's {@code cache_prompt: false}).
     */
    OFF("off"),

    /** Send the identical prompt every time, on purpose, to measure cached TTFT. */
    REUSE("reuse");

    private final String label;

    PromptCache(String label) {
        this.label = label;
    }

    /** {@return the configuration and output word: {@code off} or {@code reuse}} */
    public String label() {
        return label;
    }

    /**
     * The mode a label names.
     *
     * @param label {@code off} or {@code reuse}, in any case
     * @return the mode
     * @throws IllegalArgumentException for another word
     */
    public static PromptCache fromLabel(String label) {
        String word = label == null ? "" : label.strip().toLowerCase(Locale.ROOT);
        for (PromptCache p : values()) {
            if (p.label.equals(word)) {
                return p;
            }
        }
        throw new IllegalArgumentException("prompt cache must be off or reuse, got '" + label + "'");
    }

    /** The label, so settings differences read {@code promptCache reuse, now off}. */
    @Override
    public String toString() {
        return label;
    }
}
