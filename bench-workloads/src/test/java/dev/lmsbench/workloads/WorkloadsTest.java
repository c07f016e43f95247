package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadsTest {

    @TempDir
    Path dir;

    @Test
    void everyNamedWorkloadIsMadeWithItsDefaultsAndItsParametersListEveryOption() {
        assertThat(Workloads.names()).containsExactly("random", "multi-round", "agentic", "sharegpt", "prefix");
        for (String name : Workloads.names()) {
            Workload w = Workloads.create(name, Map.of(), List.of());
            assertThat(w.name()).isEqualTo(name);
            assertThat(w.parameters().keySet()).containsAll(Workloads.keys(name));
            Workload.Request r = w.start(1).next();
            assertThat(r.prompt()).isNotBlank();
            assertThat(w.lengthSource()).isEqualTo(TokenCountSource.ESTIMATE);
        }
        assertThat(Workloads.create("random", Map.of(), List.of()).parameters())
                .containsExactly(Map.entry("input_len", "256"), Map.entry("output_len", "128"),
                        Map.entry("range_ratio", "0"));
        assertThat(Workloads.create("multi-round", Map.of(), List.of()).parameters())
                .containsEntry("users", "10").containsEntry("rounds", "5").containsEntry("system_prompt_len", "200")
                .containsEntry("user_context_len", "200").containsEntry("question_len", "50")
                .containsEntry("answer_len", "100").containsEntry("history_window", "0");
        assertThat(Workloads.create("agentic", Map.of(), List.of()).parameters()).containsEntry("agents", "3")
                .containsEntry("tasks", "4").containsEntry("context_len", "200").containsEntry("answer_len", "100");
        assertThat(Workloads.create("sharegpt", Map.of(), List.of()).parameters())
                .containsEntry("dataset", ShareGptWorkload.SAMPLE_NAME).containsEntry("output_len", "0");
        assertThat(Workloads.create("prefix", Map.of(), List.of()).parameters()).containsEntry("prefixes", "4")
                .containsEntry("prefix_len", "512").containsEntry("suffix_len", "32").containsEntry("output_len", "64");
    }

    @Test
    void optionsAreParsedByTheirSnakeCaseKeysAndCountedByTheGivenCounters() {
        Workload w = Workloads.create("random", Map.of("input_len", "40", "output_len", " 8 ", "range_ratio", "0.5"),
                List.of(new Fakes.WordCounter()));
        assertThat(w.parameters()).containsEntry("input_len", "40").containsEntry("output_len", "8")
                .containsEntry("range_ratio", "0.5");
        assertThat(w.start(1).next().maxTokens()).isBetween(4, 12);
        assertThat(w.lengthSource()).isEqualTo(TokenCountSource.TOKENIZER_JSON);
        Workload m = Workloads.create("multi-round", Map.of("users", "2", "history_window", "500"), List.of());
        assertThat(m.parameters()).containsEntry("users", "2").containsEntry("history_window", "500");
        Workload p = Workloads.create("prefix", Map.of("prefixes", "7", "output_len", "3"), List.of());
        assertThat(p.start(1).next().maxTokens()).isEqualTo(3);
        assertThat(p.parameters()).containsEntry("prefixes", "7");
    }

    @Test
    void aDatasetOptionReadsThatFile() throws Exception {
        Path file = dir.resolve("mine.json");
        ShareGptWorkload.writeSample(file);
        Workload w = Workloads.create("sharegpt", Map.of("dataset", file.toString(), "output_len", "12"), List.of());
        assertThat(w.parameters()).containsEntry("dataset", file.toString()).containsEntry("output_len", "12");
        assertThat(w.start(1).next().maxTokens()).isEqualTo(12);
    }

    @Test
    void anUnknownNameKeyOrValueIsRefusedNamingIt() {
        assertThatThrownBy(() -> Workloads.create("burst", Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'burst'")
                .hasMessageContaining("random");
        assertThatThrownBy(() -> Workloads.create("random", Map.of("users", "3"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'users'")
                .hasMessageContaining("input_len");
        assertThatThrownBy(() -> Workloads.create("random", Map.of("input_len", "many"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input_len")
                .hasMessageContaining("'many'");
        assertThatThrownBy(() -> Workloads.create("random", Map.of("range_ratio", "NaN"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("range_ratio");
        assertThatThrownBy(() -> Workloads.create("multi-round", Map.of("users", "0"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("users");
        assertThatThrownBy(() -> Workloads.create("agentic", Map.of("agents", "99999999999"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agents");
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> Workloads.create("sharegpt", Map.of("dataset", missing.toString()), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> Workloads.keys("nope")).isInstanceOf(IllegalArgumentException.class);
    }
}
