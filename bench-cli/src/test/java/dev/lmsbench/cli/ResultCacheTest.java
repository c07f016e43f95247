package dev.lmsbench.cli;

import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.StoredResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache identity rule, one component at a time: each difference alone prevents reuse and is named. */
class ResultCacheTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final ModelInfo MODEL = new ModelInfo("qwen3-8b@q4_k_m", "llm", "qwen", "qwen3", "Q4_K_M",
            5_000_000_000L, 40960);
    private static final ServerInfo SERVER = new ServerInfo("http://127.0.0.1:1234", "lmstudio", "", "llama.cpp 1.2");
    private static final BenchmarkSettings SETTINGS = BenchmarkSettings.defaults().withRuns(2).withWarmupRuns(0);

    /** The current measurement version. */
    private static final int V = RunInfo.MEASUREMENT_VERSION;

    private static RunInfo run(ServerInfo server, BenchmarkSettings settings, boolean profiling, int version) {
        return new RunInfo("r", T0, server.baseUrl(), settings, "test", server, profiling, version);
    }

    private static RunInfo now() {
        return run(SERVER, SETTINGS, false, V);
    }

    private static RequestResult request(int index, boolean ok) {
        long ms = 1_000_000;
        RequestTimings timings = ok
                ? new RequestTimings(0, ms, ms, 50 * ms, 50 * ms, 150 * ms, 160 * ms, new long[] {50 * ms, 150 * ms})
                : RequestTimings.failed(0, 10 * ms);
        return new RequestResult(MODEL.id(), 4096, 1, index, false, RunMode.STREAM, T0, timings,
                TokenUsage.reported(10, ok ? 2 : 0, 0), ok ? "stop" : "", ok ? "" : "HTTP 500 from x", null,
                ok ? ErrorType.NONE : ErrorType.HTTP_STATUS, ok ? -1 : 500);
    }

    private static StoredResult stored(ModelInfo model, RunInfo run, RunStatus status, int failures) {
        List<RequestResult> requests = new ArrayList<>();
        for (int i = 0; i < run.settings().runs(); i++) {
            requests.add(request(i, i >= failures));
        }
        ModelSummary summary = ModelSummary.of(model, run.settings(), requests, status, "", Double.NaN, T0,
                T0.plusSeconds(1));
        return new StoredResult(7, run, summary);
    }

    private static String mismatch(StoredResult r) {
        return ResultCache.mismatch(r, MODEL, now());
    }

    @Test
    void aCleanResultOfTheSameServerModelSettingsProfilingAndVersionIsReused() {
        StoredResult same = stored(MODEL, now(), RunStatus.COMPLETED, 0);
        assertThat(mismatch(same)).isNull();
        assertThat(ResultCache.lookup(List.of(same), MODEL, now()).hit()).isSameAs(same);
    }

    @Test
    void aFailedResultOrOneWithFailedRequestsIsNeverReused() {
        assertThat(mismatch(stored(MODEL, now(), RunStatus.FAILED, 2))).isEqualTo("failed (0/2 ok)");
        assertThat(mismatch(stored(MODEL, now(), RunStatus.COMPLETED, 1))).isEqualTo("had failed requests (1/2 ok)");
    }

    @Test
    void anotherServerUrlKindVersionOrRuntimeIsAnotherServer() {
        assertThat(mismatch(stored(MODEL, run(new ServerInfo("http://127.0.0.1:8080", "lmstudio", "", "llama.cpp 1.2"),
                SETTINGS, false, V), RunStatus.COMPLETED, 0))).contains("another server (http://127.0.0.1:8080");
        assertThat(mismatch(stored(MODEL, run(SERVER.withKind("llama.cpp"), SETTINGS, false, V),
                RunStatus.COMPLETED, 0))).contains("server kind (llama.cpp, now lmstudio)");
        assertThat(mismatch(stored(MODEL, run(SERVER.withVersion("0.3.1"), SETTINGS, false, V),
                RunStatus.COMPLETED, 0))).contains("server version (0.3.1, now unknown)");
        assertThat(mismatch(stored(MODEL, run(SERVER.withRuntime("llama.cpp 1.1"), SETTINGS, false, V),
                RunStatus.COMPLETED, 0))).contains("server runtime (llama.cpp 1.1, now llama.cpp 1.2)");
    }

    @Test
    void anotherQuantizationOrFileSizeIsAnotherModelFile() {
        ModelInfo q8 = new ModelInfo(MODEL.id(), "llm", "qwen", "qwen3", "Q8_0", MODEL.sizeBytes(), 40960);
        assertThat(mismatch(stored(q8, now(), RunStatus.COMPLETED, 0))).contains("quantization (Q8_0, now Q4_K_M)");
        ModelInfo bigger = new ModelInfo(MODEL.id(), "llm", "qwen", "qwen3", "Q4_K_M", 6_000_000_000L, 40960);
        assertThat(mismatch(stored(bigger, now(), RunStatus.COMPLETED, 0))).contains("file size");
    }

    @Test
    void otherSettingsAreNamedButTheRequestTimeoutDoesNotCount() {
        assertThat(mismatch(stored(MODEL, run(SERVER, SETTINGS.withRuns(5), false, V), RunStatus.COMPLETED, 0)))
                .contains("other settings (runs 5, now 2)");
        assertThat(mismatch(stored(MODEL, run(SERVER, SETTINGS.withRequestTimeout(Duration.ofSeconds(9)), false, V),
                RunStatus.COMPLETED, 0))).isNull();
    }

    @Test
    void aResultMeasuredWithThePromptCacheReusedIsNotReusedForARunThatDefeatsIt() {
        BenchmarkSettings reuse = SETTINGS.withPromptCache(dev.lmsbench.core.model.PromptCache.REUSE);
        assertThat(SETTINGS.promptCache()).isEqualTo(dev.lmsbench.core.model.PromptCache.OFF);
        assertThat(mismatch(stored(MODEL, run(SERVER, reuse, false, V),
                RunStatus.COMPLETED, 0))).contains("other settings (promptCache reuse, now off)");
    }

    @Test
    void profilingOnOrOffAndAnOlderMeasurementVersionMeasureAgain() {
        assertThat(mismatch(stored(MODEL, run(SERVER, SETTINGS, true, V), RunStatus.COMPLETED, 0)))
                .isEqualTo("was measured with profiling on");
        assertThat(ResultCache.mismatch(stored(MODEL, now(), RunStatus.COMPLETED, 0), MODEL, now().withProfiling(true)))
                .contains("without profiling");
        assertThat(mismatch(stored(MODEL, run(SERVER, SETTINGS, false, 1), RunStatus.COMPLETED, 0)))
                .contains("older version of lmsbench's measurement (v1, now v" + RunInfo.MEASUREMENT_VERSION + ")");
    }

    @Test
    void theReasonNamesTheLatestStoredResultOfTheModel() {
        ResultCache.Lookup none = ResultCache.lookup(List.of(), MODEL, now());
        assertThat(none.hit()).isNull();
        assertThat(none.whyNot()).isEqualTo("no stored result for this model");
        ResultCache.Lookup failed = ResultCache.lookup(List.of(stored(MODEL, now(), RunStatus.FAILED, 2)), MODEL,
                now());
        assertThat(failed.whyNot()).isEqualTo("stored result 7 failed (0/2 ok)");
    }

    @Test
    void aPartitionRemembersWhichStoredResultEachCachedModelCameFrom(@org.junit.jupiter.api.io.TempDir
                                                                      java.nio.file.Path dir) throws Exception {
        ModelInfo other = ModelInfo.named("llama-3.2-1b");
        StoredResult cached = stored(MODEL, now(), RunStatus.COMPLETED, 0);
        try (dev.lmsbench.cache.SqliteResultStore store = dev.lmsbench.cache.SqliteResultStore.open(
                dir.resolve("cache.db"))) {
            store.save(now(), cached.summary(), List.of());
            store.save(now(), cached.summary(), List.of()); // the latest of two is the one reused
            java.io.StringWriter err = new java.io.StringWriter();
            ResultCache.Partition p = ResultCache.partition(store, List.of(MODEL, other), now(), false, false,
                    new java.io.PrintWriter(err));
            assertThat(p.cached()).extracting(s -> s.status()).containsExactly(RunStatus.CACHED);
            assertThat(p.toMeasure()).containsExactly(other);
            assertThat(p.cachedIds()).containsExactly(java.util.Map.entry(MODEL.id(), store.list().get(1).id()));
        }
    }

    @Test
    void aCachedModelComesBackWithTheRequestsOfItsStoredResultInModelOrder(@org.junit.jupiter.api.io.TempDir
                                                                           java.nio.file.Path dir) throws Exception {
        ModelInfo other = ModelInfo.named("llama-3.2-1b");
        List<RequestResult> stored = List.of(request(0, true), request(1, true));
        ModelSummary summary = ModelSummary.of(MODEL, SETTINGS, stored, RunStatus.COMPLETED, "", Double.NaN, T0,
                T0.plusSeconds(1));
        try (dev.lmsbench.cache.SqliteResultStore store = dev.lmsbench.cache.SqliteResultStore.open(
                dir.resolve("cache.db"))) {
            store.save(now(), summary, stored);
            ResultCache.Partition p = ResultCache.partition(store, List.of(other, MODEL), now(), false, false,
                    new java.io.PrintWriter(new java.io.StringWriter()));
            assertThat(p.cachedRequests().get(MODEL.id())).hasSize(2);
            // the measured model, with one request of its own, comes first in discovery order
            RequestResult measuredRequest = new RequestResult(other.id(), 0, 1, 0, false,
                    dev.lmsbench.core.model.RunMode.STREAM, T0, request(0, true).timings(),
                    dev.lmsbench.core.model.TokenUsage.reported(10, 3, 0, 0), "stop", "");
            ModelSummary measuredSummary = ModelSummary.of(other, SETTINGS, List.of(measuredRequest),
                    RunStatus.COMPLETED, "", Double.NaN, T0, T0.plusSeconds(1));
            dev.lmsbench.core.model.BenchmarkReport measured = new dev.lmsbench.core.model.BenchmarkReport(now(),
                    RunStatus.COMPLETED, T0, List.of(measuredSummary), List.of(measuredRequest));
            dev.lmsbench.core.model.BenchmarkReport merged = ResultCache.merge(measured, p, List.of(other, MODEL));
            assertThat(merged.models()).extracting(m -> m.model().id()).containsExactly(other.id(), MODEL.id());
            assertThat(merged.requests()).extracting(RequestResult::model)
                    .containsExactly(other.id(), MODEL.id(), MODEL.id());
        }
    }
}
