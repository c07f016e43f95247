package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SweepPlanTest {

    private static ModelInfo model(String id, int maxContext) {
        return new ModelInfo(id, "llm", "", "", "", 0, maxContext, "", Set.of());
    }

    @Test
    void theDefaultSweepGoesFromAnEighthToTheFullContextInEqualFactors() {
        assertThat(SweepPlan.contextSweep(32_768, 4)).containsExactly(4_096, 8_192, 16_384, 32_768);
        assertThat(SweepPlan.contextSweep(40_960, 4)).containsExactly(5_120, 10_240, 20_480, 40_960);
        assertThat(SweepPlan.contextSweep(131_072, 2)).containsExactly(16_384, 131_072);
        assertThat(SweepPlan.contextSweep(8_192, 1)).containsExactly(8_192);
        // small contexts: rounded to 256-token steps, never below one step nor above the maximum, duplicates once
        assertThat(SweepPlan.contextSweep(1_000, 4)).containsExactly(256, 1_000);
        assertThat(SweepPlan.contextSweep(100, 3)).containsExactly(100);
    }

    @Test
    void jobsRunModelByModelThenContextThenParallelismAscendingSoEachContextLoadsOnce() {
        SweepPlan plan = SweepPlan.of(List.of(model("b", 0), model("a", 0)), List.of(8_192, 2_048, 8_192),
                List.of(4, 1));
        assertThat(plan.jobs()).extracting(j -> j.model().id() + "@" + j.contextLength() + "x" + j.parallel())
                .containsExactly("b@2048x1", "b@2048x4", "b@8192x1", "b@8192x4",
                        "a@2048x1", "a@2048x4", "a@8192x1", "a@8192x4");
        assertThat(plan.loads(false)).isEqualTo(4);
        assertThat(plan.loads(true)).isEqualTo(8);
    }

    @Test
    void aRunIsThePlanOfOneContextAndOneParallelism() {
        SweepPlan plan = SweepPlan.of(List.of(model("a", 0), model("b", 0)), List.of(0), List.of(1));
        assertThat(plan.jobs()).containsExactly(new SweepPlan.Job(model("a", 0), 0, 1),
                new SweepPlan.Job(model("b", 0), 0, 1));
        assertThat(plan.loads(true)).isEqualTo(2);
    }

    @Test
    void aSweepPerModelUsesEachModelsOwnMaximumAndRefusesAModelWithoutOne() {
        SweepPlan plan = SweepPlan.sweep(List.of(model("small", 8_192), model("big", 32_768)), 2, List.of(1));
        assertThat(plan.jobs()).extracting(SweepPlan.Job::contextLength).containsExactly(1_024, 8_192, 4_096,
                32_768);
        assertThatThrownBy(() -> SweepPlan.sweep(List.of(model("unknown", 0)), 4, List.of(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown").hasMessageContaining("--ctx");
    }

    @Test
    void badValuesAreRefusedWithAMessage() {
        assertThatThrownBy(() -> SweepPlan.of(List.of(model("a", 0)), List.of(), List.of(1)))
                .hasMessageContaining("context size");
        assertThatThrownBy(() -> SweepPlan.of(List.of(model("a", 0)), List.of(1024), List.of(0)))
                .hasMessageContaining("parallelism must be 1 or more");
        assertThatThrownBy(() -> SweepPlan.contextSweep(4096, 0)).hasMessageContaining("1 to 64");
        assertThatThrownBy(() -> new SweepPlan.Job(model("a", 0), -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
