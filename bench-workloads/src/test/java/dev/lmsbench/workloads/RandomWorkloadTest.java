package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.Workload;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RandomWorkloadTest {

    @Test
    void theSameSeedGivesTheSameRequestsAndAnotherSeedOthers() {
        RandomWorkload w = new RandomWorkload(new RandomWorkload.Options(100, 20, 0.5), TokenLengths.estimate());
        assertThat(Fakes.take(w, 7, 20)).isEqualTo(Fakes.take(w, 7, 20));
        assertThat(Fakes.take(w, 7, 20)).isNotEqualTo(Fakes.take(w, 8, 20));
    }

    @Test
    void withoutARangeEveryPromptHasThePlannedLengthUnderTheEstimate() {
        RandomWorkload w = new RandomWorkload(new RandomWorkload.Options(256, 128, 0), TokenLengths.estimate());
        for (Workload.Request r : Fakes.take(w, 1, 20)) {
            assertThat(r.prompt()).hasSize(256 * 4);
            assertThat(r.promptTokens()).isEqualTo(256);
            assertThat(r.maxTokens()).isEqualTo(128);
        }
        assertThat(w.lengthSource()).isEqualTo(TokenCountSource.ESTIMATE);
    }

    @Test
    void underATokenizerEveryPromptIsWithinTwoPercentOfThePlannedLength() {
        RandomWorkload w = new RandomWorkload(new RandomWorkload.Options(300, 10, 0), Fakes.wordLengths());
        for (Workload.Request r : Fakes.take(w, 1, 20)) {
            assertThat(Fakes.words(r.prompt())).isEqualTo(r.promptTokens()).isBetween(294, 306);
        }
        assertThat(w.lengthSource()).isEqualTo(TokenCountSource.TOKENIZER_JSON);
    }

    @Test
    void lengthsAreDrawnWithinTheRangeRatioAndReachBothEnds() {
        RandomWorkload w = new RandomWorkload(new RandomWorkload.Options(100, 40, 0.25), TokenLengths.estimate());
        List<Workload.Request> requests = Fakes.take(w, 3, 500);
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.promptTokens()).isBetween(75, 125);
            assertThat(r.maxTokens()).isBetween(30, 50);
        });
        assertThat(requests).anySatisfy(r -> assertThat(r.promptTokens()).isLessThan(80));
        assertThat(requests).anySatisfy(r -> assertThat(r.promptTokens()).isGreaterThan(120));
        assertThat(requests).anySatisfy(r -> assertThat(r.maxTokens()).isEqualTo(30));
        assertThat(requests).anySatisfy(r -> assertThat(r.maxTokens()).isEqualTo(50));
        assertThat(RandomWorkload.bounds(100, 0.25)).containsExactly(75, 125);
        assertThat(RandomWorkload.bounds(1, 0.9)).containsExactly(1, 2);
    }

    @Test
    void everyPromptStartsWithItsOwnIdSoNoTwoShareAPrefixBeyondIt() {
        RandomWorkload w = new RandomWorkload(RandomWorkload.Options.defaults(), TokenLengths.estimate());
        Set<String> ids = new HashSet<>();
        for (Workload.Request r : Fakes.take(w, 9, 300)) {
            String firstLine = r.prompt().substring(0, r.prompt().indexOf('\n'));
            assertThat(firstLine).matches("[0-9a-f]{16} request");
            ids.add(firstLine.substring(0, 16));
            assertThat(r.conversation()).isEmpty();
        }
        assertThat(ids).hasSize(300);
    }

    @Test
    void theParametersNameTheOptionsAndBadOptionsAreRefusedByName() {
        RandomWorkload w = new RandomWorkload(new RandomWorkload.Options(64, 32, 0.1), TokenLengths.estimate());
        assertThat(w.name()).isEqualTo("random");
        assertThat(w.parameters()).containsExactly(java.util.Map.entry("input_len", "64"),
                java.util.Map.entry("output_len", "32"), java.util.Map.entry("range_ratio", "0.1"));
        assertThatThrownBy(() -> new RandomWorkload.Options(0, 1, 0)).hasMessageContaining("input_len");
        assertThatThrownBy(() -> new RandomWorkload.Options(1, 0, 0)).hasMessageContaining("output_len");
        assertThatThrownBy(() -> new RandomWorkload.Options(1, 1, 1)).hasMessageContaining("range_ratio");
        assertThatThrownBy(() -> new RandomWorkload.Options(1, 1, Double.NaN)).hasMessageContaining("range_ratio");
    }
}
