package dev.lmsbench.core.config;

import dev.lmsbench.core.model.BenchmarkSettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResolvedConfigTest {

    private static ConfigLayer layer(String source, Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return ConfigLayer.of(source, m);
    }

    @Test
    void withNoLayersEveryKeyHasItsBuiltInDefault() {
        ResolvedConfig c = ResolvedConfig.resolve(List.of());
        assertThat(c.get(ConfigKeys.NUM_RUNS)).isEqualTo(3);
        assertThat(c.sourceOf(ConfigKeys.NUM_RUNS)).isEqualTo(ResolvedConfig.BUILT_IN);
        assertThat(c.get(ConfigKeys.TOP_K)).isNull();
        assertThat(c.baseUrl()).isEqualTo("http://localhost:1234");
        assertThat(c.settings(1, true)).isEqualTo(BenchmarkSettings.defaults());
    }

    @Test
    void aValueSetOnlyInTheParentComesFromTheParent() {
        ResolvedConfig c = ResolvedConfig.resolve(List.of(layer("project", "num_runs", 5), layer("user")));
        assertThat(c.get(ConfigKeys.NUM_RUNS)).isEqualTo(5);
        assertThat(c.sourceOf(ConfigKeys.NUM_RUNS)).isEqualTo("project");
    }

    @Test
    void theHigherLayerWinsAndNullsAreSkipped() {
        Map<String, Object> user = new HashMap<>();
        user.put("num_runs", 7);
        user.put("inference.temperature", null);
        ResolvedConfig c = ResolvedConfig.resolve(List.of(
                layer("project", "num_runs", 5, "inference.temperature", 0.7),
                ConfigLayer.of("user", user),
                layer("flags", "inference.max_tokens", "64")));
        assertThat(c.get(ConfigKeys.NUM_RUNS)).isEqualTo(7);
        assertThat(c.sourceOf(ConfigKeys.NUM_RUNS)).isEqualTo("user");
        assertThat(c.get(ConfigKeys.TEMPERATURE)).isEqualTo(0.7);
        assertThat(c.sourceOf(ConfigKeys.TEMPERATURE)).isEqualTo("project");
        assertThat(c.get(ConfigKeys.MAX_TOKENS)).isEqualTo(64);
    }

    @Test
    void withParentPutsThisLayerOverTheParent() {
        ConfigLayer merged = layer("preset", "num_runs", 10).withParent(layer("user", "num_runs", 2,
                "warmup_runs", 3));
        assertThat(merged.values()).containsEntry(ConfigKeys.NUM_RUNS, 10).containsEntry(ConfigKeys.WARMUP_RUNS, 3);
    }

    @Test
    void portsAreNormalizedAndValidated() {
        assertThat(layer("f", "lmstudio.ports", List.of(1235, 1234, 1235)).values().get(ConfigKeys.PORTS))
                .isEqualTo(List.of(1235, 1234));
        assertThatThrownBy(() -> layer("f.json", "lmstudio.ports", List.of(0)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("f.json: key 'lmstudio.ports': expected a list of ports between 1 and 65535, got [0]");
    }

    @Test
    void badValuesAndUnknownKeysNameTheSourceAndTheKey() {
        assertThatThrownBy(() -> layer("u.json", "num_runs", "three"))
                .hasMessage("u.json: key 'num_runs': expected an integer between 1 and 100000, got \"three\"");
        assertThatThrownBy(() -> layer("u.json", "inference.top_p_sampling", 1.5))
                .hasMessage("u.json: key 'inference.top_p_sampling': expected a number between 0 and 1, got 1.5");
        assertThatThrownBy(() -> layer("u.json", "load.kv_cache_quant", "q3"))
                .hasMessageContaining("expected one of f32, f16");
        assertThatThrownBy(() -> layer("u.json", "inference.tempreature", 1))
                .hasMessage("u.json: key 'inference.tempreature': unknown key (see docs/configuration.md)");
    }

    @Test
    void loadAndSamplingSectionsBecomeTheSettingsRecords() {
        ResolvedConfig c = ResolvedConfig.resolve(List.of(layer("p", "load.n_gpu_layers", -1,
                "load.flash_attention", true, "inference.top_k_sampling", 40, "context_length", 8192)));
        BenchmarkSettings s = c.settings(1, true);
        assertThat(s.load().nGpuLayers()).isEqualTo(-1);
        assertThat(s.load().flashAttention()).isTrue();
        assertThat(s.contextLength()).isEqualTo(8192);
        assertThat(s.sampling().topK()).isEqualTo(40);
        assertThat(s.sampling().topP()).isNull();
    }

    @Test
    void promptCacheDefaultsToOffComesFromTheParentAndTheHigherLayerWins() {
        assertThat(ResolvedConfig.resolve(List.of()).settings(1, true).promptCache())
                .isEqualTo(dev.lmsbench.core.model.PromptCache.OFF);
        assertThat(ResolvedConfig.resolve(List.of(layer("project", "prompt_cache", "reuse"), layer("user")))
                .settings(1, true).promptCache()).isEqualTo(dev.lmsbench.core.model.PromptCache.REUSE);
        assertThat(ResolvedConfig.resolve(List.of(layer("project", "prompt_cache", "reuse"),
                layer("flags", "prompt_cache", "off"))).settings(1, true).promptCache())
                .isEqualTo(dev.lmsbench.core.model.PromptCache.OFF);
        assertThatThrownBy(() -> layer("u.json", "prompt_cache", "on"))
                .hasMessageContaining("expected one of off, reuse");
    }
}
