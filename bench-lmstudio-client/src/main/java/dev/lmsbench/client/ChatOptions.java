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
 * @param store           {@code store}: whether LM Studio keeps the conversation, so that a later turn can continue
 *                        it with {@code previous_response_id} (https://lmstudio.ai/docs/developer/rest/stateful-chats);
 *                        {@code null} (the default) lets the use decide: {@code false} for a one-shot
 *                        {@link LmStudioClient#chat(String, String)}, {@code true} for the turns of a
 *                        {@link ChatSession}, whose {@link ChatSession#send} continues the conversation. Always sent.
 *                        With {@code false} the server keeps nothing and returns no {@code response_id}: a session's
 *                        {@code send} then starts over
 */
public record ChatOptions(String systemPrompt, List<Object> integrations, SamplingParams sampling,
                          Integer maxOutputTokens, Integer contextLength, String reasoning, boolean stream,
                          Duration timeout, LoadProgressListener loadProgress, Boolean store) {

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

    /**
     * Options without {@code store} (decided by the use; see the canonical constructor for the parameters).
     */
    public ChatOptions(String systemPrompt, List<Object> integrations, SamplingParams sampling,
                       Integer maxOutputTokens, Integer contextLength, String reasoning, boolean stream,
                       Duration timeout, LoadProgressListener loadProgress) {
        this(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, reasoning, stream, timeout,
                loadProgress, null);
    }

    /**
     * {@return no system prompt, integrations or samplers; not streamed; {@link #DEFAULT_TIMEOUT}; {@code store}
     * decided by the use}
     */
    public static ChatOptions defaults() {
        return new ChatOptions(null, List.of(), null, null, null, null, false, DEFAULT_TIMEOUT, null, null);
    }

    /**
     * @param value {@code store}: {@code true} to keep the conversation on the server, {@code false} to keep nothing,
     *              {@code null} to let the use decide (see the record documentation)
     * @return a copy with it
     */
    public ChatOptions withStore(Boolean value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, reasoning, stream,
                timeout, loadProgress, value);
    }

    /**
     * {@return whether a turn sent with these options asks LM Studio to keep the conversation: {@link #store()},
     * else {@code whenUnset}}
     *
     * @param whenUnset what the use decides when {@code store} is {@code null}
     */
    boolean storeOr(boolean whenUnset) {
        return store == null ? whenUnset : store;
    }

    /** @param value the system prompt @return a copy with it */
    public ChatOptions withSystemPrompt(String value) {
        return new ChatOptions(value, integrations, sampling, maxOutputTokens, contextLength, reasoning, stream,
                timeout, loadProgress, store);
    }

    /** @param value the integrations, sent verbatim @return a copy with them */
    public ChatOptions withIntegrations(List<?> value) {
        return new ChatOptions(systemPrompt, value == null ? null : List.copyOf(value), sampling, maxOutputTokens,
                contextLength, reasoning, stream, timeout, loadProgress, store);
    }

    /** @param value the sampling parameters @return a copy with them */
    public ChatOptions withSampling(SamplingParams value) {
        return new ChatOptions(systemPrompt, integrations, value, maxOutputTokens, contextLength, reasoning, stream,
                timeout, loadProgress, store);
    }

    /** @param value {@code max_output_tokens} @return a copy with it */
    public ChatOptions withMaxOutputTokens(Integer value) {
        return new ChatOptions(systemPrompt, integrations, sampling, value, contextLength, reasoning, stream,
                timeout, loadProgress, store);
    }

    /** @param value {@code context_length} @return a copy with it */
    public ChatOptions withContextLength(Integer value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, value, reasoning, stream,
                timeout, loadProgress, store);
    }

    /** @param value {@code reasoning} @return a copy with it */
    public ChatOptions withReasoning(String value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, value, stream,
                timeout, loadProgress, store);
    }

    /** @param value whether to stream @return a copy with it */
    public ChatOptions withStream(boolean value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, reasoning, value,
                timeout, loadProgress, store);
    }

    /** @param value the timeout of one turn @return a copy with it */
    public ChatOptions withTimeout(Duration value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, reasoning, stream,
                value, loadProgress, store);
    }

    /** @param value the load progress listener @return a copy with it */
    public ChatOptions withLoadProgress(LoadProgressListener value) {
        return new ChatOptions(systemPrompt, integrations, sampling, maxOutputTokens, contextLength, reasoning, stream,
                timeout, value, store);
    }
}
