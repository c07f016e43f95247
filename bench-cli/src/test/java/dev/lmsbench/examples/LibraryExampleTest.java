package dev.lmsbench.examples;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LibraryExampleTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleBenchmarksEverySimulatedModelAndWritesReports() throws Exception {
        List<String> lines = new ArrayList<>();
        BenchmarkReport report;
        try (SimServer sim = SimServer.start(SimConfig.defaults().withTokensPerSecond(500).withTtftMs(5))) {
            report = LibraryExample.benchmark(sim.baseUrl(), dir, lines::add);
        }
        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(report.models()).hasSize(SimConfig.defaults().models().size());
        assertThat(lines).hasSize(report.models().size()).allMatch(l -> l.endsWith(" tok/s"));
        assertThat(dir.resolve("results.json")).isRegularFile();
        assertThat(dir.resolve("summary.csv")).isRegularFile();
    }

    @Test
    void docsLibraryMdShowsTheExampleVerbatim() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "library.md"));
        String source = Files.readString(Path.of("src", "test", "java", "dev", "lmsbench", "examples",
                "LibraryExample.java"));
        String body = source.substring(source.indexOf("public final class LibraryExample"));
        assertThat(docs).contains(body.strip());
    }
}
