package dev.lmsbench.client;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.BackendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.OptionalInt;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link OpenAiClient#serverTokenizer()} against stubs shaped like llama.cpp's and vLLM's {@code POST /tokenize}. */
class ServerTokenizerTest {

    @RegisterExtension
    static final WireMockExtension SERVER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static void stubModels(String ownedBy) {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(okJson(
                "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\",\"owned_by\":\"" + ownedBy
                        + "\"}]}")));
    }

    @Test
    void llamaCppCountsAreTheLengthOfTheTokensArrayItAnswersForTheContent() throws BackendException {
        stubModels("llamacpp");
        SERVER.stubFor(post(urlEqualTo("/tokenize")).withRequestBody(equalToJson("{\"content\":\"Hello world\"}"))
                .willReturn(okJson("{\"tokens\":[9906,1917]}")));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            client.listModels();
            assertThat(client.serverTokenizer().source()).isEqualTo(TokenCountSource.SERVER_TOKENIZER);
            assertThat(client.serverTokenizer().count("m", "Hello world")).isEqualTo(OptionalInt.of(2));
        }
    }

    @Test
    void vllmIsAskedWithTheModelAndThePromptWithoutSpecialTokens() throws BackendException {
        stubModels("vllm");
        SERVER.stubFor(post(urlEqualTo("/tokenize")).withRequestBody(equalToJson(
                        "{\"model\":\"m\",\"prompt\":\"Hi there you\",\"add_special_tokens\":false}"))
                .willReturn(okJson("{\"count\":3,\"max_model_len\":4096,\"tokens\":[1,2,3]}")));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            client.listModels();
            assertThat(client.serverTokenizer().count("m", "Hi there you")).isEqualTo(OptionalInt.of(3));
        }
    }

    @Test
    void countsNothingWhereLmStudioAnswersThatItDoesNotServeTokenizeWithStatus200() throws BackendException {
        // LM Studio: status 200, {"error":"Unexpected endpoint or method. (POST /tokenize). Returning 200 anyway"}
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");
        stubModels("llamacpp");
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            client.listModels();
            assertThat(client.serverTokenizer().count("m", "Hello world")).isEmpty();
            assertThat(client.serverTokenizer().count("m", "Hello again")).isEmpty();
        }
        SERVER.verify(1, postRequestedFor(urlEqualTo("/tokenize")));
    }

    @Test
    void afterTheFirstFailureTheServerIsNotAskedAgain() {
        SERVER.stubFor(post(urlEqualTo("/tokenize")).willReturn(aResponse().withStatus(404)
                .withBody("{\"error\":{\"message\":\"Unknown request URL\"}}")));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            assertThat(client.serverTokenizer().count("m", "one")).isEmpty();
            assertThat(client.serverTokenizer().count("m", "two")).isEmpty();
        }
        SERVER.verify(1, postRequestedFor(urlEqualTo("/tokenize")));
    }

    @Test
    void anAnswerWithoutATokensArrayCountsNothing() {
        SERVER.stubFor(post(urlEqualTo("/tokenize")).willReturn(okJson("{\"count\":\"many\"}")));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            assertThat(client.serverTokenizer().count("m", "one")).isEmpty();
        }
    }
}
