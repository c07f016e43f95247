package dev.lmsbench.client;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Stateful chat over {@code POST /api/v1/chat} against WireMock: the documented request and answer
 * (https://lmstudio.ai/docs/developer/rest/chat), its stream events
 * (https://lmstudio.ai/docs/developer/rest/streaming-events), {@code previous_response_id}
 * (https://lmstudio.ai/docs/developer/rest/stateful-chats) and integrations passed through verbatim.
 */
class LmStudioChatTest {

    @RegisterExtension
    static final WireMockExtension SERVER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final String MODEL = "qwen/qwen3-8b";
    private static final String CHAT = "/api/v1/chat";
    private static final ChatOptions CONTRACT_OPTIONS = ChatOptions.defaults().withSystemPrompt("Answer briefly.")
            .withSampling(SamplingParams.ofTemperature(0.0)).withMaxOutputTokens(100);

    private final List<LmStudioClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(LmStudioClient::close);
    }

    @Test
    void readsTheDocumentedChatAnswerWithStatsAndResponseId() throws BackendException {
        LmStudioStubs.register(SERVER, "chat-v1.json");

        ChatReply reply = client().session(CONTRACT_OPTIONS).chat(MODEL, "Hello");

        assertThat(reply.text()).isEqualTo("Hello! How can I help?");
        assertThat(reply.reasoning()).isEqualTo("Need to look it up.");
        assertThat(reply.responseId()).isEqualTo("resp_0a1b2c3d4e5f");
        assertThat(reply.modelInstanceId()).isEqualTo(MODEL);
        assertThat(reply.usage()).isEqualTo(TokenUsage.reported(21, 12, 5));
        assertThat(reply.serverStats()).isEqualTo(new ServerStats(39.5, 0.412, Double.NaN, "",
                "lmstudio.api.v1.chat.stats"));
        assertThat(reply.modelLoadSeconds()).as("no load in this answer").isNaN();
        assertThat(reply.promptProcessingSeconds()).as("not streamed").isNaN();
        assertThat(reply.cached()).isFalse();
        assertThat(reply.timings().e2eSeconds()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void streamsTheDocumentedEventsWithTokenTimesAndLoadProgress() throws BackendException {
        LmStudioStubs.register(SERVER, "chat-v1.json");
        List<String> progress = new ArrayList<>();
        ChatOptions options = CONTRACT_OPTIONS.withStream(true)
                .withLoadProgress((fraction, status) -> progress.add(fraction + " " + status));

        ChatReply reply = client().session(options).chat(MODEL, "Hello");

        assertThat(reply.text()).isEqualTo("Hello! How can I help?");
        assertThat(reply.reasoning()).isEqualTo("The user greets me.");
        assertThat(reply.responseId()).isEqualTo("resp_0a1b2c3d4e5f");
        assertThat(reply.usage()).isEqualTo(TokenUsage.reported(21, 12, 5));
        assertThat(reply.serverStats().tokensPerSecond()).isEqualTo(39.5);
        assertThat(reply.modelLoadSeconds()).isEqualTo(3.2);
        assertThat(reply.serverStats().modelLoadSeconds()).isEqualTo(3.2);
        assertThat(reply.promptProcessingSeconds()).as("prompt_processing.start to .end as seen here")
                .isGreaterThanOrEqualTo(0.0).isLessThanOrEqualTo(reply.timings().e2eSeconds());
        assertThat(progress).containsExactly("0.0 loading", "0.5 loading", "1.0 loaded");
        assertThat(reply.timings().tokenChunkCount()).as("two reasoning and two message deltas").isEqualTo(4);
        assertThat(reply.timings().firstTokenNanos()).isEqualTo(reply.timings().tokenNanos()[0]);
        assertThat(reply.timings().firstContentNanos()).isEqualTo(reply.timings().tokenNanos()[2]);
        assertThat(reply.timings().endNanos()).isGreaterThanOrEqualTo(reply.timings().lastTokenNanos());
    }

    @Test
    void passesThePreviousResponseIdOnEveryLaterTurn() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).inScenario("turns").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("second").willReturn(okJson(answer("Noted.", "resp_1"))));
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).inScenario("turns").whenScenarioStateIs("second")
                .willSetStateTo("third").willReturn(okJson(answer("Blue.", "resp_2"))));
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).inScenario("turns").whenScenarioStateIs("third")
                .willReturn(okJson(answer("You said blue.", "resp_3"))));
        ChatSession session = client().session(ChatOptions.defaults());

        session.chat(MODEL, "My favourite colour is blue.");
        ChatReply second = session.send("Which colour?");
        session.send("Sure?");

        assertThat(second.text()).isEqualTo("Blue.");
        assertThat(session.lastResponseId()).isEqualTo("resp_3");
        SERVER.verify(postRequestedFor(urlPathEqualTo(CHAT)).withRequestBody(equalToJson(
                "{\"model\":\"qwen/qwen3-8b\",\"input\":\"My favourite colour is blue.\",\"stream\":false,"
                        + "\"store\":true}")));
        SERVER.verify(postRequestedFor(urlPathEqualTo(CHAT)).withRequestBody(equalToJson(
                "{\"model\":\"qwen/qwen3-8b\",\"input\":\"Which colour?\",\"stream\":false,"
                        + "\"previous_response_id\":\"resp_1\",\"store\":true}")));
        SERVER.verify(postRequestedFor(urlPathEqualTo(CHAT)).withRequestBody(equalToJson(
                "{\"model\":\"qwen/qwen3-8b\",\"input\":\"Sure?\",\"stream\":false,"
                        + "\"previous_response_id\":\"resp_2\",\"store\":true}")));
    }

    @Test
    void sendsIntegrationsVerbatim() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(answer("Done.", "resp_9"))));
        // The three documented forms: a plugin id, a plugin object, an ephemeral MCP server.
        List<Object> integrations = List.of(
                "mcp/playwright",
                Map.of("type", "plugin", "id", "mcp/filesystem", "allowed_tools", List.of("read_file")),
                Map.of("type", "ephemeral_mcp", "server_label", "huggingface",
                        "server_url", "https://huggingface.co/mcp", "allowed_tools", List.of("model_search"),
                        "headers", Map.of("Authorization", "Bearer x")));

        client().session(ChatOptions.defaults().withIntegrations(integrations).withContextLength(8000))
                .chat(MODEL, "Find the top model");

        SERVER.verify(postRequestedFor(urlPathEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"model":"qwen/qwen3-8b","input":"Find the top model","stream":false,"context_length":8000,"store":true,
                 "integrations":["mcp/playwright",
                   {"type":"plugin","id":"mcp/filesystem","allowed_tools":["read_file"]},
                   {"type":"ephemeral_mcp","server_label":"huggingface","server_url":"https://huggingface.co/mcp",
                    "allowed_tools":["model_search"],"headers":{"Authorization":"Bearer x"}}]}""")));
    }

    @Test
    void reportsAnErrorEventWithTheServersTypeAndCode() {
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody("event: chat.start\ndata: {\"type\":\"chat.start\",\"model_instance_id\":\"m\"}\n\n"
                        + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"invalid_request\","
                        + "\"message\":\"\\\"model\\\" is required\",\"code\":\"missing_required_parameter\","
                        + "\"param\":\"model\"}}\n\n")));

        LmStudioException e = catchThrowableOfType(LmStudioException.class,
                () -> client().session(ChatOptions.defaults().withStream(true)).chat(MODEL, "Hi"));

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.serverErrorType()).isEqualTo("invalid_request");
        assertThat(e.errorCode()).isEqualTo("missing_required_parameter");
        assertThat(e.getMessage()).contains("\"model\" is required");
    }

    @Test
    void reloadsAndRetriesAChatTurnWhoseModelWasUnloaded() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).inScenario("u").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("retry").willReturn(aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"unknown\",\"message\":\"Model unloaded\"}}")));
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).inScenario("u").whenScenarioStateIs("retry")
                .willReturn(okJson(answer("Back.", "resp_5"))));
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load"))
                .willReturn(okJson("{\"instance_id\":\"qwen/qwen3-8b\",\"status\":\"loaded\"}")));
        LmStudioClient client = client();

        ChatReply reply = client.chat(MODEL, "Hi");

        assertThat(reply.text()).isEqualTo("Back.");
        assertThat(client.reloadsAfterUnload()).isEqualTo(1);
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/load")));
        SERVER.verify(2, postRequestedFor(urlPathEqualTo(CHAT)));
    }

    @Test
    void answersARepeatedFirstTurnFromTheCacheButNeverATurnWithIntegrations() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(answer("Hello.", "resp_7"))));
        LmStudioClient client = track(LmStudioClient.builder(ClientConfig.of(SERVER.baseUrl()))
                .responseCache(ResponseCache.inMemory(), false).build());

        ChatReply fresh = client.chat(MODEL, "Hi");
        ChatReply cached = client.chat(MODEL, "Hi");
        ChatOptions withTools = ChatOptions.defaults().withIntegrations(List.of("mcp/playwright"));
        client.session(withTools).chat(MODEL, "Hi");
        client.session(withTools).chat(MODEL, "Hi");

        assertThat(fresh.cached()).isFalse();
        assertThat(cached.cached()).isTrue();
        assertThat(cached.text()).isEqualTo("Hello.");
        assertThat(cached.responseId()).as("the next turn can continue it").isEqualTo("resp_7");
        assertThat(cached.serverStats()).isEqualTo(ServerStats.NONE);
        SERVER.verify(3, postRequestedFor(urlPathEqualTo(CHAT)));
        SERVER.verify(2, postRequestedFor(urlPathEqualTo(CHAT))
                .withRequestBody(matchingJsonPath("$.integrations")));
    }

    @Test
    void failsWithWrongModelWhenAnotherInstanceAnswersTheChat() {
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(answer("Hi.", "resp_1")
                .replace("\"model_instance_id\":\"qwen/qwen3-8b\"", "\"model_instance_id\":\"google/gemma-3-4b\""))));

        LmStudioException e = catchThrowableOfType(LmStudioException.class, () -> client().chat(MODEL, "Hi"));

        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(e.getMessage()).isEqualTo("asked for 'qwen/qwen3-8b' but 'google/gemma-3-4b' answered ("
                + SERVER.baseUrl() + CHAT + "): LM Studio answered with the model it has loaded; load"
                + " 'qwen/qwen3-8b' or turn on JIT loading");
    }

    @Test
    void checksTheInstanceTheStreamStartsWith() {
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody("event: chat.start\ndata: {\"type\":\"chat.start\",\"model_instance_id\":\"sim/a\"}\n\n"
                        + "event: message.delta\ndata: {\"type\":\"message.delta\",\"content\":\"Hi\"}\n\n"
                        + "event: chat.end\ndata: {\"type\":\"chat.end\",\"result\":{\"output\":[{\"type\":"
                        + "\"message\",\"content\":\"Hi\"}]}}\n\n")));

        LmStudioException e = catchThrowableOfType(LmStudioException.class,
                () -> client().session(ChatOptions.defaults().withStream(true)).chat("sim/b", "Hi"));

        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(e.getMessage()).startsWith("asked for 'sim/b' but 'sim/a' answered");
    }

    @Test
    void acceptsAnInstanceIdOfTheModelAskedFor() throws BackendException {
        // LM Studio names a second instance of a model <key>:2
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(answer("Hi.", "resp_1")
                .replace("\"model_instance_id\":\"qwen/qwen3-8b\"", "\"model_instance_id\":\"qwen/qwen3-8b:2\""))));

        assertThat(client().chat(MODEL, "Hi").modelInstanceId()).isEqualTo(MODEL + ":2");
    }

    @Test
    void hasNoPromptProcessingTimeWhenTheStreamSendsNoSuchEvents() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody("event: prompt_processing.start\ndata: {\"type\":\"prompt_processing.start\"}\n\n"
                        + "event: message.delta\ndata: {\"type\":\"message.delta\",\"content\":\"Hi\"}\n\n"
                        + "event: chat.end\ndata: {\"type\":\"chat.end\",\"result\":" + answer("Hi", "r") + "}\n\n")));

        ChatReply reply = client().session(ChatOptions.defaults().withStream(true)).chat(MODEL, "Hi");

        assertThat(reply.promptProcessingSeconds()).as("no prompt_processing.end").isNaN();
    }

    @Test
    void aOneShotChatAsksTheServerToKeepNothing() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(answer("Hi.", "resp_1"))));

        client().chat(MODEL, "Hi");

        SERVER.verify(postRequestedFor(urlPathEqualTo(CHAT)).withRequestBody(equalToJson(
                "{\"model\":\"qwen/qwen3-8b\",\"input\":\"Hi\",\"stream\":false,\"store\":false}")));
    }

    @Test
    void aSessionToldToStoreNothingSendsStoreFalseAndStartsOverOnEveryTurn() throws BackendException {
        // store false: the server keeps nothing and returns no response_id
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(answer("Hi.", "resp_1")
                .replace(",\"response_id\":\"resp_1\"", ""))));
        ChatSession session = client().session(ChatOptions.defaults().withStore(false));

        session.chat(MODEL, "Hi");
        session.send("Again");

        assertThat(session.options().store()).isFalse();
        SERVER.verify(postRequestedFor(urlPathEqualTo(CHAT)).withRequestBody(equalToJson(
                "{\"model\":\"qwen/qwen3-8b\",\"input\":\"Again\",\"stream\":false,\"store\":false}")));
    }

    @Test
    void sendsTheTtlOfTheModelsLastLoadOnEveryTurn() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load"))
                .willReturn(okJson("{\"type\":\"llm\",\"instance_id\":\"qwen/qwen3-8b\",\"status\":\"loaded\"}")));
        SERVER.stubFor(post(urlPathEqualTo(CHAT)).willReturn(okJson(answer("Hi.", "resp_1"))));
        LmStudioClient client = client();
        client.load(dev.lmsbench.core.model.ModelInfo.named(MODEL),
                dev.lmsbench.core.model.LoadConfig.DEFAULT.withTtlSeconds(300));

        client.chat(MODEL, "Hi");

        // the ttl field of the request payload: https://lmstudio.ai/docs/api/ttl-and-auto-evict
        SERVER.verify(postRequestedFor(urlPathEqualTo(CHAT)).withRequestBody(equalToJson(
                "{\"model\":\"qwen/qwen3-8b\",\"input\":\"Hi\",\"stream\":false,\"store\":false,\"ttl\":300}")));
    }

    @Test
    void saysTheChatEndpointIsNotServedWhereAnOlderLmStudioAnswersUnexpectedEndpoint() {
        // LM Studio before 0.4 has no /api/v1/chat and answers it with status 200 and an error object
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");

        for (boolean stream : new boolean[] {false, true}) {
            BackendException e = catchThrowableOfType(BackendException.class,
                    () -> client().session(ChatOptions.defaults().withStream(stream)).chat(MODEL, "Hi"));

            assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
            assertThat(e.getMessage()).startsWith(SERVER.baseUrl() + CHAT + " is not served there: it answered HTTP"
                    + " 200 with 'Unexpected endpoint or method. (POST /api/v1/chat)");
        }
    }

    private static String answer(String text, String responseId) {
        return "{\"model_instance_id\":\"qwen/qwen3-8b\",\"output\":[{\"type\":\"message\",\"content\":\"" + text
                + "\"}],\"stats\":{\"input_tokens\":10,\"total_output_tokens\":3,\"reasoning_output_tokens\":0,"
                + "\"tokens_per_second\":20.0,\"time_to_first_token_seconds\":0.1},\"response_id\":\""
                + responseId + "\"}";
    }

    private LmStudioClient client() {
        return track(LmStudioClient.create(ClientConfig.of(SERVER.baseUrl())));
    }

    private LmStudioClient track(LmStudioClient client) {
        clients.add(client);
        return client;
    }
}
