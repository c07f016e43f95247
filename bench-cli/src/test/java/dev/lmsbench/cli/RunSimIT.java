package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.spi.StoredResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lmsbench run --sim} end to end, in process. */
class RunSimIT {

    @TempDir
    Path dir;

    @Test
    void aSimulatedRunWritesEveryReportAndARowPerModelToTheDatabase() throws Exception {
        Path out = dir.resolve("out");
        Path db = dir.resolve("cache.db");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--runs", "3", "--output-dir", out.toString(),
                "--db", db.toString(), "--max-tokens", "24");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(out.resolve("results.json")).isRegularFile();
        assertThat(out.resolve("summary.csv")).isRegularFile();
        assertThat(out.resolve("requests.csv")).isRegularFile();
        assertThat(out.resolve("lmsbench.log")).isRegularFile();

        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(json.path("schema_version").asInt()).isEqualTo(dev.lmsbench.report.ReportWriters.SCHEMA_VERSION).isEqualTo(6);
        assertThat(json.path("run").path("status").asText()).isEqualTo("completed");
        int models = json.path("models").size();
        assertThat(models).isGreaterThanOrEqualTo(3);

        try (SqliteResultStore store = SqliteResultStore.open(db)) {
            List<StoredResult> rows = store.list();
            assertThat(rows).hasSize(models);
            assertThat(rows).allSatisfy(r -> assertThat(r.summary().successCount()).isEqualTo(3));
        }
        // progress with ETA on stderr (plain lines: not a terminal), and the final table on stdout
        assertThat(o.err()).contains("[1/" + models + "]").contains("run 3/3").contains("ETA");
        assertThat(o.out()).contains("Decode tok/s (mean ± sd)").contains("completed");
        List<String> requests = Files.readAllLines(out.resolve("requests.csv"));
        // per model: 1 warmup + 3 x (stream + nonstream)
        assertThat(requests).hasSize(1 + models * 7);
        assertThat(requests.get(0)).startsWith("model,");
    }

    @Test
    void withParallelRequestsTheSystemThroughputIsShownBesideThePerRequestFigures() throws Exception {
        Path out = dir.resolve("par");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-tokens-per-second", "100", "--sim-ttft-ms", "5",
                "--n-parallel", "4", "--runs", "2", "--warmup", "0", "--stream-only", "--max-tokens", "40",
                "--limit", "1", "--output-dir", out.toString(), "--db", dir.resolve("cache.db").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("System tok/s").contains("Req/s").contains("8/8 ok");
        JsonNode model = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("models").get(0);
        double perRequest = model.path("distributions").path("completion_toks_per_s").path("mean").asDouble();
        double system = model.path("system_output_toks_per_s").asDouble();
        // four streams at the simulator's 100 tok/s each: the system delivers about four times one request's rate
        assertThat(perRequest).isBetween(70.0, 110.0);
        assertThat(system / perRequest).isBetween(3.0, 4.4);
        assertThat(model.path("system_requests_per_s").asDouble()).isPositive();
    }

    @Test
    void simLoadMsSetsHowLongEverySimulatedModelTakesToLoad() throws Exception {
        for (long ms : new long[] {0, 700}) {
            Path out = dir.resolve("load-" + ms);
            MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-load-ms", Long.toString(ms), "--runs", "1",
                    "--warmup", "0", "--stream-only", "--max-tokens", "4", "--output-dir", out.toString(),
                    "--db", dir.resolve("cache.db").toString(), "--retest");
            assertThat(o.code()).as(o.err()).isZero();
            JsonNode models = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("models");
            assertThat(models).hasSize(3);
            for (JsonNode m : models) {
                // measured from the client: the simulator's own wait plus a few ms of HTTP on loopback
                assertThat(m.path("load_time_s").asDouble()).as(m.path("model").path("id").asText())
                        .isBetween(ms / 1000.0, ms / 1000.0 + 0.25);
            }
        }
        assertThat(MainTest.run("run", "--sim", "--sim-load-ms", "-1", "--output-dir", dir.toString()).err())
                .contains("--sim-load-ms must be between 0 and 600000, got -1");
    }

    @Test
    void listCacheAndExportCacheShowWhatARunStored() throws Exception {
        Path db = dir.resolve("cache.db");
        MainTest.Outcome first = MainTest.run("run", "--sim", "--runs", "1", "--warmup", "0", "--stream-only",
                "--max-tokens", "8", "--limit", "2", "--output-dir", dir.resolve("o").toString(), "--db",
                db.toString());
        assertThat(first.code()).as(first.err()).isZero();

        MainTest.Outcome list = MainTest.run("run", "--list-cache", "--db", db.toString());
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("2 stored results").contains("sim/");

        Path export = dir.resolve("export.json");
        MainTest.Outcome exp = MainTest.run("run", "--export-cache", export.toString(), "--db", db.toString());
        assertThat(exp.code()).as(exp.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(export.toFile());
        assertThat(json.path("results").size()).isEqualTo(2);
    }

    @Test
    void aServerThatSendsNoUsageYieldsResultsMarkedEstimated() throws Exception {
        Path config = dir.resolve("sim.json");
        Files.writeString(config, """
                {"models": [{"id": "sim/no-usage-model@q4_k_m", "tokens_per_second": 200, "ttft_ms": 20,
                             "response_tokens": 16, "sends_usage": false}]}
                """);
        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-config", config.toString(), "--runs", "2",
                "--output-dir", out.toString(), "--db", dir.resolve("c.db").toString());
        assertThat(o.code()).as(o.err()).isZero();
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        int col = List.of(summary.get(0).split(",")).indexOf("tokens_estimated");
        assertThat(col).isNotNegative();
        assertThat(summary.get(1).split(",")[col]).isEqualTo("true");
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(json.path("models").get(0).path("tokens_estimated").asBoolean()).isTrue();
        assertThat(json.path("models").get(0).path("token_count_source").asText()).isEqualTo("estimate");
        assertThat(o.out()).contains("token counts estimated");
    }

    /** 4 tokens by the sim's rule and by a Whitespace pre-tokenizer (alpha, beta, the comma, gamma); estimate 5. */
    private static final String COUNTED_PROMPT = "alpha beta, gamma";

    private Path noUsageSim(boolean tokenizeEndpoint) throws Exception {
        Path config = dir.resolve("sim.json");
        Files.writeString(config, """
                {"tokenize_endpoint": %s,
                 "models": [{"id": "sim/no-usage-model@q4_k_m", "tokens_per_second": 400, "ttft_ms": 10,
                             "response_tokens": 16, "sends_usage": false}]}
                """.formatted(tokenizeEndpoint));
        return config;
    }

    /** Every request of the run: counted exactly (each of the sim's 16 pieces is one token), from {@code source}. */
    private static void assertCountedBy(Path out, String source) throws Exception {
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(json.path("requests")).isNotEmpty().allSatisfy(r -> {
            assertThat(r.path("token_count_source").asText()).isEqualTo(source);
            assertThat(r.path("tokens_estimated").asBoolean()).isFalse();
            assertThat(r.path("prompt_tokens").asInt()).isEqualTo(4);
            assertThat(r.path("completion_tokens").asInt()).isEqualTo(16);
        });
        assertThat(json.path("models").get(0).path("token_count_source").asText()).isEqualTo(source);
        assertThat(json.path("models").get(0).path("tokens_estimated").asBoolean()).isFalse();
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        int col = List.of(summary.get(0).split(",")).indexOf("token_count_source");
        assertThat(summary.get(1).split(",")[col]).isEqualTo(source);
        List<String> requests = Files.readAllLines(out.resolve("requests.csv"));
        int rcol = List.of(requests.get(0).split(",")).indexOf("token_count_source");
        assertThat(requests.subList(1, requests.size())).allSatisfy(
                line -> assertThat(line.split(",")[rcol]).isEqualTo(source));
    }

    @Test
    void aServerWithoutUsageButWithATokenizeEndpointGetsExactCountsFromIt() throws Exception {
        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-config", noUsageSim(true).toString(),
                "--backend", "openai", "--runs", "2", "--prompt", COUNTED_PROMPT, "--prompt-cache", "reuse",
                "--output-dir", out.toString(), "--db", dir.resolve("c.db").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertCountedBy(out, "server_tokenizer");
        try (SqliteResultStore store = SqliteResultStore.open(dir.resolve("c.db"))) {
            StoredResult stored = store.list().getFirst();
            assertThat(stored.summary().tokens().source().label()).isEqualTo("server_tokenizer");
        }
    }

    @Test
    void aServerWithoutUsageNorTokenizeEndpointGetsExactCountsFromTheTokenizerFile() throws Exception {
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                 "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null,
                 "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "alpha": 1}, "unk_token": "[UNK]"}}
                """);
        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-config", noUsageSim(false).toString(),
                "--backend", "openai", "--tokenizer", tokenizer.toString(), "--runs", "2", "--prompt",
                COUNTED_PROMPT, "--prompt-cache", "reuse", "--output-dir", out.toString(), "--db",
                dir.resolve("c.db").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertCountedBy(out, "tokenizer_json");
    }

    @Test
    void aServerThatWantsATokenGetsItFromApiTokenAndWithoutOneTheErrorSaysSo() throws Exception {
        try (dev.lmsbench.sim.SimServer sim = dev.lmsbench.sim.SimServer.start(dev.lmsbench.sim.SimConfig.defaults()
                .withApiToken("s3cret").withTokensPerSecond(500).withTtftMs(5))) {
            MainTest.Outcome denied = MainTest.run("run", "--base-url", sim.baseUrl(), "--output-dir",
                    dir.resolve("a").toString(), "--db", dir.resolve("c.db").toString());
            assertThat(denied.code()).isEqualTo(1);
            assertThat(denied.err().strip()).contains("401").contains("--api-token").doesNotContain("\n");

            MainTest.Outcome ok = MainTest.run("run", "--base-url", sim.baseUrl(), "--api-token", "s3cret",
                    "--runs", "1", "--limit", "1", "--stream-only", "--max-tokens", "8", "--output-dir",
                    dir.resolve("b").toString(), "--db", dir.resolve("c.db").toString());
            assertThat(ok.code()).as(ok.err()).isZero();
        }
    }
}
