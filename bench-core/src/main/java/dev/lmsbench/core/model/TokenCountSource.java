package dev.lmsbench.core.model;

import java.util.Locale;

/**
 * Where a request's token counts came from, in the order they are tried. Every output carries it as
 * {@code token_count_source}; {@link TokenUsage#estimated()} is true only for {@link #ESTIMATE}.
 */
public enum TokenCountSource {
    /** The server's own {@code usage} (or its native counts: LM Studio's {@code stats}, Ollama's eval counts). */
    USAGE,
    /** The server sent no usage; its tokenizer endpoint counted the texts (llama.cpp's and vLLM's {@code /tokenize}). */
    SERVER_TOKENIZER,
    /** The server sent no usage; the user's Hugging Face {@code tokenizer.json} ({@code --tokenizer}) counted them. */
    TOKENIZER_JSON,
    /** Nothing could count: the documented characters-per-token estimate (docs/metrics.md). */
    ESTIMATE;

    /** {@return the label in outputs: {@code usage}, {@code server_tokenizer}, {@code tokenizer_json}, {@code estimate}} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The source a label names.
     *
     * @param label one of the {@link #label()}s
     * @return the source
     * @throws IllegalArgumentException for any other text
     */
    public static TokenCountSource ofLabel(String label) {
        for (TokenCountSource s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown token count source '" + label + "'");
    }
}
