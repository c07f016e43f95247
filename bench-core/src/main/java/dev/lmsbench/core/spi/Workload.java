package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.TokenCountSource;

import java.util.Map;
import java.util.Objects;

/**
 * What a load test asks: a generator of requests (random lengths, multi-round conversations, agents handing results
 * on, a ShareGPT file, shared prefixes). The engine sends what it generates at the times its arrival pattern plans;
 * implementations live outside bench-core ({@code bench-workloads}).
 *
 * <p>A workload is a description; each load stage {@linkplain #start starts} a fresh session of it, so a rate sweep
 * sends the same requests at every rate.
 */
public interface Workload {

    /** {@return the workload's name in outputs: random, multi-round, agentic, sharegpt, prefix} */
    String name();

    /** {@return the parameters that define it (lengths, users, rounds, file), for outputs; keys in snake_case} */
    Map<String, String> parameters();

    /**
     * {@return what counted the planned prompt and answer lengths: the server's tokenizer, a tokenizer.json, or the
     * characters-per-token estimate}
     */
    TokenCountSource lengthSource();

    /**
     * Starts a session: the requests of one stage, in order.
     *
     * @param seed the seed of the random choices (the same seed gives the same requests)
     * @return the session
     */
    Session start(long seed);

    /**
     * The requests of one stage. The engine calls a session from one thread at a time (it serializes the calls), in
     * order: {@link #next()} for each request it sends, {@link #answered} when one ends.
     */
    interface Session {

        /**
         * {@return the next request to send; called once per request, in sending order}
         */
        Request next();

        /**
         * A request ended. Conversations append the answer to their history. The default does nothing.
         *
         * @param request the request
         * @param answer  the answer text ({@code ""} when it failed)
         * @param success whether it succeeded
         */
        default void answered(Request request, String answer, boolean success) {
        }
    }

    /**
     * One request of a workload.
     *
     * @param prompt        the whole text sent as the user message (a conversation's history included)
     * @param maxTokens     {@code max_tokens}, at least 1
     * @param conversation  which conversation (user, agent chain) it belongs to, or {@code ""}
     * @param turn          the round within that conversation, from 0
     * @param promptTokens  the planned prompt length in tokens as {@link #lengthSource()} counted it, or -1
     */
    record Request(String prompt, int maxTokens, String conversation, int turn, int promptTokens) {
        /** Checks the values. */
        public Request {
            Objects.requireNonNull(prompt, "prompt");
            conversation = Objects.requireNonNullElse(conversation, "");
            if (prompt.isBlank()) {
                throw new IllegalArgumentException("a workload request needs a prompt");
            }
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be >= 1");
            }
        }
    }
}
