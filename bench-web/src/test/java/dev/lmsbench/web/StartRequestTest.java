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
}
