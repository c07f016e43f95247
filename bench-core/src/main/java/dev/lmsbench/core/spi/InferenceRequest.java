package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.SamplingParams;

import java.time.Duration;
import java.util.Objects;

/**
 * One chat completion to make.
 *
 * <p>The nonce defeats the server's prompt (KV) cache: when it is not empty, the first message a backend sends is
 * {@link #messageText()}, the nonce on a line of its own before the prompt, so the prompt shares no prefix with any
 * other request's; and a backend whose server has a per-request switch also turns caching off with it (llama.cpp's
 * {@code cache_prompt: false}). Prefix caches match from the first token, so the nonce must come first.
 *
 * @param model       model id
 * @param prompt      the user message
 * @param maxTokens   {@code max_tokens}
 * @param sampling    sampling parameters; {@code null} fields are not sent
 * @param stream      whether to stream (SSE)
 * @param timeout     the longest the whole request may take
 * @param nonce       text unique to this request that starts its first message, on one line; {@code ""} (also for
 *                    {@code null}) to send the prompt alone and let the server reuse its cache
 * @param draftModel  the draft model for speculative decoding (LM Studio's {@code draft_model}), or {@code ""} (also
 *                    for {@code null}) for none
 */
public record InferenceRequest(String model, String prompt, int maxTokens, SamplingParams sampling, boolean stream,
                               Duration timeout, String nonce, String draftModel) {

    /** Validates required fields; the nonce must be one line. */
    public InferenceRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(sampling, "sampling");
        nonce = Objects.requireNonNullElse(nonce, "");
        draftModel = Objects.requireNonNullElse(draftModel, "").strip();
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1");
        }
        if (nonce.indexOf('\n') >= 0 || nonce.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("the nonce must be one line");
        }
    }

    /**
     * A request without a draft model (see the canonical constructor for the parameters).
     */
    public InferenceRequest(String model, String prompt, int maxTokens, SamplingParams sampling, boolean stream,
                            Duration timeout, String nonce) {
        this(model, prompt, maxTokens, sampling, stream, timeout, nonce, "");
    }

    /**
     * A request without a nonce (the server may answer from its prompt cache).
     *
     * @param model       model id
     * @param prompt      the user message
     * @param maxTokens   {@code max_tokens}
     * @param sampling    sampling parameters
     * @param stream      whether to stream
     * @param timeout     whole-request timeout
     */
    public InferenceRequest(String model, String prompt, int maxTokens, SamplingParams sampling, boolean stream,
                            Duration timeout) {
        this(model, prompt, maxTokens, sampling, stream, timeout, "");
    }

    /**
     * A request with only a temperature set, without a nonce.
     *
     * @param model       model id
     * @param prompt      the user message
     * @param maxTokens   {@code max_tokens}
     * @param temperature sampling temperature
     * @param stream      whether to stream
     * @param timeout     whole-request timeout
     */
    public InferenceRequest(String model, String prompt, int maxTokens, double temperature, boolean stream,
                            Duration timeout) {
        this(model, prompt, maxTokens, SamplingParams.ofTemperature(temperature), stream, timeout, "");
    }

    /** The sampling temperature. @return the temperature */
    public double temperature() {
        return sampling.temperature();
    }

    /** Whether this request must not be answered from the server's prompt cache. @return true with a nonce */
    public boolean defeatsPromptCache() {
        return !nonce.isEmpty();
    }

    /**
     * The text of the first (user) message as sent: the nonce, a line break and the prompt; the prompt alone without
     * a nonce. Token estimates count this text.
     *
     * @return the message text
     */
    public String messageText() {
        return nonce.isEmpty() ? prompt : nonce + "\n" + prompt;
    }

    /** A copy with another nonce. @param value the nonce, or {@code ""} @return the copy */
    public InferenceRequest withNonce(String value) {
        return new InferenceRequest(model, prompt, maxTokens, sampling, stream, timeout, value, draftModel);
    }

    /** A copy with a draft model. @param value the draft model, or {@code ""} for none @return the copy */
    public InferenceRequest withDraftModel(String value) {
        return new InferenceRequest(model, prompt, maxTokens, sampling, stream, timeout, nonce, value);
    }

    /** A copy naming another model (an instance of the same model). @param value the model @return the copy */
    public InferenceRequest withModel(String value) {
        return new InferenceRequest(value, prompt, maxTokens, sampling, stream, timeout, nonce, draftModel);
    }
}
