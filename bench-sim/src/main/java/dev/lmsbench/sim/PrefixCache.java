package dev.lmsbench.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A prompt (KV) cache as llama.cpp keeps one: per model, the tokens of the last prompt; a new prompt reuses the
 * longest common prefix with it, but at least its last token is processed again (the model needs one evaluated
 * token to start generating), so an identical prompt of {@code n} tokens has {@code n - 1} cached. A request that
 * says {@code "cache_prompt": false} reuses nothing. Either way the new prompt replaces the cached one.
 *
 * <p>This is the sim's own model of the cache, written from llama.cpp's documentation of {@code cache_prompt} ("the
 * common prefix does not have to be re-processed, only the suffix that differs"), not from any client code: it
 * proves that a client's cache-busting works. Thread-safe.
 */
final class PrefixCache {

    private final Map<String, List<String>> last = new HashMap<>();

    /**
     * The cached tokens of a prompt, and remembers it as the model's last prompt.
     *
     * @param model       the model id
     * @param tokens      the prompt's tokens ({@link PromptTokenizer#tokens})
     * @param cachePrompt the request's {@code cache_prompt} ({@code true} when absent)
     * @return how many leading tokens came from the cache, {@code 0 .. tokens.size() - 1}
     */
    synchronized int lookup(String model, List<String> tokens, boolean cachePrompt) {
        List<String> previous = last.put(model, List.copyOf(tokens));
        if (!cachePrompt || previous == null) {
            return 0;
        }
        int common = 0;
        int max = Math.min(previous.size(), tokens.size());
        while (common < max && previous.get(common).equals(tokens.get(common))) {
            common++;
        }
        return Math.max(0, Math.min(common, tokens.size() - 1));
    }
}
