package dev.lmsbench.client;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * llama.cpp's shapes against WireMock: the model list with {@code meta}, {@code cache_prompt} in the request, and the
 * {@code timings} object of a streamed and a non-streamed chat completion. Source of every body:
 * https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md (see contracts/README.md).
 */
class LlamaCppContractTest {

    @RegisterExtension
    static final WireMockExtension SERVER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final String CHAT = "/v1/chat/completions";
    private static final String MODEL = "qwen3-0.6b-q8_0.gguf";
    private static final String NONCE = "0123456789abcdef lmsbench";

    private final List<OpenAiClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(OpenAiClient::close);
    }

    @Test
    void readsSizeContextAndParametersFromTheModelListsMetaAndTellsTheServerIsLlamaCpp() throws BackendException {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json("llamacpp-models.json")));
        OpenAiClient client = client();
        List<ModelInfo> models = client.listModels();
        assertThat(models).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(MODEL);
            assertThat(m.sizeBytes()).isEqualTo(633_339_904L);
            assertThat(m.maxContextLength()).isEqualTo(40960);
            assertThat(m.params()).isEqualTo("596M");
        });
        assertThat(client.server().kind()).isEqualTo("llama.cpp");
    }

    @Test
    void sendsTheNonceFirstAndCachePromptFalseToLlamaCpp() throws BackendException {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json("llamacpp-models.json")));
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(stream("llamacpp-chat-stream.sse")));
        OpenAiClient client = client();
        client.listModels();
        client.infer(request(true, NONCE));
        SERVER.verify(postRequestedFor(urlEqualTo(CHAT))
                .withRequestBody(equalToJson(Contracts.text("llamacpp-chat-request-stream.json"))));
    }

    @Test
    void sendsNoCachePromptFieldToOtherServersNorWhenTheCacheIsReusedOnPurpose() throws BackendException {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json("models-openai.json")));
        // the answer names the model asked for, as every server's answer must
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(Contracts.text("chat-stream-basic.sse")
                        .replace("\"model\":\"qwen3-8b\"", "\"model\":\"" + MODEL + "\""))));
        OpenAiClient openAi = client();
        openAi.listModels();
        openAi.infer(request(true, NONCE));
        SERVER.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"model":"%s","messages":[{"role":"user","content":"%s\\nSay hello"}],"max_tokens":64,
                 "temperature":0.1,"stream":true,"stream_options":{"include_usage":true}}""".formatted(MODEL, NONCE))));

        SERVER.resetAll();
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json("llamacpp-models.json")));
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(stream("llamacpp-chat-stream.sse")));
        OpenAiClient llama = client();
        llama.listModels();
        llama.infer(request(true, ""));
        SERVER.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("""
                {"model":"%s","messages":[{"role":"user","content":"Say hello"}],"max_tokens":64,
                 "temperature":0.1,"stream":true,"stream_options":{"include_usage":true}}""".formatted(MODEL))));
    }

    @Test
    void recordsCachedPromptTokensAndTheTimingsOfTheLastStreamedChunksAsServerStats() throws BackendException {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(stream("llamacpp-chat-stream.sse")));
        InferenceResult r = client().infer(request(true, NONCE));
        assertThat(r.usage()).isEqualTo(TokenUsage.reported(31, 2, 0, 30));
        assertThat(r.usage().processedPromptTokens()).isEqualTo(1);
        ServerStats s = r.serverStats();
        assertThat(s.source()).isEqualTo("llama.cpp.timings");
        assertThat(s.promptTokens()).isEqualTo(1);
        assertThat(s.cachedTokens()).isEqualTo(30);
        assertThat(s.generatedTokens()).isEqualTo(2);
        assertThat(s.promptSeconds()).isCloseTo(0.00765, within(1e-12));
        assertThat(s.promptTokensPerSecond()).isCloseTo(130.718954248366, within(1e-9));
        assertThat(s.generationTimeSeconds()).isCloseTo(0.025, within(1e-12));
        assertThat(s.tokensPerSecond()).isEqualTo(80.0);
        assertThat(s.timeToFirstTokenSeconds()).as("llama.cpp reports no TTFT").isNaN();
    }

    @Test
    void recordsTheTimingsOfANonStreamedCompletion() throws BackendException {
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(json("llamacpp-chat-completion.json")));
        InferenceResult r = client().infer(request(false, NONCE));
        assertThat(r.usage()).isEqualTo(TokenUsage.reported(31, 2, 0, 0));
        assertThat(r.serverStats().promptTokens()).isEqualTo(31);
        assertThat(r.serverStats().cachedTokens()).isZero();
        assertThat(r.serverStats().promptTokensPerSecond()).isCloseTo(480.6201550387597, within(1e-9));
        assertThat(r.serverStats().promptSeconds()).isCloseTo(0.0645, within(1e-12));
    }

    @Test
    void takesTheCachedCountFromTimingsWhenUsageHasNoPromptTokenDetails() throws BackendException {
        String body = Contracts.text("llamacpp-chat-completion.json")
                .replace(", \"prompt_tokens_details\": {\"cached_tokens\": 0}", "")
                .replace("\"cache_n\": 0", "\"cache_n\": 12");
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)));
        assertThat(client().infer(request(false, NONCE)).usage().promptCachedTokens()).isEqualTo(12);
    }

    @Test
    void acceptsTheOneModelLlamaCppServesForAnyNameAfterReadingItsModelList() throws BackendException {
        // llama-server answers every request with the model it serves, whatever the request names (seen with
        // llama.cpp de3ff81): its model list names that one model
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json("llamacpp-models.json")));
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(stream("llamacpp-chat-stream.sse")));
        OpenAiClient client = client();

        InferenceResult r = client.infer(new InferenceRequest("whatever-i-call-it", "Say hello", 64, 0.1, true,
                Duration.ofSeconds(10)));

        assertThat(r.content()).isEqualTo("Hello world");
        SERVER.verify(1, getRequestedFor(urlEqualTo("/v1/models")));
        client.infer(new InferenceRequest("whatever-i-call-it", "Say hello", 64, 0.1, true, Duration.ofSeconds(10)));
        SERVER.verify(1, getRequestedFor(urlEqualTo("/v1/models")));
    }

    @Test
    void stillFailsWhenLlamaCppAnswersWithAModelItsListDoesNotName() {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(json("llamacpp-models.json")));
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(Contracts.text("llamacpp-chat-stream.sse")
                        .replace(MODEL, "other.gguf"))));

        BackendException e = OpenAiClientTest.failure(() -> client().infer(request(true, "")));

        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(e.getMessage()).startsWith("asked for '" + MODEL + "' but 'other.gguf' answered");
    }

    @Test
    void doesNotAcceptAnyNameWhenLlamaCppServesSeveralModels() {
        String two = Contracts.text("llamacpp-models.json").replaceFirst("\\{\\s*\"id\"", "{\"id\": \"second.gguf\","
                + " \"object\": \"model\", \"owned_by\": \"llamacpp\"}, {\"id\"");
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(two)));
        SERVER.stubFor(post(urlEqualTo(CHAT)).willReturn(stream("llamacpp-chat-stream.sse")));

        BackendException e = OpenAiClientTest.failure(() -> client().infer(new InferenceRequest("second.gguf",
                "Say hello", 64, 0.1, true, Duration.ofSeconds(10))));

        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
    }

    private OpenAiClient client() {
        OpenAiClient c = OpenAiClient.create(SERVER.baseUrl() + "/v1");
        clients.add(c);
        return c;
    }

    private static InferenceRequest request(boolean stream, String nonce) {
        return new InferenceRequest(MODEL, "Say hello", 64, 0.1, stream, Duration.ofSeconds(10)).withNonce(nonce);
    }

    private static ResponseDefinitionBuilder stream(String contract) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(Contracts.text(contract));
    }

    private static ResponseDefinitionBuilder json(String contract) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Contracts.text(contract));
    }
}
