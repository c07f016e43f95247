package dev.lmsbench.client;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.InferenceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code server()} of both clients: the normalized base URL, the kind the model list reveals, and the version one
 * small extra GET finds, against WireMock stubs shaped like llama.cpp's, vLLM's, Ollama's and LM Studio's answers.
 */
class ServerIdentityTest {

    @RegisterExtension
    static final WireMockExtension SERVER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
    }

    @Test
    void llamaCppIsRecognizedByOwnedByAndItsBuildReadFromProps() throws BackendException {
        stubModels("llamacpp");
        // llama.cpp's GET /props: build_info is "b<build number>-<commit>".
        SERVER.stubFor(get(urlEqualTo("/props")).willReturn(okJson(
                "{\"default_generation_settings\":{\"n_ctx\":4096},\"total_slots\":1,"
                        + "\"model_path\":\"models/qwen.gguf\",\"build_info\":\"b6123-4d3c2b1\"}")));
        OpenAiClient client = openAi(SERVER.baseUrl() + "/v1/");
        client.listModels();

        ServerInfo info = client.server();

        assertThat(info).isEqualTo(new ServerInfo(normalizedRoot(), "llama.cpp", "b6123-4d3c2b1",
                "llama.cpp b6123-4d3c2b1"));
        assertThat(client.server()).as("kept").isSameAs(info);
        SERVER.verify(1, getRequestedFor(urlEqualTo("/v1/models")));
        SERVER.verify(1, getRequestedFor(urlEqualTo("/props")));
    }

    @Test
    void vllmIsRecognizedByOwnedByAndItsVersionReadFromVersion() {
        stubModels("vllm");
        SERVER.stubFor(get(urlEqualTo("/version")).willReturn(okJson("{\"version\":\"0.6.3.post1\"}")));

        ServerInfo info = openAi(SERVER.baseUrl() + "/v1").server();

        assertThat(info).isEqualTo(new ServerInfo(normalizedRoot(), "vllm", "0.6.3.post1", ""));
    }

    @Test
    void sglangIsRecognizedByOwnedByAndItsVersionReadFromGetServerInfo() {
        stubModels("sglang");
        SERVER.stubFor(get(urlEqualTo("/get_server_info")).willReturn(okJson(
                "{\"model_path\":\"qwen/qwen2.5-0.5b-instruct\",\"version\":\"0.5.2\"}")));

        ServerInfo info = openAi(SERVER.baseUrl() + "/v1").server();

        assertThat(info).isEqualTo(new ServerInfo(normalizedRoot(), "sglang", "0.5.2", ""));
    }

    @Test
    void ollamaIsRecognizedByOwnedByLibraryAndItsVersionReadFromApiVersion() {
        stubModels("library");
        SERVER.stubFor(get(urlEqualTo("/api/version")).willReturn(okJson("{\"version\":\"0.5.7\"}")));

        assertThat(openAi(SERVER.baseUrl() + "/v1").server())
                .isEqualTo(new ServerInfo(normalizedRoot(), "ollama", "0.5.7", ""));
    }

    @Test
    void anyOtherOwnerIsOpenAiCompatibleAndCostsNoExtraRequest() throws BackendException {
        stubModels("organization_owner");
        OpenAiClient client = openAi(SERVER.baseUrl() + "/v1");
        client.listModels();

        assertThat(client.server()).isEqualTo(new ServerInfo(normalizedRoot(), "openai-compatible", "", ""));
        SERVER.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void aVersionEndpointThatFailsLeavesTheVersionEmpty() {
        stubModels("llamacpp");
        SERVER.stubFor(get(urlEqualTo("/props")).willReturn(aResponse().withStatus(404)));

        assertThat(openAi(SERVER.baseUrl() + "/v1").server())
                .isEqualTo(new ServerInfo(normalizedRoot(), "llama.cpp", "", ""));
    }

    @Test
    void aServerThatDoesNotAnswerGivesTheUrlAloneAndNeverThrows() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        ServerInfo info = openAi("HTTP://127.0.0.1:" + port + "/v1").server();

        assertThat(info).isEqualTo(ServerInfo.of("http://127.0.0.1:" + port));
    }

    @Test
    void aVersionWithEscapeSequencesIsSanitized() {
        stubModels("vllm");
        SERVER.stubFor(get(urlEqualTo("/version")).willReturn(okJson("{\"version\":\"1.0\\u001b[2J\\u0000\"}")));

        assertThat(openAi(SERVER.baseUrl() + "/v1").server().version()).isEqualTo("1.0");
    }

    @Test
    void lmStudioIsTheNativeKindAndNamesTheRuntimeItsLastChatAnswerReported() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(okJson("{\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1},"
                + "\"runtime\":{\"name\":\"llama.cpp-linux-x86_64-avx2\",\"version\":\"1.50.0\","
                + "\"supported_formats\":[\"gguf\"]}}")));
        LmStudioClient client = LmStudioClient.create(ClientConfig.of(SERVER.baseUrl() + "/v1"));
        clients.add(client);

        assertThat(client.server()).as("before any chat")
                .isEqualTo(new ServerInfo(normalizedRoot(), "lmstudio", "", ""));
        client.infer(new InferenceRequest("m", "hi", 8, 0.0, false, Duration.ofSeconds(10)));

        assertThat(client.server()).isEqualTo(new ServerInfo(normalizedRoot(), "lmstudio", "",
                "llama.cpp-linux-x86_64-avx2 1.50.0"));
    }

    private static void stubModels(String ownedBy) {
        SERVER.stubFor(get(urlEqualTo("/v1/models")).willReturn(okJson("{\"object\":\"list\",\"data\":[{\"id\":"
                + "\"qwen3-8b\",\"object\":\"model\",\"created\":1,\"owned_by\":\"" + ownedBy + "\"}]}")));
    }

    private static String normalizedRoot() {
        return "http://localhost:" + SERVER.getPort();
    }

    private OpenAiClient openAi(String baseUrl) {
        OpenAiClient client = OpenAiClient.create(new ClientConfig(baseUrl, "", Duration.ofSeconds(2),
                Duration.ofSeconds(2)));
        clients.add(client);
        return client;
    }
}
