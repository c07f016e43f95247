package dev.lmsbench.web.examples;

import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.engine.ModelSelector;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;
import dev.lmsbench.web.BenchWebServer;
import dev.lmsbench.web.StartHandler;

import java.nio.file.Path;
import java.util.List;

/** The example of docs/library.md: the dashboard server inside your own program, with your store and port. */
public final class DashboardExample {

    private DashboardExample() {
    }

    /** Serves the dashboard API on {@code port} (0: a free one) for the OpenAI-compatible server at baseUrl. */
    public static BenchWebServer serve(String baseUrl, Path dbFile, int port) throws Exception {
        SqliteResultStore store = SqliteResultStore.open(dbFile);
        OpenAiClient client = OpenAiClient.create(ClientConfig.of(baseUrl));
        BenchmarkController controller = new BenchmarkController();
        StartHandler starter = request -> listener -> {
            BenchmarkSettings settings = BenchmarkSettings.defaults()
                    .withRuns(request.runs() == null ? 3 : request.runs())
                    .withMaxTokens(request.maxTokens() == null ? 64 : request.maxTokens())
                    .withNonStreaming(false);
            List<ModelInfo> models = new ModelSelector(request.includeModels(), request.excludeModels(), 0)
                    .select(client.listModels()).models();
            BenchmarkEngine engine = BenchmarkEngine.builder()
                    .backend(client)
                    .store(store)       // each model's result is saved the moment it completes
                    .listener(listener) // the controller's listener: status and /api/events
                    .build();
            return BenchmarkController.job(engine, RunInfo.start(client.endpoint(), settings, "example"), models,
                    null);
        };
        return BenchWebServer.builder()
                .controller(controller)
                .starter(starter)
                .results(store)
                .port(port)
                .onShutdown(() -> {
                    try {
                        controller.close(); // stops a running benchmark, waits for it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    client.close();
                    store.close();
                })
                .build()
                .start();
    }

    /** Serves the dashboard for the built-in simulator until POST /api/system/shutdown. @param args unused */
    public static void main(String[] args) throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults())) {
            BenchWebServer server = serve(sim.baseUrl(), Path.of("results.db"), 0);
            System.out.println("dashboard API: " + server.url() + "/api/status");
            server.awaitShutdown();
        }
    }
}
