package dev.lmsbench.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Stateful chats of {@code /api/v1/chat} (https://lmstudio.ai/docs/developer/rest/stateful-chats): every stored
 * response id remembers how many tokens its conversation holds, so a follow-up counts them as input tokens. The sim
 * keeps no text; the oldest entries are dropped past {@value #CAPACITY}.
 */
final class ResponseStore {

    static final int CAPACITY = 10_000;

    private final Map<String, Integer> contextTokens = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized void put(String responseId, int tokens) {
        contextTokens.put(responseId, tokens);
    }

    /** The conversation's tokens up to and including that response, if the id is known. */
    synchronized OptionalInt tokens(String responseId) {
        Integer tokens = contextTokens.get(responseId);
        return tokens == null ? OptionalInt.empty() : OptionalInt.of(tokens);
    }
}
