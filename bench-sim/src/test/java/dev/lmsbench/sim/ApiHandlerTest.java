package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.sim.TestClient.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wire shapes, routing and errors, over real HTTP. Models are fast so shapes are checked quickly. */
class ApiHandlerTest {

    private static final String PLAIN = "sim/plain";
    private static final String THINKER = "sim/thinker@q8_0";
    private static final String SILENT = "sim/no-usage";
    private static final String CHAT = "/v1/chat/completions";

    private static SimServer sim;
    private static TestClient client;

    @BeforeAll
    static void start() {
        sim = SimServer.start(SimConfig.defaults().withModels(List.of(
                SimModel.of(PLAIN, 5, 1_000, 12),
                SimModel.of(THINKER, 5, 1_000, 20).withTokens(6, 20),
                SimModel.of(SILENT, 5, 1_000, 8).withSendsUsage(false))));
        client = new TestClient(sim.baseUrl());
    }

    @AfterAll
    static void stop() {
        client.close();
        sim.close();
    }

    private static void assertOpenAiError(JsonNode body, String type, String code) {
        JsonNode error = body.get("error");
        assertThat(error).as("error object in %s", body).isNotNull();
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("type").asText()).isEqualTo(type);
        if (code == null) {
            assertThat(error.get("code").isNull()).isTrue();
        } else {
            assertThat(error.path("code").asText()).isEqualTo(code);
        }
    }

    @Test
    void listsModelsInOpenAiShape() {
        TestClient.Reply reply = client.get("/v1/models");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode body = reply.json();
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data")).hasSize(3);
        JsonNode first = body.path("data").get(0);
        assertThat(first.path("id").asText()).isEqualTo(PLAIN);
        assertThat(first.path("object").asText()).isEqualTo("model");
        assertThat(first.path("created").isIntegralNumber()).isTrue();
        assertThat(first.path("owned_by").asText()).isEqualTo("sim");
    }

    @Test
    void retrievesOneModelByAnIdContainingSlashes() {
        TestClient.Reply reply = client.get("/v1/models/" + THINKER);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("id").asText()).isEqualTo(THINKER);
        assertThat(client.get("/v1/models/sim/nope").status()).isEqualTo(404);
    }

    @Test
    void streamsRoleChunkThenReasoningThenContentThenFinishThenDone() {
        TestClient.Stream stream = client.stream(CHAT, TestClient.chat(THINKER, true, ""));

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        List<Event> events = stream.events();
        assertThat(events).hasSize(1 + 20 + 1 + 1);

        JsonNode role = events.get(0).json();
        assertThat(role.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(role.path("id").asText()).startsWith("chatcmpl-");
        assertThat(role.path("model").asText()).isEqualTo(THINKER);
        assertThat(role.path("created").isIntegralNumber()).isTrue();
        assertThat(role.at("/choices/0/index").asInt()).isZero();
        assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(role.at("/choices/0/delta/content").asText()).as("the trap: empty content").isEmpty();
        assertThat(role.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(events.get(0).token()).isFalse();

        for (int i = 1; i <= 6; i++) {
            JsonNode delta = events.get(i).delta();
            assertThat(delta.path("reasoning_content").asText()).isNotEmpty();
            assertThat(delta.has("content")).isFalse();
        }
        for (int i = 7; i <= 20; i++) {
            JsonNode delta = events.get(i).delta();
            assertThat(delta.path("content").asText()).isNotEmpty();
            assertThat(delta.has("reasoning_content")).isFalse();
            assertThat(events.get(i).json().at("/choices/0/finish_reason").isNull()).isTrue();
        }
        JsonNode finish = events.get(21).json();
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(events.get(22).done()).isTrue();
        assertThat(events.stream().filter(e -> !e.done()).map(Event::json)).noneMatch(json -> json.has("usage"));
        assertThat(events.stream().map(e -> e.done() ? "" : e.json().path("id").asText()).distinct()
                .filter(id -> !id.isEmpty())).hasSize(1);
    }

    @Test
    void sendsAUsageChunkWithEmptyChoicesOnlyWhenIncludeUsageIsRequested() {
        TestClient.Stream stream = client.stream(CHAT,
                TestClient.chat(THINKER, true, "\"stream_options\":{\"include_usage\":true}"));

        List<Event> events = stream.events();
        assertThat(events).hasSize(1 + 20 + 1 + 1 + 1);
        JsonNode usageChunk = events.get(events.size() - 2).json();
        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices")).isEmpty();
        JsonNode usage = usageChunk.path("usage");
        int promptTokens = PromptTokenizer.countMessages(TestClient.parse(
                "[{\"role\":\"user\",\"content\":\"Say hello.\"}]"));
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(promptTokens);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(20);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(promptTokens + 20);
        assertThat(usage.at("/completion_tokens_details/reasoning_tokens").asInt()).isEqualTo(6);
        assertThat(events.getLast().done()).isTrue();
        assertThat(events.subList(0, events.size() - 2)).as("OpenAI sends null usage in the other chunks")
                .allSatisfy(e -> assertThat(e.json().get("usage").isNull()).isTrue());
    }

    @Test
    void answersWithoutStreamingWithMessageReasoningAndUsage() {
        TestClient.Reply reply = client.post(CHAT, TestClient.chat(THINKER, false, "\"temperature\":0.2"));

        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("model").asText()).isEqualTo(THINKER);
        assertThat(body.at("/choices/0/index").asInt()).isZero();
        assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(body.at("/choices/0/message/reasoning_content").asText()).isNotBlank();
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(20);
        assertThat(body.at("/usage/completion_tokens_details/reasoning_tokens").asInt()).isEqualTo(6);
        assertThat(body.at("/usage/total_tokens").asInt())
                .isEqualTo(body.at("/usage/prompt_tokens").asInt() + 20);
    }

    @Test
    void neverSendsUsageForAModelThatDoesNotReportIt() throws InterruptedException {
        long before = sim.sendLog().size();
        TestClient.Stream stream = client.stream(CHAT,
                TestClient.chat(SILENT, true, "\"stream_options\":{\"include_usage\":true}"));
        TestClient.Reply reply = client.post(CHAT, TestClient.chat(SILENT, false, ""));

        assertThat(stream.tokens()).hasSize(8);
        assertThat(stream.events()).hasSize(1 + 8 + 1 + 1);
        assertThat(stream.events().stream().filter(e -> !e.done()).map(Event::json))
                .noneMatch(json -> json.has("usage"));
        assertThat(reply.json().has("usage")).isFalse();
        assertThat(sim.awaitLogged(before + 2, Duration.ofSeconds(5))).isTrue();
        assertThat(sim.sendLog().stream().filter(e -> e.model().equals(SILENT)))
                .allSatisfy(e -> assertThat(e.usageSent()).isFalse());
    }

    @Test
    void cutsAtMaxTokensWithFinishReasonLengthAndTheExactCount() {
        try (SimServer polite = SimServer.start(sim.config().withQuirks(LmStudioQuirks.NONE));
                TestClient exact = new TestClient(polite.baseUrl())) {
            TestClient.Stream stream = exact.stream(CHAT,
                    TestClient.chat(PLAIN, true, "\"max_tokens\":5,\"stream_options\":{\"include_usage\":true}"));

            assertThat(stream.tokens()).hasSize(5);
            List<Event> events = stream.events();
            assertThat(events.get(events.size() - 3).json().at("/choices/0/finish_reason").asText())
                    .isEqualTo("length");
            assertThat(events.get(events.size() - 2).json().at("/usage/completion_tokens").asInt()).isEqualTo(5);

            TestClient.Reply reply = exact.post(CHAT, TestClient.chat(PLAIN, false, "\"max_completion_tokens\":3"));
            assertThat(reply.json().at("/choices/0/finish_reason").asText()).isEqualTo("length");
            assertThat(reply.json().at("/usage/completion_tokens").asInt()).isEqualTo(3);

            TestClient.Reply roomy = exact.post(CHAT, TestClient.chat(PLAIN, false, "\"max_tokens\":500"));
            assertThat(roomy.json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            assertThat(roomy.json().at("/usage/completion_tokens").asInt()).isEqualTo(12);
        }
    }

    @Test
    void spendsAShortLimitOnReasoningAlone() {
        TestClient.Stream stream = client.stream(CHAT, TestClient.chat(THINKER, true, "\"max_tokens\":4"));

        assertThat(stream.tokens()).hasSize(4)
                .allSatisfy(e -> assertThat(e.delta().has("reasoning_content")).isTrue());
        assertThat(stream.content()).isEmpty();
    }

    @Test
    void answersAnUnknownModelWith404ModelNotFound() {
        TestClient.Reply reply = client.post(CHAT, TestClient.chat("sim/missing", true, ""));

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("application/json");
        assertOpenAiError(reply.json(), "invalid_request_error", "model_not_found");
        assertThat(reply.json().at("/error/message").asText()).isEqualTo("model 'sim/missing' not found");
    }

    @Test
    void answersMalformedJsonWith400() {
        TestClient.Reply reply = client.post(CHAT, "{\"model\": ");

        assertThat(reply.status()).isEqualTo(400);
        assertOpenAiError(reply.json(), "invalid_request_error", null);
    }

    @Test
    void answersMissingMessagesAndBadLimitsWith400NamingTheParameter() {
        TestClient.Reply noMessages = client.post(CHAT, "{\"model\":\"" + PLAIN + "\"}");
        assertThat(noMessages.status()).isEqualTo(400);
        assertThat(noMessages.json().at("/error/param").asText()).isEqualTo("messages");

        TestClient.Reply zeroLimit = client.post(CHAT, TestClient.chat(PLAIN, false, "\"max_tokens\":0"));
        assertThat(zeroLimit.status()).isEqualTo(400);
        assertThat(zeroLimit.json().at("/error/param").asText()).isEqualTo("max_tokens");

        TestClient.Reply noLimit = client.post(CHAT, TestClient.chat(PLAIN, false, "\"max_tokens\":-1"));
        assertThat(noLimit.status()).as("LM Studio's -1 means no limit").isEqualTo(200);
    }

    @Test
    void answersUnknownPathsWith404AndWrongMethodsWith405() {
        try (SimServer polite = SimServer.start(sim.config().withQuirks(LmStudioQuirks.NONE));
                TestClient strict = new TestClient(polite.baseUrl())) {
            TestClient.Reply unknown = strict.get("/v1/embeddings");
            assertThat(unknown.status()).isEqualTo(404);
            assertOpenAiError(unknown.json(), "invalid_request_error", "unknown_url");

            TestClient.Reply wrongMethod = strict.get(CHAT);
            assertThat(wrongMethod.status()).isEqualTo(405);
            assertOpenAiError(wrongMethod.json(), "invalid_request_error", "method_not_allowed");
        }
    }

    @Test
    void logsNothingForRejectedRequests() throws InterruptedException {
        TestClient.Stream ok = client.stream(CHAT, TestClient.chat(PLAIN, true, ""));
        assertThat(ok.tokens()).hasSize(12);
        assertThat(sim.awaitLogged(1, Duration.ofSeconds(5))).isTrue();
        long before = sim.sendLog().size();

        client.post(CHAT, TestClient.chat("sim/missing", false, ""));
        client.post(CHAT, "not json");

        assertThat(sim.sendLog()).hasSize((int) before);
    }

    @Test
    void requiresTheBearerTokenWhenOneIsConfigured() {
        try (SimServer secured = SimServer.start(sim.config().withApiToken("s3cret"));
                TestClient anonymous = new TestClient(secured.baseUrl());
                TestClient wrong = new TestClient(secured.baseUrl()).withToken("guess");
                TestClient right = new TestClient(secured.baseUrl()).withToken("s3cret")) {

            TestClient.Reply missing = anonymous.get("/v1/models");
            assertThat(missing.status()).isEqualTo(401);
            assertOpenAiError(missing.json(), "invalid_request_error", "invalid_api_key");

            TestClient.Reply refused = wrong.post(CHAT, TestClient.chat(PLAIN, true, ""));
            assertThat(refused.status()).isEqualTo(401);
            assertOpenAiError(refused.json(), "invalid_request_error", "invalid_api_key");

            assertThat(right.get("/v1/models").status()).isEqualTo(200);
            assertThat(right.stream(CHAT, TestClient.chat(PLAIN, true, "")).tokens()).hasSize(12);
        }
    }

    @Test
    void servesAtTheRootWhenThePrefixIsEmpty() {
        // polite: LM Studio would answer the unserved /v1 path with 200 (unknown_endpoint_200)
        try (SimServer loose = SimServer.start(sim.config().withPathPrefix("").withQuirks(LmStudioQuirks.NONE));
                TestClient root = new TestClient(loose.baseUrl())) {

            assertThat(loose.apiBaseUrl()).isEqualTo(loose.baseUrl());
            assertThat(root.get("/models").status()).isEqualTo(200);
            assertThat(root.stream("/chat/completions", TestClient.chat(PLAIN, true, "")).tokens()).hasSize(12);
            TestClient.Reply v1 = root.get("/v1/models");
            assertThat(v1.status()).isEqualTo(404);
            assertOpenAiError(v1.json(), "invalid_request_error", "unknown_url");
        }
    }
}
