package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixCacheTest {

    private static final List<String> PROMPT = List.of("<bos>", "<start>", "<role:user>", "<sep>", "Why", "blue",
            "<end>", "<start>", "<role:assistant>");

    @Test
    void theFirstPromptOfAModelFindsNothingCached() {
        assertThat(new PrefixCache().lookup("m", PROMPT, true)).isZero();
    }

    @Test
    void anIdenticalPromptReusesAllButItsLastTokenAsLlamaCppDoes() {
        PrefixCache cache = new PrefixCache();
        cache.lookup("m", PROMPT, true);
        assertThat(cache.lookup("m", PROMPT, true)).isEqualTo(PROMPT.size() - 1);
    }

    @Test
    void aPromptThatDiffersFromItsFirstContentTokenReusesOnlyTheTemplateHead() {
        PrefixCache cache = new PrefixCache();
        cache.lookup("m", PROMPT, true);
        List<String> nonced = List.of("<bos>", "<start>", "<role:user>", "<sep>", "3f9a1c2e7b40d5e1", "lmsbench",
                "Why", "blue", "<end>", "<start>", "<role:assistant>");
        assertThat(cache.lookup("m", nonced, true)).isEqualTo(PromptTokenizer.TEMPLATE_HEAD);
    }

    @Test
    void cachePromptFalseReusesNothingAndEachModelHasItsOwnCache() {
        PrefixCache cache = new PrefixCache();
        cache.lookup("m", PROMPT, true);
        assertThat(cache.lookup("m", PROMPT, false)).isZero();
        assertThat(cache.lookup("other", PROMPT, true)).isZero();
        assertThat(cache.lookup("m", PROMPT, true)).as("the uncached prompt is still remembered")
                .isEqualTo(PROMPT.size() - 1);
    }
}
