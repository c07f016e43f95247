package dev.lmsbench.report;

import dev.lmsbench.core.model.ModelSummary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RankingTest {

    @Test
    void ordersByDecodeHighestFirstAndByTtftLowestFirst() {
        List<ModelSummary> models = SampleReports.completed().models();
        List<ModelSummary> byDecode = Ranking.order(models, "decode");
        for (int i = 1; i < byDecode.size(); i++) {
            double prev = byDecode.get(i - 1).decodeTokensPerSecond().p50();
            double cur = byDecode.get(i).decodeTokensPerSecond().p50();
            assertThat(Double.isNaN(cur) || prev >= cur).isTrue();
        }
        List<ModelSummary> byTtft = Ranking.order(models, "TTFT");
        for (int i = 1; i < byTtft.size(); i++) {
            double prev = byTtft.get(i - 1).ttft().p50();
            double cur = byTtft.get(i).ttft().p50();
            assertThat(Double.isNaN(cur) || prev <= cur).isTrue();
        }
        assertThat(Ranking.order(models, null)).isEqualTo(models);
    }

    @Test
    void anUnknownMetricNamesTheValidOnes() {
        assertThatThrownBy(() -> Ranking.order(List.of(), "speed"))
                .hasMessageContaining("decode, ttft, total, prefill, load, vram");
    }
}
