package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.cache.SqliteResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar as a user runs it: exit codes, one-line errors, Ctrl-C. */
class CliProcessIT {

    @TempDir
    Path dir;

    private static void assertOneLine(String err) {
        assertThat(err.strip()).doesNotContain("\n");
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void anUnreachableServerExitsOneWithOneLineNamingTheUrlAndSuggestingSim() throws Exception {
        JarProcess p = JarProcess.start(dir, "run", "--base-url", "http://127.0.0.1:9", "--output-dir",
                dir.resolve("o").toString(), "--db", dir.resolve("c.db").toString());
        assertThat(p.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
        assertOneLine(p.err());
        assertThat(p.err()).contains("http://127.0.0.1:9").contains("--sim");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--runs 0", "--runs abc", "--no-such-flag"})
    void badInputExitsTwoWithOneLine(String args) throws Exception {
        JarProcess p = JarProcess.start(dir, ("run " + args).split(" "));
        assertThat(p.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
        assertOneLine(p.err());
        assertThat(p.err()).startsWith("lmsbench: ");
    }

    @Test
    void ctrlCKeepsFinishedModelsWritesAPartialReportAndExits130() throws Exception {
        Path out = dir.resolve("out");
        Path db = dir.resolve("cache.db");
        // slow enough that the second model is still running when the signal arrives
        JarProcess p = JarProcess.start(dir, "run", "--sim", "--sim-tokens-per-second", "40", "--sim-ttft-ms", "50",
                "--runs", "3", "--warmup", "0", "--max-tokens", "12", "--stream-only", "--output-dir", out.toString(),
                "--db", db.toString());
        p.awaitStderr(err -> err.contains("[2/3] sim/"), Duration.ofSeconds(60));
        p.signal("INT");
        assertThat(p.waitFor(Duration.ofSeconds(60))).isEqualTo(130);
        assertThat(p.err()).contains("cancelled").doesNotContain("Exception");

        try (SqliteResultStore store = SqliteResultStore.open(db)) {
            assertThat(store.list()).hasSize(1);
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(json.path("run").path("status").asText()).isEqualTo("cancelled");
        assertThat(json.path("models").get(0).path("status").asText()).isEqualTo("completed");
        assertThat(out.resolve("summary.csv")).isRegularFile();
    }

    @Test
    void theStandaloneSimulatorServesModelsUntilCtrlC() throws Exception {
        JarProcess p = JarProcess.start(dir, "sim", "--port", "0");
        p.awaitStdout(out -> out.contains("(Ctrl-C to stop)"), Duration.ofSeconds(60));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/v1)")
                .matcher(p.out());
        assertThat(m.find()).as(p.out()).isTrue();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> models = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(m.group(1) + "/models")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body()).contains("sim/qwen3-8b@q8_0");
        p.signal("INT");
        assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(130);
    }
}
