package dev.lmsbench.client;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import dev.lmsbench.sim.SimServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * {@link OpenAiClient#serverMetrics()}: {@code GET /metrics} beside {@code /v1}, against WireMock stubs shaped like
 * vLLM's and llama.cpp's answers and against the simulator's llama.cpp-style endpoint.
 */
class OpenAiServerMetricsTest {

    @RegisterExtension
    static final WireMockExtension SERVER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final String M = "{model_name=\"meta-llama/Llama-3.1-8B-Instruct\"}";

    @Test
    void aVllmExpositionBecomesTheMapOfItsSamplesReadAtTheRootBesideV1() {
        SERVER.stubFor(get(urlEqualTo("/metrics")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .withBody(PrometheusTextTest.VLLM)));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            Map<String, Double> metrics = client.serverMetrics();

            assertThat(metrics).hasSize(13).contains(
                    entry("vllm:num_requests_waiting{engine=\"0\"," + M.substring(1), 5.0),
                    entry("vllm:prompt_tokens_total{engine=\"0\"," + M.substring(1), 1234.0),
                    entry("process_start_time_seconds", 1.73470281845e9));
            // a second reading asks again: the values change
            client.serverMetrics();
            SERVER.verify(2, getRequestedFor(urlEqualTo("/metrics")));
        }
    }

    @Test
    void aPathLessBaseUrlReadsMetricsAtTheRootToo() {
        SERVER.stubFor(get(urlEqualTo("/metrics")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; version=0.0.4").withBody(PrometheusTextTest.LLAMA_CPP)));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl())) {
            assertThat(client.serverMetrics()).containsEntry("llamacpp:tokens_predicted_total", 3469.0);
        }
    }

    @Test
    void aServerWithoutMetricsAnswering404GivesNothingAndIsNotAskedAgain() {
        // llama.cpp without --metrics answers 501 "This server does not support metrics endpoint"; others 404
        SERVER.stubFor(get(urlEqualTo("/metrics")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":404,\"message\":\"File Not Found\",\"type\":\"not_found_error\"}}")));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            assertThat(client.serverMetrics()).isEmpty();
            assertThat(client.serverMetrics()).isEmpty();
            assertThat(client.serverMetrics()).isEmpty();
        }
        SERVER.verify(1, getRequestedFor(urlEqualTo("/metrics")));
    }

    @Test
    void llamaCppWithoutTheMetricsFlagAnswering501IsNotAskedAgain() {
        SERVER.stubFor(get(urlEqualTo("/metrics")).willReturn(aResponse().withStatus(501)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody("{\"error\":{\"code\":501,\"message\":\"This server does not support metrics endpoint."
                        + " Start it with `--metrics`\",\"type\":\"not_supported_error\"}}")));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            assertThat(client.serverMetrics()).isEmpty();
            assertThat(client.serverMetrics()).isEmpty();
        }
        SERVER.verify(1, getRequestedFor(urlEqualTo("/metrics")));
    }

    @Test
    void lmStudiosStatus200UnexpectedEndpointAnswerIsNoMetricsAndNotAskedAgain() {
        SERVER.stubFor(get(urlEqualTo("/metrics")).willReturn(okJson(
                "{\"error\":\"Unexpected endpoint or method. (GET /metrics). Returning 200 anyway\"}")));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            assertThat(client.serverMetrics()).isEmpty();
            assertThat(client.serverMetrics()).isEmpty();
        }
        SERVER.verify(1, getRequestedFor(urlEqualTo("/metrics")));
    }

    @Test
    void aServerErrorGivesNothingThisTimeButIsAskedAgainLater() {
        SERVER.stubFor(get(urlEqualTo("/metrics")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"Loading model\"}")));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            assertThat(client.serverMetrics()).isEmpty();
            assertThat(client.serverMetrics()).isEmpty();
        }
        SERVER.verify(2, getRequestedFor(urlEqualTo("/metrics")));
    }

    @Test
    void aBodyThatIsNotTextIsNoMetrics() {
        SERVER.stubFor(get(urlEqualTo("/metrics")).willReturn(okJson("{\"requests\":3}")));
        try (OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1")) {
            assertThat(client.serverMetrics()).isEmpty();
        }
    }

    @Test
    void aRefusedConnectionGivesNothingAndDoesNotThrow() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (OpenAiClient client = OpenAiClient.create("http://127.0.0.1:" + port + "/v1")) {
            assertThat(client.serverMetrics()).isEmpty();
        }
    }

    @Test
    void aServerThatDoesNotAnswerInTimeGivesNothing() {
        SERVER.stubFor(get(urlEqualTo("/metrics")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withBody("a 1\n").withFixedDelay(1_500)));
        ClientConfig config = ClientConfig.of(SERVER.baseUrl() + "/v1").withRequestTimeout(Duration.ofMillis(300));
        try (OpenAiClient client = OpenAiClient.create(config)) {
            assertThat(client.serverMetrics()).isEmpty();
        }
    }

    @Test
    void aClosedClientGivesNothing() {
        OpenAiClient client = OpenAiClient.create(SERVER.baseUrl() + "/v1");
        client.close();
        assertThat(client.serverMetrics()).isEmpty();
    }

    @Test
    void theSimulatorsCountersAreTheProcessedPromptAndCompletionTokensItsUsageReported() throws Exception {
        SimModel model = SimModel.of("sim/metrics", 5, 2000, 12).withLoadMs(0);
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(model)));
                OpenAiClient client = OpenAiClient.create(sim.apiBaseUrl())) {
            Map<String, Double> before = client.serverMetrics();
            long processed = 0;
            long completion = 0;
            for (int i = 0; i < 4; i++) {
                TokenUsage usage = client.infer(new InferenceRequest(model.id(), "Tell me about " + i, 64, 0.1,
                        true, Duration.ofSeconds(10))).usage();
                assertThat(usage.estimated()).isFalse();
                processed += usage.promptTokens() - Math.max(0, usage.promptCachedTokens());
                completion += usage.completionTokens();
            }
            assertThat(sim.awaitLogged(4, Duration.ofSeconds(10))).isTrue();

            Map<String, Double> after = client.serverMetrics();

            assertThat(before).containsEntry("llamacpp:prompt_tokens_total", 0.0)
                    .containsEntry("llamacpp:tokens_predicted_total", 0.0);
            assertThat(after).containsEntry("llamacpp:prompt_tokens_total", (double) processed)
                    .containsEntry("llamacpp:tokens_predicted_total", (double) completion)
                    .containsEntry("llamacpp:requests_processing", 0.0)
                    .containsEntry("llamacpp:requests_deferred", 0.0);
            assertThat(completion).isEqualTo(4L * model.responseTokens());
        } catch (BackendException e) {
            throw new AssertionError(e);
        }
    }
}
