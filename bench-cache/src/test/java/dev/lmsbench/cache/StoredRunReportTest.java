package dev.lmsbench.cache;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.spi.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.lmsbench.cache.Fixtures.PLAIN;
import static dev.lmsbench.cache.Fixtures.QWEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A stored run read back as its report: {@link SqliteResultStore#saveRunOutcome}, {@link SqliteResultStore#report}. */
class StoredRunReportTest {

    private static final ModelInfo SKIPPED = ModelInfo.named("too-big-70b");
    private static final HardwareInfo MACHINE = new HardwareInfo("Linux 6.8", "Fake Ryzen", 16, 32, 64_000_000_000L,
            "nvml", "550.54", List.of(new HardwareInfo.Gpu(0, "Fake RTX", "GPU-1", 24_000_000_000L)),
            List.of("nvml: used"));
    private static final Instant END = Fixtures.T0.plusSeconds(99);

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("benchmark_cache.db");
    }

    private static List<HardwareSample> samples() {
        GpuSample gpu = new GpuSample(0, "Fake RTX", 9_000_000_000L, 24_000_000_000L, -1, 87, Double.NaN, 312.5, 450,
                71, 2520, -1, 4, 16);
        return List.of(new HardwareSample(0, 12.5, 8_000_000_000L, -1, -1, 900_000_000L, List.of(gpu)),
                new HardwareSample(250_000_000L, 42.5, 8_100_000_000L, -1, 0, 910_000_000L, List.of(gpu)));
    }

    @Test
    void aRecordedRunReadsBackAsItsReportWithCachedSkippedAndMeasuredModelsInOrder() throws Exception {
        List<RequestResult> earlier = Fixtures.requests(PLAIN, 3, false);
        List<RequestResult> qwenRequests = Fixtures.draftRequests(QWEN, 7);
        ModelSummary qwen = Fixtures.summary(QWEN, qwenRequests, 1.5).withHardwareSamples(samples());
        RunInfo run = Fixtures.run("r2").withProfiling(true);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), Fixtures.summary(PLAIN, earlier, 1.0), earlier);
            long plainId = store.list().getFirst().id();
            ModelSummary cached = store.list().getFirst().summary().asCached();
            store.save(run, qwen, qwenRequests);
            ModelSummary skipped = ModelSummary.of(SKIPPED, Fixtures.SETTINGS, List.of(), RunStatus.SKIPPED,
                    "skipped: not enough memory", dev.lmsbench.core.model.ErrorType.NONE, Double.NaN, Fixtures.T0,
                    Fixtures.T0.plusMillis(3), List.of());
            // as the run reported it: the cached model with the requests of the result it came from, first
            List<RequestResult> all = new java.util.ArrayList<>(store.listRequests(plainId));
            all.addAll(qwenRequests);
            BenchmarkReport report = new BenchmarkReport(run, RunStatus.COMPLETED, END,
                    List.of(cached, qwen, skipped), all, MACHINE);
            store.saveRunOutcome(report, Map.of(PLAIN.id(), plainId));

            BenchmarkReport read = store.report("r2").orElseThrow();
            assertThat(read.run()).isEqualTo(run);
            assertThat(read.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(read.finishedAt()).isEqualTo(END);
            assertThat(read.hardware()).isEqualTo(MACHINE);
            assertThat(read.models()).containsExactly(cached, qwen, skipped);
            assertThat(read.requests()).containsExactlyElementsOf(all);
            assertThat(read.requests().subList(0, earlier.size())).allMatch(r -> r.model().equals(PLAIN.id()));
        }
    }

    @Test
    void aCancelledModelTheEngineDoesNotStoreIsKeptWholeWithItsRequestsAndSamples() throws Exception {
        List<RequestResult> requests = Fixtures.draftRequests(QWEN, 11);
        ModelSummary cancelled = ModelSummary.of(QWEN, Fixtures.SETTINGS, requests, RunStatus.CANCELLED,
                "cancelled by user", dev.lmsbench.core.model.ErrorType.CANCELLED, 2.0, Fixtures.T0, END, List.of())
                .withHardwareSamples(samples());
        RunInfo run = Fixtures.run("r3");
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.saveRunOutcome(new BenchmarkReport(run, RunStatus.CANCELLED, END, List.of(cancelled), requests),
                    Map.of());
            BenchmarkReport read = store.report("r3").orElseThrow();
            assertThat(read.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(read.hardware()).isNull();
            assertThat(read.models()).containsExactly(cancelled);
            assertThat(read.requests()).containsExactlyElementsOf(requests);
            assertThat(store.list()).as("the cache still holds only what the engine stored").isEmpty();
        }
    }

    @Test
    void recordingARunAgainReplacesWhatWasRecorded() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 5, false);
        ModelSummary qwen = Fixtures.summary(QWEN, requests, 1.0);
        RunInfo run = Fixtures.run("r4");
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, qwen, requests);
            store.saveRunOutcome(new BenchmarkReport(run, RunStatus.CANCELLED, END, List.of(qwen), requests),
                    Map.of());
            store.saveRunOutcome(new BenchmarkReport(run, RunStatus.COMPLETED, END, List.of(qwen), requests),
                    Map.of());
            BenchmarkReport read = store.report("r4").orElseThrow();
            assertThat(read.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(read.models()).containsExactly(qwen);
        }
    }

    @Test
    void aRunWithoutARecordedOutcomeIsRebuiltFromItsStoredModels() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 5, false);
        ModelSummary qwen = Fixtures.summary(QWEN, requests, 1.0).withHardwareSamples(samples());
        ModelSummary failed = Fixtures.failedSummary(PLAIN);
        RunInfo run = Fixtures.run("r5");
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, qwen, requests);
            store.save(run, failed, List.of());
            BenchmarkReport read = store.report("r5").orElseThrow();
            assertThat(read.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(read.finishedAt()).isEqualTo(qwen.finishedAt());
            assertThat(read.hardware()).isNull();
            assertThat(read.models()).containsExactly(qwen, failed);
            assertThat(read.requests()).containsExactlyElementsOf(requests);
        }
    }

    @Test
    void anUnknownRunIdIsEmpty() throws Exception {
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.report("no-such-run")).isEmpty();
        }
    }

    @Test
    void aVersionSevenDatabaseMigratesAndItsRunsStillReadBackFromTheirModels() throws Exception {
        List<RequestResult> requests = Fixtures.draftRequests(QWEN, 13);
        ModelSummary qwen = Fixtures.summary(QWEN, requests, 1.0);
        RunInfo run = Fixtures.run("old-7");
        // a file as the release of version 7 left it, a run saved model by model: saved by this code, then with
        // what versions 8 and 9 added dropped again (this code writes version 9's columns, which 7 does not have)
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, qwen, requests);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            raw.execute("DROP TABLE run_models", "ALTER TABLE runs DROP COLUMN finished_at",
                    "ALTER TABLE runs DROP COLUMN status", "ALTER TABLE runs DROP COLUMN hardware_json",
                    "ALTER TABLE request_results DROP COLUMN attempts",
                    "ALTER TABLE model_results DROP COLUMN target_prompt_tokens",
                    "ALTER TABLE model_results DROP COLUMN chars_per_token",
                    "ALTER TABLE model_results DROP COLUMN calibrated_prompt_tokens",
                    "ALTER TABLE model_results DROP COLUMN calibration_calls",
                    "ALTER TABLE model_results DROP COLUMN calibration_within_tolerance",
                    "ALTER TABLE model_results DROP COLUMN calibration_source", "PRAGMA user_version = 7");
            assertThat(raw.column("SELECT name FROM pragma_table_info('runs')")).doesNotContain("status");
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(9);
            assertThat(store.list()).hasSize(1);
            BenchmarkReport read = store.report("old-7").orElseThrow();
            assertThat(read.models()).containsExactly(qwen);
            assertThat(read.requests()).containsExactlyElementsOf(requests);
            // and a new run records its outcome beside the old one
            store.save(Fixtures.run("new-8"), qwen, requests);
            store.saveRunOutcome(new BenchmarkReport(Fixtures.run("new-8"), RunStatus.COMPLETED, END, List.of(qwen),
                    requests, MACHINE), Map.of());
            assertThat(store.report("new-8").orElseThrow().hardware()).isEqualTo(MACHINE);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("SELECT coalesce(status, 'null') || '|' || coalesce(finished_at, 'null') FROM runs"
                    + " WHERE run_id = 'old-7'")).isEqualTo("null|null");
            assertThat(raw.value("SELECT count(*) FROM run_models WHERE run_id = 'new-8' AND model_result_id = 2"))
                    .isEqualTo("1");
        }
    }

    @Test
    void aRecordedRunWhoseResultRowIsGoneIsAOneLineError() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 5, false);
        ModelSummary qwen = Fixtures.summary(QWEN, requests, 1.0);
        RunInfo run = Fixtures.run("r6");
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, qwen, requests);
            store.saveRunOutcome(new BenchmarkReport(run, RunStatus.COMPLETED, END, List.of(qwen), requests),
                    Map.of());
        }
        try (Sqlite raw = Sqlite.open(db())) {
            raw.execute("PRAGMA foreign_keys = OFF", "DELETE FROM request_results", "DELETE FROM model_results");
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThatThrownBy(() -> store.report("r6")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("run r6").hasMessageContaining("gone")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }
}
