package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.spi.TokenCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class TokenRecountTest {

    /** Counts words; {@code fails} makes it count nothing. */
    private static final class WordCounter implements TokenCounter {
        private final TokenCountSource source;
        private final boolean fails;
        final List<String> asked = new ArrayList<>();

        WordCounter(TokenCountSource source, boolean fails) {
            this.source = source;
            this.fails = fails;
        }

        @Override
        public TokenCountSource source() {
            return source;
        }

        @Override
        public OptionalInt count(String model, String text) {
            asked.add(text);
            return fails ? OptionalInt.empty() : OptionalInt.of(text.strip().split("\\s+").length);
        }
    }

    private static InferenceResult result(TokenUsage usage) {
        RequestTimings t = new RequestTimings(0, 1, 1, 2, 2, 3, 4, new long[]{2, 3});
        return new InferenceResult(t, usage, "one two three", "hmm let me", "stop");
    }

    @Test
    void anEstimatedResultIsRecountedByTheFirstCounterThatCountsAndNamesIt() {
        WordCounter broken = new WordCounter(TokenCountSource.SERVER_TOKENIZER, true);
        WordCounter words = new WordCounter(TokenCountSource.TOKENIZER_JSON, false);
        TokenUsage usage = new TokenRecount(List.of(broken, words)).usage("m", "a b c d e",
                result(TokenUsage.estimated(4, 2, 1).withPromptCachedTokens(4)));
        assertThat(usage).isEqualTo(new TokenUsage(5, 6, 3, TokenCountSource.TOKENIZER_JSON, 4));
        assertThat(usage.estimated()).isFalse();
        assertThat(broken.asked).isNotEmpty();
    }

    @Test
    void theServersUsageIsNeverRecounted() {
        WordCounter words = new WordCounter(TokenCountSource.SERVER_TOKENIZER, false);
        TokenUsage reported = TokenUsage.reported(40, 9, 0);
        assertThat(new TokenRecount(List.of(words)).usage("m", "a b", result(reported))).isSameAs(reported);
        assertThat(words.asked).isEmpty();
    }

    @Test
    void whenNoCounterCountsTheEstimateStays() {
        TokenUsage estimate = TokenUsage.estimated(2, 2, 1);
        TokenUsage usage = new TokenRecount(List.of(new WordCounter(TokenCountSource.SERVER_TOKENIZER, true)))
                .usage("m", "a b", result(estimate));
        assertThat(usage).isSameAs(estimate);
        assertThat(usage.source()).isEqualTo(TokenCountSource.ESTIMATE);
    }
}
