package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code first_request_delay_ms}: after each load of an instance (REST, JIT, {@code lms}, Ollama), its first chat
 * request waits that long before its first token, later ones do not, so "first warmup TTFT minus the mean of the
 * later ones" recovers the delay. Checked against the send log's exact plan, and on the OpenAI stream against the
 * client's own clock with margins.
 */
class FirstRequestDelayTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final double TTFT_MS = 20;
    private static final double DELAY_MS = 300;
    private static final SimModel LAZY = SimModel.of("sim/lazy", TTFT_MS, 400, 4).withLoadMs(0)
            .withFirstRequestDelayMs(DELAY_MS);
    private static final long TTFT = Math.round(TTFT_MS * 1e6);
    private static final long DELAY = Math.round(DELAY_MS * 1e6);

    @TempDir
    Path dir;

    private static SendLogEntry last(SimServer sim, long count) throws InterruptedException {
        assertThat(sim.awaitLogged(count, Duration.ofSeconds(5))).isTrue();
        return sim.sendLog().stream().max(Comparator.comparingLong(SendLogEntry::sequence)).orElseThrow();
    }

    private static String ollamaChat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":false}";
    }

    @Test
    void theFirstRequestAfterARestLoadWaitsTheDelayTheSecondDoesNotAndAReloadDelaysAgain() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(LAZY)));
                TestClient client = new TestClient(sim.baseUrl())) {
            for (int round = 0; round < 2; round++) {
                TestClient.Reply loaded = client.post("/api/v1/models/load", "{\"model\":\"" + LAZY.id() + "\"}");
                assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);

                TestClient.Stream first = client.stream(CHAT, TestClient.chat(LAZY.id(), true, ""));
                SendLogEntry firstEntry = last(sim, 2L * round + 1);
                TestClient.Stream second = client.stream(CHAT, TestClient.chat(LAZY.id(), true, ""));
                SendLogEntry secondEntry = last(sim, 2L * round + 2);

                assertThat(firstEntry.scheduledTtftNanos()).as("round %d", round).isEqualTo(TTFT + DELAY);
                assertThat(firstEntry.modelLoadNanos()).as("the delay counts as load cost").isEqualTo(DELAY);
                assertThat(secondEntry.scheduledTtftNanos()).isEqualTo(TTFT);
                assertThat(secondEntry.modelLoadNanos()).isZero();
                // the client's view: first TTFT - later TTFT ~= the delay (margins for a busy machine)
                assertThat(first.ttftMs()).isBetween(TTFT_MS + DELAY_MS, TTFT_MS + DELAY_MS + 250);
                assertThat(second.ttftMs()).isBetween(TTFT_MS, TTFT_MS + 250);
                assertThat(first.ttftMs() - second.ttftMs()).isBetween(DELAY_MS - 150, DELAY_MS + 150);

                TestClient.Reply unloaded = client.post("/api/v1/models/unload",
                        "{\"instance_id\":\"" + LAZY.id() + "\"}");
                assertThat(unloaded.status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aJitLoadDelaysItsFirstRequestAfterTheLoadTimeAndAnUnloadStartsOver() throws Exception {
        SimModel slowLoad = LAZY.withLoadMs(100);
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(slowLoad)));
                TestClient client = new TestClient(sim.baseUrl())) {
            for (int round = 0; round < 2; round++) {
                assertThat(client.post("/api/v0/chat/completions", TestClient.chat(slowLoad.id(), false, ""))
                        .status()).isEqualTo(200);
                SendLogEntry first = last(sim, 2L * round + 1);
                assertThat(client.post(CHAT, TestClient.chat(slowLoad.id(), false, "")).status()).isEqualTo(200);
                SendLogEntry second = last(sim, 2L * round + 2);

                assertThat(first.scheduledTtftNanos()).isEqualTo(100_000_000L + DELAY + TTFT);
                assertThat(first.modelLoadNanos()).isEqualTo(100_000_000L + DELAY);
                assertThat(second.scheduledTtftNanos()).isEqualTo(TTFT);

                assertThat(client.post(LmsEndpoints.UNLOAD, "{\"identifier\":\"" + slowLoad.id() + "\"}").status())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void lmsAndOllamaLoadsDelayTheirFirstRequestOnTheV1AndOllamaSurfaces() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(LAZY)));
                TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(client.post(LmsEndpoints.LOAD, "{\"model\":\"" + LAZY.id() + "\"}").status()).isEqualTo(200);
            String v1 = "{\"model\":\"" + LAZY.id() + "\",\"input\":\"Hi\"}";
            assertThat(client.post("/api/v1/chat", v1).status()).isEqualTo(200);
            assertThat(last(sim, 1).scheduledTtftNanos()).isEqualTo(TTFT + DELAY);
            assertThat(client.post("/api/v1/chat", v1).status()).isEqualTo(200);
            assertThat(last(sim, 2).scheduledTtftNanos()).isEqualTo(TTFT);
            assertThat(client.post(LmsEndpoints.UNLOAD, "{\"identifier\":\"" + LAZY.id() + "\"}").status())
                    .isEqualTo(200);

            // Ollama's explicit load: /api/generate without a prompt
            assertThat(client.post("/api/generate", "{\"model\":\"" + LAZY.id() + "\"}").status()).isEqualTo(200);
            TestClient.Reply first = client.post("/api/chat", ollamaChat(LAZY.id()));
            assertThat(first.status()).isEqualTo(200);
            assertThat(last(sim, 3).scheduledTtftNanos()).isEqualTo(TTFT + DELAY);
            // Ollama reports the lazy initialisation as load time
            assertThat(first.json().path("load_duration").asLong()).isEqualTo(DELAY);
            assertThat(client.post("/api/chat", ollamaChat(LAZY.id())).status()).isEqualTo(200);
            assertThat(last(sim, 4).scheduledTtftNanos()).isEqualTo(TTFT);
        }
    }

    @Test
    void requestsArrivingTogetherAfterALoadAllWaitForTheInitialisation() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(LAZY)));
                TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(client.post(LmsEndpoints.LOAD, "{\"model\":\"" + LAZY.id() + "\",\"parallel\":4}").status())
                    .isEqualTo(200);
            List<CompletableFuture<HttpResponse<String>>> replies = List.of(
                    client.http().sendAsync(client.chatRequest(CHAT, TestClient.chat(LAZY.id(), false, "")),
                            HttpResponse.BodyHandlers.ofString()),
                    client.http().sendAsync(client.chatRequest(CHAT, TestClient.chat(LAZY.id(), false, "")),
                            HttpResponse.BodyHandlers.ofString()));
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(sim.awaitLogged(2, Duration.ofSeconds(5))).isTrue();

            List<SendLogEntry> log = sim.sendLog().stream().sorted(Comparator.comparingLong(
                    SendLogEntry::receivedNanos)).toList();
            long initialisedAt = log.getFirst().receivedNanos() + DELAY;
            assertThat(log.get(0).scheduledTtftNanos()).isEqualTo(TTFT + DELAY);
            assertThat(log.get(1).scheduledNanos()[0]).isEqualTo(initialisedAt + TTFT);
            assertThat(log.get(1).queueNanos()).isZero();
        }
    }

    @Test
    void theJsonConfigHasAGlobalDefaultThatEachModelMayOverride() throws Exception {
        Path file = dir.resolve("sim.json");
        Files.writeString(file, """
                {"first_request_delay_ms": 250,
                 "models": [{"id": "sim/default", "tokens_per_second": 40},
                            {"id": "sim/own", "tokens_per_second": 40, "first_request_delay_ms": 0},
                            {"id": "sim/longer", "tokens_per_second": 40, "first_request_delay_ms": 1200.5}]}
                """);

        SimConfig config = SimConfig.fromJson(file);

        assertThat(config.models()).extracting(SimModel::firstRequestDelayMs).containsExactly(250.0, 0.0, 1200.5);
        Files.writeString(file, """
                {"models": [{"id": "sim/default", "tokens_per_second": 40}]}
                """);
        assertThat(SimConfig.fromJson(file).models().getFirst().firstRequestDelayMs()).isZero();
        Files.writeString(file, """
                {"models": [{"id": "sim/bad", "tokens_per_second": 40, "first_request_delay_ms": -1}]}
                """);
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(file))
                .withMessageContaining("models[0].first_request_delay_ms");
        Files.writeString(file, """
                {"first_request_delay_ms": -5, "models": [{"id": "sim/x", "tokens_per_second": 40}]}
                """);
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(file))
                .withMessageContaining(": first_request_delay_ms must be >= 0");
    }
}
