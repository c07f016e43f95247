package dev.lmsbench.web;

import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmStudioClient;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.engine.ModelSelector;
import dev.lmsbench.core.engine.SweepPlan;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real stack for the API tests: the simulator, the OpenAI client against it (models listed with LM Studio's
 * native API for their metadata), a SQLite store in a temporary
 * directory, a controller, and a start handler that builds a {@link BenchmarkEngine} from the start body.
 */
final class SimRig implements AutoCloseable {

    /** A sweep's retry waits here: one retry after 2 s (the CLI's are 1, 5, 15, 30 s). */
    static final List<java.time.Duration> SWEEP_RETRY = List.of(java.time.Duration.ofSeconds(2));

    final SimServer sim;
    final SqliteResultStore store;
    final BenchmarkController controller = new BenchmarkController();
    final BenchWebServer server;

    SimRig(Path dir, SimConfig simConfig, UnaryOperator<BenchWebServer.Builder> customize) throws Exception {
        sim = SimServer.start(simConfig);
        store = SqliteResultStore.open(dir.resolve("results.db"));
        BenchWebServer.Builder b = BenchWebServer.builder()
                .controller(controller)
                .starter(this::prepare)
                .results(store)
                .models(() -> {
                    try (LmStudioClient c = LmStudioClient.create(sim.baseUrl())) {
                        return c.listModels();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .outputDir(dir)
                .runComparer(this::compare);
        server = customize.apply(b).build().start();
    }

    SimRig(Path dir, SimConfig simConfig) throws Exception {
        this(dir, simConfig, b -> b);
    }

    /** The test's start handler: runs, warmup, max_tokens, parallel, include/exclude/limit from the body. */
    BenchmarkController.JobFactory prepare(StartRequest r) throws StartRequestException {
        if (r.runs() != null && r.runs() == 13) {
            throw StartRequestException.field("runs", "13 is unlucky"); // a handler's own field error
        }
        BenchmarkSettings settings = BenchmarkSettings.defaults()
                .withRuns(r.runs() == null ? 3 : r.runs())
                .withWarmupRuns(r.warmup() == null ? 0 : r.warmup())
                .withMaxTokens(r.maxTokens() == null ? 16 : r.maxTokens())
                .withParallel(r.parallel() == null ? 1 : r.parallel())
                .withNonStreaming(false);
        return listener -> {
            OpenAiClient client = OpenAiClient.create(ClientConfig.of(sim.baseUrl()));
            List<ModelInfo> listed;
            try (LmStudioClient catalog = LmStudioClient.create(sim.baseUrl())) {
                listed = catalog.listModels(); // LM Studio's native list: quantization, architecture, size
            }
            List<ModelInfo> models = new ModelSelector(r.includeModels(), r.excludeModels(),
                    r.limit() == null ? 0 : r.limit()).select(listed).models();
            if (!r.models().isEmpty()) { // exact ids, as the CLI's --model
                models = models.stream().filter(m -> r.models().contains(m.id())).toList();
            }
            BenchmarkEngine engine = BenchmarkEngine.builder().backend(client).store(store).listener(listener)
                    .build();
            RunInfo run = RunInfo.start(client.endpoint(), settings, "test");
            if (!r.isSweep()) {
                return BenchmarkController.job(engine, run, models, null, client);
            }
            // a sweep: every model at every context size times every parallelism level (the CLI's SweepCommand)
            SweepPlan plan = SweepPlan.of(models, r.contexts().isEmpty() ? List.of(0) : r.contexts(),
                    r.par().isEmpty() ? List.of(1) : r.par()).withRetryBackoff(SWEEP_RETRY);
            return BenchmarkController.job(engine, run, plan, null, client);
        };
    }

    /** The reports' comparison of two stored runs, as the CLI wires it. */
    java.util.Optional<RunComparer.Table> compare(String baseline, String current) throws Exception {
        var a = store.report(baseline);
        var b = store.report(current);
        if (a.isEmpty() || b.isEmpty()) {
            return java.util.Optional.empty();
        }
        dev.lmsbench.report.RunComparison c = dev.lmsbench.report.RunComparison.of(a.get(), b.get());
        return java.util.Optional.of(new RunComparer.Table(dev.lmsbench.report.ComparisonRows.title(c),
                dev.lmsbench.report.ComparisonRows.HEADER, dev.lmsbench.report.ComparisonRows.rows(c)));
    }

    @Override
    public void close() throws Exception {
        server.stop();
        controller.close();
        store.close();
        sim.close();
    }
}
