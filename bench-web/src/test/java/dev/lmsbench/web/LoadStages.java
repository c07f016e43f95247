package dev.lmsbench.web;

import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.load.ArrivalPattern;
import dev.lmsbench.core.load.LoadResult;
import dev.lmsbench.core.load.LoadSample;
import dev.lmsbench.core.load.LoadSpec;
import dev.lmsbench.core.load.Slo;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.Workload;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Load stages as {@code lmsbench load} stores them, from requests of known timings: every request of a stage has
 * the same TTFT and token gap, sent evenly at the stage's rate (or back to back for a concurrency), so a server with a
 * shorter gap has a higher output throughput. Computed by the real {@link LoadResult#compute} and saved in a real
 * SQLite store.
 */
final class LoadStages {

    static final long MS = 1_000_000L;
    static final BenchmarkSettings SETTINGS = BenchmarkSettings.defaults().withRuns(1).withWarmupRuns(0);

    /** How a simulated server answers: time to first token, gap between tokens, tokens per answer. */
    record Server(String endpoint, String model, long ttftMs, long gapMs, int tokens) {
    }

    static final Server FAST = new Server("http://127.0.0.1:1234", "qwen3-8b@q4_k_m", 40, 5, 32);
    static final Server SLOW = new Server("http://127.0.0.1:8080", "qwen3-8b@q4_k_m", 120, 25, 32);

    private static int runs;

    private LoadStages() {
    }

    static Workload workload(String name) {
        return new Workload() {
            @Override public String name() { return name; }
            @Override public Map<String, String> parameters() { return Map.of("input_tokens", "256"); }
            @Override public TokenCountSource lengthSource() { return TokenCountSource.TOKENIZER_JSON; }
            @Override public Session start(long seed) { throw new UnsupportedOperationException(); }
        };
    }

    /**
     * One stage's figures.
     *
     * @param server   how the server answers
     * @param pattern  the arrival pattern
     * @param lateMs   how late every send left (a generator warning above 10 ms)
     * @param slo      the goodput objectives, or {@link Slo#NONE}
     * @param tags     the stage's tags
     * @return the figures and the requests they came from
     */
    static Stage stage(Server server, ArrivalPattern pattern, long lateMs, Slo slo, Map<String, String> tags) {
        int n = 12;
        double rate = pattern.openLoop() ? pattern.targetRate() : Double.NaN;
        long e2e = (server.ttftMs() + (long) server.gapMs() * (server.tokens() - 1) + 2) * MS;
        List<RequestResult> requests = new ArrayList<>();
        List<LoadSample> samples = new ArrayList<>();
        long t0 = 5_000_000_000L;
        for (int i = 0; i < n; i++) {
            long sent = rate > 0 ? t0 + (long) (i * 1e9 / rate)
                    : t0 + (i / Math.max(1, pattern.concurrency())) * e2e;
            long[] tokens = new long[server.tokens()];
            for (int k = 0; k < tokens.length; k++) {
                tokens[k] = (server.ttftMs() + (long) server.gapMs() * k) * MS;
            }
            long last = tokens[tokens.length - 1];
            RequestTimings timings = new RequestTimings(sent, 2 * MS, 3 * MS, tokens[0], tokens[0], last,
                    last + 2 * MS, tokens);
            requests.add(new RequestResult(server.model(), 0, 1, i, false, RunMode.STREAM,
                    Instant.parse("2026-12-01T10:00:00Z").plusNanos(sent), timings,
                    TokenUsage.reported(256, server.tokens(), 0), "stop", ""));
            samples.add(new LoadSample(i, sent - lateMs * MS, 0, sent, 1, "u" + i, 0));
        }
        LoadSpec spec = new LoadSpec(pattern, workload("chat"), n, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0,
                42, List.of(50.0, 90.0, 99.0), slo, tags);
        LoadResult load = LoadResult.compute(spec, requests, samples, new double[] {12.0, 30.0}, Map.of());
        return new Stage(server, load, requests);
    }

    /** A stage's figures and requests. */
    record Stage(Server server, LoadResult load, List<RequestResult> requests) {
    }

    /** Saves a stage as a run of its own (as the CLI saves each stage when it finishes). @return the run id */
    static String save(SqliteResultStore store, Stage stage) throws Exception {
        Instant started = Instant.parse("2026-12-01T10:00:00Z").plusSeconds(60L * ++runs);
        RunInfo run = new RunInfo("20261201-100000-" + String.format("%04d", runs), started, stage.server().endpoint(),
                SETTINGS, "0.1.0-test");
        ModelSummary summary = ModelSummary.of(ModelInfo.named(stage.server().model()), SETTINGS, stage.requests(),
                RunStatus.COMPLETED, "", 0, started, started.plusSeconds(30)).withLoad(stage.load());
        store.save(run, summary, stage.requests());
        return run.runId();
    }

    /** Saves an ordinary (not load) run of one model. @return the run id */
    static String saveOrdinary(SqliteResultStore store) throws Exception {
        Stage s = stage(FAST, new ArrivalPattern.Synchronous(), 0, Slo.NONE, Map.of());
        Instant started = Instant.parse("2026-12-01T09:00:00Z");
        RunInfo run = new RunInfo("20261201-090000-plain", started, FAST.endpoint(), SETTINGS, "0.1.0-test");
        store.save(run, ModelSummary.of(ModelInfo.named("plain-model"), SETTINGS, s.requests(), RunStatus.COMPLETED,
                "", 0, started, started.plusSeconds(5)), s.requests());
        return run.runId();
    }
}
