package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.Workload;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrefixWorkloadTest {

    @Test
    void theSameSeedGivesTheSameRequestsAndAnotherSeedOthers() {
        PrefixWorkload w = new PrefixWorkload(new PrefixWorkload.Options(2, 50, 10, 5), TokenLengths.estimate());
        assertThat(Fakes.take(w, 1, 10)).isEqualTo(Fakes.take(w, 1, 10));
        assertThat(Fakes.take(w, 1, 10)).isNotEqualTo(Fakes.take(w, 2, 10));
    }

    @Test
    void requestsShareExactlyTheConfiguredPrefixes() {
        PrefixWorkload w = new PrefixWorkload(new PrefixWorkload.Options(3, 100, 20, 16), Fakes.wordLengths());
        List<Workload.Request> requests = Fakes.take(w, 4, 12);
        assertThat(requests).extracting(Workload.Request::conversation).startsWith("prefix-0", "prefix-1", "prefix-2",
                "prefix-0");
        assertThat(requests).allSatisfy(r -> assertThat(r.maxTokens()).isEqualTo(16));
        Map<String, List<String>> groups = requests.stream().collect(Collectors.groupingBy(
                Workload.Request::conversation, Collectors.mapping(Workload.Request::prompt, Collectors.toList())));
        assertThat(groups).hasSize(3);
        List<String> prefixes = groups.values().stream().map(Fakes::commonPrefix).toList();
        for (String prefix : prefixes) {
            // the prefix and the blank line; the suffixes differ from their first character (their own id)
            assertThat(prefix).endsWith(PrefixWorkload.SEPARATOR);
            assertThat(Fakes.words(prefix)).isBetween(98, 102);
        }
        // two prefixes share at most a few hex digits of their ids
        assertThat(Fakes.commonPrefix(prefixes).length()).isLessThan(16);
        assertThat(requests).allSatisfy(r -> {
            String suffix = r.prompt().substring(r.prompt().indexOf(PrefixWorkload.SEPARATOR) + 2);
            assertThat(Fakes.words(suffix)).isBetween(19, 21);
        });
        assertThat(requests.stream().filter(r -> r.conversation().equals("prefix-1")))
                .extracting(Workload.Request::turn).containsExactly(0, 1, 2, 3);
        assertThat(w.lengthSource()).isEqualTo(TokenCountSource.TOKENIZER_JSON);
    }

    @Test
    void underTheEstimateThePromptIsThePrefixTheSeparatorAndTheSuffix() {
        PrefixWorkload w = new PrefixWorkload(PrefixWorkload.Options.defaults(), TokenLengths.estimate());
        Workload.Request r = w.start(1).next();
        assertThat(r.prompt()).hasSize(512 * 4 + 2 + 32 * 4);
        assertThat(w.lengthSource()).isEqualTo(TokenCountSource.ESTIMATE);
    }

    @Test
    void theParametersNameTheCountsAndBadOptionsAreRefusedByName() {
        assertThat(new PrefixWorkload(PrefixWorkload.Options.defaults(), TokenLengths.estimate()).parameters())
                .containsExactly(Map.entry("prefixes", "4"), Map.entry("prefix_len", "512"),
                        Map.entry("suffix_len", "32"), Map.entry("output_len", "64"));
        assertThatThrownBy(() -> new PrefixWorkload.Options(0, 1, 1, 1)).hasMessageContaining("prefixes");
        assertThatThrownBy(() -> new PrefixWorkload.Options(1, 0, 1, 1)).hasMessageContaining("prefix_len");
    }
}
