package dev.lmsbench.examples;

import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.engine.ModelSelector;
import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.report.ReportWriters;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** The example of docs/library.md: benchmark every model of a server and write the reports. */
public final class LibraryExample {

    private LibraryExample() {
    }

    /** Benchmarks the models of the server at {@code baseUrl}; {@code progress} receives one line per model. */
    public static BenchmarkReport benchmark(String baseUrl, Path outputDir, Consumer<String> progress)
            throws Exception {
        BenchmarkSettings settings = BenchmarkSettings.defaults()
                .withRuns(2)
                .withMaxTokens(64)
                .withNonStreaming(false);
        try (OpenAiClient client = OpenAiClient.create(ClientConfig.of(baseUrl))) {
            List<ModelInfo> models = new ModelSelector(null, "embed", 0).select(client.listModels()).models();
            BenchmarkEngine engine = BenchmarkEngine.builder()
                    .backend(client)
                    .listener(event -> {
                        if (event instanceof BenchmarkEvent.ModelCompleted done) {
                            progress.accept(done.summary().model().id() + ": "
                                    + Math.round(done.summary().decodeTokensPerSecond().p50()) + " tok/s");
                        }
                    })
                    .build();
            BenchmarkReport report = engine.run(RunInfo.start(client.endpoint(), settings, "example"), models);
            Files.createDirectories(outputDir);
            for (ReportWriter writer : ReportWriters.all()) {
                writer.write(report, outputDir); // results.json, summary.csv, requests.csv
            }
            return report;
        }
    }

    /** Runs the example against the built-in simulator. @param args unused */
    public static void main(String[] args) throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults())) {
            benchmark(sim.baseUrl(), Path.of("example-results"), System.out::println);
        }
    }
}
