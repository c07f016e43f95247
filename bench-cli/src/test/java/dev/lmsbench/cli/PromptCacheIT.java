package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The prompt cache trap (issue 10), proven against the simulator, whose own prefix cache reports what it reused as
 * {@code usage.prompt_tokens_details.cached_tokens}: by default no request of a run may find more than the chat
 * template's fixed head cached, and with {@code --prompt-cache reuse} the cache answers and prefill counts only the
 * processed tokens.
 */
class PromptCacheIT {

    /**
     * The sim's chat template puts 4 tokens before the first message's content ({@code <bos> <start> role <sep>},
     * documented in bench-sim's PromptTokenizer): the part of any two prompts a prefix cache always shares.
     */
    private static final int TEMPLATE_HEAD = 4;
    private static final double BASE_TTFT_MS = 20;
    private static final double PROMPT_TOKENS_PER_SECOND = 200;

    @TempDir
    Path dir;

    private JsonNode run(String name, String... extra) throws Exception {
        Path config = dir.resolve("sim.json");
        Files.writeString(config, """
                {"models": [{"id": "sim/cached@q4_k_m", "tokens_per_second": 400, "ttft_ms": %s,
                             "prompt_tokens_per_second": %s, "response_tokens": 8}]}
                """.formatted(BASE_TTFT_MS, PROMPT_TOKENS_PER_SECOND));
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("run", "--sim", "--sim-config", config.toString(), "--runs",
                "3", "--warmup", "2", "--output-dir", out.toString(), "--db", dir.resolve(name + ".db").toString()));
        args.addAll(List.of(extra));
        MainTest.Outcome o = MainTest.run(args.toArray(String[]::new));
        assertThat(o.code()).as(o.err()).isZero();
        return new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    private static List<JsonNode> measured(JsonNode results) {
        List<JsonNode> out = new ArrayList<>();
        results.path("requests").forEach(r -> {
            if (!r.path("warmup").asBoolean()) {
                out.add(r);
            }
        });
        assertThat(out).hasSize(6);
        return out;
    }

    @Test
    void byDefaultNoRequestFindsMoreThanTheTemplatesFixedHeadInTheServersPromptCache() throws Exception {
        JsonNode results = run("off");
        assertThat(results.at("/run/settings/prompt_cache").asText()).isEqualTo("off");
        assertThat(results.path("requests")).hasSize(8).allSatisfy(r -> {
            assertThat(r.path("ok").asBoolean()).isTrue();
            // the very first request finds the cache empty; every later one shares only the template's head
            assertThat(r.path("prompt_tokens_cached").asInt()).isIn(0, TEMPLATE_HEAD);
            assertThat(r.path("prompt_tokens").asInt()).isGreaterThan(TEMPLATE_HEAD + 10);
        });
        for (JsonNode r : measured(results)) {
            assertThat(r.path("prompt_tokens_cached").asInt()).isEqualTo(TEMPLATE_HEAD);
            if (r.path("run_mode").asText().equals("stream")) {
                double processed = r.path("prompt_tokens").asInt() - TEMPLATE_HEAD;
                assertThat(r.path("prefill_toks_per_s").asDouble())
                        .isCloseTo(processed / r.path("ttft_s").asDouble(), within(1e-6));
            }
        }
        JsonNode tokens = results.at("/models/0/tokens");
        assertThat(tokens.path("prompt_cached").asLong()).isEqualTo(6L * TEMPLATE_HEAD);
        assertThat(tokens.path("prompt_cache_known").asBoolean()).isTrue();
        assertThat(tokens.path("prompt_cache_unknown").asInt()).isZero();
    }

    @Test
    void withReuseTheCacheAnswersFromTheSecondRequestAndPrefillCountsOnlyTheProcessedTokens() throws Exception {
        JsonNode off = run("off");
        JsonNode reuse = run("reuse", "--prompt-cache", "reuse");
        assertThat(reuse.at("/run/settings/prompt_cache").asText()).isEqualTo("reuse");
        JsonNode requests = reuse.path("requests");
        assertThat(requests.get(0).path("prompt_tokens_cached").asInt()).as("the first request of the run").isZero();
        for (int i = 1; i < requests.size(); i++) {
            JsonNode r = requests.get(i);
            // an identical prompt: everything but its last token came from the cache
            assertThat(r.path("prompt_tokens_cached").asInt()).as("request %d", i)
                    .isEqualTo(r.path("prompt_tokens").asInt() - 1);
        }
        for (JsonNode r : measured(reuse)) {
            if (r.path("run_mode").asText().equals("stream")) {
                assertThat(r.path("prefill_toks_per_s").asDouble())
                        .isCloseTo(1 / r.path("ttft_s").asDouble(), within(1e-6));
            }
        }
        // the sim processes only the uncached tokens: a cache hit is much faster than the configured prompt rate
        // allows for the whole prompt, which is why it must not be reported as prefill speed
        int prompt = requests.get(1).path("prompt_tokens").asInt();
        double savedMs = (prompt - 1 - TEMPLATE_HEAD) / PROMPT_TOKENS_PER_SECOND * 1000;
        double offTtft = off.at("/models/0/distributions/ttft_s/p50").asDouble() * 1000;
        double reuseTtft = reuse.at("/models/0/distributions/ttft_s/p50").asDouble() * 1000;
        assertThat(offTtft - reuseTtft).as("TTFT saved by the cache, ms").isCloseTo(savedMs, within(15.0));
    }
}
