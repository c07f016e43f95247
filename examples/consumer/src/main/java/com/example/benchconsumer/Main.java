package com.example.benchconsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.engine.ModelSelector;
import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;
import dev.lmsbench.web.BenchWebServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * An application using LM Studio Bench as a library (docs/library.md, "A consumer project"): it benchmarks the
 * built-in simulator into a SQLite database, then serves the dashboard from its own process and reads the stored
 * results back through the dashboard's JSON API.
 */
public final class Main {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Main() {
    }

    /** What the example did: the benchmark's report and the dashboard API's answers. */
    public record Outcome(BenchmarkReport report, int storedRows, JsonNode results, JsonNode status) {
    }

    /**
     * Benchmarks every chat model of the simulator (2 runs each) into {@code dbFile}, serves the dashboard on a free
     * loopback port, and returns {@code GET /api/results} and {@code GET /api/status} as the server answered them.
     */
    public static Outcome run(Path dbFile, Consumer<String> out) throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withTokensPerSecond(400).withTtftMs(20));
             SqliteResultStore store = SqliteResultStore.open(dbFile);
             OpenAiClient client = OpenAiClient.create(ClientConfig.of(sim.baseUrl()))) {
            // 1. a benchmark: each model's result is stored the moment it completes
            List<ModelInfo> models = new ModelSelector(null, "embed", 0).select(client.listModels()).models();
            BenchmarkSettings settings = BenchmarkSettings.defaults().withRuns(2).withMaxTokens(64)
                    .withNonStreaming(false);
            BenchmarkEngine engine = engine(client, store, event -> {
                if (event instanceof BenchmarkEvent.ModelCompleted done) {
                    out.accept(done.summary().model().id() + ": "
                            + Math.round(done.summary().decodeTokensPerSecond().p50()) + " tok/s decode (p50)");
                }
            });
            BenchmarkReport report = engine.run(RunInfo.start(client.endpoint(), settings, "consumer"), models);
            int stored = store.list().size();

            // 2. the dashboard, embedded: the same store, and POST /api/benchmark/start runs the same engine
            BenchmarkController controller = new BenchmarkController();
            try (BenchWebServer web = BenchWebServer.builder()
                    .controller(controller)
                    .starter(request -> listener -> BenchmarkController.job(engine(client, store, listener),
                            RunInfo.start(client.endpoint(), settings, "consumer"), models, null))
                    .results(store)
                    .port(0)
                    .build()
                    .start()) {
                out.accept("dashboard: " + web.url() + "/");
                JsonNode results = get(web.url() + "/api/results");
                JsonNode status = get(web.url() + "/api/status");
                out.accept("GET /api/results: " + results.path("total").asInt() + " stored results; "
                        + "GET /api/status: " + status.path("status").asText());
                controller.close();
                return new Outcome(report, stored, results, status);
            }
        }
    }

    private static BenchmarkEngine engine(OpenAiClient client, SqliteResultStore store, BenchmarkListener listener) {
        return BenchmarkEngine.builder().backend(client).store(store).listener(listener).build();
    }

    private static JsonNode get(String url) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        }
    }

    /**
     * Runs the example and checks what the dashboard shows; exit 1 when it does not show what was stored.
     *
     * @param args the database file (default {@code example-results.db})
     */
    public static void main(String[] args) throws Exception {
        Path db = Path.of(args.length > 0 ? args[0] : "example-results.db");
        Outcome outcome = run(db, System.out::println);
        int shown = outcome.results().path("total").asInt(-1);
        if (outcome.storedRows() == 0 || shown != outcome.storedRows()
                || !"idle".equals(outcome.status().path("status").asText())) {
            System.err.println("bench-consumer: the dashboard shows " + shown + " results, the store holds "
                    + outcome.storedRows() + ", status " + outcome.status().path("status").asText());
            System.exit(1);
        }
        System.out.println("bench-consumer: ok, " + shown + " results in " + db);
    }
}
