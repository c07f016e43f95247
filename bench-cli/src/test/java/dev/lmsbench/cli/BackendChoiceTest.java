package dev.lmsbench.cli;

import com.sun.net.httpserver.HttpServer;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmStudioClient;
import dev.lmsbench.client.OllamaClient;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.spi.InferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** How {@code --backend} picks a client, against small loopback servers that answer only some paths. */
class BackendChoiceTest {

    private static final String OLLAMA_VERSION = "{\"version\":\"0.5.1\"}";
    private static final String OPENAI_MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}";
    private static final String LMSTUDIO_MODELS = "{\"models\":[{\"type\":\"llm\",\"key\":\"m\"}]}";

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A server answering the given paths with 200 and JSON, everything else with 404. */
    private ClientConfig serving(Map<String, String> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String body = answers.get(exchange.getRequestURI().getPath());
            byte[] bytes = (body == null ? "404 page not found" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", body == null ? "text/plain" : "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return ServerDiscovery.clientConfig("http://127.0.0.1:" + server.getAddress().getPort(), "",
                Duration.ofSeconds(5));
    }

    @Test
    void autoPicksOllamaWhenLmStudioDoesNotAnswerButApiVersionDoes() throws IOException {
        ClientConfig config = serving(Map.of("/api/version", OLLAMA_VERSION, "/v1/models", OPENAI_MODELS));

        try (InferenceBackend backend = BackendChoice.open(config, "auto", true)) {
            assertThat(backend).isInstanceOf(OllamaClient.class);
        }
    }

    @Test
    void autoPicksLmStudioFirstWhenItsNativeApiAnswers() throws IOException {
        ClientConfig config = serving(Map.of("/api/v1/models", LMSTUDIO_MODELS, "/api/version", OLLAMA_VERSION));

        try (InferenceBackend backend = BackendChoice.open(config, "auto", true)) {
            assertThat(backend).isInstanceOf(LmStudioClient.class);
        }
        try (InferenceBackend backend = BackendChoice.open(config, "auto", false)) {
            assertThat(backend).as("without the REST API").isInstanceOf(OllamaClient.class);
        }
    }

    @Test
    void autoFallsBackToOpenAiWhenNeitherNativeApiAnswers() throws IOException {
        ClientConfig config = serving(Map.of("/v1/models", OPENAI_MODELS));

        try (InferenceBackend backend = BackendChoice.open(config, "auto", true)) {
            assertThat(backend).isInstanceOf(OpenAiClient.class);
        }
    }

    @Test
    void openaiUsesTheOpenAiClientWithoutProbing() throws IOException {
        ClientConfig config = serving(Map.of("/api/version", OLLAMA_VERSION));

        try (InferenceBackend b = BackendChoice.open(config, "openai", true)) {
            assertThat(b).isInstanceOf(OpenAiClient.class);
        }
        assertThat(requests).hasValue(0);
    }

    @Test
    void llamacppUsesTheOpenAiClientWhenTheModelListSaysLlamaCpp() throws IOException {
        ClientConfig config = serving(Map.of("/v1/models",
                "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\",\"owned_by\":\"llamacpp\"}]}",
                "/props", "{\"build_info\":\"b4567-abc\"}"));

        try (InferenceBackend a = BackendChoice.open(config, "llamacpp", true)) {
            assertThat(a).isInstanceOf(OpenAiClient.class);
            assertThat(a.server().kind()).isEqualTo("llama.cpp");
        }
    }

    @Test
    void forcingLlamaCppOnOllamaFailsSayingOllamaAnswers() throws IOException {
        ClientConfig config = serving(Map.of("/api/version", OLLAMA_VERSION, "/v1/models", OPENAI_MODELS));

        CliException e = catchThrowableOfType(CliException.class, () -> BackendChoice.open(config, "llamacpp", true));

        assertThat(e.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(e.getMessage()).startsWith("--backend llamacpp: " + config.baseUrl()
                + " is not llama.cpp's server").endsWith("Ollama answers there: use --backend ollama or auto")
                .doesNotContain("\n");
    }

    @Test
    void forcingLmStudioOnOllamaFailsSayingOllamaAnswers() throws IOException {
        ClientConfig config = serving(Map.of("/api/version", OLLAMA_VERSION, "/v1/models", OPENAI_MODELS));

        CliException e = catchThrowableOfType(CliException.class, () -> BackendChoice.open(config, "lmstudio", true));

        assertThat(e.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(e.getMessage()).startsWith("--backend lmstudio: " + config.baseUrl()
                + " does not speak LM Studio's native REST API").endsWith("Ollama answers there: use --backend ollama"
                + " or auto").doesNotContain("\n");
    }

    @Test
    void forcingOllamaOnAnOpenAiServerFailsSayingWhatAnswers() throws IOException {
        ClientConfig config = serving(Map.of("/v1/models", OPENAI_MODELS));

        CliException e = catchThrowableOfType(CliException.class, () -> BackendChoice.open(config, "ollama", true));

        assertThat(e.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(e.getMessage()).endsWith("an OpenAI-compatible server answers there: use --backend openai or auto");
    }
}
