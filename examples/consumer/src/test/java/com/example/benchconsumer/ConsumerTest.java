package com.example.benchconsumer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.model.ModelSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The consumer's flow against the installed artifacts: benchmark into SQLite, then the embedded dashboard shows it. */
class ConsumerTest {

    @Test
    void theEmbeddedDashboardShowsEveryModelTheBenchmarkStored(@TempDir Path tmp) throws Exception {
        List<String> lines = new ArrayList<>();
        Main.Outcome outcome = Main.run(tmp.resolve("results.db"), lines::add);

        List<ModelSummary> summaries = outcome.report().models();
        assertThat(summaries).isNotEmpty();
        assertThat(outcome.storedRows()).isEqualTo(summaries.size());
        assertThat(outcome.results().path("total").asInt()).isEqualTo(summaries.size());
        List<String> shownModels = new ArrayList<>();
        for (JsonNode row : outcome.results().path("results")) {
            shownModels.add(row.path("model").asText());
            assertThat(row.path("status").asText()).isEqualTo("completed");
            assertThat(row.path("success_count").asInt()).isEqualTo(2);
            // the simulator streams at 400 tok/s: the stored decode rate is the measured one, not a placeholder
            assertThat(row.path("decode_toks_per_s").path("p50").asDouble()).isBetween(300.0, 500.0);
        }
        assertThat(shownModels).containsExactlyInAnyOrderElementsOf(
                summaries.stream().map(s -> s.model().id()).toList());
        assertThat(outcome.status().path("status").asText()).isEqualTo("idle");
        assertThat(lines).anyMatch(l -> l.startsWith("dashboard: http://"));
    }
}
