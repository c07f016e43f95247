package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ollama's endpoints over real HTTP: the shapes of https://github.com/ollama/ollama/blob/main/docs/api.md, the model
 * states they share with LM Studio's API, and the durations they report, checked against the configured truth.
 */
class OllamaApiTest {

    /** Loads in 150 ms, answers 12 tokens at 1000 tok/s after 5 ms; 3B, trained for tool use. */
    private static final SimModel FAST = new SimModel("sim/fast@q4_k_m", "llm", "lmstudio-community", "llama",
            "Q4_K_M", 1_000_000_000L, 8_192, 5, 1_000, 0, 0, 0, 12, true)
            .withNativeMetadata("gguf", "3B", false, true).withLoadMs(150);
    /** 6 reasoning tokens then 14 content tokens at 500 tok/s; loads in 100 ms. */
    private static final SimModel THINKER = SimModel.of("sim/thinker@q8_0", 7, 500, 20).withTokens(6, 20)
            .withLoadMs(100);

    private static SimServer start() {
        return SimServer.start(SimConfig.defaults().withModels(List.of(FAST, THINKER)));
    }

    private static List<JsonNode> lines(String body) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            assertThat(line).as("one JSON object per line, no blank lines").isNotBlank();
            lines.add(TestClient.parse(line));
        }
        return lines;
    }

    private static String chat(String model, boolean stream, String options) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}],"
                + "\"stream\":" + stream + (options == null ? "" : ",\"options\":" + options) + "}";
    }

    @Test
    void versionTagsAndShowAnswerTheDocumentedShapes() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(client.get("/api/version").json().path("version").asText()).isEqualTo(OllamaJson.VERSION);

            JsonNode tags = client.get("/api/tags").json().path("models");
            assertThat(tags).hasSize(2);
            JsonNode fast = tags.get(0);
            assertThat(fast.path("name").asText()).isEqualTo(FAST.id());
            assertThat(fast.path("size").asLong()).isEqualTo(1_000_000_000L);
            assertThat(fast.path("digest").asText()).hasSize(64);
            assertThat(fast.at("/details/family").asText()).isEqualTo("llama");
            assertThat(fast.at("/details/parameter_size").asText()).isEqualTo("3B");
            assertThat(fast.at("/details/quantization_level").asText()).isEqualTo("Q4_K_M");

            JsonNode show = client.post("/api/show", "{\"model\":\"" + FAST.id() + "\"}").json();
            assertThat(show.at("/model_info/general.architecture").asText()).isEqualTo("llama");
            assertThat(show.path("model_info").path("llama.context_length").asInt()).isEqualTo(8_192);
            assertThat(show.path("capabilities")).extracting(JsonNode::asText).containsExactly("completion", "tools");
            JsonNode thinker = client.post("/api/show", "{\"model\":\"" + THINKER.id() + "\"}").json();
            assertThat(thinker.path("capabilities")).extracting(JsonNode::asText)
                    .containsExactly("completion", "thinking");
        }
    }

    @Test
    void generateWithoutAPromptLoadsTheModelInItsLoadTimeForEveryApiAndKeepAliveZeroUnloadsIt() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply load = client.post("/api/generate", "{\"model\":\"" + FAST.id()
                    + "\",\"keep_alive\":\"10m\",\"options\":{\"num_ctx\":2048}}");

            assertThat(load.status()).isEqualTo(200);
            assertThat(load.elapsedNanos()).isGreaterThanOrEqualTo(150_000_000L);
            assertThat(load.json().path("done").asBoolean()).isTrue();
            assertThat(load.json().path("done_reason").asText()).isEqualTo("load");
            assertThat(sim.loadedModels()).singleElement().satisfies(m -> {
                assertThat(m.modelId()).isEqualTo(FAST.id());
                assertThat(m.config().contextLength()).isEqualTo(2048);
                assertThat(m.jit()).isFalse();
            });
            JsonNode ps = client.get("/api/ps").json().path("models");
            assertThat(ps).singleElement().satisfies(m -> {
                assertThat(m.path("name").asText()).isEqualTo(FAST.id());
                assertThat(m.path("size_vram").asLong()).isEqualTo(sim.memoryUsedBytes());
                assertThat(m.path("context_length").asInt()).isEqualTo(2048);
            });
            // the same state through LM Studio's API
            assertThat(client.get("/api/v1/models").body()).contains("\"loaded_instances\":[{");

            TestClient.Reply unload = client.post("/api/generate", "{\"model\":\"" + FAST.id()
                    + "\",\"keep_alive\":0}");
            assertThat(unload.json().path("done_reason").asText()).isEqualTo("unload");
            assertThat(sim.loadedModels()).isEmpty();
            assertThat(client.get("/api/ps").json().path("models")).isEmpty();
        }
    }

    @Test
    void aStreamedChatIsOneObjectPerTokenThenTheConfiguredCountsAndDurations() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            client.post("/api/chat", "{\"model\":\"" + THINKER.id() + "\",\"messages\":[]}");

            TestClient.Reply reply = client.post("/api/chat", chat(THINKER.id(), true, null));

            assertThat(reply.contentType()).isEqualTo("application/x-ndjson");
            List<JsonNode> lines = lines(reply.body());
            assertThat(lines).hasSize(21);
            assertThat(lines.subList(0, 6)).allSatisfy(l -> assertThat(l.at("/message/thinking").asText()).isNotEmpty());
            assertThat(lines.subList(6, 20)).allSatisfy(l -> {
                assertThat(l.at("/message/content").asText()).isNotEmpty();
                assertThat(l.path("done").asBoolean()).isFalse();
            });
            JsonNode done = lines.get(20);
            SendLogEntry entry = sim.sendLog().getLast();
            assertThat(done.path("done").asBoolean()).isTrue();
            assertThat(done.path("done_reason").asText()).isEqualTo("stop");
            assertThat(done.path("eval_count").asInt()).isEqualTo(20);
            assertThat(done.path("prompt_eval_count").asInt()).isEqualTo(entry.promptTokens());
            assertThat(done.path("eval_duration").asLong()).isEqualTo(40_000_000L);
            assertThat(done.path("prompt_eval_duration").asLong()).isEqualTo(7_000_000L);
            assertThat(done.path("load_duration").asLong()).isZero();
            assertThat(done.path("total_duration").asLong()).isEqualTo(47_000_000L);
            assertThat(entry.completed()).isTrue();
            assertThat(entry.tokenNanos()).hasSize(20);
            assertThat(entry.tokenNanos()[0] - entry.receivedNanos()).isGreaterThanOrEqualTo(7_000_000L);
        }
    }

    @Test
    void aChatForAModelNotLoadedWaitsForItsLoadAndReportsTheWaitAsLoadDuration() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode done = client.post("/api/chat", chat(THINKER.id(), false, null)).json();

            assertThat(done.path("load_duration").asLong()).isEqualTo(100_000_000L);
            assertThat(sim.sendLog().getLast().modelLoadNanos()).isEqualTo(100_000_000L);
        }
    }

    @Test
    void aNonStreamedChatCarriesTheWholeAnswerAndNumPredictCutsIt() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode whole = client.post("/api/chat", chat(THINKER.id(), false, null)).json();
            assertThat(whole.at("/message/thinking").asText()).isNotEmpty();
            assertThat(whole.at("/message/content").asText()).isNotEmpty();
            assertThat(whole.path("eval_count").asInt()).isEqualTo(20);

            JsonNode cut = client.post("/api/chat", chat(THINKER.id(), false, "{\"num_predict\":8}")).json();
            assertThat(cut.path("eval_count").asInt()).isEqualTo(8);
            assertThat(cut.path("done_reason").asText()).isEqualTo("length");
            assertThat(cut.path("eval_duration").asLong()).isEqualTo(16_000_000L);
            assertThat(sim.sendLog().getLast().stream()).isFalse();
        }
    }

    @Test
    void errorsHaveOllamasShape() {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(FAST))
                .withMemoryBytes(500_000_000L)); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply unknown = client.post("/api/chat", chat("nope", true, null));
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("error").asText()).contains("not found");

            TestClient.Reply prompt = client.post("/api/generate", "{\"model\":\"" + FAST.id()
                    + "\",\"prompt\":\"hi\"}");
            assertThat(prompt.status()).isEqualTo(400);

            TestClient.Reply memory = client.post("/api/generate", "{\"model\":\"" + FAST.id() + "\"}");
            assertThat(memory.status()).isEqualTo(500);
            assertThat(memory.json().path("error").asText()).startsWith("model requires more system memory");
        }
    }
}
