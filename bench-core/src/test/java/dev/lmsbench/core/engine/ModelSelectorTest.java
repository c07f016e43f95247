package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelSelectorTest {

    private static final List<ModelInfo> MODELS = List.of(
            ModelInfo.named("qwen3-8b@q4_k_m"),
            ModelInfo.named("llama-3.2-3b@q8_0"),
            new ModelInfo("nomic-embed-text", "embeddings", "", "", "", -1, -1),
            ModelInfo.named("mistral-7b@q4_k_m"));

    @Test
    void includeThenExcludeThenLimitInThatOrder() {
        var s = new ModelSelector("q4", "mistral", 5).select(MODELS);
        assertThat(s.models()).extracting(ModelInfo::id).containsExactly("qwen3-8b@q4_k_m");
    }

    @Test
    void matchesAnywhereCaseInsensitively() {
        assertThat(new ModelSelector("LLAMA", null, 0).select(MODELS).models()).hasSize(1);
    }

    @Test
    void neverSelectsEmbeddingModels() {
        assertThat(new ModelSelector(null, null, 0).select(MODELS).models())
                .extracting(ModelInfo::id).doesNotContain("nomic-embed-text");
    }

    @Test
    void limitKeepsTheFirstModels() {
        assertThat(new ModelSelector(null, null, 2).select(MODELS).models())
                .extracting(ModelInfo::id).containsExactly("qwen3-8b@q4_k_m", "llama-3.2-3b@q8_0");
    }

    @Test
    void saysWhichFilterLeftNoModel() {
        assertThat(new ModelSelector("gemma", null, 0).select(MODELS).emptiedBy()).contains("--include-models 'gemma'");
        assertThat(new ModelSelector(null, ".", 0).select(MODELS).emptiedBy()).contains("--exclude-models '.'");
    }

    @Test
    void rejectsAnInvalidRegexNamingTheFlag() {
        assertThatThrownBy(() -> new ModelSelector("(", null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--include-models: invalid regular expression '('");
    }
}
