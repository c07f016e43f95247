package dev.lmsbench.web.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;
import dev.lmsbench.web.BenchWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardExampleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private JsonNode call(String url, String csrf) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.ofString("{\"runs\": 2}"));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void theDocumentedExampleServesTheApiRunsABenchmarkIntoItsStoreAndShutsDown() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withTokensPerSecond(2000).withTtftMs(2))) {
            BenchWebServer server = DashboardExample.serve(sim.baseUrl(), dir.resolve("results.db"), 0);
            String csrf = call(server.url() + "/api/session", null).get("csrf_token").asText();
            assertThat(call(server.url() + "/api/benchmark/start", csrf).get("run_id").asText()).isNotBlank();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!call(server.url() + "/api/status", null).get("status").asText().equals("idle")
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            JsonNode results = call(server.url() + "/api/results", null);
            assertThat(results.get("total").asInt()).isEqualTo(SimConfig.defaults().models().size());
            assertThat(call(server.url() + "/api/system/shutdown", csrf).get("shutting_down").asBoolean()).isTrue();
            assertThat(server.awaitShutdown(Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void docsLibraryMdShowsTheExampleVerbatim() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "library.md"));
        String source = Files.readString(Path.of("src", "test", "java", "dev", "lmsbench", "web", "examples",
                "DashboardExample.java"));
        String body = source.substring(source.indexOf("public final class DashboardExample"));
        assertThat(docs).contains(body.strip());
    }
}
