package dev.lmsbench.core.stats;

import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.PromptCalibration;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.model.WarmupStats;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BestSettingsTest {

    static ModelSummary job(String model, int ctx, int par, RunStatus status, double totalToksPerS, double ttftP50) {
        Distribution ttft = Double.isNaN(ttftP50) ? Distribution.EMPTY : Distribution.of(ttftP50);
        Distribution e = Distribution.EMPTY;
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        return new ModelSummary(ModelInfo.named(model), ctx, par, status, "", 4, 4, 0, ttft, e, e, e, e, e, e, e,
                totalToksPerS, totalToksPerS, totalToksPerS,
                new ModelSummary.TokenTotals(0, 0, 0, TokenCountSource.USAGE, 0, 0), WarmupStats.NONE, Double.NaN, t,
                t, e, e, List.of(), List.of(), ErrorType.NONE, null, Double.NaN, Double.NaN, e, e, null, null, e, 0,
                0, PromptCalibration.NONE, null);
    }

    static ModelSummary job(String model, int ctx, int par, double totalToksPerS, double ttftP50) {
        return job(model, ctx, par, RunStatus.COMPLETED, totalToksPerS, ttftP50);
    }

    @Test
    void picksTheContextAndParallelismWithTheHighestTotalTokensPerSecondPerModelInFirstSeenOrder() {
        List<BestSettings> best = BestSettings.of(List.of(
                job("b", 1024, 1, 40, 0.1), job("a", 1024, 1, 10, 0.1), job("b", 1024, 4, 90, 0.3),
                job("b", 4096, 4, 70, 0.9), job("a", 4096, 2, 30, 0.2)), Double.NaN);

        assertThat(best).extracting(BestSettings::model).containsExactly("b", "a");
        assertThat(best.get(0).jobs()).isEqualTo(3);
        assertThat(best.get(0).contextLength()).isEqualTo(1024);
        assertThat(best.get(0).parallel()).isEqualTo(4);
        assertThat(best.get(0).tokensPerSecond()).isEqualTo(90);
        assertThat(best.get(0).hasBest()).isTrue();
        assertThat(best.get(1).contextLength()).isEqualTo(4096);
        assertThat(best.get(1).parallel()).isEqualTo(2);
        assertThat(best.get(1).tokensPerSecond()).isEqualTo(30);
    }

    @Test
    void largestContextWithinTheTtftLimitTakesTheFastestParallelismAmongThatContextsJobsThatMeetIt() {
        List<BestSettings> best = BestSettings.of(List.of(
                job("m", 1024, 1, 20, 0.05), job("m", 1024, 8, 95, 0.4),
                job("m", 8192, 1, 15, 0.20), job("m", 8192, 2, 25, 0.25), job("m", 8192, 4, 60, 0.31),
                job("m", 32768, 1, 10, 0.9)), 300);

        BestSettings m = best.getFirst();
        assertThat(m.contextLength()).isEqualTo(1024);
        assertThat(m.parallel()).isEqualTo(8);
        assertThat(m.maxTtftMs()).isEqualTo(300);
        assertThat(m.meetsTtft()).isTrue();
        assertThat(m.ttftContextLength()).isEqualTo(8192);
        assertThat(m.ttftParallel()).isEqualTo(2);
        assertThat(m.ttftTokensPerSecond()).isEqualTo(25);
        assertThat(m.ttftSeconds()).isEqualTo(0.25);
    }

    @Test
    void aTtftExactlyAtTheLimitMeetsIt() {
        BestSettings m = BestSettings.of(List.of(job("m", 2048, 1, 20, 0.25), job("m", 4096, 1, 10, 0.2500001)),
                250).getFirst();

        assertThat(m.ttftContextLength()).isEqualTo(2048);
    }

    @Test
    void noJobWithinTheLimitOrNoLimitMeansNoTtftSetting() {
        List<ModelSummary> jobs = List.of(job("m", 1024, 1, 20, 0.5), job("m", 2048, 1, 10, 0.7));

        for (double limit : new double[] {100, Double.NaN, 0, -5}) {
            BestSettings m = BestSettings.of(jobs, limit).getFirst();
            assertThat(m.meetsTtft()).as("limit %s", limit).isFalse();
            assertThat(m.ttftContextLength()).isEqualTo(-1);
            assertThat(m.ttftParallel()).isEqualTo(-1);
            assertThat(m.ttftTokensPerSecond()).isNaN();
            assertThat(m.hasBest()).isTrue();
        }
        assertThat(BestSettings.of(jobs, 0).getFirst().maxTtftMs()).isNaN();
    }

    @Test
    void onlyCompletedOrCachedJobsWithATotalCount() {
        List<BestSettings> best = BestSettings.of(List.of(
                job("m", 1024, 1, RunStatus.FAILED, 500, 0.01), job("m", 2048, 1, RunStatus.CANCELLED, 400, 0.01),
                job("m", 4096, 2, RunStatus.CACHED, 30, 0.1), job("m", 8192, 1, RunStatus.COMPLETED, Double.NaN, 0.1),
                job("x", 1024, 1, RunStatus.FAILED, Double.NaN, Double.NaN)), 1000);

        assertThat(best.get(0).contextLength()).isEqualTo(4096);
        assertThat(best.get(0).parallel()).isEqualTo(2);
        assertThat(best.get(0).ttftContextLength()).isEqualTo(4096);
        assertThat(best.get(0).jobs()).isEqualTo(4);
        assertThat(best.get(1).hasBest()).isFalse();
        assertThat(best.get(1).contextLength()).isEqualTo(-1);
        assertThat(best.get(1).tokensPerSecond()).isNaN();
        assertThat(best.get(1).meetsTtft()).isFalse();
    }

    @Test
    void worthShowingOnlyWhenSomeModelRanMoreThanOneJob() {
        assertThat(BestSettings.worthShowing(List.of(job("a", 0, 1, 1, 1), job("b", 0, 1, 1, 1)))).isFalse();
        assertThat(BestSettings.worthShowing(List.of(job("a", 0, 1, 1, 1), job("a", 0, 2, 1, 1)))).isTrue();
        assertThat(BestSettings.worthShowing(List.of())).isFalse();
    }
}
