package dev.lmsbench.client;

import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.InferenceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The response cache's documented key and its storage. */
class ResponseCacheTest {

    private static final InferenceRequest REQUEST = new InferenceRequest("qwen3-8b", "Say hello", 64, 0.1, true,
            Duration.ofMinutes(1));
    private static final ResponseCache.CachedAnswer ANSWER = new ResponseCache.CachedAnswer("Hello!", "hm", "stop",
            TokenUsage.reported(9, 3, 1), "resp_1");

    @Test
    void keysTheDocumentedCanonicalJsonWithMd5() {
        String canonical = "{\"messages\":[{\"content\":\"Say hello\",\"role\":\"user\"}],\"model\":\"qwen3-8b\","
                + "\"sampling\":{\"max_tokens\":64,\"temperature\":0.1}}";

        assertThat(ResponseCache.canonicalJson("qwen3-8b", List.of(new ResponseCache.Message("user", "Say hello")),
                SamplingParams.ofTemperature(0.1), 64)).isEqualTo(canonical);
        // The value must never change: persisted caches are looked up by it.
        assertThat(ResponseCache.key(REQUEST)).isEqualTo("554708f26cfac8dc0f9cb9e2e258408f")
                .isEqualTo(ResponseCache.md5Hex(canonical));
    }

    @Test
    void keysDependOnModelMessagesAndEverySamplerButNotOnStreaming() {
        String base = ResponseCache.key(REQUEST);

        assertThat(ResponseCache.key(new InferenceRequest("qwen3-8b", "Say hello", 64, 0.1, false,
                Duration.ofSeconds(1)))).isEqualTo(base);
        assertThat(ResponseCache.key(new InferenceRequest("other", "Say hello", 64, 0.1, true, Duration.ofMinutes(1))))
                .isNotEqualTo(base);
        assertThat(ResponseCache.key(new InferenceRequest("qwen3-8b", "Say hi", 64, 0.1, true, Duration.ofMinutes(1))))
                .isNotEqualTo(base);
        assertThat(ResponseCache.key(new InferenceRequest("qwen3-8b", "Say hello", 64,
                new SamplingParams(0.1, 40, null, null, null), true, Duration.ofMinutes(1)))).isNotEqualTo(base);
        assertThat(ResponseCache.canonicalJson("m", List.of(), new SamplingParams(0.5, 40, 0.9, 0.05, 1.1), null))
                .isEqualTo("{\"messages\":[],\"model\":\"m\",\"sampling\":{\"min_p\":0.05,\"repeat_penalty\":1.1,"
                        + "\"temperature\":0.5,\"top_k\":40,\"top_p\":0.9}}");
    }

    @Test
    void storesOneFilePerKeyAndFindsItAgainInANewCache(@TempDir Path dir) {
        String key = ResponseCache.key(REQUEST);
        ResponseCache.persistentIn(dir).put(key, ANSWER);

        assertThat(dir.resolve(key + ".json")).exists();
        assertThat(ResponseCache.persistentIn(dir).get(key)).contains(ANSWER);
        assertThat(ResponseCache.inMemory().get(key)).isEmpty();
    }

    @Test
    void ignoresAnUnreadableFileAndRejectsKeysThatAreNotMd5(@TempDir Path dir) throws Exception {
        String key = ResponseCache.key(REQUEST);
        Files.writeString(dir.resolve(key + ".json"), "{not json");
        ResponseCache cache = ResponseCache.persistentIn(dir);

        assertThat(cache.get(key)).isEmpty();
        assertThat(cache.get("../etc/passwd")).isEmpty();
        assertThatThrownBy(() -> cache.put("../x", ANSWER)).isInstanceOf(IllegalArgumentException.class);
    }
}
