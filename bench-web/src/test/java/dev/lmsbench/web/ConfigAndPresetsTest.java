package dev.lmsbench.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.config.ConfigLayer;
import dev.lmsbench.core.config.ResolvedConfig;
import dev.lmsbench.core.engine.BenchmarkController;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigAndPresetsTest {

    @Test
    void configShowsEveryMergedKeyWithItsSourceAndPresetsTheirSettings() throws Exception {
        ResolvedConfig config = ResolvedConfig.resolve(List.of(ConfigLayer.of("config/defaults.json",
                Map.of("num_runs", 5))));
        Map<String, Map<String, Object>> presets = new LinkedHashMap<>();
        presets.put("quick-test", Map.of("num_runs", 1, "max_tokens", 32));
        presets.put("quality", Map.of("num_runs", 10));
        try (BenchWebServer server = BenchWebServer.builder().controller(new BenchmarkController())
                .starter(r -> {
                    throw new StartRequestException("unused", Map.of());
                })
                .config(() -> config).presets(() -> presets).build().start()) {
            Api api = new Api(server.url());
            JsonNode entries = api.get("/api/config").body().get("entries");
            assertThat(entries).hasSize(config.entries().size());
            JsonNode runs = null;
            JsonNode prompt = null;
            for (JsonNode e : entries) {
                if (e.get("key").asText().equals("num_runs")) {
                    runs = e;
                } else if (e.get("key").asText().equals("prompt")) {
                    prompt = e;
                }
            }
            assertThat(runs).isNotNull();
            assertThat(runs.get("value").asInt()).isEqualTo(5);
            assertThat(runs.get("source").asText()).isEqualTo("config/defaults.json");
            assertThat(runs.get("flag").asText()).isEqualTo("--runs");
            assertThat(prompt.get("source").asText()).isEqualTo(ResolvedConfig.BUILT_IN);

            JsonNode list = api.get("/api/presets").body().get("presets");
            assertThat(list.findValuesAsText("name")).containsExactly("quick-test", "quality");
            assertThat(list.get(0).get("settings").get("max_tokens").asInt()).isEqualTo(32);
        }
    }
}
