package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import dev.lmsbench.sim.SimServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code lmsbench run --backend ollama} end to end against the simulator's Ollama API: every model loaded, measured
 * and unloaded, with its load time, size, quantization and the server's durations in results.json, and the decode
 * rate the client measured checked against the simulator's configured rate.
 */
class OllamaSimIT {

    private static final double RATE = 200;

    @TempDir
    Path dir;

    private static SimConfig config() {
        return SimConfig.defaults().withTokensPerSecond(RATE).withTtftMs(20);
    }

    private MainTest.Outcome run(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--runs", "2", "--warmup", "0", "--max-tokens", "40",
                "--output-dir", dir.resolve(out).toString(), "--db", dir.resolve(out + ".db").toString()));
        args.addAll(List.of(extra));
        return MainTest.run(args.toArray(String[]::new));
    }

    @Test
    void everyModelIsLoadedMeasuredAndUnloadedThroughOllamasApiWithTheServersDurations() throws Exception {
        try (SimServer sim = SimServer.start(config())) {
            MainTest.Outcome o = run("o", "--base-url", sim.baseUrl(), "--backend", "ollama");

            assertThat(o.code()).as(o.err()).isZero();
            assertThat(sim.loadedModels()).isEmpty();
            JsonNode results = new ObjectMapper().readTree(dir.resolve("o").resolve("results.json").toFile());
            assertThat(results.at("/run/server/kind").asText()).isEqualTo("ollama");
            JsonNode models = results.path("models");
            assertThat(models).hasSize(sim.config().models().size());
            for (int i = 0; i < models.size(); i++) {
                JsonNode m = models.get(i);
                SimModel truth = sim.config().models().get(i);
                assertThat(m.at("/model/id").asText()).isEqualTo(truth.id());
                assertThat(m.at("/model/quantization").asText()).isEqualTo(truth.quantization());
                assertThat(m.at("/model/size_bytes").asLong()).isEqualTo(truth.sizeBytes());
                assertThat(m.at("/model/params").asText()).isEqualTo(truth.paramsString());
                assertThat(m.path("status").asText()).isEqualTo("completed");
                // the load answer comes after the model's configured load time
                assertThat(m.path("load_time_s").asDouble()).isGreaterThanOrEqualTo(truth.loadMs() / 1000.0);
                assertThat(m.at("/server_distributions/tokens_per_second/p50").asDouble())
                        .isCloseTo(RATE, within(1e-6));
                assertThat(m.at("/distributions/decode_toks_per_s/p50").asDouble())
                        .as("client decode rate of %s", truth.id()).isCloseTo(RATE, within(RATE * 0.05));
                assertThat(m.path("tokens_estimated").asBoolean()).isFalse();
                // /api/ps after the load: the instance's memory at the run's context (4096), all of it in VRAM
                long memory = truth.memoryBytes(4096);
                assertThat(m.at("/load/memory_bytes").asLong()).as("memory of %s", truth.id()).isEqualTo(memory);
                assertThat(m.at("/load/vram_bytes").asLong()).isEqualTo(memory);
            }
            List<String> summary = Files.readAllLines(dir.resolve("o").resolve("summary.csv"));
            int vramColumn = List.of(summary.get(0).split(",")).indexOf("load_vram_bytes");
            assertThat(summary.get(1).split(",")[vramColumn])
                    .isEqualTo(Long.toString(sim.config().models().get(0).memoryBytes(4096)));
            try (dev.lmsbench.cache.SqliteResultStore store =
                         dev.lmsbench.cache.SqliteResultStore.open(dir.resolve("o.db"))) {
                assertThat(store.list()).extracting(r -> r.summary().loadMemory().vramBytes()).containsExactlyElementsOf(
                        sim.config().models().stream().map(t -> t.memoryBytes(4096)).toList());
            }
            JsonNode request = results.path("requests").get(0);
            JsonNode stats = request.path("server_stats");
            assertThat(stats.path("source").asText()).isEqualTo("ollama.api.chat");
            assertThat(stats.path("generation_time_s").asDouble())
                    .isCloseTo(request.path("completion_tokens").asInt() / RATE, within(1e-6));
            assertThat(stats.path("time_to_first_token_s").asDouble()).isPositive();
            // the prompt figures, as llama.cpp's: prompt_eval_count and prompt_eval_duration
            assertThat(stats.path("prompt_tokens").asInt()).isEqualTo(request.path("prompt_tokens").asInt());
            assertThat(stats.path("prompt_s").asDouble()).isPositive();
            assertThat(stats.path("prompt_toks_per_s").asDouble()).isCloseTo(
                    stats.path("prompt_tokens").asInt() / stats.path("prompt_s").asDouble(), within(1e-6));
            assertThat(stats.path("generated_tokens").asInt()).isEqualTo(request.path("completion_tokens").asInt());
            assertThat(Files.readString(dir.resolve("o").resolve("lmsbench.log")))
                    .contains("--backend ollama: using Ollama's native API")
                    .containsPattern("loaded sim/qwen3-8b@q8_0 in [0-9.]+ s; in memory: [0-9]+ bytes, [0-9]+ of "
                            + "them in VRAM");
        }
    }

    @Test
    void aForcedBackendTheServerDoesNotSpeakStopsWithOneLineSayingWhatAnswersInstead() {
        MainTest.Outcome o = run("f", "--base-url", "http://127.0.0.1:1", "--backend", "ollama");

        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).contains("--backend ollama: http://127.0.0.1:1 does not answer Ollama's "
                + "GET /api/version; nothing answers there");
        assertThat(o.err().strip().lines()).hasSize(1);
        MainTest.Outcome bogus = run("b", "--base-url", "http://127.0.0.1:1", "--backend", "tgi");
        assertThat(bogus.code()).isEqualTo(2);
        assertThat(bogus.err()).contains("--backend");
    }

    /** Ctrl-C mid-model: the shutdown hook unloads through Ollama's API what the run loaded. */
    @Test
    void aSignalMidModelLeavesNothingLoadedOnTheServer() throws Exception {
        Path simDir = Files.createDirectories(dir.resolve("sim"));
        JarProcess sim = JarProcess.start(simDir, "sim", "--port", "0", "--sim-tokens-per-second", "40");
        try {
            sim.awaitStdout(out -> out.contains("(Ctrl-C to stop)"), Duration.ofSeconds(60));
            Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+)/v1").matcher(sim.out());
            assertThat(m.find()).isTrue();
            String base = m.group(1);
            Path runDir = Files.createDirectories(dir.resolve("run"));
            JarProcess run = JarProcess.start(runDir, "run", "--base-url", base, "--backend", "ollama", "--runs",
                    "3", "--warmup", "0", "--max-tokens", "40", "--stream-only", "--output-dir",
                    runDir.resolve("out").toString(), "--db", runDir.resolve("c.db").toString());
            Pattern secondModelMeasured = Pattern.compile("\\[2/3] \\S+\\s+run 1/3");
            run.awaitStderr(err -> secondModelMeasured.matcher(err).find(), Duration.ofSeconds(60));
            assertThat(running(base)).as("the second model is loaded while it is measured: %s", run.err())
                    .isPositive();

            run.signal("INT");
            assertThat(run.waitFor(Duration.ofSeconds(60))).isEqualTo(130);

            assertThat(running(base)).isZero();
        } finally {
            sim.signal("INT");
            sim.waitFor(Duration.ofSeconds(30));
        }
    }

    /** How many models the server's {@code GET /api/ps} lists. */
    private static int running(String base) throws Exception {
        HttpResponse<String> ps = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + "/api/ps")).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(ps.body()).path("models").size();
    }
}
