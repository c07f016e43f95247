package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.sim.TestClient.Event;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each LM Studio quirk over real HTTP, on (as LM Studio really behaves, the default) and off (the polite simulator).
 * Every test starts its own simulators, since most quirks concern model state.
 */
class QuirksTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String V0_CHAT = "/api/v0/chat/completions";
    /** 12 tokens at 1000 tok/s, loads instantly. */
    private static final SimModel FAST = SimModel.of("sim/fast@q4_k_m", 5, 1_000, 12).withLoadMs(0);
    /** 8 tokens at 500 tok/s, loads instantly: distinguishable from FAST by speed and length. */
    private static final SimModel OTHER = SimModel.of("sim/other@q8_0", 5, 500, 8).withLoadMs(0);
    /** Loads in a second and takes 1 GB, so requests can arrive during its load. */
    private static final SimModel SLOW_LOAD = SimModel.of("sim/slow-load", 5, 1_000, 6).withLoadMs(1_000)
            .withMemoryBytes(1_000_000_000L);

    private static SimServer start(LmStudioQuirks quirks, SimModel... models) {
        return SimServer.start(SimConfig.defaults().withModels(List.of(models)).withQuirks(quirks));
    }

    private static SimServer start(LmStudioQuirks quirks) {
        return start(quirks, FAST, OTHER);
    }

    private static JsonNode finishChunk(TestClient.Stream stream) {
        List<Event> events = stream.events();
        for (Event event : events) {
            if (!event.done() && !event.json().path("choices").isEmpty()
                    && !event.json().at("/choices/0/finish_reason").isNull()) {
                return event.json();
            }
        }
        throw new AssertionError("no finish chunk in " + events);
    }

    // ---------------------------------------------------------------- defaults

    @Test
    void everyQuirkIsOnByDefaultAndTheirNamesAreTheConfigKeys() {
        assertThat(SimConfig.defaults().quirks()).isEqualTo(LmStudioQuirks.ALL);
        assertThat(LmStudioQuirks.ALL.asMap()).containsOnlyKeys(LmStudioQuirks.NAMES).doesNotContainValue(false);
        assertThat(LmStudioQuirks.NONE.asMap()).doesNotContainValue(true);
        LmStudioQuirks one = LmStudioQuirks.ALL.with("usage_off_by_one", false);
        assertThat(one.usageOffByOne()).isFalse();
        assertThat(one.enabled("usage_off_by_one")).isFalse();
        assertThat(one.asMap().values().stream().filter(on -> !on)).hasSize(1);
        assertThat(LmStudioQuirks.of(LmStudioQuirks.NONE, java.util.Map.of("no_v0_stream_stats", true)))
                .isEqualTo(LmStudioQuirks.NONE.with("no_v0_stream_stats", true));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> LmStudioQuirks.ALL.with("no_such_quirk", true)).withMessageContaining("no_such_quirk");
    }

    // ---------------------------------------------------------------- no_v0_stream_stats

    @Test
    void aStreamedV0AnswerCarriesNoStatsButModelInfoAndRuntimeWhileANonStreamedOneKeepsThem() {
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Stream stream = client.stream(V0_CHAT, TestClient.chat(FAST.id(), true, ""));

            JsonNode finish = finishChunk(stream);
            assertThat(finish.has("stats")).isFalse();
            assertThat(finish.path("model_info").path("format").asText()).isEqualTo("gguf");
            assertThat(finish.path("runtime").path("supported_formats")).isNotEmpty();
            assertThat(stream.events().stream().filter(e -> !e.done()).map(Event::json))
                    .noneMatch(json -> json.has("stats"));
            JsonNode whole = client.post(V0_CHAT, TestClient.chat(FAST.id(), false, "")).json();
            assertThat(whole.path("stats").path("tokens_per_second").asDouble()).isEqualTo(FAST.tokensPerSecond());
        }
        try (SimServer sim = start(LmStudioQuirks.ALL.with("no_v0_stream_stats", false));
                TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode finish = finishChunk(client.stream(V0_CHAT, TestClient.chat(FAST.id(), true, "")));
            assertThat(finish.path("stats").path("tokens_per_second").asDouble()).isEqualTo(FAST.tokensPerSecond());
        }
    }

    // ---------------------------------------------------------------- empty_openai_stats

    @Test
    void theOpenAiEndpointSendsAnEmptyStatsObjectOnlyUnderTheQuirk() {
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode body = client.post(CHAT, TestClient.chat(FAST.id(), false, "")).json();
            assertThat(body.get("stats")).isNotNull();
            assertThat(body.get("stats").isObject()).isTrue();
            assertThat(body.get("stats")).isEmpty();
            TestClient.Stream stream = client.stream(CHAT, TestClient.chat(FAST.id(), true, ""));
            JsonNode finish = finishChunk(stream);
            assertThat(finish.get("stats").isObject()).isTrue();
            assertThat(finish.get("stats")).isEmpty();
            assertThat(stream.tokens()).allSatisfy(e -> assertThat(e.json().has("stats")).isFalse());
            assertThat(finish.has("model_info")).as("only v0 has the native extras").isFalse();
        }
        try (SimServer sim = start(LmStudioQuirks.NONE); TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(client.post(CHAT, TestClient.chat(FAST.id(), false, "")).json().has("stats")).isFalse();
            assertThat(finishChunk(client.stream(CHAT, TestClient.chat(FAST.id(), true, ""))).has("stats")).isFalse();
        }
    }

    // ---------------------------------------------------------------- unknown_endpoint_200

    @Test
    void anUnknownPathAnswers200WithLmStudiosErrorStringWhileKnownEndpointsStayServed() {
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply get = client.get("/x");
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.contentType()).startsWith("application/json");
            assertThat(get.json().path("error").asText())
                    .isEqualTo("Unexpected endpoint or method. (GET /x). Returning 200 anyway");
            TestClient.Reply post = client.post("/v1/embeddings", "{\"model\":\"" + FAST.id() + "\",\"input\":\"hi\"}");
            assertThat(post.status()).isEqualTo(200);
            assertThat(post.json().path("error").asText())
                    .isEqualTo("Unexpected endpoint or method. (POST /v1/embeddings). Returning 200 anyway");
            TestClient.Reply delete = client.send(client.builder("/api/v1/nothing").DELETE().build());
            assertThat(delete.json().path("error").asText()).contains("(DELETE /api/v1/nothing)");

            assertThat(client.get(CHAT).status()).as("a wrong method on a known path").isEqualTo(405);
            assertThat(client.get("/api/version").json().path("version").asText()).as("Ollama's API").isNotBlank();
            TestClient.Reply lms = client.post(LmsEndpoints.UNLOAD, "{\"identifier\":\"nope\"}");
            assertThat(lms.status()).as("the simulator's lms endpoint").isEqualTo(404);
            assertThat(client.get("/v1/models").json().path("data")).hasSize(2);
        }
        try (SimServer sim = start(LmStudioQuirks.NONE); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply get = client.get("/x");
            assertThat(get.status()).isEqualTo(404);
            assertThat(get.json().at("/error/code").asText()).isEqualTo("unknown_url");
        }
    }

    // ---------------------------------------------------------------- jit_serves_loaded_model

    @Test
    void withOneExplicitlyLoadedModelARequestForAnotherIsAnsweredByTheLoadedOneOnEveryLmStudioChatEndpoint() {
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id() + "\"}").status())
                    .isEqualTo(200);

            JsonNode openAi = client.post(CHAT, TestClient.chat(OTHER.id(), false, "")).json();
            assertThat(openAi.path("model").asText()).isEqualTo(FAST.id());
            assertThat(openAi.at("/usage/completion_tokens").asInt()).as("FAST's answer length").isEqualTo(12);
            JsonNode v0 = client.post(V0_CHAT, TestClient.chat(OTHER.id(), false, "")).json();
            assertThat(v0.path("model").asText()).isEqualTo(FAST.id());
            assertThat(v0.path("stats").path("tokens_per_second").asDouble()).isEqualTo(FAST.tokensPerSecond());
            JsonNode v1 = client.post("/api/v1/chat", "{\"model\":\"" + OTHER.id() + "\",\"input\":\"Hi\"}").json();
            assertThat(v1.path("model_instance_id").asText()).isEqualTo(FAST.id());
            assertThat(v1.path("stats").path("tokens_per_second").asDouble()).isEqualTo(FAST.tokensPerSecond());

            assertThat(sim.loadedModels()).extracting(LoadedModel::instanceId).containsExactly(FAST.id());
            assertThat(sim.sendLog()).hasSize(3).allSatisfy(entry -> {
                assertThat(entry.model()).isEqualTo(OTHER.id());
                assertThat(entry.answeredBy()).isEqualTo(FAST.id());
                assertThat(entry.instanceId()).isEqualTo(FAST.id());
                long[] at = entry.scheduledNanos();
                // FAST's speed: 1 ms a token
                assertThat(at[1] - at[0]).isEqualTo(1_000_000L);
            });
            JsonNode own = client.post(CHAT, TestClient.chat(FAST.id(), false, "")).json();
            assertThat(own.path("model").asText()).isEqualTo(FAST.id());
        }
    }

    @Test
    void aModelLoadedJustInTimeOrTheQuirkOffLoadsTheRequestedModelInstead() {
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            client.post(CHAT, TestClient.chat(FAST.id(), false, ""));

            JsonNode answer = client.post(CHAT, TestClient.chat(OTHER.id(), false, "")).json();

            assertThat(answer.path("model").asText()).as("JIT + Auto-Evict load the requested model")
                    .isEqualTo(OTHER.id());
            assertThat(sim.loadedModels()).extracting(LoadedModel::modelId).containsExactly(OTHER.id());
            assertThat(sim.sendLog().getLast().answeredBy()).isEqualTo(OTHER.id());
        }
        try (SimServer sim = start(LmStudioQuirks.NONE); TestClient client = new TestClient(sim.baseUrl())) {
            client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id() + "\"}");

            JsonNode answer = client.post(CHAT, TestClient.chat(OTHER.id(), false, "")).json();

            assertThat(answer.path("model").asText()).isEqualTo(OTHER.id());
            assertThat(answer.at("/usage/completion_tokens").asInt()).isEqualTo(8);
            assertThat(sim.loadedModels()).extracting(LoadedModel::modelId).containsExactly(FAST.id(), OTHER.id());
        }
    }

    // ---------------------------------------------------------------- duplicate_jit_instances

    /** Sends a chat request for SLOW_LOAD once its first instance is loading, i.e. during the first load. */
    private static void twoRequestsDuringOneLoad(SimServer sim, TestClient client) throws Exception {
        CompletableFuture<HttpResponse<String>> first = client.http().sendAsync(
                client.chatRequest(CHAT, TestClient.chat(SLOW_LOAD.id(), false, "")),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sim.loadedModels().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(sim.loadedModels()).singleElement().satisfies(m -> assertThat(m.loading()).isTrue());
        TestClient.Reply second = client.post(CHAT, TestClient.chat(SLOW_LOAD.id(), false, ""));
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(second.status()).as(second.body()).isEqualTo(200);
    }

    @Test
    void aRequestDuringAJitLoadStartsAnotherInstanceWithItsOwnLoadTimeAndMemory() throws Exception {
        try (SimServer sim = start(LmStudioQuirks.ALL, SLOW_LOAD); TestClient client = new TestClient(sim.baseUrl())) {
            twoRequestsDuringOneLoad(sim, client);

            assertThat(sim.loadedModels()).extracting(LoadedModel::instanceId)
                    .containsExactly(SLOW_LOAD.id(), SLOW_LOAD.id() + ":2");
            assertThat(sim.memoryUsedBytes()).isEqualTo(2_000_000_000L);
            assertThat(sim.awaitLogged(2, Duration.ofSeconds(5))).isTrue();
            assertThat(sim.sendLog()).extracting(SendLogEntry::instanceId)
                    .containsExactlyInAnyOrder(SLOW_LOAD.id(), SLOW_LOAD.id() + ":2");
            assertThat(sim.sendLog()).allSatisfy(entry -> assertThat(entry.modelLoadNanos())
                    .as("each request pays a whole load").isEqualTo(SLOW_LOAD.loadMs() * 1_000_000));
        }
        try (SimServer sim = start(LmStudioQuirks.NONE, SLOW_LOAD); TestClient client = new TestClient(sim.baseUrl())) {
            twoRequestsDuringOneLoad(sim, client);

            assertThat(sim.loadedModels()).extracting(LoadedModel::instanceId).containsExactly(SLOW_LOAD.id());
            assertThat(sim.awaitLogged(2, Duration.ofSeconds(5))).isTrue();
            assertThat(sim.sendLog()).extracting(SendLogEntry::instanceId).containsOnly(SLOW_LOAD.id());
            assertThat(sim.sendLog().stream().mapToLong(SendLogEntry::modelLoadNanos).min().orElseThrow())
                    .as("the second request waits for the running load").isLessThan(SLOW_LOAD.loadMs() * 1_000_000);
        }
    }

    @Test
    void aDuplicateInstanceThatDoesNotFitInMemoryIsRefused() throws Exception {
        SimConfig config = SimConfig.defaults().withModels(List.of(SLOW_LOAD)).withMemoryBytes(1_500_000_000L);
        try (SimServer sim = SimServer.start(config); TestClient client = new TestClient(sim.baseUrl())) {
            CompletableFuture<HttpResponse<String>> first = client.http().sendAsync(
                    client.chatRequest(CHAT, TestClient.chat(SLOW_LOAD.id(), false, "")),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sim.loadedModels().isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }

            TestClient.Reply second = client.post(CHAT, TestClient.chat(SLOW_LOAD.id(), false, ""));

            assertThat(second.status()).isEqualTo(400);
            assertThat(second.json().at("/error/code").asText()).isEqualTo("model_load_failed");
            assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(sim.loadedModels()).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- usage_off_by_one

    @Test
    void atTheMaxTokensLimitUsageCountsOneTokenLessThanWasStreamedOnOpenAiAndV0() throws InterruptedException {
        String limited = "\"max_tokens\":5,\"stream_options\":{\"include_usage\":true}";
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            for (String path : List.of(CHAT, V0_CHAT)) {
                TestClient.Stream stream = client.stream(path, TestClient.chat(FAST.id(), true, limited));
                assertThat(stream.tokens()).hasSize(5);
                JsonNode usage = stream.events().get(stream.events().size() - 2).json().path("usage");
                assertThat(usage.path("completion_tokens").asInt()).as(path).isEqualTo(4);
                assertThat(usage.path("total_tokens").asInt())
                        .isEqualTo(usage.path("prompt_tokens").asInt() + 4);

                JsonNode body = client.post(path, TestClient.chat(FAST.id(), false, "\"max_tokens\":5")).json();
                assertThat(body.at("/usage/completion_tokens").asInt()).as(path).isEqualTo(4);
                assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(body.at("/usage/prompt_tokens").asInt() + 4);
            }
            JsonNode natural = client.post(CHAT, TestClient.chat(FAST.id(), false, "\"max_tokens\":50")).json();
            assertThat(natural.at("/usage/completion_tokens").asInt()).as("a natural end counts right").isEqualTo(12);
            JsonNode v1 = client.post("/api/v1/chat", "{\"model\":\"" + FAST.id()
                    + "\",\"input\":\"Hi\",\"max_output_tokens\":5}").json();
            assertThat(v1.path("stats").path("total_output_tokens").asInt()).as("v1 stats stay right").isEqualTo(5);
            assertThat(sim.awaitLogged(6, Duration.ofSeconds(5))).isTrue();
            assertThat(sim.sendLog().subList(0, 4)).allSatisfy(entry -> {
                assertThat(entry.completionTokens()).as("the log keeps the truth").isEqualTo(5);
                assertThat(entry.finishReason()).isEqualTo("length");
            });
        }
        try (SimServer sim = start(LmStudioQuirks.NONE); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Stream stream = client.stream(V0_CHAT, TestClient.chat(FAST.id(), true, limited));
            assertThat(stream.events().get(stream.events().size() - 2).json().at("/usage/completion_tokens").asInt())
                    .isEqualTo(5);
        }
    }

    // ---------------------------------------------------------------- stop_reason_variants

    @Test
    void aNaturalEndReadsStopForOddRequestNumbersAndEosFoundForEvenOnes() {
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            List<String> reasons = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                reasons.add(client.post(V0_CHAT, TestClient.chat(FAST.id(), false, "")).json()
                        .at("/stats/stop_reason").asText());
            }
            assertThat(sim.sendLog()).extracting(SendLogEntry::sequence).containsExactly(0L, 1L, 2L, 3L);
            assertThat(reasons).containsExactly("eosFound", "stop", "eosFound", "stop");
            assertThat(client.post(V0_CHAT, TestClient.chat(FAST.id(), false, "\"max_tokens\":3")).json()
                    .at("/stats/stop_reason").asText()).isEqualTo("maxPredictedTokensReached");
        }
        try (SimServer sim = start(LmStudioQuirks.NONE); TestClient client = new TestClient(sim.baseUrl())) {
            for (int i = 0; i < 2; i++) {
                assertThat(client.post(V0_CHAT, TestClient.chat(FAST.id(), false, "")).json()
                        .at("/stats/stop_reason").asText()).isEqualTo("eosFound");
            }
        }
    }

    // ---------------------------------------------------------------- no_models_loaded_404

    @Test
    void withJitOffAndNothingLoadedAChatAnswers404InTheShapeLmStudioSends() {
        SimConfig noJit = SimConfig.defaults().withModels(List.of(FAST, OTHER)).withJitLoading(false);
        try (SimServer sim = SimServer.start(noJit); TestClient client = new TestClient(sim.baseUrl())) {
            for (String path : List.of(CHAT, V0_CHAT)) {
                TestClient.Reply refused = client.post(path, TestClient.chat(FAST.id(), false, ""));
                assertThat(refused.status()).as(path).isEqualTo(404);
                assertThat(refused.json()).isEqualTo(TestClient.parse("{\"error\":{\"message\":\"No models loaded."
                        + " Please load a model in the developer page or use the 'lms load' command.\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":null}}"));
            }
            TestClient.Reply v1 = client.post("/api/v1/chat", "{\"model\":\"" + FAST.id() + "\",\"input\":\"Hi\"}");
            assertThat(v1.status()).isEqualTo(404);
            assertThat(v1.json().at("/error/message").asText()).startsWith("No models loaded.");
        }
        try (SimServer sim = SimServer.start(noJit.withQuirks(LmStudioQuirks.NONE));
                TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply refused = client.post(CHAT, TestClient.chat(FAST.id(), false, ""));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().at("/error/code").asText()).isEqualTo("model_not_loaded");
        }
    }

    // ---------------------------------------------------------------- model_is_unloaded_message

    @Test
    void theInjectedFaultReadsModelIsUnloadedAsLmStudioWritesItStill400InEachEndpointsShape() {
        SimModel flaky = FAST.withFailFirstRequestsWithModelUnloaded(3);
        try (SimServer sim = start(LmStudioQuirks.ALL, flaky); TestClient client = new TestClient(sim.baseUrl())) {
            for (String path : List.of(CHAT, V0_CHAT)) {
                TestClient.Reply fault = client.post(path, TestClient.chat(flaky.id(), false, ""));
                assertThat(fault.status()).isEqualTo(400);
                assertThat(fault.json().at("/error/message").asText()).isEqualTo("Model is unloaded.");
                assertThat(fault.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
            }
            TestClient.Reply v1 = client.post("/api/v1/chat", "{\"model\":\"" + flaky.id() + "\",\"input\":\"Hi\"}");
            assertThat(v1.status()).isEqualTo(400);
            assertThat(v1.json().at("/error/message").asText()).isEqualTo("Model is unloaded.");
            assertThat(v1.json().at("/error/type").asText()).isEqualTo("invalid_request");
        }
        try (SimServer sim = start(LmStudioQuirks.NONE, flaky); TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(client.post(CHAT, TestClient.chat(flaky.id(), false, "")).json().at("/error/message").asText())
                    .isEqualTo("Model unloaded.");
        }
    }

    // ---------------------------------------------------------------- load_rejects_unknown_fields

    @Test
    void theRestLoadRejectsTheFirstUndocumentedKeyWhileThePoliteSimTakesParallel() {
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply refused = client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id()
                    + "\",\"parallel\":2,\"ttl\":60}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json()).isEqualTo(TestClient.parse("{\"error\":{\"type\":\"invalid_request\","
                    + "\"message\":\"Unrecognized key(s) in object: 'parallel'\",\"code\":\"unrecognized_keys\","
                    + "\"param\":\"parallel\"}}"));
            TestClient.Reply nested = client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id()
                    + "\",\"config\":{\"context_length\":2048,\"gpu\":0.5}}");
            assertThat(nested.json().at("/error/param").asText()).isEqualTo("gpu");
            assertThat(sim.loadedModels()).isEmpty();

            TestClient.Reply documented = client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id()
                    + "\",\"context_length\":2048,\"eval_batch_size\":256,\"flash_attention\":true,\"num_experts\":2,"
                    + "\"offload_kv_cache_to_gpu\":true,\"echo_load_config\":true}");
            assertThat(documented.status()).as(documented.body()).isEqualTo(200);
            assertThat(documented.json().at("/load_config/parallel").asInt()).isEqualTo(SimConfig.DEFAULT_PARALLEL);
            assertThat(sim.loadedModels()).singleElement().satisfies(m -> assertThat(m.parallel()).isEqualTo(4));
        }
        try (SimServer sim = start(LmStudioQuirks.NONE); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply loaded = client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id()
                    + "\",\"parallel\":2}");
            assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);
            assertThat(sim.loadedModels()).singleElement().satisfies(m -> assertThat(m.parallel()).isEqualTo(2));
            JsonNode listed = client.get("/api/v1/models").json().path("models").get(0);
            assertThat(listed.at("/loaded_instances/0/config/parallel").asInt()).isEqualTo(2);
            assertThat(client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id() + "\",\"parallel\":0}")
                    .status()).isEqualTo(400);
        }
    }
}
