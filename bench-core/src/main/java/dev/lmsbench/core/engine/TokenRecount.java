package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.spi.TokenCounter;

import java.util.List;
import java.util.OptionalInt;

/**
 * The token counting chain: a result whose counts were estimated is recounted by the first counter that can count its
 * prompt, its visible answer and its reasoning; a result with the server's usage is left alone. Runs after the
 * response is complete, so it never moves a timestamp.
 *
 * <p>Counted: prompt = the user message sent (nonce included, no chat template, as the estimate); completion =
 * answer tokens + reasoning tokens, each text counted on its own; the cached prompt tokens the server reported stay
 * (capped at the new prompt count).
 */
final class TokenRecount {

    private final List<TokenCounter> counters;

    TokenRecount(List<TokenCounter> counters) {
        this.counters = List.copyOf(counters);
    }

    /**
     * The counts of a result.
     *
     * @param model  the model id
     * @param prompt the user message sent
     * @param result the backend's result
     * @return the server's usage as it is, else the first counter's counts, else the estimate as it is
     */
    TokenUsage usage(String model, String prompt, InferenceResult result) {
        TokenUsage usage = result.usage();
        if (!usage.estimated() || result.cached()) {
            return usage;
        }
        for (TokenCounter counter : counters) {
            OptionalInt promptTokens = count(counter, model, prompt);
            OptionalInt content = count(counter, model, result.content());
            OptionalInt reasoning = count(counter, model, result.reasoning());
            if (promptTokens.isEmpty() || content.isEmpty() || reasoning.isEmpty()) {
                continue;
            }
            int p = promptTokens.getAsInt();
            int cached = usage.promptCacheKnown() ? Math.min(usage.promptCachedTokens(), p) : TokenUsage.UNKNOWN;
            int r = reasoning.getAsInt();
            return new TokenUsage(p, content.getAsInt() + r, r, counter.source(), cached);
        }
        return usage;
    }

    private static OptionalInt count(TokenCounter counter, String model, String text) {
        if (text.isEmpty()) {
            return OptionalInt.of(0);
        }
        try {
            OptionalInt n = counter.count(model, text);
            return n.isPresent() && n.getAsInt() < 0 ? OptionalInt.empty() : n;
        } catch (RuntimeException e) {
            // the port says never throw; a broken counter still must not fail a measured request
            return OptionalInt.empty();
        }
    }
}
