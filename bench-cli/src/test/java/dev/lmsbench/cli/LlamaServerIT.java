package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code lmsbench run} against a real engine: llama.cpp's {@code llama-server}, built by {@code .ci/llama-server.sh},
 * serving the tiny random-weight model of {@link TinyGguf}. The binary comes from the system property
 * {@value #PROPERTY} or the environment variable {@value #ENV}; without either the test is skipped (a developer's
 * build stays green), except under CI ({@code CI=true}), where it fails.
 */
class LlamaServerIT {

    static final String ENV = "LMSBENCH_LLAMA_SERVER";
    static final String PROPERTY = "lmsbench.llama.server";
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final int MAX_TOKENS = 32;
    /**
     * A prompt of about 240 tokens of the model's own words: long enough that prompt processing, not the first decode
     * step or the network, makes up most of TTFT, so our prefill rate can be held against the engine's.
     */
    private static final String PROMPT = String.join(" ", java.util.Collections.nCopies(16,
            "explain why the sky is blue because the sun light can scatter in the air"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private Process server;
    private Path serverLog;
    private String baseUrl;

    @BeforeEach
    void startServer() throws Exception {
        Path binary = binary();
        Path model = dir.resolve("tiny-llama.gguf");
        TinyGguf.write(model, 42);
        int port = freePort();
        baseUrl = "http://127.0.0.1:" + port;
        serverLog = dir.resolve("llama-server.log");
        // run in the temporary directory with a relative model path: the model id is then the file name
        List<String> command = List.of(binary.toString(), "-m", model.getFileName().toString(),
                "--host", "127.0.0.1", "--port", String.valueOf(port), "-c", String.valueOf(TinyGguf.N_CTX),
                "-np", "1", "--ignore-eos", "-t", "1", "-tb", "1", "--no-webui");
        // one thread: on 2 cores the other is left to the server's HTTP thread and to the client reading the stream
        server = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(serverLog.toFile()).start();
        waitForHealth();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server == null) {
            return;
        }
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void lmsbenchMeasuresARealLlamaServerAndAgreesWithItsOwnTimings() throws Exception {
        JsonNode props = getJson("/props");
        assertThat(props.path("build_info").asText()).as("/props build_info").isNotBlank();
        JsonNode models = getJson("/v1/models");
        assertThat(models.path("data").path(0).path("owned_by").asText()).isEqualTo("llamacpp");
        String modelId = models.path("data").path(0).path("id").asText();
        assertThat(modelId).isEqualTo("tiny-llama.gguf");

        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.run("run", "--base-url", baseUrl, "--model", modelId, "--runs", "3",
                "--warmup", "1", "--max-tokens", String.valueOf(MAX_TOKENS), "--backend", "llamacpp", "--prompt", PROMPT,
                "--output-dir", out.toString(), "--db", dir.resolve("cache.db").toString());
        assertThat(o.code()).as("lmsbench run: %s%nllama-server log:%n%s", o.err(), serverLogTail()).isZero();

        assertThat(o.err()).as("the run names the server it found")
                .contains("Benchmarking 1 model at " + baseUrl + " (llama.cpp " + props.path("build_info").asText());
        JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
        assertThat(results.path("run").path("status").asText()).isEqualTo("completed");
        assertThat(results.path("run").path("server").path("kind").asText()).isEqualTo("llama.cpp");
        JsonNode model = results.path("models").get(0);
        assertThat(model.path("model").path("id").asText()).isEqualTo(modelId);
        assertThat(model.path("status").asText()).isEqualTo("completed");
        assertThat(model.path("request_count").asInt()).isEqualTo(3);
        assertThat(model.path("success_count").asInt()).isEqualTo(3);
        assertThat(model.path("tokens_estimated").asBoolean()).as("the server sent usage").isFalse();
        assertThat(o.out()).contains("3/3 ok");

        List<JsonNode> calls = new ArrayList<>();
        results.path("requests").forEach(calls::add);
        assertThat(calls).hasSize(1 + 3 * 2)
                .allSatisfy(r -> assertThat(r.path("ok").asBoolean()).as("%s", r).isTrue());
        List<Integer> streamed = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            if (!calls.get(i).path("warmup").asBoolean() && calls.get(i).path("run_mode").asText().equals("stream")) {
                streamed.add(i);
            }
        }
        assertThat(streamed).hasSize(3).allSatisfy(i -> {
            JsonNode r = calls.get(i);
            assertThat(r.path("completion_tokens").asInt()).as("completion tokens").isEqualTo(MAX_TOKENS);
            assertThat(r.path("finish_reason").asText()).isEqualTo("length");
            assertThat(r.path("decode_toks_per_s").asDouble()).isPositive();
        });
        double ours = model.path("distributions").path("decode_toks_per_s").path("p50").asDouble();
        assertThat(ours).isPositive();

        // The engine's own timings for the very calls lmsbench timed, as lmsbench recorded them (server_stats).
        List<Double> engineDecode = new ArrayList<>();
        List<Double> ourPrefill = new ArrayList<>();
        List<Double> enginePrefill = new ArrayList<>();
        for (int i : streamed) {
            JsonNode r = calls.get(i);
            JsonNode stats = r.path("server_stats");
            assertThat(stats.path("source").asText()).as("%s", r).isEqualTo("llama.cpp.timings");
            assertThat(stats.path("generated_tokens").asInt()).isEqualTo(MAX_TOKENS);
            // cache_prompt false and a nonce first: nothing of the prompt comes from the cache
            assertThat(r.path("prompt_tokens_cached").asInt(-1)).as("cached prompt tokens of %s", r).isZero();
            assertThat(stats.path("cached_tokens").asInt(-1)).isZero();
            // our TTFT spans the engine's prompt processing and more (the first token, the network)
            assertThat(r.path("ttft_s").asDouble()).as("TTFT vs the engine's prompt time of %s", r)
                    .isGreaterThanOrEqualTo(stats.path("prompt_s").asDouble());
            engineDecode.add(stats.path("tokens_per_second").asDouble());
            ourPrefill.add(r.path("prefill_toks_per_s").asDouble());
            enginePrefill.add(stats.path("prompt_toks_per_s").asDouble());
        }
        double engineSame = median(engineDecode);
        System.out.printf(Locale.ROOT, "LlamaServerIT: model %s (%d bytes, %d parameters); decode tok/s: lmsbench p50"
                        + " %.1f, llama-server for the same calls %s (median %.1f, ratio %.3f); prefill tok/s:"
                        + " lmsbench %s, llama-server %s%n", modelId, Files.size(dir.resolve("tiny-llama.gguf")),
                TinyGguf.parameters(), ours, engineDecode, engineSame, ours / engineSame, ourPrefill,
                enginePrefill);
        assertThat(ours / engineSame).as("lmsbench decode tok/s %.1f vs llama-server's %.1f for the same calls", ours,
                engineSame).isBetween(0.9, 1.1);
        double prefillRatio = median(ourPrefill) / median(enginePrefill);
        // TTFT adds the first decode step and the network to the engine's prompt time, so ours is the lower one
        assertThat(prefillRatio).as("lmsbench prefill tok/s %s vs llama-server's %s", ourPrefill, enginePrefill)
                .isBetween(0.75, 1.05);
    }

    @Test
    void withPromptCacheReuseTheEnginesCachedTokensAreReportedAndPrefillCountsOnlyProcessedTokens()
            throws Exception {
        String modelId = getJson("/v1/models").path("data").path(0).path("id").asText();
        Path out = dir.resolve("reuse");
        MainTest.Outcome o = MainTest.run("run", "--base-url", baseUrl, "--model", modelId, "--runs", "3",
                "--warmup", "1", "--max-tokens", String.valueOf(MAX_TOKENS), "--no-use-rest-api", "--stream-only",
                "--prompt-cache", "reuse", "--prompt", PROMPT, "--output-dir", out.toString(), "--db", dir.resolve("cache.db").toString());
        assertThat(o.code()).as("lmsbench run: %s%nllama-server log:%n%s", o.err(), serverLogTail()).isZero();
        JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
        assertThat(results.path("run").path("settings").path("prompt_cache").asText()).isEqualTo("reuse");
        List<JsonNode> measured = new ArrayList<>();
        results.path("requests").forEach(r -> {
            if (!r.path("warmup").asBoolean()) {
                measured.add(r);
            }
        });
        assertThat(measured).hasSize(3).allSatisfy(r -> {
            int prompt = r.path("prompt_tokens").asInt();
            int cached = r.path("prompt_tokens_cached").asInt(-1);
            // the warmup sent the same prompt: the engine reuses all of it but the last token
            assertThat(cached).as("cached prompt tokens of %s", r).isPositive().isLessThan(prompt)
                    .isEqualTo(r.path("server_stats").path("cached_tokens").asInt());
            assertThat(r.path("prefill_toks_per_s").asDouble())
                    .as("prefill over the processed tokens only, %s", r)
                    .isCloseTo((prompt - cached) / r.path("ttft_s").asDouble(), org.assertj.core.data.Offset.offset(
                            1e-3 * (prompt - cached) / r.path("ttft_s").asDouble()));
        });
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Polls {@code /health} until it answers 200 (the model is loaded), the server exits, or {@link #STARTUP}. */
    private void waitForHealth() throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("llama-server exited with %d before it was healthy:%n%s", server.exitValue(), serverLogTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            server.waitFor(100, TimeUnit.MILLISECONDS);
        }
        fail("llama-server was not healthy within %s (last: %s):%n%s", STARTUP, last, serverLogTail());
    }

    private String serverLogTail() {
        try {
            List<String> lines = Files.readAllLines(serverLog, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static Path binary() {
        String value = System.getProperty(PROPERTY, "");
        if (value.isBlank()) {
            value = System.getenv().getOrDefault(ENV, "");
        }
        if (value.isBlank()) {
            String how = "no llama-server: set " + ENV + " (or -D" + PROPERTY + ") to the binary that"
                    + " .ci/llama-server.sh builds and prints, e.g. " + ENV + "=$(.ci/llama-server.sh) ./mvnw verify";
            if ("true".equals(System.getenv("CI"))) {
                fail(how + " (CI must run this test)");
            }
            assumeTrue(false, how);
        }
        Path binary = Path.of(value);
        assertThat(binary).as(ENV + " / " + PROPERTY).isRegularFile().isExecutable();
        return binary;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
