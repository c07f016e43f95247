package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.sim.TestClient.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LM Studio's native endpoints over real HTTP: the shapes of https://lmstudio.ai/docs/developer/rest/... and the
 * stats they report, checked against the configured truth. Each test starts its own simulator, since loads change
 * state.
 */
class NativeApiTest {

    /** Loads in 150 ms, answers 12 tokens fast; 3B, trained for tool use. */
    private static final SimModel FAST = new SimModel("sim/fast@q4_k_m", "llm", "lmstudio-community", "llama",
            "Q4_K_M", 1_000_000_000L, 8_192, 5, 1_000, 0, 0, 0, 12, true)
            .withNativeMetadata("gguf", "3B", false, true).withLoadMs(150);
    /** A vision model on MLX that loads instantly. */
    private static final SimModel EYE = new SimModel("sim/eye", "vlm", "mlx-community", "qwen2_vl", "4bit",
            2_000_000_000L, 32_768, 5, 1_000, 2_000, 0, 0, 10, true)
            .withNativeMetadata("mlx", "7B", true, false).withLoadMs(0);
    /** 6 reasoning tokens then 14 content tokens; loads in 100 ms. */
    private static final SimModel THINKER = SimModel.of("sim/thinker@q8_0", 5, 1_000, 20).withTokens(6, 20)
            .withLoadMs(100);

    private static SimServer start() {
        return SimServer.start(SimConfig.defaults().withModels(List.of(FAST, EYE, THINKER)));
    }

    private static String v0Chat(String model, boolean stream, String extra) {
        return TestClient.chat(model, stream, extra);
    }

    private static JsonNode model(JsonNode list, String arrayField, String idField, String id) {
        for (JsonNode m : list.path(arrayField)) {
            if (m.path(idField).asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError(id + " not in " + list);
    }

    // ---------------------------------------------------------------- v0

    @Test
    void v0ListsEveryModelWithTheDocumentedFieldsAndItsLoadState() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode list = client.get("/api/v0/models").json();

            assertThat(list.path("object").asText()).isEqualTo("list");
            assertThat(list.path("data")).hasSize(3);
            JsonNode eye = model(list, "data", "id", EYE.id());
            assertThat(eye.path("object").asText()).isEqualTo("model");
            assertThat(eye.path("type").asText()).isEqualTo("vlm");
            assertThat(eye.path("publisher").asText()).isEqualTo("mlx-community");
            assertThat(eye.path("arch").asText()).isEqualTo("qwen2_vl");
            assertThat(eye.path("compatibility_type").asText()).isEqualTo("mlx");
            assertThat(eye.path("quantization").asText()).isEqualTo("4bit");
            assertThat(eye.path("state").asText()).isEqualTo("not-loaded");
            assertThat(eye.path("max_context_length").asInt()).isEqualTo(32_768);
            assertThat(eye.has("loaded_context_length")).isFalse();

            assertThat(client.post("/v1/chat/completions", v0Chat(EYE.id(), false, "")).status()).isEqualTo(200);

            JsonNode one = client.get("/api/v0/models/" + EYE.id()).json();
            assertThat(one.path("id").asText()).isEqualTo(EYE.id());
            assertThat(one.path("state").asText()).isEqualTo("loaded");
            assertThat(one.path("loaded_context_length").asInt()).isEqualTo(SimModel.DEFAULT_LOAD_CONTEXT_LENGTH);
            assertThat(client.get("/api/v0/models/sim/nope").status()).isEqualTo(404);
        }
    }

    @Test
    void v0ChatCompletionAddsStatsModelInfoAndRuntimeThatEqualTheConfiguredTruth() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply reply = client.post("/api/v0/chat/completions", v0Chat(EYE.id(), false, ""));

            assertThat(reply.status()).isEqualTo(200);
            JsonNode body = reply.json();
            assertThat(body.path("object").asText()).isEqualTo("chat.completion");
            int prompt = body.path("usage").path("prompt_tokens").asInt();
            JsonNode stats = body.path("stats");
            assertThat(stats.path("tokens_per_second").asDouble()).isEqualTo(EYE.tokensPerSecond());
            assertThat(stats.path("time_to_first_token").asDouble()).isEqualTo(EYE.ttftMs(prompt) / 1000.0);
            assertThat(stats.path("generation_time").asDouble()).isEqualTo(10 / EYE.tokensPerSecond());
            assertThat(stats.path("stop_reason").asText()).isEqualTo("eosFound");
            JsonNode info = body.path("model_info");
            assertThat(info.path("arch").asText()).isEqualTo("qwen2_vl");
            assertThat(info.path("quant").asText()).isEqualTo("4bit");
            assertThat(info.path("format").asText()).isEqualTo("mlx");
            assertThat(info.path("context_length").asInt()).isEqualTo(SimModel.DEFAULT_LOAD_CONTEXT_LENGTH);
            JsonNode runtime = body.path("runtime");
            assertThat(runtime.path("name").asText()).isNotBlank();
            assertThat(runtime.path("version").asText()).isNotBlank();
            assertThat(runtime.path("supported_formats")).extracting(JsonNode::asText).containsExactly("mlx");
            // the log's schedule agrees with the reported TTFT
            SendLogEntry entry = sim.sendLog().getLast();
            assertThat((entry.scheduledTtftNanos() - entry.modelLoadNanos()) / 1e9)
                    .isCloseTo(stats.path("time_to_first_token").asDouble(), within(1e-6));

            JsonNode cut = client.post("/api/v0/chat/completions", v0Chat(EYE.id(), false, "\"max_tokens\":3"))
                    .json();
            assertThat(cut.path("stats").path("stop_reason").asText()).isEqualTo("maxPredictedTokensReached");
            assertThat(cut.path("stats").path("generation_time").asDouble()).isEqualTo(3 / EYE.tokensPerSecond());
        }
    }

    @Test
    void v0StreamCarriesTheStatsOnTheFinishChunk() {
        // polite: LM Studio streams no stats on v0 (no_v0_stream_stats, QuirksTest)
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(FAST, EYE, THINKER))
                .withQuirks(LmStudioQuirks.NONE)); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Stream stream = client.stream("/api/v0/chat/completions", v0Chat(FAST.id(), true, ""));

            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.tokens()).hasSize(12);
            List<Event> events = stream.events();
            assertThat(events.getLast().done()).isTrue();
            JsonNode finish = events.get(events.size() - 2).json();
            assertThat(finish.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
            assertThat(finish.path("stats").path("tokens_per_second").asDouble()).isEqualTo(FAST.tokensPerSecond());
            assertThat(finish.path("model_info").path("format").asText()).isEqualTo("gguf");
            assertThat(finish.path("runtime").path("supported_formats").get(0).asText()).isEqualTo("gguf");
            assertThat(stream.tokens()).allSatisfy(e -> assertThat(e.json().has("stats")).isFalse());
        }
    }

    // ---------------------------------------------------------------- v1 models, load, unload

    @Test
    void v1ListsModelsWithCapabilitiesQuantizationAndLoadedInstances() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode fast = model(client.get("/api/v1/models").json(), "models", "key", FAST.id());

            assertThat(fast.path("type").asText()).isEqualTo("llm");
            assertThat(fast.path("publisher").asText()).isEqualTo("lmstudio-community");
            assertThat(fast.path("display_name").asText()).isEqualTo("Fast");
            assertThat(fast.path("architecture").asText()).isEqualTo("llama");
            assertThat(fast.path("quantization").path("name").asText()).isEqualTo("Q4_K_M");
            assertThat(fast.path("quantization").path("bits_per_weight").asInt()).isEqualTo(4);
            assertThat(fast.path("size_bytes").asLong()).isEqualTo(1_000_000_000L);
            assertThat(fast.path("params_string").asText()).isEqualTo("3B");
            assertThat(fast.path("max_context_length").asInt()).isEqualTo(8_192);
            assertThat(fast.path("format").asText()).isEqualTo("gguf");
            assertThat(fast.path("capabilities").path("vision").asBoolean()).isFalse();
            assertThat(fast.path("capabilities").path("trained_for_tool_use").asBoolean()).isTrue();
            assertThat(fast.path("loaded_instances")).isEmpty();
            JsonNode eye = model(client.get("/api/v1/models").json(), "models", "key", EYE.id());
            assertThat(eye.path("type").asText()).as("a v0 vlm is a v1 llm with vision").isEqualTo("llm");
            assertThat(eye.path("capabilities").path("vision").asBoolean()).isTrue();
            assertThat(eye.path("format").asText()).isEqualTo("mlx");

            client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id() + "\",\"context_length\":2048}");

            JsonNode instances = model(client.get("/api/v1/models").json(), "models", "key", FAST.id())
                    .path("loaded_instances");
            assertThat(instances).hasSize(1);
            assertThat(instances.get(0).path("id").asText()).isEqualTo(FAST.id());
            JsonNode config = instances.get(0).path("config");
            assertThat(config.path("context_length").asInt()).isEqualTo(2048);
            assertThat(config.path("eval_batch_size").asInt()).isEqualTo(LoadConfig.DEFAULT_EVAL_BATCH_SIZE);
            assertThat(config.has("flash_attention")).isTrue();
            assertThat(config.has("offload_kv_cache_to_gpu")).isTrue();
        }
    }

    @Test
    void loadAnswersAfterTheLoadTimeAndLoadAndUnloadChangeTheState() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply loaded = client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id()
                    + "\",\"context_length\":4096,\"flash_attention\":true,\"eval_batch_size\":256,"
                    + "\"offload_kv_cache_to_gpu\":false,\"echo_load_config\":true}");

            assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);
            assertThat(loaded.elapsedNanos()).isGreaterThanOrEqualTo(FAST.loadMs() * 1_000_000);
            JsonNode body = loaded.json();
            assertThat(body.path("type").asText()).isEqualTo("llm");
            assertThat(body.path("instance_id").asText()).isEqualTo(FAST.id());
            assertThat(body.path("load_time_seconds").asDouble()).isEqualTo(FAST.loadMs() / 1000.0);
            assertThat(body.path("status").asText()).isEqualTo("loaded");
            assertThat(body.path("load_config").path("context_length").asInt()).isEqualTo(4096);
            assertThat(body.path("load_config").path("eval_batch_size").asInt()).isEqualTo(256);
            assertThat(body.path("load_config").path("flash_attention").asBoolean()).isTrue();
            assertThat(body.path("load_config").path("offload_kv_cache_to_gpu").asBoolean()).isFalse();
            assertThat(sim.loadedModels()).singleElement().satisfies(m -> {
                assertThat(m.modelId()).isEqualTo(FAST.id());
                assertThat(m.config()).isEqualTo(new LoadConfig(4096, 256, true, false));
                assertThat(m.jit()).isFalse();
                assertThat(m.loading()).isFalse();
                assertThat(m.memoryBytes()).isEqualTo(FAST.memoryBytes(4096));
            });

            // a second load is a second instance, named as LM Studio names them
            JsonNode second = client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id() + "\"}").json();
            assertThat(second.path("instance_id").asText()).isEqualTo(FAST.id() + ":2");
            assertThat(second.has("load_config")).isFalse();
            assertThat(sim.memoryUsedBytes()).isEqualTo(FAST.memoryBytes(4096) + FAST.memoryBytes(4096));

            TestClient.Reply unloaded = client.post("/api/v1/models/unload", "{\"instance_id\":\"" + FAST.id() + "\"}");
            assertThat(unloaded.status()).isEqualTo(200);
            assertThat(unloaded.json().path("instance_id").asText()).isEqualTo(FAST.id());
            assertThat(sim.loadedModels()).extracting(LoadedModel::instanceId).containsExactly(FAST.id() + ":2");
            client.post("/api/v1/models/unload", "{\"instance_id\":\"" + FAST.id() + ":2\"}");
            assertThat(sim.loadedModels()).isEmpty();
            assertThat(sim.memoryUsedBytes()).isZero();

            TestClient.Reply unknown = client.post("/api/v1/models/unload", "{\"instance_id\":\"" + FAST.id() + "\"}");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("error").path("type").asText()).isEqualTo("model_not_found");
            TestClient.Reply missing = client.post("/api/v1/models/load", "{}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().path("error").path("param").asText()).isEqualTo("model");
            TestClient.Reply tooLong = client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id()
                    + "\",\"context_length\":100000}");
            assertThat(tooLong.status()).isEqualTo(400);
            assertThat(tooLong.json().path("error").path("param").asText()).isEqualTo("context_length");
        }
    }

    @Test
    void aModelThatIsNotLoadedIsLoadedJustInTimeAndOnlyItsFirstRequestPaysTheLoadTime() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Stream first = client.stream("/v1/chat/completions", TestClient.chat(FAST.id(), true, ""));
            TestClient.Stream second = client.stream("/v1/chat/completions", TestClient.chat(FAST.id(), true, ""));

            long loadNanos = FAST.loadMs() * 1_000_000;
            List<SendLogEntry> log = sim.sendLog();
            assertThat(log.get(0).modelLoadNanos()).isEqualTo(loadNanos);
            assertThat(log.get(0).scheduledTtftNanos()).isEqualTo(loadNanos + Math.round(FAST.ttftMs(
                    log.get(0).promptTokens()) * 1e6));
            assertThat(log.get(1).modelLoadNanos()).isZero();
            assertThat(first.ttftMs()).isGreaterThanOrEqualTo(FAST.loadMs());
            assertThat(second.ttftMs()).isLessThan(FAST.loadMs());
            assertThat(sim.loadedModels()).singleElement().satisfies(m -> {
                assertThat(m.jit()).isTrue();
                assertThat(m.config().contextLength()).isEqualTo(FAST.defaultContextLength());
            });
        }
    }

    @Test
    void withoutJitLoadingAChatForAModelThatIsNotLoadedFailsUntilItIsLoaded() {
        // polite: LM Studio answers 404 here (no_models_loaded_404, QuirksTest)
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(FAST)).withJitLoading(false)
                .withQuirks(LmStudioQuirks.NONE)); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply refused = client.post("/v1/chat/completions", TestClient.chat(FAST.id(), false, ""));

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().path("error").path("message").asText()).startsWith("No models loaded");
            assertThat(sim.loadedModels()).isEmpty();

            client.post("/api/v1/models/load", "{\"model\":\"" + FAST.id() + "\"}");

            assertThat(client.post("/v1/chat/completions", TestClient.chat(FAST.id(), false, "")).status())
                    .isEqualTo(200);
            assertThat(sim.sendLog()).singleElement().satisfies(e -> assertThat(e.modelLoadNanos()).isZero());
        }
    }

    @Test
    void autoEvictUnloadsTheLastJitLoadedModelButNotAnExplicitlyLoadedOne() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            client.post("/v1/chat/completions", TestClient.chat(EYE.id(), false, ""));
            client.post("/v1/chat/completions", TestClient.chat(THINKER.id(), false, ""));
            assertThat(sim.loadedModels()).extracting(LoadedModel::modelId).containsExactly(THINKER.id());

            client.post("/api/v1/models/load", "{\"model\":\"" + EYE.id() + "\"}");
            client.post("/v1/chat/completions", TestClient.chat(FAST.id(), false, ""));

            assertThat(sim.loadedModels()).extracting(LoadedModel::modelId).containsExactly(EYE.id(), FAST.id());
        }
    }

    @Test
    void aLoadThatWouldExceedTheMemoryBudgetIsRefusedWithTheGuardrailError() {
        SimModel big = FAST.withMemoryBytes(10_000_000_000L).withLoadMs(0);
        SimModel other = EYE.withMemoryBytes(10_000_000_000L);
        // polite: LM Studio would answer the JIT request below with the loaded model (jit_serves_loaded_model)
        SimConfig config = SimConfig.defaults().withModels(List.of(big, other)).withMemoryBytes(15_000_000_000L)
                .withQuirks(LmStudioQuirks.NONE);
        try (SimServer sim = SimServer.start(config); TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(client.post("/api/v1/models/load", "{\"model\":\"" + big.id() + "\"}").status())
                    .isEqualTo(200);

            TestClient.Reply refused = client.post("/api/v1/models/load", "{\"model\":\"" + other.id() + "\"}");

            assertThat(refused.status()).isEqualTo(400);
            JsonNode error = refused.json().path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request");
            assertThat(error.path("code").asText()).isEqualTo("model_load_failed");
            assertThat(error.path("message").asText()).contains("insufficient system resources");
            assertThat(sim.memoryUsedBytes()).isEqualTo(10_000_000_000L);
            TestClient.Reply jit = client.post("/v1/chat/completions", TestClient.chat(other.id(), false, ""));
            assertThat(jit.status()).as("an explicit load is not auto-evicted").isEqualTo(400);
            assertThat(jit.json().path("error").path("code").asText()).isEqualTo("model_load_failed");
            assertThat(sim.loadedModels()).extracting(LoadedModel::modelId).containsExactly(big.id());
        }
    }

    // ---------------------------------------------------------------- downloads

    @Test
    void aDownloadProgressesToCompletionAndAServedModelIsAlreadyDownloaded() {
        SimConfig config = SimConfig.defaults().withModels(List.of(FAST)).withDownloads(300, 3_000_000L);
        try (SimServer sim = SimServer.start(config); TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode started = client.post("/api/v1/models/download", "{\"model\":\"qwen/qwen3-4b-2507\"}").json();

            assertThat(started.path("status").asText()).isEqualTo("downloading");
            String job = started.path("job_id").asText();
            assertThat(job).startsWith("job_");
            assertThat(started.path("total_size_bytes").asLong()).isEqualTo(3_000_000L);
            assertThat(started.path("downloaded_bytes").asLong()).isLessThan(3_000_000L);
            assertThat(started.path("bytes_per_second").asDouble()).isEqualTo(10_000_000.0);
            assertThat(started.path("estimated_completion").asText()).isNotBlank();
            assertThat(started.path("started_at").asText()).isNotBlank();

            long downloaded = started.path("downloaded_bytes").asLong();
            JsonNode status = started;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (status.path("status").asText().equals("downloading") && System.nanoTime() < deadline) {
                status = client.get("/api/v1/models/download/status/" + job).json();
                assertThat(status.path("downloaded_bytes").asLong()).isGreaterThanOrEqualTo(downloaded);
                downloaded = status.path("downloaded_bytes").asLong();
            }
            assertThat(status.path("status").asText()).isEqualTo("completed");
            assertThat(status.path("downloaded_bytes").asLong()).isEqualTo(3_000_000L);
            assertThat(status.path("completed_at").asText()).isNotBlank();
            assertThat(status.has("bytes_per_second")).isFalse();

            JsonNode all = client.get("/api/v1/models/download/status").json();
            assertThat(all.path("completed")).extracting(j -> j.path("job_id").asText()).containsExactly(job);
            assertThat(all.path("downloading")).isEmpty();
            assertThat(all.path("failed")).isEmpty();
            assertThat(all.path("paused")).isEmpty();
            JsonNode already = client.post("/api/v1/models/download", "{\"model\":\"" + FAST.id() + "\"}").json();
            assertThat(already.path("status").asText()).isEqualTo("already_downloaded");
            assertThat(already.has("job_id")).isFalse();
            TestClient.Reply unknown = client.get("/api/v1/models/download/status/job_nope");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("error").path("type").asText()).isEqualTo("job_not_found");
        }
    }

    // ---------------------------------------------------------------- v1 chat

    private static String v1Chat(String model, String input, String extra) {
        return "{\"model\":\"" + model + "\",\"input\":\"" + input + "\"" + (extra.isEmpty() ? "" : "," + extra)
                + "}";
    }

    @Test
    void v1ChatAnswersWithOutputStatsOfTheConfiguredTruthAndANewResponseIdEachTime() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode first = client.post("/api/v1/chat", v1Chat(THINKER.id(), "My favorite color is blue.",
                    "\"integrations\":[\"mcp/playwright\",{\"type\":\"ephemeral_mcp\",\"server_label\":\"hf\","
                            + "\"server_url\":\"https://huggingface.co/mcp\",\"allowed_tools\":[\"model_search\"]}]"))
                    .json();

            assertThat(first.path("model_instance_id").asText()).isEqualTo(THINKER.id());
            assertThat(first.path("output")).extracting(o -> o.path("type").asText())
                    .containsExactly("reasoning", "message");
            JsonNode stats = first.path("stats");
            int input = stats.path("input_tokens").asInt();
            assertThat(stats.path("total_output_tokens").asInt()).isEqualTo(20);
            assertThat(stats.path("reasoning_output_tokens").asInt()).isEqualTo(6);
            assertThat(stats.path("tokens_per_second").asDouble()).isEqualTo(THINKER.tokensPerSecond());
            assertThat(stats.path("time_to_first_token_seconds").asDouble()).isEqualTo(THINKER.ttftMs(input) / 1000.0);
            assertThat(stats.path("model_load_time_seconds").asDouble()).isEqualTo(THINKER.loadMs() / 1000.0);
            assertThat(sim.sendLog().getLast().promptTokens()).isEqualTo(input);
            String id = first.path("response_id").asText();
            assertThat(id).matches("resp_[0-9a-f]{48}");

            JsonNode next = client.post("/api/v1/chat", v1Chat(THINKER.id(), "What color did I just mention?",
                    "\"previous_response_id\":\"" + id + "\",\"reasoning\":\"off\"")).json();

            assertThat(next.path("response_id").asText()).startsWith("resp_").isNotEqualTo(id);
            assertThat(next.path("stats").has("model_load_time_seconds")).isFalse();
            assertThat(next.path("stats").path("reasoning_output_tokens").asInt()).isZero();
            assertThat(next.path("output")).extracting(o -> o.path("type").asText()).containsExactly("message");
            int ownTokens = client.post("/api/v1/chat", v1Chat(THINKER.id(), "What color did I just mention?",
                    "\"store\":false")).json().path("stats").path("input_tokens").asInt();
            assertThat(next.path("stats").path("input_tokens").asInt())
                    .as("a follow-up counts the stored conversation as input").isEqualTo(input + 20 + ownTokens);

            JsonNode unstored = client.post("/api/v1/chat", v1Chat(THINKER.id(), "Tell me a joke.", "\"store\":false"))
                    .json();
            assertThat(unstored.has("response_id")).isFalse();
        }
    }

    @Test
    void v1ChatRejectsAnUnknownPreviousResponseIdAndMalformedRequestsWithTheV1ErrorShape() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply unknown = client.post("/api/v1/chat", v1Chat(FAST.id(), "Hi",
                    "\"previous_response_id\":\"resp_0000\""));
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().path("error").path("type").asText()).isEqualTo("invalid_request");
            assertThat(unknown.json().path("error").path("param").asText()).isEqualTo("previous_response_id");

            TestClient.Reply notResp = client.post("/api/v1/chat", v1Chat(FAST.id(), "Hi",
                    "\"previous_response_id\":\"thread_1\""));
            assertThat(notResp.status()).isEqualTo(400);
            TestClient.Reply noModel = client.post("/api/v1/chat", "{\"input\":\"Hi\"}");
            assertThat(noModel.json().path("error").path("code").asText()).isEqualTo("missing_required_parameter");
            TestClient.Reply badIntegration = client.post("/api/v1/chat", v1Chat(FAST.id(), "Hi",
                    "\"integrations\":[{\"type\":\"mcp\"}]"));
            assertThat(badIntegration.status()).isEqualTo(400);
            TestClient.Reply image = client.post("/api/v1/chat", "{\"model\":\"" + FAST.id() + "\",\"input\":"
                    + "[{\"type\":\"image\",\"data_url\":\"data:image/png;base64,AA==\"}]}");
            assertThat(image.status()).as("a model without vision refuses images").isEqualTo(400);
            TestClient.Reply seen = client.post("/api/v1/chat", "{\"model\":\"" + EYE.id() + "\",\"input\":"
                    + "[{\"type\":\"message\",\"content\":\"What is this?\"},"
                    + "{\"type\":\"image\",\"data_url\":\"data:image/png;base64,AA==\"}]}");
            assertThat(seen.status()).isEqualTo(200);
            TestClient.Reply missing = client.post("/api/v1/chat", v1Chat("sim/nope", "Hi", ""));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().path("error").path("type").asText()).isEqualTo("model_not_found");
            assertThat(sim.sendLog()).hasSize(1);
        }
    }

    @Test
    void v1ChatStreamsTheDocumentedEventsInOrderWithLoadAndPromptProgress() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Stream stream = client.stream("/api/v1/chat", v1Chat(THINKER.id(), "Hello", "\"stream\":true"));

            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            List<Event> events = stream.events();
            assertThat(events).allSatisfy(e -> assertThat(e.json().path("type").asText()).isEqualTo(e.name()));
            List<String> names = events.stream().map(Event::name).toList();
            List<String> expected = new java.util.ArrayList<>(List.of("chat.start", "model_load.start",
                    "model_load.progress", "model_load.progress", "model_load.progress", "model_load.progress",
                    "model_load.end", "prompt_processing.start", "prompt_processing.progress",
                    "prompt_processing.progress", "prompt_processing.end", "reasoning.start"));
            expected.addAll(java.util.Collections.nCopies(6, "reasoning.delta"));
            expected.addAll(List.of("reasoning.end", "message.start"));
            expected.addAll(java.util.Collections.nCopies(14, "message.delta"));
            expected.addAll(List.of("message.end", "chat.end"));
            assertThat(names).containsExactlyElementsOf(expected);

            assertThat(events.get(0).json().path("model_instance_id").asText()).isEqualTo(THINKER.id());
            assertThat(events.stream().filter(e -> e.name().equals("model_load.progress"))
                    .map(e -> e.json().path("progress").asDouble())).containsExactly(0.25, 0.5, 0.75, 1.0);
            Event loadEnd = events.get(6);
            assertThat(loadEnd.json().path("load_time_seconds").asDouble()).isEqualTo(THINKER.loadMs() / 1000.0);
            assertThat(loadEnd.atNanos()).isGreaterThanOrEqualTo(THINKER.loadMs() * 1_000_000);
            JsonNode result = events.getLast().json().path("result");
            assertThat(result.path("response_id").asText()).startsWith("resp_");
            assertThat(result.path("stats").path("total_output_tokens").asInt()).isEqualTo(20);
            String message = events.stream().filter(e -> e.name().equals("message.delta"))
                    .map(e -> e.json().path("content").asText()).reduce("", String::concat);
            assertThat(result.path("output").get(1).path("content").asText()).isEqualTo(message);
            assertThat(sim.sendLog().getLast().tokensWritten()).isEqualTo(20);
        }
    }

    // ---------------------------------------------------------------- fault injection

    @Test
    void modelUnloadedIsInjectedExactlyNTimesOnAnyChatEndpointThenRequestsSucceed() {
        SimModel flaky = FAST.withFailFirstRequestsWithModelUnloaded(2).withLoadMs(0);
        // polite message; LM Studio's own is "Model is unloaded." (model_is_unloaded_message, QuirksTest)
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(flaky))
                .withQuirks(LmStudioQuirks.NONE)); TestClient client = new TestClient(sim.baseUrl())) {
            client.post("/api/v1/models/load", "{\"model\":\"" + flaky.id() + "\"}");
            assertThat(sim.loadedModels()).hasSize(1);

            TestClient.Reply first = client.post("/v1/chat/completions", TestClient.chat(flaky.id(), true, ""));
            assertThat(first.status()).isEqualTo(400);
            assertThat(first.json().path("error").path("message").asText()).contains("Model unloaded");
            assertThat(sim.loadedModels()).as("the fault leaves the model not loaded").isEmpty();
            assertThat(sim.injectedFaults()).isEqualTo(1);

            TestClient.Reply second = client.post("/api/v1/chat", v1Chat(flaky.id(), "Hi", ""));
            assertThat(second.status()).isEqualTo(400);
            assertThat(second.json().path("error").path("message").asText()).contains("Model unloaded");

            assertThat(client.post("/api/v0/chat/completions", TestClient.chat(flaky.id(), false, "")).status())
                    .isEqualTo(200);
            assertThat(client.post("/v1/chat/completions", TestClient.chat(flaky.id(), false, "")).status())
                    .isEqualTo(200);
            assertThat(sim.injectedFaults()).isEqualTo(2);
            assertThat(sim.injectedFaults(flaky.id())).isEqualTo(2);
            assertThat(sim.sendLog()).as("faults are not logged as answers").hasSize(2);
        }
    }
}
