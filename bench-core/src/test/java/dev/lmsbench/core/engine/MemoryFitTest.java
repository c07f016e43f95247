package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryFitTest {

    private static final long GB = 1_000_000_000L;

    private static ModelInfo model(String id, long size, String params) {
        return new ModelInfo(id, "llm", "", "", "", size, -1, params, Set.of());
    }

    @Test
    void readsParameterCountsFromParamsOrTheIdButNotFromQuantOrVersionTags() {
        assertThat(MemoryFit.billions(model("x", 1, "8B"))).hasValue(8.0);
        assertThat(MemoryFit.billions(model("x", 1, "270M"))).hasValue(0.27);
        assertThat(MemoryFit.billions(model("qwen3-0.6b@q8_0", 1, ""))).hasValue(0.6);
        assertThat(MemoryFit.billions(model("mistral-7b-instruct-v0.3@q4_k_m", 1, ""))).hasValue(7.0);
        assertThat(MemoryFit.billions(model("mystery@q4_k_m", 1, ""))).isEmpty();
    }

    @Test
    void neededMemoryIsWeightsPlusKvCachePlusTenPercent() {
        // 8B at 4096 tokens: 4096 x 16 KiB x 8 = 512 MiB of KV cache
        long need = MemoryFit.neededBytes(model("m", 5 * GB, "8B"), 4096);
        assertThat(need).isEqualTo(5 * GB + 4096L * 16 * 1024 * 8 + GB / 2);
        assertThat(MemoryFit.neededBytes(model("m", -1, "8B"), 4096)).isEqualTo(-1);
    }

    @Test
    void ranksFittingModelsLargestFirstThenTightThenTooLargeThenUnknown() {
        List<MemoryFit.Fit> ranked = MemoryFit.rank(List.of(
                model("small-1b", GB, "1B"),
                model("huge-70b", 40 * GB, "70B"),
                model("mid-8b", 5 * GB, "8B"),
                model("unknown", -1, ""),
                model("tight-13b", 8 * GB, "13B")), 4096, 10 * GB);
        assertThat(ranked).extracting(f -> f.model().id())
                .containsExactly("mid-8b", "small-1b", "tight-13b", "huge-70b", "unknown");
        assertThat(ranked).extracting(MemoryFit.Fit::verdict).containsExactly(MemoryFit.Verdict.FITS,
                MemoryFit.Verdict.FITS, MemoryFit.Verdict.TIGHT, MemoryFit.Verdict.TOO_LARGE,
                MemoryFit.Verdict.UNKNOWN);
    }
}
