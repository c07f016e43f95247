package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.stats.MedianComparison.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunComparisonTest {

    @Test
    void aRunComparedWithItselfHasEveryModelAndNothingChanged() {
        BenchmarkReport report = SampleReports.completed();
        RunComparison c = RunComparison.of(report, report);
        assertThat(c.models()).hasSize((int) report.models().stream().map(m -> m.model().id()).distinct().count());
        assertThat(c.onlyBaseline()).isEmpty();
        assertThat(c.onlyCurrent()).isEmpty();
        c.models().forEach(m -> {
            assertThat(m.figures()).hasSize(RunComparison.Figure.values().length);
            m.figures().forEach(f -> assertThat(f.comparison().changed()).as(m.modelId() + " " + f.figure())
                    .isFalse());
            assertThat(m.figure(RunComparison.Figure.LOAD).comparison().verdict())
                    .isEqualTo(Verdict.NOT_ENOUGH_SAMPLES);
        });
    }

    @Test
    void modelsInOnlyOneRunAreListedAsSuch() {
        BenchmarkReport report = SampleReports.completed();
        String dropped = report.models().getFirst().model().id();
        BenchmarkReport without = new BenchmarkReport(report.run(), report.status(), report.finishedAt(),
                report.models().stream().filter(m -> !m.model().id().equals(dropped)).toList(),
                report.requests().stream().filter(r -> !r.model().equals(dropped)).toList());
        assertThat(RunComparison.of(report, without).onlyBaseline()).containsExactly(dropped);
        assertThat(RunComparison.of(without, report).onlyCurrent()).containsExactly(dropped);
        assertThat(RunComparison.of(without, report).models()).noneMatch(m -> m.modelId().equals(dropped));
    }
}
