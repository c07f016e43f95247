package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ModelFilterTest {

    private static final ModelInfo QWEN_VL = new ModelInfo("qwen2-vl-7b@q4_k_m", "vlm", "", "qwen2_vl", "Q4_K_M",
            5_000_000_000L, 32768, "7B", Set.of(Capability.VISION));
    private static final ModelInfo LLAMA = new ModelInfo("llama-3.1-8b@q8_0", "llm", "", "llama", "Q8_0",
            8_500_000_000L, 131072, "8B", Set.of(Capability.TOOL_USE));
    private static final ModelInfo UNKNOWN = ModelInfo.named("mystery");
    private static final List<ModelInfo> ALL = List.of(QWEN_VL, LLAMA, UNKNOWN);

    private static List<String> ids(ModelFilter f) {
        return f.apply(ALL).models().stream().map(ModelInfo::id).toList();
    }

    @Test
    void noFilterKeepsEverything() {
        assertThat(ids(ModelFilter.NONE)).hasSize(3);
    }

    @Test
    void capabilityFiltersKeepOnlyModelsThatReportTheCapability() {
        assertThat(ids(new ModelFilter(true, false, List.of(), List.of(), List.of(), 0, 0)))
                .containsExactly(QWEN_VL.id());
        assertThat(ids(new ModelFilter(false, true, List.of(), List.of(), List.of(), 0, 0)))
                .containsExactly(LLAMA.id());
    }

    @Test
    void quantsMatchByPrefixCaseInsensitivelyAndAcceptCommaLists() {
        assertThat(ids(new ModelFilter(false, false, List.of("q4,Q8"), List.of(), List.of(), 0, 0)))
                .containsExactly(QWEN_VL.id(), LLAMA.id());
        assertThat(ids(new ModelFilter(false, false, List.of("q4"), List.of(), List.of(), 0, 0)))
                .containsExactly(QWEN_VL.id());
    }

    @Test
    void archParamsContextAndSizeFilterOnKnownMetadataOnly() {
        assertThat(ids(new ModelFilter(false, false, List.of(), List.of("LLAMA"), List.of(), 0, 0)))
                .containsExactly(LLAMA.id());
        assertThat(ids(new ModelFilter(false, false, List.of(), List.of(), List.of("7b"), 0, 0)))
                .containsExactly(QWEN_VL.id());
        assertThat(ids(new ModelFilter(false, false, List.of(), List.of(), List.of(), 65536, 0)))
                .containsExactly(LLAMA.id());
        assertThat(ids(new ModelFilter(false, false, List.of(), List.of(), List.of(), 0, 6_000_000_000L)))
                .containsExactly(QWEN_VL.id());
    }

    @Test
    void namesTheFilterThatLeftNoModel() {
        var s = new ModelFilter(true, true, List.of(), List.of(), List.of(), 0, 0).apply(ALL);
        assertThat(s.models()).isEmpty();
        assertThat(s.emptiedBy()).contains("--only-tools");
    }
}
