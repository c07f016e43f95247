package dev.lmsbench.client;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.model.UsageCheck;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Exact request and response shapes against WireMock. The bodies live in {@code src/test/resources/contracts/}, each
 * citing its source; the main ones:
 * <ul>
 *   <li>chat completion chunk and {@code stream_options.include_usage}:
 *       https://platform.openai.com/docs/api-reference/chat-streaming/streaming,
 *       https://platform.openai.com/docs/api-reference/chat/create</li>
 *   <li>chat completion object: https://platform.openai.com/docs/api-reference/chat/object</li>
 *   <li>model list: https://developers.openai.com/api/reference/cli/resources/models/methods/list and LM Studio's
 *       https://lmstudio.ai/docs/developer/rest/endpoints</li>
 *   <li>error object: https://platform.openai.com/docs/guides/error-codes</li>
 * </ul>
 */
class OpenAiClientTest {

    @RegisterExtension
    static final WireMockExtension SERVER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final String CHAT = "/v1/chat/completions";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<OpenAiClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(OpenAiClient::close);
    }

    @Test
    void streamsTheOpenAiChunkShapesAndReadsUsageFromTheChunkWithEmptyChoices() throws BackendException {
        stubStream(CHAT, "chat-stream-basic.sse");

        InferenceResult result = client(v1()).infer(request(true));

        assertThat(result.content()).isEqualTo("Hello world");
        assertThat(result.reasoning()).isEmpty();
        assertThat(result.finishReason()).isEqualTo("stop");
        assertThat(result.usage()).isEqualTo(TokenUsage.reported(9, 2, 0, 0));
        RequestTimings t = result.timings();
        assertThat(t.tokenChunkCount()).as("the role chunk with content \"\" is no token").isEqualTo(2);
        assertThat(t.firstTokenNanos()).isEqualTo(t.firstContentNanos()).isEqualTo(t.tokenNanos()[0]);
        assertThat(t.headersNanos()).isGreaterThanOrEqualTo(0);
        assertThat(t.firstByteNanos()).isGreaterThanOrEqualTo(t.headersNanos());
        assertThat(t.firstTokenNanos()).isGreaterThanOrEqualTo(t.firstByteNanos());
        assertThat(t.endNanos()).isGreaterThanOrEqualTo(t.lastTokenNanos());
    }

    @Test
    void sendsTheOpenAiRequestShapeWithIncludeUsageWhenStreaming() throws BackendException {
        stubStream(CHAT, "chat-stream-basic.sse");

        client(v1()).infer(request(true));

        SERVER.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson(Contracts.text("chat-request-stream.json"))));
    }

    @Test
    void takesTtftAtTheFirstReasoningChunkAndReasoningTokensFromUsageDetails() throws BackendException {
        stubStream(CHAT, "chat-stream-reasoning.sse");

        InferenceResult result = client(v1()).infer(request(true));

        assertThat(result.reasoning()).isEqualTo("Let me think");
        assertThat(result.content()).isEqualTo("Nine.");
        assertThat(result.usage()).isEqualTo(TokenUsage.reported(12, 30, 28));
        RequestTimings t = result.timings();
        assertThat(t.tokenChunkCount()).isEqualTo(5);
        assertThat(t.firstTokenNanos()).isEqualTo(t.tokenNanos()[0]);
        assertThat(t.firstContentNanos()).isEqualTo(t.tokenNanos()[3]);
    }

    @Test
    void estimatesUsageFromChunkCountsWhenTheStreamHasNone() throws BackendException {
        stubStream(CHAT, "chat-stream-no-usage.sse");

        InferenceResult result = client(v1()).infer(request(true));

        assertThat(result.content()).isEqualTo("One two three");
        assertThat(result.finishReason()).isEqualTo("length");
        // three token chunks; prompt "Say hello" is 9 characters -> ceil(9 / 4) = 3
        assertThat(result.usage()).isEqualTo(TokenUsage.estimated(3, 3, 0));
    }

    @Test
    void toleratesNullAndMissingDeltasUnknownFieldsOtherSseFieldsAndAMissingDone() throws BackendException {
        stubStream(CHAT, "chat-stream-quirks.sse");

        InferenceResult result = client(v1()).infer(request(true));

        assertThat(result.content()).isEqualTo("Hi there");
        assertThat(result.reasoning()).isEqualTo("Hmm");
        assertThat(result.finishReason()).isEqualTo("stop");
        assertThat(result.usage()).isEqualTo(TokenUsage.estimated(3, 3, 1));
        assertThat(result.timings().tokenChunkCount()).isEqualTo(3);
        assertThat(result.timings().endNanos()).isGreaterThanOrEqualTo(result.timings().lastTokenNanos());
    }

    @Test
    void failsWithTheServerMessageWhenAStreamCarriesAnErrorObject() {
        stubStream(CHAT, "chat-stream-error.sse");

        BackendException e = failure(() -> client(v1()).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.getMessage()).isEqualTo(
                "server error in stream from " + v1() + "/chat/completions: CUDA out of memory");
    }

    @Test
    void failsWithInvalidResponseWhenAChunkIsNotJson() {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody("data: {\"choices\":[\n\n")));

        BackendException e = failure(() -> client(v1()).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).startsWith("invalid JSON in stream from " + v1() + "/chat/completions");
    }

    @Test
    void readsANonStreamedCompletionWithoutTokenTimes() throws BackendException {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(json(200, "chat-completion.json")));

        InferenceResult result = client(v1()).infer(request(false));

        SERVER.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Accept", equalTo("application/json"))
                .withRequestBody(equalToJson(Contracts.text("chat-request-no-stream.json"))));
        assertThat(result.content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(result.reasoning()).isEqualTo("The user greets me.");
        assertThat(result.finishReason()).isEqualTo("stop");
        assertThat(result.usage()).as("cached_tokens 0 is a known cache state")
                .isEqualTo(TokenUsage.reported(19, 15, 5, 0));
        RequestTimings t = result.timings();
        assertThat(t.headersNanos()).isNotNegative();
        assertThat(t.firstByteNanos()).isGreaterThanOrEqualTo(t.headersNanos());
        assertThat(t.endNanos()).isGreaterThanOrEqualTo(t.firstByteNanos());
        assertThat(t.firstTokenNanos()).isEqualTo(RequestTimings.ABSENT);
        assertThat(t.firstContentNanos()).isEqualTo(RequestTimings.ABSENT);
        assertThat(t.lastTokenNanos()).isEqualTo(RequestTimings.ABSENT);
        assertThat(t.tokenChunkCount()).isZero();
    }

    @Test
    void estimatesANonStreamedCompletionWithoutUsageFromCharacters() throws BackendException {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(json(200, "chat-completion-no-usage.json")));

        InferenceResult result = client(v1()).infer(request(false));

        // content "Hello there, friend!" 20 chars -> 5; reasoning "Greet back." 11 chars -> 3; prompt 9 -> 3
        assertThat(result.usage()).isEqualTo(TokenUsage.estimated(3, 8, 3));
        assertThat(result.reasoning()).isEqualTo("Greet back.");
    }

    @Test
    void refusesAJsonCompletionAsTheAnswerToAStreamingRequestBecauseItHasNoTokenTimes() {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(json(200, "chat-completion.json")));

        BackendException e = failure(() -> client(v1()).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).isEqualTo(v1() + "/chat/completions answered a streaming request with"
                + " application/json instead of text/event-stream; a stream without token times cannot be measured");
    }

    @Test
    void reportsAJsonErrorObjectAnsweringAStreamingRequestAsServerError() {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Model is loading\",\"type\":\"server_error\"}}")));

        BackendException e = failure(() -> client(v1()).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.getMessage()).isEqualTo("server error from " + v1() + "/chat/completions: Model is loading");
    }

    @Test
    void reportsModelNotFoundWithStatusAndServerMessageOnOneLine() {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(json(404, "error-404-model-not-found.json")));

        BackendException e = failure(() -> client(v1()).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.url()).isEqualTo(v1() + "/chat/completions");
        assertThat(e.getMessage()).isEqualTo("HTTP 404 from " + v1() + "/chat/completions: The model `gpt-5-nano-x`"
                + " does not exist or you do not have access to it.");
    }

    @Test
    void reportsAnInvalidKeyAsHttp401() {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(json(401, "error-401-invalid-key.json")));

        BackendException e = failure(() -> client(v1()).infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage()).startsWith("HTTP 401 from " + v1() + "/chat/completions: Incorrect API key")
                .doesNotContain("\n");
    }

    @Test
    void reportsAServerErrorWithAPlainStringMessageOnOneLine() {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(json(500, "error-500-plain-string.json")));

        BackendException e = failure(() -> client(v1()).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.getMessage()).isEqualTo("HTTP 500 from " + v1() + "/chat/completions: Model crashed while loading");
    }

    @Test
    void reportsAnErrorWithoutBodyWithTheStatusAlone() {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(503)));

        BackendException e = failure(() -> client(v1()).infer(request(true)));

        assertThat(e.getMessage()).isEqualTo("HTTP 503 from " + v1() + "/chat/completions");
    }

    @Test
    void namesTheUrlWhenTheConnectionIsRefused() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;

        BackendException e = failure(() -> client(base).listModels());

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.url()).isEqualTo(base + "/v1/models");
        assertThat(e.getMessage()).isEqualTo("cannot connect to " + base + "/v1/models: connection refused");
    }

    @Test
    void namesTheUrlAndHostWhenTheHostIsUnknown() {
        // .invalid never resolves (RFC 2606), so this needs no network.
        BackendException e = failure(() -> client("http://nonexistent-host.invalid").listModels());

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.getMessage()).isEqualTo("cannot connect to http://nonexistent-host.invalid/v1/models:"
                + " unknown host nonexistent-host.invalid");
    }

    @Test
    void sendsTheBearerTokenWhenOneIsSet() throws BackendException {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer sk-local"))
                .willReturn(json(200, "models-openai.json")));

        OpenAiClient client = track(OpenAiClient.create(ClientConfig.of(v1()).withApiToken("sk-local")));

        assertThat(client.listModels()).extracting(ModelInfo::id)
                .containsExactly("qwen3-8b", "text-embedding-nomic-embed-text-v1.5");
    }

    @Test
    void sendsNoAuthorizationHeaderWithoutToken() throws BackendException {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json(200, "models-openai.json")));

        client(v1()).listModels();

        SERVER.verify(getRequestedFor(urlEqualTo("/v1/models")).withoutHeader("Authorization"));
    }

    @Test
    void listsLmStudioModelsWithTheirDetails() throws BackendException {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json(200, "models-lmstudio.json")));

        assertThat(client(v1()).listModels()).containsExactly(
                new ModelInfo("qwen2-vl-7b-instruct", "vlm", "mlx-community", "qwen2_vl", "4bit", -1, 32768),
                new ModelInfo("meta-llama-3.1-8b-instruct", "llm", "lmstudio-community", "llama", "Q4_K_M", -1,
                        131072));
    }

    @Test
    void reportsAnUnreadableModelListAsInvalidResponse() {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(200).withBody("<html>")));

        BackendException e = failure(() -> client(v1()).listModels());

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).startsWith("invalid model list from " + v1() + "/models");
    }

    @Test
    void usesABaseUrlWithAPathAsGiven() throws BackendException {
        SERVER.stubFor(post(urlEqualTo("/proxy/v1/chat/completions")).willReturn(stream("chat-stream-basic.sse")));
        SERVER.stubFor(get(urlEqualTo("/proxy/v1/models")).willReturn(json(200, "models-openai.json")));

        OpenAiClient client = client(root() + "/proxy/v1/");
        client.infer(request(true));
        client.listModels();

        SERVER.verify(1, postRequestedFor(urlEqualTo("/proxy/v1/chat/completions")));
        SERVER.verify(1, getRequestedFor(urlEqualTo("/proxy/v1/models")));
        assertThat(client.endpoint()).isEqualTo(root() + "/proxy/v1");
    }

    @Test
    void doesNotFallBackWhenTheBaseUrlHasAPath() {
        SERVER.stubFor(post(urlEqualTo("/proxy/chat/completions")).willReturn(stream("chat-stream-basic.sse")));

        BackendException e = failure(() -> client(root() + "/proxy/v1").infer(request(true)));

        assertThat(e.httpStatus()).isEqualTo(404);
        SERVER.verify(0, postRequestedFor(urlEqualTo("/proxy/chat/completions")));
    }

    @Test
    void addsV1ToABaseUrlWithoutPath() throws BackendException {
        stubStream(CHAT, "chat-stream-basic.sse");
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json(200, "models-openai.json")));

        OpenAiClient client = client(root());
        client.infer(request(true));
        client.infer(request(true));
        client.listModels();

        SERVER.verify(2, postRequestedFor(urlEqualTo(CHAT)));
        SERVER.verify(1, getRequestedFor(urlEqualTo("/v1/models")));
        SERVER.verify(0, postRequestedFor(urlEqualTo("/chat/completions")));
    }

    @Test
    void fallsBackToNoPrefixOnceWhenV1Answers404AndRemembersIt() throws BackendException {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(404).withBody("Not Found")));
        SERVER.stubFor(post(urlEqualTo("/chat/completions")).willReturn(stream("chat-stream-basic.sse")));
        SERVER.stubFor(get(urlEqualTo("/models")).willReturn(json(200, "models-openai.json")));

        OpenAiClient client = client(root());
        InferenceResult first = client.infer(request(true));
        InferenceResult second = client.infer(request(true));
        List<ModelInfo> models = client.listModels();

        assertThat(first.content()).isEqualTo("Hello world");
        assertThat(second.content()).isEqualTo("Hello world");
        assertThat(models).hasSize(2);
        SERVER.verify(1, postRequestedFor(urlEqualTo(CHAT)));
        SERVER.verify(2, postRequestedFor(urlEqualTo("/chat/completions")));
        SERVER.verify(0, getRequestedFor(urlEqualTo("/v1/models")));
        SERVER.verify(1, getRequestedFor(urlEqualTo("/models")));
    }

    @Test
    void reportsTheV1AnswerWhenBothPrefixesAnswer404() {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(json(404, "error-404-model-not-found.json")));

        BackendException e = failure(() -> client(root()).infer(request(true)));

        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.getMessage()).isEqualTo("HTTP 404 from " + root() + CHAT + ": The model `gpt-5-nano-x` does"
                + " not exist or you do not have access to it.");
        SERVER.verify(1, postRequestedFor(urlEqualTo("/chat/completions")));
    }

    @Test
    void servesConcurrentRequestsFromOneClient() throws Exception {
        stubStream(CHAT, "chat-stream-basic.sse");
        OpenAiClient client = client(v1());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<InferenceResult>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.infer(request(true));
                    } catch (BackendException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            for (CompletableFuture<InferenceResult> future : futures) {
                assertThat(future.get(10, TimeUnit.SECONDS).content()).isEqualTo("Hello world");
            }
        } finally {
            pool.shutdownNow();
        }
        SERVER.verify(16, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void refusesCallsAfterCloseAndClosesTwiceQuietly() {
        OpenAiClient client = client(v1());
        client.close();
        client.close();

        assertThat(catchThrowableOfType(IllegalStateException.class, () -> client.infer(request(true))))
                .hasMessageContaining("closed");
    }

    // ---- helpers ----

    private static String root() {
        return SERVER.baseUrl();
    }

    @Test
    void reportsLmStudiosNoModelsLoadedAsModelNotLoaded() {
        LmStudioStubs.register(SERVER, "error-no-models-loaded.json");

        BackendException e = failure(() -> client(v1()).infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_LOADED);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.getMessage()).contains("No models loaded").endsWith(LmStudioException.NOT_LOADED_HINT);
    }

    @Test
    void failsWithWrongModelWhenAnotherModelAnswers() {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(Contracts.text("chat-stream-basic.sse")
                        .replace("\"model\":\"qwen3-8b\"", "\"model\":\"gemma-3-1b-it-qat:2\""))));
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json(200, "models-openai.json")));

        BackendException e = failure(() -> client(v1()).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(e).isNotInstanceOf(LmStudioException.class);
        assertThat(e.getMessage()).startsWith("asked for 'qwen3-8b' but 'gemma-3-1b-it-qat:2' answered (" + v1()
                + "/chat/completions): the server answered with another model");
        assertThat(e.getMessage()).contains("turn on JIT loading");
    }

    @Test
    void acceptsADatedSnapshotAnsweringForItsAliasAsOpenAiDoes() throws BackendException {
        // the documented example: asked for gpt-4.1, answered by gpt-4.1-2025-04-14
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Contracts.text("chat-completion.json")
                        .replace("\"model\": \"qwen3-8b\"", "\"model\": \"gpt-4.1-2025-04-14\""))));

        InferenceResult r = client(v1()).infer(new InferenceRequest("gpt-4.1", "Say hello", 64, 0.1, false,
                TIMEOUT));

        assertThat(r.content()).isEqualTo("Hello! How can I assist you today?");
    }

    @Test
    void comparesStreamedUsageWithTheTokenChunksButCorrectsNothing() throws BackendException {
        // the basic stream: two token chunks, usage completion_tokens 2
        stubStream(CHAT, "chat-stream-basic.sse");
        assertThat(client(v1()).infer(request(true)).usageCheck())
                .isEqualTo(new UsageCheck(UsageCheck.Verdict.AGREE, 2, 2));

        SERVER.resetAll();
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(Contracts.text("chat-stream-basic.sse")
                        .replace("\"finish_reason\":\"stop\"", "\"finish_reason\":\"length\"")
                        .replace("\"completion_tokens\":2", "\"completion_tokens\":1"))));
        InferenceResult offByOne = client(v1()).infer(new InferenceRequest("qwen3-8b", "Say hello", 2, 0.1, true,
                TIMEOUT));
        assertThat(offByOne.usageCheck()).as("LM Studio's bug is corrected by LM Studio's client only")
                .isEqualTo(new UsageCheck(UsageCheck.Verdict.MISMATCH, 2, 1));
        assertThat(offByOne.usage().completionTokens()).isEqualTo(1);
        SERVER.resetAll();
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(json(200, "chat-completion.json")));
        assertThat(client(v1()).infer(request(false)).usageCheck()).as("not streamed")
                .isEqualTo(UsageCheck.NOT_CHECKED);
    }

    @Test
    void ignoresStatsTheOpenAiEndpointDoesNotDocument() throws BackendException {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\"stats\":{}}\n\n"
                        + "data: {\"choices\":[],\"stats\":{\"tokens_per_second\":30.5}}\n\ndata: [DONE]\n\n")));

        assertThat(client(v1()).infer(request(true)).serverStats())
                .isEqualTo(dev.lmsbench.core.model.ServerStats.NONE);
    }

    @Test
    void sendsNoDraftModelTheOpenAiApiDoesNotHave() throws BackendException {
        stubStream(CHAT, "chat-stream-basic.sse");

        client(v1()).infer(request(true).withDraftModel("qwen3-0.6b"));

        SERVER.verify(postRequestedFor(urlEqualTo(CHAT))
                .withRequestBody(equalToJson(Contracts.text("chat-request-stream.json"))));
    }

    @Test
    void triesTheRootWhenV1AnswersLmStudiosStatus200UnexpectedEndpointAndRemembersIt() throws BackendException {
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");
        SERVER.stubFor(get(urlEqualTo("/models")).willReturn(json(200, "models-openai.json")));
        SERVER.stubFor(post(urlEqualTo("/chat/completions")).willReturn(stream("chat-stream-basic.sse")));
        OpenAiClient client = client(root());

        assertThat(client.listModels()).extracting(ModelInfo::id).contains("qwen3-8b");
        assertThat(client.infer(request(true)).content()).isEqualTo("Hello world");

        SERVER.verify(1, getRequestedFor(urlEqualTo("/v1/models")));
        SERVER.verify(0, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void triesTheRootWhenAStreamedChatIsAnsweredWithUnexpectedEndpoint() throws BackendException {
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");
        SERVER.stubFor(post(urlEqualTo("/chat/completions")).willReturn(stream("chat-stream-basic.sse")));

        assertThat(client(root()).infer(request(true)).content()).isEqualTo("Hello world");
    }

    @Test
    void reportsTheFirst404WhenTheRootAnswersUnexpectedEndpoint() {
        // LM Studio with JIT loading off: /v1 says "No models loaded"; the root path is not served (status 200)
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");
        LmStudioStubs.register(SERVER, "error-no-models-loaded.json");

        BackendException e = failure(() -> client(root()).infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_LOADED);
        assertThat(e.httpStatus()).isEqualTo(404);
    }

    @Test
    void aFixedPathAnsweredWithUnexpectedEndpointIsNotThere() {
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");

        BackendException models = failure(() -> client(v1()).listModels());
        BackendException chat = failure(() -> client(v1()).infer(request(false)));

        assertThat(List.of(models, chat)).allSatisfy(e -> {
            assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
            assertThat(e.getMessage()).contains("is not served there: it answered HTTP 200 with 'Unexpected"
                    + " endpoint or method.");
        });
        assertThat(chat.getMessage()).contains("(POST /v1/chat/completions)");
    }

    @Test
    void learnsNoVersionFromAStatus200UnexpectedEndpointAnswer() {
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(Contracts.text("llamacpp-models.json"))));

        dev.lmsbench.core.model.ServerInfo info = client(v1()).server();

        assertThat(info.kind()).isEqualTo("llama.cpp");
        assertThat(info.version()).as("/props is not served").isEmpty();
        assertThat(info.runtime()).isEmpty();
    }

    private static String v1() {
        return SERVER.baseUrl() + "/v1";
    }

    private OpenAiClient client(String baseUrl) {
        return track(OpenAiClient.create(baseUrl));
    }

    private OpenAiClient track(OpenAiClient client) {
        clients.add(client);
        return client;
    }

    private static InferenceRequest request(boolean stream) {
        return new InferenceRequest("qwen3-8b", "Say hello", 64, 0.1, stream, TIMEOUT);
    }

    private static void stubStream(String url, String contract) {
        SERVER.stubFor(post(urlEqualTo(url)).willReturn(stream(contract)));
    }

    private static ResponseDefinitionBuilder stream(String contract) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(Contracts.text(contract));
    }

    private static ResponseDefinitionBuilder json(int status, String contract) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(Contracts.text(contract));
    }

    /** A call expected to fail. */
    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    static BackendException failure(Call call) {
        BackendException e = catchThrowableOfType(BackendException.class, call::run);
        assertThat(e).as("expected a BackendException").isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r").doesNotContain("Exception");
        return e;
    }
}
