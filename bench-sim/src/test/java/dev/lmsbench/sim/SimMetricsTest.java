package dev.lmsbench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sim's {@code GET /metrics}: llama.cpp's Prometheus metrics, counting what the sim served. */
class SimMetricsTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final SimModel MODEL = SimModel.of("sim/metrics", 5, 2000, 12).withLoadMs(0);
    private static final List<String> NAMES = List.of("prompt_tokens_total", "prompt_seconds_total",
            "tokens_predicted_total", "tokens_predicted_seconds_total", "n_decode_total", "prompt_tokens_seconds",
            "predicted_tokens_seconds", "requests_processing", "requests_deferred");

    /** The test's own reading of the exposition: {@code name value} lines, comments apart. */
    private static Map<String, Double> samples(String body) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                String[] parts = line.split(" ");
                assertThat(parts).as(line).hasSize(2);
                samples.put(parts[0], Double.parseDouble(parts[1]));
            }
        }
        return samples;
    }

    private static Map<String, Double> metrics(TestClient client) {
        TestClient.Reply reply = client.get("/metrics");
        assertThat(reply.status()).isEqualTo(200);
        return samples(reply.body());
    }

    private static String chat(String content, String extra) {
        return "{\"model\":\"" + MODEL.id() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}" + extra + "}";
    }

    /** The usage object of a stream (its last chunk with one). */
    private static JsonNode usage(TestClient.Stream stream) {
        assertThat(stream.status()).isEqualTo(200);
        JsonNode usage = null;
        for (TestClient.Event event : stream.events()) {
            if (!event.done() && event.json().has("usage") && !event.json().get("usage").isNull()) {
                usage = event.json().get("usage");
            }
        }
        assertThat(usage).as("usage").isNotNull();
        return usage;
    }

    @Test
    void metricsAreLlamaCppsNamesWithHelpAndTypeLinesAndAllZeroBeforeAnyRequest() {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)));
                TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply reply = client.get("/metrics");

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.contentType()).isEqualTo("text/plain; version=0.0.4");
            assertThat(reply.body()).startsWith("""
                    # HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
                    # TYPE llamacpp:prompt_tokens_total counter
                    llamacpp:prompt_tokens_total 0
                    """).contains("""
                    # HELP llamacpp:requests_deferred Number of requests deferred.
                    # TYPE llamacpp:requests_deferred gauge
                    llamacpp:requests_deferred 0
                    """);
            Map<String, Double> samples = samples(reply.body());
            assertThat(samples.keySet()).containsExactlyElementsOf(NAMES.stream().map(n -> "llamacpp:" + n).toList());
            assertThat(samples.values()).allSatisfy(v -> assertThat(v).isZero());
        }
    }

    @Test
    void afterStreamedRequestsTheCountersAreTheTokensTheUsageReportedLessTheCachedOnes() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)));
                TestClient client = new TestClient(sim.baseUrl())) {
            long processed = 0;
            long completion = 0;
            long cachedSeen = 0;
            String[] prompts = {"Say hello.", "Count to three, please.", "Say hello."};
            for (String prompt : prompts) {
                JsonNode usage = usage(client.stream(CHAT, chat(prompt, "")));
                long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong();
                processed += usage.get("prompt_tokens").asLong() - cached;
                completion += usage.get("completion_tokens").asLong();
                cachedSeen += cached;
            }
            assertThat(sim.awaitLogged(prompts.length, Duration.ofSeconds(10))).isTrue();

            Map<String, Double> samples = metrics(client);
            // the template head at least came from the prefix cache: not processed again, as llama.cpp counts
            assertThat(cachedSeen).isPositive();
            assertThat(samples.get("llamacpp:prompt_tokens_total")).isEqualTo((double) processed);
            assertThat(samples.get("llamacpp:tokens_predicted_total")).isEqualTo((double) completion)
                    .isEqualTo(3.0 * MODEL.responseTokens());
            assertThat(samples.get("llamacpp:n_decode_total")).isEqualTo((double) completion);
            assertThat(samples.get("llamacpp:prompt_seconds_total")).isPositive();
            assertThat(samples.get("llamacpp:tokens_predicted_seconds_total")).isPositive();
            assertThat(samples.get("llamacpp:requests_processing")).isZero();
            assertThat(samples.get("llamacpp:requests_deferred")).isZero();
        }
    }

    @Test
    void withoutThePrefixCacheThePromptCounterIsTheUsagesPromptTokens() {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)));
                TestClient client = new TestClient(sim.baseUrl())) {
            long prompt = 0;
            for (int i = 0; i < 3; i++) {
                prompt += usage(client.stream(CHAT, chat("Say hello " + i + ".", ",\"cache_prompt\":false")))
                        .get("prompt_tokens").asLong();
            }

            assertThat(metrics(client).get("llamacpp:prompt_tokens_total")).isEqualTo((double) prompt);
        }
    }

    @Test
    void aRequestWaitingForTheServersOnlySlotIsDeferredWhileTheOtherProcesses() throws Exception {
        SimModel slow = SimModel.of("sim/slow", 5, 10, 30).withLoadMs(0);
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(slow))
                .withMaxConcurrentRequests(1)); TestClient client = new TestClient(sim.baseUrl())) {
            String body = "{\"model\":\"" + slow.id() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    + "\"stream\":true}";
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                replies.add(client.http().sendAsync(client.chatRequest(CHAT, body),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Map<String, Double> during = metrics(client);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (during.get("llamacpp:requests_processing") + during.get("llamacpp:requests_deferred") < 2
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
                during = metrics(client);
            }

            // each stream takes about 3 s; the second waits for the first to end
            assertThat(during.get("llamacpp:requests_processing")).isEqualTo(1.0);
            assertThat(during.get("llamacpp:requests_deferred")).isEqualTo(1.0);

            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(sim.awaitLogged(2, Duration.ofSeconds(10))).isTrue();
            Map<String, Double> after = metrics(client);
            assertThat(after.get("llamacpp:requests_processing")).isZero();
            assertThat(after.get("llamacpp:requests_deferred")).isZero();
            assertThat(after.get("llamacpp:tokens_predicted_total")).isEqualTo(2.0 * slow.responseTokens());
        }
    }

    @Test
    void aStreamWhoseClientWentAwayIsNotCountedAndNoLongerInFlight() throws Exception {
        SimModel slow = SimModel.of("sim/slow", 5, 20, 40).withLoadMs(0);
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(slow)));
                TestClient client = new TestClient(sim.baseUrl())) {
            String body = "{\"model\":\"" + slow.id() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    + "\"stream\":true}";
            // hangs up after the role chunk and two tokens
            client.stream(CHAT, body, 3);
            assertThat(sim.awaitLogged(1, Duration.ofSeconds(10))).isTrue();
            assertThat(sim.sendLog().get(0).completed()).isFalse();

            Map<String, Double> samples = metrics(client);
            assertThat(samples.get("llamacpp:tokens_predicted_total")).isZero();
            assertThat(samples.get("llamacpp:requests_processing")).isZero();
        }
    }

    @Test
    void onlyGetIsAllowed() {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)));
                TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(client.post("/metrics", "{}").status()).isEqualTo(405);
        }
    }

    @Test
    void numbersArePrintedAsLlamaCppPrintsThem() {
        assertThat(SimMetrics.format(6886)).isEqualTo("6886");
        assertThat(SimMetrics.format(0)).isEqualTo("0");
        assertThat(SimMetrics.format(2903.63)).isEqualTo("2903.63");
        assertThat(SimMetrics.format(0.0000004)).isEqualTo("0.0");
    }
}
