package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prompt_tokens_per_second}: TTFT = {@code ttft_ms} + processed prompt tokens / rate, where the processed
 * tokens are the prompt tokens the answer's usage reports minus the {@code cached_tokens} the prefix cache held. With
 * {@code ttft_ms} 0, {@code prompt_tokens / TTFT} recovers the configured rate: what a client's prefill tok/s
 * measures.
 */
class PromptRateTest {

    private static final double RATE = 2_000;
    private static final String CHAT = "/v1/chat/completions";

    @TempDir
    Path dir;

    /** About {@code words} prompt tokens by the sim's tokenizer, unique from the first content token on. */
    private static String prompt(String nonce, int words) {
        return nonce + " " + "word ".repeat(words - 1);
    }

    private static String openAi(String content) {
        return "{\"model\":\"sim/prefill\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    }

    private SimServer start() throws Exception {
        Path file = dir.resolve("sim.json");
        Files.writeString(file, """
                {"models": [{"id": "sim/prefill", "tokens_per_second": 200, "ttft_ms": 0,
                             "prompt_tokens_per_second": 2000, "response_tokens": 4, "load_ms": 0}]}
                """);
        SimConfig config = SimConfig.fromJson(file);
        assertThat(config.models().getFirst().ttftMs()).isZero();
        return SimServer.start(config);
    }

    private static SendLogEntry last(SimServer sim, long count) throws InterruptedException {
        assertThat(sim.awaitLogged(count, Duration.ofSeconds(5))).isTrue();
        return sim.sendLog().stream().max(Comparator.comparingLong(SendLogEntry::sequence)).orElseThrow();
    }

    @Test
    void withABaseTtftOfZeroTheTtftIsThePromptTokensTheUsageReportsOverTheRate() throws Exception {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            // JIT-load first so neither load nor the first request after it is part of what is measured
            client.post(CHAT, TestClient.chat("sim/prefill", false, "\"max_tokens\":1"));
            for (int words : new int[] {2_000, 4_000}) {
                TestClient.Stream stream = client.stream(CHAT, openAi(prompt("n" + words, words)));
                JsonNode usage = stream.events().stream().filter(e -> !e.done() && e.json().has("usage")
                        && !e.json().get("usage").isNull()).reduce((a, b) -> b).orElseThrow().json().get("usage");
                int prompt = usage.get("prompt_tokens").asInt();
                int cached = usage.at("/prompt_tokens_details/cached_tokens").asInt();
                assertThat(prompt).isGreaterThanOrEqualTo(words);
                // unique from the first content token: only the template head (bos, role marker) is cached
                assertThat(cached).isEqualTo(PromptTokenizer.TEMPLATE_HEAD);

                SendLogEntry entry = last(sim, words == 2_000 ? 2 : 3);
                assertThat(entry.scheduledTtftNanos()).isEqualTo(Math.round((prompt - cached) / RATE * 1e9));
                double expectedMs = prompt / RATE * 1000;
                assertThat(stream.ttftMs()).as("client TTFT against P / R").isBetween(expectedMs * 0.95,
                        expectedMs * 1.05);
                double prefill = prompt / (stream.ttftMs() / 1000);
                assertThat(prefill).as("prefill tok/s").isBetween(RATE * 0.95, RATE * 1.05);
            }
        }
    }

    @Test
    void aPromptTheCacheHoldsIsNotProcessedAgain() throws Exception {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            String same = openAi(prompt("same", 1_000));
            client.stream(CHAT, same);
            SendLogEntry first = last(sim, 1);
            client.stream(CHAT, same);
            SendLogEntry again = last(sim, 2);

            assertThat(first.scheduledTtftNanos()).isEqualTo(Math.round(first.promptTokens() / RATE * 1e9));
            // all but the last prompt token came from the cache
            assertThat(again.scheduledTtftNanos()).isEqualTo(Math.round(1 / RATE * 1e9));
        }
    }

    @Test
    void theNativeAndOllamaSurfacesTimeThePromptTheSameWay() throws Exception {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            String text = prompt("v1", 2_000);
            JsonNode v1 = client.post("/api/v1/chat", "{\"model\":\"sim/prefill\",\"input\":\"" + text + "\"}")
                    .json();
            int v1Tokens = v1.at("/stats/input_tokens").asInt();
            assertThat(last(sim, 1).scheduledTtftNanos()).isEqualTo(Math.round(v1Tokens / RATE * 1e9));

            JsonNode ollama = client.post("/api/chat", "{\"model\":\"sim/prefill\",\"stream\":false,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt("ol", 2_000) + "\"}]}").json();
            int ollamaTokens = ollama.get("prompt_eval_count").asInt();
            assertThat(last(sim, 2).scheduledTtftNanos()).isEqualTo(Math.round(ollamaTokens / RATE * 1e9));
            assertThat(ollama.get("prompt_eval_duration").asLong()).isEqualTo(Math.round(ollamaTokens / RATE * 1e9));
        }
    }
}
