package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.sim.LmStudioQuirks;
import dev.lmsbench.sim.SimConfig;
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

/** LM Studio's native API end to end against the simulator: metadata filters, lifecycle, Model-unloaded retry. */
class NativeLmStudioIT {

    @TempDir
    Path dir;

    private static SimConfig fast() {
        return SimConfig.defaults().withTokensPerSecond(500).withTtftMs(5).withLoadMs(50);
    }

    private MainTest.Outcome run(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--runs", "1", "--warmup", "0", "--stream-only",
                "--max-tokens", "8", "--output-dir", dir.resolve(out).toString(), "--db",
                dir.resolve(out + ".db").toString()));
        args.addAll(List.of(extra));
        return MainTest.run(args.toArray(String[]::new));
    }

    private List<String> benchmarked(String out) throws Exception {
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(dir.resolve(out).resolve("results.json").toFile()).path("models")
                .forEach(m -> ids.add(m.path("model").path("id").asText()));
        return ids;
    }

    @Test
    void metadataFiltersChangeWhatRuns() throws Exception {
        assertThat(run("v", "--sim", "--only-vision").code()).isZero();
        assertThat(benchmarked("v")).containsExactly("sim/mistral-7b-instruct-v0.3@q5_k_m");
        assertThat(run("q", "--sim", "--quants", "q8").code()).isZero();
        assertThat(benchmarked("q")).containsExactly("sim/qwen3-8b@q8_0");
        assertThat(run("p", "--sim", "--params", "3B").code()).isZero();
        assertThat(benchmarked("p")).containsExactly("sim/llama-3.2-3b-instruct@q4_k_m");
        MainTest.Outcome none = run("n", "--sim", "--only-vision", "--only-tools");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no model left to benchmark after --only-tools");
    }

    @Test
    void everyModelIsLoadedExplicitlyWithItsLoadTimeAndNothingIsLeftLoaded() throws Exception {
        // polite sim: under no_v0_stream_stats LM Studio's streamed v0 answers carry no stats for the p50 below
        try (SimServer sim = SimServer.start(fast().withQuirks(LmStudioQuirks.NONE))) {
            MainTest.Outcome o = run("l", "--base-url", sim.baseUrl());
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(sim.loadedModels()).isEmpty();
            JsonNode models = new ObjectMapper().readTree(dir.resolve("l").resolve("results.json").toFile())
                    .path("models");
            assertThat(models).hasSize(3).allSatisfy(m -> {
                assertThat(m.path("load_time_s").asDouble()).isPositive();
                assertThat(m.path("server_distributions").path("tokens_per_second").path("p50").asDouble())
                        .isEqualTo(500.0);
            });
        }
    }

    @Test
    void loadFlagsTheLoadEndpointDocumentsReachTheServerAndTheReport() throws Exception {
        try (SimServer sim = SimServer.start(fast())) {
            MainTest.Outcome o = run("lf", "--base-url", sim.baseUrl(), "--limit", "1", "--num-experts", "4",
                    "--no-offload-kv-cache", "--flash-attention", "--n-batch", "256");
            assertThat(o.code()).as(o.err()).isZero();
        }
        // the configuration the server says it applied (echo_load_config), as the client logs it
        assertThat(Files.readString(dir.resolve("lf").resolve("lmsbench.log")))
                .containsPattern("configuration applied: .*\"eval_batch_size\":256")
                .containsPattern("configuration applied: .*\"flash_attention\":true")
                .containsPattern("configuration applied: .*\"offload_kv_cache_to_gpu\":false");
        JsonNode load = new ObjectMapper().readTree(dir.resolve("lf").resolve("results.json").toFile())
                .at("/run/settings/load");
        assertThat(load.path("num_experts").asInt()).isEqualTo(4);
        assertThat(load.path("offload_kv_cache_to_gpu").asBoolean(true)).isFalse();
    }

    @Test
    void aModelUnloadedErrorOnTheFirstRequestCausesExactlyOneReloadAndTheRunSucceeds() throws Exception {
        try (SimServer sim = SimServer.start(fast().withFailFirstRequestsWithModelUnloaded(1))) {
            MainTest.Outcome o = run("u", "--base-url", sim.baseUrl(), "--limit", "1");
            assertThat(o.code()).as(o.err()).isZero();
            String model = benchmarked("u").get(0);
            assertThat(sim.injectedFaults(model)).isEqualTo(1);
            JsonNode m = new ObjectMapper().readTree(dir.resolve("u").resolve("results.json").toFile())
                    .path("models").get(0);
            assertThat(m.path("success_count").asInt()).isEqualTo(1);
            String log = Files.readString(dir.resolve("u").resolve("lmsbench.log"));
            assertThat(log).contains("model " + model + " was unloaded by the server; reloaded and retried once");
            assertThat(log.split("reloaded and retried once", -1)).hasSize(2);
            assertThat(sim.loadedModels()).isEmpty();
        }
    }

    @Test
    void recommendRanksTheServersModelsAgainstAMemoryBudget() {
        MainTest.Outcome o = MainTest.run("recommend", "--sim", "--memory-gb", "8", "--context", "8192");
        assertThat(o.code()).as(o.err()).isZero();
        String[] lines = o.out().split("\n");
        assertThat(lines[0]).contains("Memory budget 8.0 GB");
        assertThat(lines[3]).startsWith("sim/mistral-7b-instruct-v0.3@q5_k_m").endsWith("fits");
        assertThat(lines[4]).startsWith("sim/llama-3.2-3b-instruct@q4_k_m").endsWith("fits");
        assertThat(lines[5]).startsWith("sim/qwen3-8b@q8_0").endsWith("too large");
    }

    /** Ctrl-C, and the SIGTERM of {@code timeout} or {@code kill}: the shutdown hook unloads what the run loaded. */
    @org.junit.jupiter.params.ParameterizedTest(name = "SIG{0} -> exit {1}")
    @org.junit.jupiter.params.provider.CsvSource({"INT,130", "TERM,143"})
    void aSignalMidModelLeavesNothingLoadedOnTheServer(String signal, int exitCode) throws Exception {
        Path simDir = Files.createDirectories(dir.resolve("sim"));
        JarProcess sim = JarProcess.start(simDir, "sim", "--port", "0", "--sim-tokens-per-second", "40");
        try {
            sim.awaitStdout(out -> out.contains("(Ctrl-C to stop)"), Duration.ofSeconds(60));
            Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+)/v1").matcher(sim.out());
            assertThat(m.find()).isTrue();
            String base = m.group(1);
            Path runDir = Files.createDirectories(dir.resolve("run"));
            JarProcess run = JarProcess.start(runDir, "run", "--base-url", base, "--runs", "3", "--warmup", "0",
                    "--max-tokens", "40", "--stream-only", "--output-dir", runDir.resolve("out").toString(), "--db",
                    runDir.resolve("c.db").toString());
            run.awaitStderr(err -> err.contains("[2/3]") && err.contains("run 1/3"), Duration.ofSeconds(60));
            run.signal(signal);
            assertThat(run.waitFor(Duration.ofSeconds(60))).isEqualTo(exitCode);

            HttpResponse<String> models = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/api/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode list = new ObjectMapper().readTree(models.body()).path("models");
            assertThat(list.size()).isPositive();
            list.forEach(entry -> assertThat(entry.path("loaded_instances")).as(entry.toString()).isEmpty());
        } finally {
            sim.signal("INT");
            sim.waitFor(Duration.ofSeconds(30));
        }
    }

    @Test
    void aModelThatDoesNotFitTheServersMemoryIsSkippedWithTheReason() throws Exception {
        // 5 GB: the 2 GB model loads; the 8.7 GB and 5.1 GB ones are refused by the server
        try (SimServer sim = SimServer.start(fast().withMemoryBytes(5_000_000_000L))) {
            MainTest.Outcome o = run("m", "--base-url", sim.baseUrl());
            assertThat(o.code()).as(o.err()).isZero();
            JsonNode models = new ObjectMapper().readTree(dir.resolve("m").resolve("results.json").toFile())
                    .path("models");
            List<String> statuses = new ArrayList<>();
            models.forEach(m -> statuses.add(m.path("model").path("id").asText() + "=" + m.path("status").asText()));
            assertThat(statuses).containsExactly("sim/llama-3.2-3b-instruct@q4_k_m=completed",
                    "sim/qwen3-8b@q8_0=skipped", "sim/mistral-7b-instruct-v0.3@q5_k_m=skipped");
            assertThat(models.get(1).path("error").asText()).startsWith("skipped: not enough memory to load it");
            assertThat(o.out()).contains("skipped");
            assertThat(sim.loadedModels()).isEmpty();
        }
    }

    @Test
    void withNoServerRunningLmsStartsItAndLmsLsDiscoversTheModels() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path pidFile = dir.resolve("sim.pid");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        // a fake `lms`: `ls --json` prints the simulator's models in lms's shape, `server start` starts the simulator
        Path lms = dir.resolve("lms");
        Files.writeString(lms, """
                #!/bin/sh
                if [ "$1 $2" = "ls --json" ]; then
                  echo 'Waking up LM Studio service...'
                  echo '[{"type":"llm","modelKey":"sim/llama-3.2-3b-instruct@q4_k_m","sizeBytes":2019377696,\
                "paramsString":"3B","architecture":"llama","vision":false,"trainedForToolUse":true,\
                "maxContextLength":131072},{"type":"embedding","modelKey":"text-embedding-nomic","sizeBytes":84106624}]'
                  exit 0
                fi
                if [ "$1 $2 $3" = "server start --port" ]; then
                  nohup "%s" -jar "%s" sim --port "$4" >/dev/null 2>&1 &
                  echo $! > "%s"
                  exit 0
                fi
                exit 2
                """.formatted(javaBin, System.getProperty("lmsbench.jar"), pidFile));
        Files.setPosixFilePermissions(lms, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path user = Files.createDirectories(dir.resolve("user"));
        Files.writeString(user.resolve("defaults.json"),
                "{\"lmstudio\": {\"host\": \"127.0.0.1\", \"ports\": [" + port + "]}}");
        System.setProperty("lmsbench.user.config", user.toString());
        System.setProperty("lmsbench.lms", lms.toString());
        try {
            MainTest.Outcome o = run("viaLms");
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.err()).contains("starting LM Studio's server: " + lms + " server start --port " + port);
            assertThat(benchmarked("viaLms")).containsExactly("sim/llama-3.2-3b-instruct@q4_k_m");
            assertThat(Files.readString(dir.resolve("viaLms").resolve("lmsbench.log")))
                    .contains("discovered 2 models with " + lms + " ls --json");
        } finally {
            System.clearProperty("lmsbench.user.config");
            System.clearProperty("lmsbench.lms");
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroy);
            }
        }
    }
}
