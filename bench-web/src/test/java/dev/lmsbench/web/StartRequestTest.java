package dev.lmsbench.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static StartRequest parse(String body) throws Exception {
        return StartRequest.parse(JSON.readTree(body));
    }

    @Test
    void everyDocumentedFieldIsReadAndAnAbsentOneStaysUnset() throws Exception {
        StartRequest r = parse("""
                {"include_models": "qwen", "exclude_models": "embed", "models": ["a", "b"], "limit": 2,
                 "runs": 5, "warmup": 1, "max_tokens": 64, "context": [2048, 4096], "parallel": 2,
                 "preset": "quick-test", "base_url": "http://127.0.0.1:1234/v1", "backend": "openai",
                 "sim": true, "prompt": "Hello", "retest": true}""");
        assertThat(r).isEqualTo(new StartRequest("qwen", "embed", List.of("a", "b"), 2, 5, 1, 64,
                List.of(2048, 4096), 2, "quick-test", "http://127.0.0.1:1234/v1", "openai", true, "Hello", true));
        assertThat(parse("{}")).isEqualTo(StartRequest.empty());
        assertThat(StartRequest.parse(null)).isEqualTo(StartRequest.empty());
        assertThat(parse("{\"context\": 8192, \"runs\": null}").contexts()).containsExactly(8192);
    }

    @Test
    void wrongTypesRangesAndUnknownFieldsAreNamedOneByOne() {
        assertThatThrownBy(() -> parse("""
                {"runs": 1.5, "parallel": 999, "preset": "../x", "base_url": "file:///etc/passwd",
                 "sim": "yes", "context": [1, -1], "models": [""], "typo": 1}"""))
                .isInstanceOfSatisfying(StartRequestException.class, e -> assertThat(e.fields())
                        .containsOnlyKeys("runs", "parallel", "preset", "base_url", "sim", "context", "models",
                                "typo")
                        .containsEntry("typo", "unknown field")
                        .containsEntry("parallel", "must be from 1 to 256, was 999"));
    }

    @Test
    void oneWrongFieldGivesAMessageNamingIt() {
        assertThatThrownBy(() -> parse("{\"warmup\": -1}")).hasMessage("warmup: must be from 0 to 1000, was -1");
    }

    @Test
    void aSweepReadsItsFieldsAndSeveralContextSizes() throws Exception {
        StartRequest r = parse("""
                {"sweep": true, "context": [1024, 2048], "par": [1, 2, 4], "target_prompt_tokens": 500,
                 "max_ttft_ms": 250.5, "runs": 1}""");
        assertThat(r.isSweep()).isTrue();
        assertThat(r.contexts()).containsExactly(1024, 2048);
        assertThat(r.par()).containsExactly(1, 2, 4);
        assertThat(r.targetPromptTokens()).isEqualTo(500);
        assertThat(r.maxTtftMs()).isEqualTo(250.5);
        assertThat(r.promptFill()).isNull();
        assertThat(r.sweepCount()).isNull();
        StartRequest counted = parse("{\"sweep\": true, \"sweep_count\": 3, \"par\": 8, \"prompt_fill\": 0.5}");
        assertThat(counted.sweepCount()).isEqualTo(3);
        assertThat(counted.par()).containsExactly(8);
        assertThat(counted.promptFill()).isEqualTo(0.5);
        assertThat(counted.contexts()).isEmpty();
        assertThat(parse("{\"runs\": 2}").isSweep()).isFalse();
        assertThat(parse("{\"runs\": 2}").par()).isEmpty();
    }

    @Test
    void sweepFieldsAreCheckedAndOnlyAcceptedForASweep() {
        assertThatThrownBy(() -> parse("""
                {"sweep": true, "par": [0, 2], "sweep_count": 65, "target_prompt_tokens": 0, "prompt_fill": 1.5,
                 "max_ttft_ms": -1}"""))
                .isInstanceOfSatisfying(StartRequestException.class, e -> assertThat(e.fields())
                        .containsOnlyKeys("par", "sweep_count", "target_prompt_tokens", "prompt_fill", "max_ttft_ms")
                        .containsEntry("par", "each value must be a whole number from 1 to 256")
                        .containsEntry("prompt_fill", "must be above 0 and at most 1, was 1.5")
                        .containsEntry("max_ttft_ms", "must be above 0 and at most 3600000, was -1"));
        assertThatThrownBy(() -> parse("{\"par\": [1, 2], \"max_ttft_ms\": 100, \"sweep\": false}"))
                .isInstanceOfSatisfying(StartRequestException.class, e -> assertThat(e.fields())
                        .containsOnlyKeys("par", "max_ttft_ms")
                        .containsEntry("par", "only for a sweep (\"sweep\": true)"));
        assertThatThrownBy(() -> parse("{\"sweep\": true, \"parallel\": 2}"))
                .hasMessage("parallel: a sweep takes par, a list of parallelism levels");
        assertThatThrownBy(() -> parse("{\"sweep\": true, \"target_prompt_tokens\": 9, \"prompt_fill\": 0.5}"))
                .hasMessage("prompt_fill: give target_prompt_tokens or prompt_fill, not both");
        assertThatThrownBy(() -> parse("{\"sweep\": true, \"sweep_count\": 2, \"context\": [1024]}"))
                .isInstanceOfSatisfying(StartRequestException.class,
                        e -> assertThat(e.fields()).containsOnlyKeys("sweep_count"));
        assertThatThrownBy(() -> parse("{\"sweep\": \"yes\"}")).hasMessage("sweep: must be true or false");
    }
}
