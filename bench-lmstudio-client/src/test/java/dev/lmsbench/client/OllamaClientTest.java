package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * Ollama's native API against WireMock: tags and show, load and unload bodies, running models, streamed and
 * non-streamed chat with the server's timings, and the failures of a stream. The stub files in
 * {@code src/test/resources/contracts/ollama/} carry the documented shapes and cite the documentation.
 */
class OllamaClientTest {

    @RegisterExtension
    static final WireMockExtension SERVER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MODEL = "codellama:13b";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final SamplingParams SAMPLING = new SamplingParams(0.2, 40, 0.95, 0.05, 1.1);
    private static final LoadConfig LOAD = new LoadConfig(8192, null, 256, null, null, null, null, null, null, null,
            null);

    private final List<OllamaClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(OllamaClient::close);
    }

    private OllamaClient client() {
        OllamaClient client = OllamaClient.create(SERVER.baseUrl());
        clients.add(client);
        return client;
    }

    private static void stubs(String file) {
        try {
            JsonNode mappings = MAPPER.readTree(Contracts.text("ollama/" + file)).path("mappings");
            for (JsonNode mapping : mappings) {
                SERVER.addStubMapping(StubMapping.buildFrom(mapping.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InferenceRequest request(boolean stream) {
        return new InferenceRequest(MODEL, "why is the sky blue?", 64, SAMPLING, stream, TIMEOUT);
    }

    private static void chatAnswers(String contentType, String body) {
        SERVER.stubFor(post(urlPathEqualTo("/api/chat"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", contentType).withBody(body)));
    }

    // ---- models ----

    @Test
    void listsModelsWithSizeFamilyParamsQuantizationContextAndCapabilities() throws BackendException {
        stubs("tags.json");
        stubs("show.json");

        List<ModelInfo> models = client().listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly(MODEL, "llava:latest");
        ModelInfo code = models.get(0);
        assertThat(code.sizeBytes()).isEqualTo(7_365_960_935L);
        assertThat(code.architecture()).isEqualTo("llama");
        assertThat(code.params()).isEqualTo("13B");
        assertThat(code.quantization()).isEqualTo("Q4_0");
        assertThat(code.maxContextLength()).isEqualTo(16_384);
        assertThat(code.type()).isEqualTo("llm");
        assertThat(code.capabilities()).containsExactly(Capability.TOOL_USE);
        ModelInfo llava = models.get(1);
        assertThat(llava.type()).isEqualTo("vlm");
        assertThat(llava.capabilities()).containsExactly(Capability.VISION);
        assertThat(llava.maxContextLength()).isEqualTo(4096);
    }

    @Test
    void aModelWhoseShowFailsKeepsWhatTheListSays() throws BackendException {
        stubs("tags.json");
        SERVER.stubFor(post(urlPathEqualTo("/api/show")).willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":\"boom\"}")));

        List<ModelInfo> models = client().listModels();

        assertThat(models).hasSize(2);
        assertThat(models.get(0).maxContextLength()).isEqualTo(-1);
        assertThat(models.get(0).quantization()).isEqualTo("Q4_0");
    }

    @Test
    void aModelListWithoutModelsIsAnInvalidResponse() {
        SERVER.stubFor(get(urlPathEqualTo("/api/tags")).willReturn(okJson("{\"data\":[]}")));

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().listModels());

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("no \"models\" array");
    }

    @Test
    void runningModelsTellTheMemoryAndVramTheModelHolds() throws BackendException {
        stubs("ps.json");

        assertThat(client().runningModels()).containsExactly(
                new OllamaClient.RunningModel(MODEL, MODEL, 9_137_025_024L, 8_137_025_024L));
    }

    // ---- load and unload ----

    @Test
    void loadSendsTheModelKeepAliveAndNumCtxAndReportsTheMeasuredLoadTime() throws BackendException {
        stubs("generate-load.json");
        stubs("ps.json");

        OllamaClient client = client();
        LoadOutcome outcome = client.load(ModelInfo.named(MODEL), LOAD);

        assertThat(outcome.managed()).isTrue();
        assertThat(outcome.seconds()).isPositive().isLessThan(TIMEOUT.toSeconds());
        assertThat(client.loadedByUs()).containsExactly(MODEL);
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/generate")));
        // /api/ps right after the load: size and size_vram of the model
        assertThat(outcome.memory()).isEqualTo(new dev.lmsbench.core.model.LoadMemory(9137025024L, 8137025024L));
    }

    @Test
    void aModelThatApiPsDoesNotListHasUnknownLoadMemory() throws BackendException {
        stubs("generate-load.json");
        SERVER.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/api/ps"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"models\":[]}")));

        LoadOutcome outcome = client().load(ModelInfo.named(MODEL), LOAD);

        assertThat(outcome.memory()).isEqualTo(dev.lmsbench.core.model.LoadMemory.UNKNOWN);
    }

    @Test
    void unloadSendsKeepAliveZeroOnlyForAModelTheClientLoaded() throws BackendException {
        stubs("generate-load.json");
        stubs("generate-unload.json");
        stubs("ps.json");
        OllamaClient client = client();

        client.unload(ModelInfo.named(MODEL));
        SERVER.verify(0, postRequestedFor(urlPathEqualTo("/api/generate")));

        client.load(ModelInfo.named(MODEL), LOAD);
        client.unload(ModelInfo.named(MODEL));

        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/generate"))
                .withRequestBody(equalToJson("{\"model\":\"codellama:13b\",\"keep_alive\":0,\"stream\":false}")));
        assertThat(client.loadedByUs()).isEmpty();
    }

    @Test
    void aLoadThatFailsIsStillUnloaded() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/generate"))
                .withRequestBody(equalToJson("{\"model\":\"codellama:13b\",\"keep_alive\":\"10m\",\"stream\":false,"
                        + "\"options\":{\"num_ctx\":8192,\"num_batch\":256}}"))
                .willReturn(aResponse().withStatus(500).withBody(
                        "{\"error\":\"model requires more system memory (9.1 GiB) than is available (4.0 GiB)\"}")));
        stubs("generate-unload.json");
        OllamaClient client = client();

        BackendException e = catchThrowableOfType(BackendException.class,
                () -> client.load(ModelInfo.named(MODEL), LOAD));
        client.unload(ModelInfo.named(MODEL));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.getMessage()).contains("model requires more system memory");
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/generate"))
                .withRequestBody(equalToJson("{\"model\":\"codellama:13b\",\"keep_alive\":0,\"stream\":false}")));
    }

    // ---- chat ----

    @Test
    void aStreamedChatCarriesTokensThinkingCountsAndTheServersTimings() throws BackendException {
        stubs("generate-load.json");
        stubs("ps.json");
        stubs("chat.json");
        OllamaClient client = client();
        client.load(ModelInfo.named(MODEL), LOAD);

        InferenceResult r = client.infer(request(true));

        assertThat(r.content()).isEqualTo("The sky");
        assertThat(r.reasoning()).isEqualTo("Rayleigh");
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.usage()).isEqualTo(TokenUsage.reported(26, 282, 1));
        assertThat(r.timings().tokenChunkCount()).isEqualTo(3);
        assertThat(r.timings().ttftSeconds()).isPositive();
        assertThat(r.timings().firstContentNanos()).isGreaterThanOrEqualTo(r.timings().firstTokenNanos());
        ServerStats stats = r.serverStats();
        assertThat(stats.source()).isEqualTo(OllamaClient.CHAT_STATS);
        assertThat(stats.tokensPerSecond()).isCloseTo(282 / 4.535599, within(1e-9));
        assertThat(stats.timeToFirstTokenSeconds()).isCloseTo(0.001334875 + 0.342546, within(1e-12));
        assertThat(stats.generationTimeSeconds()).isCloseTo(4.535599, within(1e-12));
        assertThat(stats.stopReason()).isEqualTo("stop");
        // the prompt figures, as llama.cpp's are recorded: prompt_eval_count over prompt_eval_duration
        assertThat(stats.promptTokensPerSecond()).isCloseTo(26 / 0.342546, within(1e-9));
        assertThat(stats.promptSeconds()).isCloseTo(0.342546, within(1e-12));
        assertThat(stats.promptTokens()).isEqualTo(26);
        assertThat(stats.generatedTokens()).isEqualTo(282);
        assertThat(stats.cachedTokens()).as("Ollama does not say").isEqualTo(-1);
        assertThat(r.usage().promptCacheKnown()).isFalse();
    }

    @Test
    void aNonStreamedChatCarriesTheAnswerCountsAndTimingsWithoutTokenTimes() throws BackendException {
        stubs("chat.json");

        InferenceResult r = client().infer(request(false));

        assertThat(r.content()).isEqualTo("Hello! How are you today?");
        assertThat(r.usage()).isEqualTo(TokenUsage.reported(26, 298, 0));
        assertThat(r.timings().tokenChunkCount()).isZero();
        assertThat(r.serverStats().tokensPerSecond()).isCloseTo(298 / 4.799921, within(1e-9));
        assertThat(r.serverStats().timeToFirstTokenSeconds()).isCloseTo(0.002154458 + 0.383809, within(1e-12));
        assertThat(r.serverStats().promptTokensPerSecond()).isCloseTo(26 / 0.383809, within(1e-9));
        assertThat(r.serverStats().promptSeconds()).isCloseTo(0.383809, within(1e-12));
        assertThat(r.serverStats().promptTokens()).isEqualTo(26);
        assertThat(r.serverStats().generatedTokens()).isEqualTo(298);
    }

    @Test
    void failsWithWrongModelWhenAnotherModelAnswers() {
        chatAnswers("application/x-ndjson", "{\"model\":\"llama3.2:1b\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hi\"},\"done\":false}\n{\"model\":\"llama3.2:1b\",\"done\":true,"
                + "\"done_reason\":\"stop\"}\n");

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(e.getMessage()).isEqualTo("asked for 'codellama:13b' but 'llama3.2:1b' answered ("
                + SERVER.baseUrl() + "/api/chat): Ollama answered with another model; name one that ollama list"
                + " shows");
    }

    @Test
    void acceptsOllamasImplicitLatestTag() throws BackendException {
        chatAnswers("application/json", "{\"model\":\"codellama:latest\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hi\"},\"done\":true,\"done_reason\":\"stop\"}");

        InferenceResult r = client().infer(new InferenceRequest("codellama", "hi", 8, SAMPLING, false, TIMEOUT));

        assertThat(r.content()).isEqualTo("Hi");
    }

    @Test
    void sendsNoDraftModelOllamasApiDoesNotHave() throws BackendException {
        stubs("chat.json");

        // chat.json's non-streamed mapping matches any body with stream false: check the body here
        client().infer(request(false).withDraftModel("llama3.2:1b"));

        SERVER.verify(postRequestedFor(urlPathEqualTo("/api/chat"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.notContaining("draft")));
    }

    @Test
    void lmStudiosStatus200UnexpectedEndpointAnswerIsNotOllama() {
        // LM Studio answers GET /api/version, which it does not serve, with 200 and an error object
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");

        assertThat(OllamaClient.isOllama(ClientConfig.of(SERVER.baseUrl()))).isFalse();
        assertThat(client().server().version()).isEmpty();
        SERVER.verify(2, getRequestedFor(urlPathEqualTo("/api/version")));
    }

    @Test
    void aStreamWithoutCountsIsEstimatedAndFlaggedSo() throws BackendException {
        chatAnswers("application/x-ndjson", "{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n"
                + "{\"message\":{\"role\":\"assistant\",\"content\":\" there\"},\"done\":false}\n"
                + "{\"done\":true,\"done_reason\":\"stop\"}\n");

        InferenceResult r = client().infer(request(true));

        assertThat(r.usage().estimated()).isTrue();
        assertThat(r.usage().completionTokens()).isEqualTo(2);
        assertThat(r.serverStats()).isEqualTo(ServerStats.NONE);
    }

    @Test
    void anErrorObjectInTheStreamIsAServerErrorWithTheServersWordsMadeSafe() {
        chatAnswers("application/x-ndjson", "{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n"
                + "{\"error\":\"an error was encountered \\u001b[31mwhile running the model\"}\n");

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.getMessage()).contains("an error was encountered").contains("while running the model")
                .doesNotContain("\u001b");
    }

    @Test
    void anErrorObjectAsTheWholeAnswerIsAServerError() {
        SERVER.stubFor(post(urlPathEqualTo("/api/chat")).willReturn(okJson("{\"error\":\"unexpected EOF\"}")));

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.getMessage()).contains("unexpected EOF");
    }

    @Test
    void anUnknownModelIsAnHttpStatusWithTheServersMessage() {
        SERVER.stubFor(post(urlPathEqualTo("/api/chat")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"model \\\"codellama:13b\\\" not found, try pulling it first\"}")));

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.getMessage()).contains("not found, try pulling it first");
    }

    @Test
    void anInvalidJsonLineIsAnInvalidResponse() {
        chatAnswers("application/x-ndjson", "{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n"
                + "{\"message\": not json\n");

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("invalid JSON in stream");
    }

    @Test
    void aFieldOfTheWrongTypeIsAnInvalidResponse() {
        chatAnswers("application/x-ndjson", "{\"message\":{\"role\":\"assistant\",\"content\":7},\"done\":false}\n");

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("\"content\" is not a string");
    }

    @Test
    void anEndlessLineIsTooLargeOnceItPassesTheLineLimit() {
        chatAnswers("application/x-ndjson", "{\"message\":{\"content\":\"" + "x".repeat(NdjsonParser.MAX_LINE_BYTES));

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(e.getMessage()).contains("NDJSON line longer than " + NdjsonParser.MAX_LINE_BYTES + " bytes");
    }

    @Test
    void aStreamWithoutAnyTokenIsAnInvalidResponse() {
        chatAnswers("application/x-ndjson", "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                + "\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":0}\n");

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("no tokens");
    }

    @Test
    void aStreamedAnswerThatIsNotJsonIsAnInvalidResponse() {
        chatAnswers("text/html", "<html><title>proxy</title></html>");

        BackendException e = catchThrowableOfType(BackendException.class, () -> client().infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("instead of application/x-ndjson");
    }

    // ---- identity and detection ----

    @Test
    void theServerIsOllamaWithTheVersionItReports() {
        stubs("version.json");

        ServerInfo info = client().server();

        assertThat(info.kind()).isEqualTo("ollama");
        assertThat(info.version()).isEqualTo("0.5.1");
        assertThat(info.baseUrl()).isEqualTo("http://localhost:" + SERVER.getPort());
    }

    @Test
    void theProbeTellsOllamaFromServersThatAnswerSomethingElse() {
        ClientConfig config = ClientConfig.of(SERVER.baseUrl());
        assertThat(OllamaClient.isOllama(config)).as("404").isFalse();

        SERVER.stubFor(get(urlPathEqualTo("/api/version"))
                .willReturn(okJson("{\"error\":\"Unexpected endpoint or method. (GET /api/version)\"}")));
        assertThat(OllamaClient.isOllama(config)).as("LM Studio's unknown-endpoint answer").isFalse();

        stubs("version.json");
        assertThat(OllamaClient.isOllama(config)).isTrue();
        assertThat(OllamaClient.isOllama(ClientConfig.of("http://127.0.0.1:1"))).as("nothing there").isFalse();
    }

    @Test
    void theDefaultPortIsEleven434() {
        assertThat(OllamaClient.usesDefaultPort("http://localhost:11434")).isTrue();
        assertThat(OllamaClient.usesDefaultPort("http://localhost:1234")).isFalse();
    }
}
