package dev.lmsbench.client;

import dev.lmsbench.core.model.SamplingParams;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to ask {@code POST /api/v1/chat} (https://lmstudio.ai/docs/developer/rest/chat). Every optional field left
 * {@code null} is not sent, so the server's default applies.
 *
 * <pre>{@code
 * ChatOptions options = ChatOptions.defaults()
 *         .withSystemPrompt("Answer briefly.")
 *         .withIntegrations(List.of(Map.of("type", "plugin", "id", "mcp/playwright")))
 *         .withStream(true);
 * }</pre>
 *
 * @param systemPrompt    {@code system_prompt}, or {@code null}
 * @param integrations    {@code integrations}, sent verbatim: plugin id strings and objects made of maps, lists,
 *                        strings, numbers and booleans ({@code {"type":"plugin","id":...}},
 *                        {@code {"type":"ephemeral_mcp","server_label":...,"server_url":...}}); empty for none
 * @param sampling        {@code temperature}, {@code top_k}, {@code top_p}, {@code min_p}, {@code repeat_penalty}
 *                        (the unset ones are not sent), or {@code null} to send none
 * @param maxOutputTokens {@code max_output_tokens}, or {@code null}
 * @param contextLength   {@code context_length}, or {@code null}
 * @param reasoning       {@code reasoning}: {@code off}, {@code low}, {@code medium}, {@code high} or {@code on}; or
 *                        {@code null}
 * @param stream          {@code stream}: receive SSE events (token times, load progress) instead of one JSON answer
 * @param timeout         the longest one turn may take, the body included
 * @param loadProgress    receives {@code model_load.*} events of a streamed turn, or {@code null}
 */
public record ChatOptions(String systemPrompt, List<Object> integrations, SamplingParams sampling,
                          Integer maxOutputTokens, Integer contextLength, String reasoning, boolean stream,
                          Duration timeout, LoadProgressListener loadProgress) {

    /** The timeout of {@link #defaults()}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /** Validates and copies the integrations. */
    public ChatOptions {
        integrations = integrations == null ? List.of() : List.copyOf(integrations);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw new IllegalArgumentException("max_output_tokens must be >= 1, got " + maxOutputTokens);
        }
        if (contextLength != null && contextLength < 1) {
            throw new IllegalArgumentException("context_length must be >= 1, got " + contextLength);
        }
    }

    /** {@return no system prompt, integrations or samplers; not streamed; {@link #DEFAULT_TIMEOUT}} */
    public static ChatOptions defaults() {
        return new ChatOptions(null, List.of(), null, null, null, null, false, DEFAULT_TIMEOUT, null);
    }

    /** @param value the system prompt @return a copy with it */
    public ChatOptions withSystemPrompt(String value) {
        return new ChatOptions(value, integrations, sampling, maxOutputTokens, contextLength, reasoning, stream,
                timeout, loadProgress);
    }

    /** @param value the integrations, sent verbatim @return a copy with them */
    public ChatOptions withIntegrations(List<?> value) {
        return new ChatOptions(systemPrompt, value == null ? null : List.copyOf(value), sampling, maxOutputTokens,
                contextLength, reasoning, stream, timeout, loadProgress);
    }

    /** @param value the sampling parameters @return a copy with them */
    public ChatOptions withSampling(SamplingParams value) {
        return new ChatOptions(systemPrompt, integrations, value, maxOutputTokens, contextLength, reasoning, stream,
                timeout, loadProgress);
    }

    /** @param value {@code max_output_tokens} @return a copy with it */
    public ChatOptions withMaxOutputTokens(Integer value) {
        return new ChatOptions(systemPrompt, integrations, sampling, value, contextLength, reasoning, stream,
                timeout, loadProgress);
    }

    /** @param value {@code context_length} @return a copy with it */
    public ChatOptions withContextLength(Integer value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, value, reasoning, stream,
                timeout, loadProgress);
    }

    /** @param value {@code reasoning} @return a copy with it */
    public ChatOptions withReasoning(String value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, value, stream,
                timeout, loadProgress);
    }

    /** @param value whether to stream @return a copy with it */
    public ChatOptions withStream(boolean value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, reasoning, value,
                timeout, loadProgress);
    }

    /** @param value the timeout of one turn @return a copy with it */
    public ChatOptions withTimeout(Duration value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, reasoning, stream,
                value, loadProgress);
    }

    /** @param value the load progress listener @return a copy with it */
    public ChatOptions withLoadProgress(LoadProgressListener value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, reasoning, stream,
                timeout, value);
    }
}
