package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.sim.FakeLms;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import dev.lmsbench.sim.SimServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code lmsbench run} against LM Studio as it really is: the simulator's default quirks profile (no stats in
 * streamed v0 answers, the loaded model answering for any name, usage off by one at the limit), a fake {@code lms}
 * for the settings LM Studio's REST load cannot set, and speculative decoding. See docs/servers.md, "LM Studio as it
 * really is".
 */
class LmStudioRealityIT {

    private static final String SMALL = "sim/llama-3.2-3b-instruct@q4_k_m";
    private static final String OTHER = "sim/mistral-7b-instruct-v0.3@q5_k_m";

    @TempDir
    Path dir;

    private MainTest.Outcome run(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--runs", "2", "--warmup", "0", "--max-tokens", "8",
                "--output-dir", dir.resolve(out).toString()));
        if (!List.of(extra).contains("--db")) {
            args.addAll(List.of("--db", dir.resolve(out + ".db").toString()));
        }
        args.addAll(List.of(extra));
        return MainTest.run(args.toArray(String[]::new));
    }

    private JsonNode results(String out) throws Exception {
        return new ObjectMapper().readTree(dir.resolve(out).resolve("results.json").toFile());
    }

    private static SimConfig fast() {
        return SimConfig.defaults().withTokensPerSecond(500).withTtftMs(5);
    }

    @Test
    void aStreamedRunReportsNoServerStatsItDidNotGetAndTheNonStreamedOnesKeepTheirs() throws Exception {
        MainTest.Outcome done = run("s", "--sim", "--sim-tokens-per-second", "500", "--sim-ttft-ms", "5", "--limit",
                "1");
        assertThat(done.code()).as(done.err()).isZero();
        JsonNode json = results("s");
        int streamed = 0;
        int nonStreamed = 0;
        for (JsonNode r : json.path("requests")) {
            if (r.path("run_mode").asText().equals("stream")) {
                streamed++;
                assertThat(r.path("server_stats").isNull()).as("streamed v0 answers carry no stats: %s", r).isTrue();
            } else {
                nonStreamed++;
                assertThat(r.path("server_stats").path("source").asText()).isEqualTo("lmstudio.api.v0.stats");
            }
        }
        assertThat(streamed).isEqualTo(2);
        assertThat(nonStreamed).isEqualTo(2);
        // the model's server distributions come from streamed requests only: none
        assertThat(json.path("models").get(0).path("server_distributions").path("tokens_per_second").path("count")
                .asInt()).isZero();
    }

    @Test
    void lmStudiosOffByOneAtTheLimitIsCorrectedAndLabelled() throws Exception {
        MainTest.Outcome done = run("o", "--sim", "--sim-tokens-per-second", "500", "--sim-ttft-ms", "5", "--limit",
                "1");
        assertThat(done.code()).as(done.err()).isZero();
        JsonNode json = results("o");
        for (JsonNode r : json.path("requests")) {
            // the simulator streams 8 tokens and reports 7 (LM Studio's #2335); 8 is recorded
            assertThat(r.path("finish_reason").asText()).isEqualTo("length");
            assertThat(r.path("completion_tokens").asInt()).as("%s", r).isEqualTo(8);
            assertThat(r.path("usage_check").path("verdict").asText()).isEqualTo("corrected_off_by_one");
            assertThat(r.path("usage_check").path("reported_completion_tokens").asInt()).isEqualTo(7);
            JsonNode chunks = r.path("usage_check").path("streamed_chunks");
            if (r.path("run_mode").asText().equals("stream")) {
                assertThat(chunks.asInt()).isEqualTo(8);
            } else {
                assertThat(chunks.isNull()).as("a non-streamed answer has no chunks to count").isTrue();
            }
        }
        JsonNode model = json.path("models").get(0);
        assertThat(model.path("tokens").path("completion").asInt()).isEqualTo(4 * 8);
        assertThat(done.err() + done.out()).contains("off-by-one");
    }

    @Test
    void withOneModelLoadedAndJitOnBenchmarkingAnotherModelIsATypedWrongModelErrorNotAResult() throws Exception {
        try (SimServer sim = SimServer.start(fast())) {
            // the user loaded one model (lms load, the app): LM Studio then answers any model name with it
            HttpResponse<String> loaded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(sim.baseUrl() + "/api/v1/models/load"))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + SMALL + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);

            MainTest.Outcome done = run("w", "--base-url", sim.baseUrl(), "--backend", "openai", "--model", OTHER);

            assertThat(done.code()).as(done.err()).isEqualTo(ExitCodes.FAILURE);
            JsonNode json = results("w");
            JsonNode model = json.path("models").get(0);
            assertThat(model.path("status").asText()).isEqualTo("failed");
            assertThat(model.path("error_type").asText()).isEqualTo("wrong_model");
            assertThat(model.path("success_count").asInt()).isZero();
            for (JsonNode r : json.path("requests")) {
                assertThat(r.path("ok").asBoolean()).isFalse();
                assertThat(r.path("error_type").asText()).isEqualTo("wrong_model");
                assertThat(r.path("error").asText()).contains(OTHER).contains(SMALL);
            }
            // the mistaken answers were the loaded model's: the simulator's log says who answered
            assertThat(sim.sendLog()).isNotEmpty().allSatisfy(e -> assertThat(e.answeredBy()).isEqualTo(SMALL));
        }
    }

    @Test
    void nParallelFourLoadsThroughLmsWithFourSlotsAndReadsThemBack() throws Exception {
        try (SimServer sim = SimServer.start(fast())) {
            FakeLms lms = FakeLms.create(dir.resolve("lms"));
            int port = URI.create(sim.baseUrl()).getPort();
            System.setProperty("lmsbench.lms", lms.executable().toString());
            MainTest.Outcome done;
            try {
                done = run("p", "--base-url", sim.baseUrl(), "--model", SMALL, "--n-parallel", "4", "--ttl", "600",
                        "--gpu-offload", "max", "--stream-only");
            } finally {
                System.clearProperty("lmsbench.lms");
            }
            assertThat(done.code()).as(done.err()).isZero();
            assertThat(lms.calls()).contains("load " + SMALL + " --yes --context-length 4096 --gpu max --ttl 600"
                    + " --parallel 4 --port " + port);
            JsonNode model = results("p").path("models").get(0);
            assertThat(model.path("load").path("method").asText()).isEqualTo("lms");
            assertThat(model.path("load").path("parallel").asInt()).isEqualTo(4);
            assertThat(model.path("load").path("context_length").asInt()).isEqualTo(4096);
            assertThat(model.path("par").asInt()).isEqualTo(4);
            // 4 requests in flight on 4 slots: none waited for a slot
            assertThat(sim.sendLog()).hasSize(8).allSatisfy(e -> assertThat(e.queueNanos()).isZero());
            assertThat(sim.loadedModels()).as("lmsbench unloads what it loaded").isEmpty();
        }
    }

    @Test
    void draftModelReportsTheAcceptanceRateTheSimulatorWasConfiguredWith() throws Exception {
        List<SimModel> models = new ArrayList<>();
        for (SimModel m : fast().models()) {
            models.add(m.id().equals(SMALL) ? m.withDraftAcceptanceRate(0.6) : m);
        }
        try (SimServer sim = SimServer.start(fast().withModels(models))) {
            MainTest.Outcome done = run("d", "--base-url", sim.baseUrl(), "--model", SMALL, "--draft-model", OTHER,
                    "--max-tokens", "41");
            assertThat(done.code()).as(done.err()).isZero();
            JsonNode json = results("d");
            int withDraft = 0;
            for (JsonNode r : json.path("requests")) {
                JsonNode draft = r.path("server_stats").path("draft");
                if (draft.isObject()) {
                    withDraft++;
                    assertThat(draft.path("draft_model").asText()).isEqualTo(OTHER);
                    // 41 tokens: 40 drafted, round(40 x 0.6) = 24 accepted
                    assertThat(draft.path("total_tokens").asInt()).isEqualTo(40);
                    assertThat(draft.path("accepted_tokens").asInt()).isEqualTo(24);
                }
            }
            // streamed v0 answers carry no stats: the non-streamed ones report the draft figures
            assertThat(withDraft).isEqualTo(2);
            JsonNode model = json.path("models").get(0);
            assertThat(model.path("draft_acceptance").path("p50").asDouble()).isCloseTo(0.6, within(1e-9));
            assertThat(json.path("run").path("settings").path("draft_model").asText()).isEqualTo(OTHER);
            assertThat(done.out()).contains("Draft acc.").contains("60");
        }
    }

    @Test
    void throughLmStudiosV1ChatStreamedRequestsCarryItsStatsAndThePromptTimeAndAreAnotherIdentity() throws Exception {
        String db = dir.resolve("v1.db").toString();
        String[] sim = {"--sim", "--sim-tokens-per-second", "500", "--sim-ttft-ms", "50", "--limit", "1",
                "--stream-only", "--db", db};
        MainTest.Outcome v1 = run("v1", concat(sim, "--lmstudio-chat", "v1"));
        assertThat(v1.code()).as(v1.err()).isZero();
        JsonNode json = results("v1");
        assertThat(json.path("requests")).hasSize(2).allSatisfy(r -> {
            assertThat(r.path("server_stats").path("source").asText()).isEqualTo("lmstudio.api.v1.chat.stats");
            assertThat(r.path("server_stats").path("time_to_first_token_s").asDouble()).isEqualTo(0.050, within(1e-9));
            // the client-seen interval from prompt_processing.start to .end: within the request's own TTFT
            assertThat(r.path("server_stats").path("prompt_s").asDouble()).isPositive()
                    .isLessThanOrEqualTo(r.path("ttft_s").asDouble());
        });
        assertThat(json.path("models").get(0).path("server_distributions").path("tokens_per_second")
                .path("count").asInt()).isEqualTo(2);
        // measured through /api/v0 the figures beside the client's differ: not taken from the v1 result
        MainTest.Outcome v0 = run("v0", sim);
        assertThat(v0.code()).as(v0.err()).isZero();
        assertThat(v0.err()).doesNotContain("[cached]");
        assertThat(results("v0").path("requests").get(0).path("server_stats").isNull()).isTrue();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aDraftModelIsRefusedWhereTheServerCannotTakeOne() {
        MainTest.Outcome done = run("x", "--sim", "--backend", "openai", "--draft-model", OTHER, "--limit", "1");
        assertThat(done.code()).as(done.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(done.err()).contains("--draft-model").contains("LM Studio's native API");
    }
}
