package dev.lmsbench.cache;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.core.spi.StoredResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.lmsbench.cache.Fixtures.PLAIN;
import static dev.lmsbench.cache.Fixtures.QWEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteResultStoreTest {

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("results").resolve("benchmark_cache.db");
    }

    @Test
    void roundTripsTheFullSamplingAndLoadSettingsOfARun() throws Exception {
        RunInfo base = Fixtures.run("20261125-150000-beef");
        RunInfo run = new RunInfo(base.runId(), base.startedAt(), base.endpoint(), base.settings()
                .withSampling(new dev.lmsbench.core.model.SamplingParams(0.7, 40, 0.95, null, 1.1))
                .withLoad(new dev.lmsbench.core.model.LoadConfig(8192, -1, 512, null, true, null, null, true, false,
                        "q8_0", null)), base.toolVersion());
        List<RequestResult> requests = Fixtures.requests(QWEN, 1, true);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, Fixtures.summary(QWEN, requests, 1.0), requests);
            assertThat(store.list()).extracting(StoredResult::run).containsExactly(run);
        }
    }

    @Test
    void roundTripsSummariesWithNaNFiguresAndDistributions() throws Exception {
        RunInfo run = Fixtures.run("20261125-144630-1a2b");
        List<RequestResult> requests = Fixtures.requests(QWEN, 1, true);
        ModelSummary measured = Fixtures.summary(QWEN, requests, Double.NaN);
        ModelSummary failed = Fixtures.failedSummary(PLAIN);
        // the data must exercise what the test claims
        assertThat(measured.ttft().count()).isGreaterThan(1);
        assertThat(measured.interTokenLatency().count()).isGreaterThan(10);
        assertThat(measured.loadSeconds()).isNaN();
        assertThat(measured.warmup().count()).isEqualTo(2);
        assertThat(failed.ttft().p50()).isNaN();
        assertThat(failed.completionTokensPerSecondTotal()).isNaN();

        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, measured, requests);
            store.save(run, failed, List.of());

            List<StoredResult> stored = store.list();

            assertThat(stored).extracting(StoredResult::summary).containsExactly(measured, failed);
            assertThat(stored).extracting(StoredResult::run).containsOnly(run);
            assertThat(stored.get(0).id()).isLessThan(stored.get(1).id());
        }
    }

    @Test
    void roundTripsSideMetricsAndWritesTheHardwareColumns() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 5, false);
        ModelSummary profiled = Fixtures.summary(QWEN, requests, 2.0).withSideMetrics(List.of(
                new SideMetric("gpu.vram.used", "bytes", SideMetric.Aggregation.MAX, 7_500_000_000.0),
                new SideMetric("gpu.power", "W", SideMetric.Aggregation.MEAN, 212.5),
                new SideMetric("gpu.temp", "°C", SideMetric.Aggregation.MAX, 78.0),
                new SideMetric("efficiency.toks_per_joule", "tok/J", SideMetric.Aggregation.RATIO, 0.125)));
        ModelSummary cpuOnly = Fixtures.summary(PLAIN, Fixtures.requests(PLAIN, 6, false), 1.0).withSideMetrics(
                List.of(new SideMetric("cpu.load", "%", SideMetric.Aggregation.MEAN, 55.0)));
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), profiled, requests);
            store.save(Fixtures.run("r1"), cpuOnly, List.of());
            assertThat(store.list()).extracting(StoredResult::summary).containsExactly(profiled, cpuOnly);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT vram_peak_gb || ' ' || power_mean_w || ' ' || temp_peak_c"
                    + " FROM model_results ORDER BY id")).containsExactly("7.5 212.5 78.0", null);
            assertThat(raw.value("SELECT vram_peak_gb IS NULL AND power_mean_w IS NULL AND temp_peak_c IS NULL"
                    + " FROM model_results WHERE model = 'plain-model'")).isEqualTo("1");
        }
    }

    @Test
    void readsSummariesStoredBeforeSideMetricsExistedWithNone() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 7, false);
        ModelSummary summary = Fixtures.summary(QWEN, requests, 2.0);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), summary, requests);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            raw.execute("UPDATE model_results SET summary_json = json_remove(summary_json, '$.sideMetrics')");
            assertThat(raw.value("SELECT instr(summary_json, 'sideMetrics') FROM model_results")).isEqualTo("0");
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            ModelSummary read = store.list().getFirst().summary();
            assertThat(read.sideMetrics()).isEmpty();
            assertThat(read).isEqualTo(summary);
        }
    }

    @Test
    void roundTripsRequestsIncludingTimingOffsets() throws Exception {
        RunInfo run = Fixtures.run("r1");
        List<RequestResult> qwen = Fixtures.requests(QWEN, 2, true);
        List<RequestResult> plain = Fixtures.requests(PLAIN, 3, false);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, Fixtures.summary(QWEN, qwen, 3.25), qwen);
            store.save(run, Fixtures.summary(PLAIN, plain, 1.0), plain);
            List<StoredResult> stored = store.list();

            assertThat(store.listRequests(stored.get(0).id())).containsExactlyElementsOf(qwen);
            assertThat(store.listRequests(stored.get(1).id())).containsExactlyElementsOf(plain);
            assertThat(store.listRequests(9_999)).isEmpty();
        }
    }

    @Test
    void storesNaNAndAbsentTimingsAsNull() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 4, true);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), Fixtures.failedSummary(PLAIN), requests);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("SELECT ttft_s_p50 IS NULL AND load_time_s IS NULL"
                    + " AND completion_toks_per_s_total IS NULL FROM model_results")).isEqualTo("1");
            assertThat(raw.column("SELECT ttft_s IS NULL FROM request_results WHERE run_mode = 'nonstream'"))
                    .isNotEmpty().containsOnly("1");
            assertThat(raw.column("SELECT first_token_nanos IS NULL FROM request_results"
                    + " WHERE run_mode = 'nonstream'")).containsOnly("1");
            assertThat(raw.column("SELECT ttft_s > 0 FROM request_results WHERE run_mode = 'stream'"))
                    .isNotEmpty().containsOnly("1");
        }
    }

    @Test
    void listsResultsOldestFirstAndKeepsOneRowPerRun() throws Exception {
        RunInfo first = Fixtures.run("run-1");
        RunInfo second = new RunInfo("run-2", Fixtures.T0.plusSeconds(60), "sim:default",
                Fixtures.SETTINGS.withNonStreaming(false), null);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(first, Fixtures.failedSummary(QWEN), List.of());
            store.save(second, Fixtures.failedSummary(PLAIN), List.of());
            store.save(first, Fixtures.failedSummary(PLAIN), List.of());

            assertThat(store.list())
                    .extracting(r -> r.run().runId() + "/" + r.summary().model().id())
                    .containsExactly("run-1/qwen3-8b@q4_k_m", "run-2/plain-model", "run-1/plain-model");
            assertThat(store.list().get(1).run()).isEqualTo(second);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("SELECT count(*) FROM runs")).isEqualTo("2");
        }
    }

    @Test
    void savesAModelAndItsRequestsAtomically() throws Exception {
        ModelInfo poison = ModelInfo.named("poison");
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            try (Sqlite raw = Sqlite.open(db())) {
                // fails the last statement of the transaction, after the run and model rows were written
                raw.execute("""
                        CREATE TRIGGER fail_poison BEFORE INSERT ON request_results WHEN NEW.model = 'poison'
                        BEGIN SELECT RAISE(ABORT, 'poisoned request'); END""");
            }
            List<RequestResult> requests = Fixtures.requests(poison, 5, false);

            assertThatThrownBy(() -> store.save(Fixtures.run("r1"), Fixtures.summary(poison, requests, 1), requests))
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("cannot save the result of poison to results database " + db() + ": ")
                    .hasMessageContaining("poisoned request");
            assertThat(store.list()).isEmpty();

            // and the store stays usable
            store.save(Fixtures.run("r1"), Fixtures.failedSummary(QWEN), List.of());
            assertThat(store.list()).hasSize(1);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("SELECT count(*) FROM request_results")).isEqualTo("0");
        }
    }

    @Test
    void usesWriteAheadLoggingWithNormalSyncAndABusyTimeout() throws Exception {
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.pragma("journal_mode")).isEqualTo("wal");
            assertThat(store.pragma("synchronous")).isEqualTo("1"); // NORMAL
            assertThat(store.pragma("busy_timeout")).isEqualTo("10000");
            assertThat(store.pragma("foreign_keys")).isEqualTo("1");
            store.save(Fixtures.run("r1"), Fixtures.failedSummary(QWEN), List.of());
            assertThat(Files.exists(Path.of(db() + "-wal"))).isTrue();
            try (Sqlite raw = Sqlite.open(db())) {
                // the journal mode is persistent, so a fresh connection reports the file's mode
                assertThat(raw.value("PRAGMA journal_mode")).isEqualTo("wal");
            }
        }
    }

    @Test
    void anotherConnectionSeesAResultAsSoonAsSaveReturns() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 6, false);
        ModelSummary summary = Fixtures.summary(QWEN, requests, 2.5);
        try (SqliteResultStore writer = SqliteResultStore.open(db());
             SqliteResultStore reader = SqliteResultStore.open(db())) {
            assertThat(reader.list()).isEmpty();

            writer.save(Fixtures.run("r1"), summary, requests);

            List<StoredResult> seen = reader.list();
            assertThat(seen).extracting(StoredResult::summary).containsExactly(summary);
            assertThat(reader.listRequests(seen.getFirst().id())).containsExactlyElementsOf(requests);
        }
    }

    @Test
    void recordsTheSchemaVersion() throws Exception {
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(Schema.currentVersion()).isEqualTo(2);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("PRAGMA user_version")).isEqualTo("2");
            assertThat(raw.column("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"))
                    .containsExactlyInAnyOrder("runs", "model_results", "request_results", "hardware_samples");
            assertThat(raw.column("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
                    .contains("model_results_model", "request_results_model");
        }
    }

    @Test
    void migratesAnEmptyFile() throws Exception {
        Files.createDirectories(db().getParent());
        Files.createFile(db());
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(2);
            store.save(Fixtures.run("r1"), Fixtures.failedSummary(QWEN), List.of());
            assertThat(store.list()).hasSize(1);
        }
    }

    @Test
    void hardwareSamplesGoToTheirOwnTableAndReadBackWithOffsetsFromTheFirst() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 2, false);
        GpuSample gpu0 = new GpuSample(0, "Fake RTX", 9_000_000_000L, 24_000_000_000L, -1, 87, Double.NaN, 312.5, 450,
                71, 2520, -1, 4, 16);
        GpuSample gpu1 = GpuSample.unavailable(1, "Second");
        List<HardwareSample> samples = List.of(
                new HardwareSample(5_000_000_000L, Double.NaN, 8_000_000_000L, 32_000_000_000L, -1, 900_000_000L,
                        List.of(gpu0, gpu1)),
                new HardwareSample(5_250_000_000L, 42.5, 8_100_000_000L, 32_000_000_000L, 0, 910_000_000L,
                        List.of(gpu0)));
        ModelSummary summary = Fixtures.summary(QWEN, requests, 2.5).withHardwareSamples(samples);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), summary, requests);

            StoredResult stored = store.list().getFirst();
            assertThat(stored.summary().hardwareSamples()).as("summary_json carries no samples").isEmpty();
            assertThat(store.listHardwareSamples(stored.id())).containsExactly(
                    new HardwareSample(0, Double.NaN, 8_000_000_000L, -1, -1, 900_000_000L, List.of(gpu0, gpu1)),
                    new HardwareSample(250_000_000L, 42.5, 8_100_000_000L, -1, 0, 910_000_000L, List.of(gpu0)));
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT vram_used_bytes FROM hardware_samples ORDER BY seq"))
                    .containsExactly("9000000000", "9000000000");
            assertThat(raw.column("SELECT power_w FROM hardware_samples ORDER BY seq")).containsExactly("312.5", "312.5");
            assertThat(raw.value("SELECT count(*) FROM hardware_samples WHERE cpu_load_pct IS NULL")).isEqualTo("1");
            assertThat(raw.value("SELECT summary_json NOT LIKE '%hardwareSamples%' FROM model_results")).isEqualTo("1");
        }
    }

    @Test
    void aVersionOneDatabaseGainsTheSamplesTableAndKeepsItsResults() throws Exception {
        Files.createDirectories(db().getParent());
        try (Sqlite raw = Sqlite.open(db())) {
            // a file as the previous release left it: only migration 1, and its optional columns
            new SchemaMigrator(List.of(Schema.MIGRATIONS.getFirst()), Schema.OPTIONAL_COLUMNS)
                    .migrate(raw.connection(), db());
            assertThat(raw.value("PRAGMA user_version")).isEqualTo("1");
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), Fixtures.failedSummary(QWEN), List.of());
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(2);
            assertThat(store.list()).hasSize(1);
            assertThat(store.listHardwareSamples(store.list().getFirst().id())).isEmpty();
        }
    }

    @Test
    void migratesADatabaseAtVersionZeroAndKeepsItsOtherTables() throws Exception {
        Files.createDirectories(db().getParent());
        try (Sqlite raw = Sqlite.open(db())) {
            raw.execute("CREATE TABLE notes (text TEXT)", "INSERT INTO notes VALUES ('kept')");
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(2);
            assertThat(store.list()).isEmpty();
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("SELECT text FROM notes")).isEqualTo("kept");
        }
    }

    @Test
    void reopeningACurrentDatabaseKeepsItsResults() throws Exception {
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), Fixtures.failedSummary(QWEN), List.of());
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.list()).extracting(r -> r.summary().model()).containsExactly(QWEN);
        }
    }

    @Test
    void refusesADatabaseWithANewerSchema() throws Exception {
        Files.createDirectories(db().getParent());
        try (Sqlite raw = Sqlite.open(db())) {
            raw.execute("PRAGMA user_version = 7");
        }

        assertThatThrownBy(() -> SqliteResultStore.open(db()))
                .isInstanceOf(StoreException.class)
                .hasMessage("results database " + db() + " has schema version 7, newer than this lmsbench"
                        + " supports (2); upgrade lmsbench");

        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("PRAGMA user_version")).isEqualTo("7");
            assertThat(raw.column("SELECT name FROM sqlite_master")).isEmpty();
        }
    }

    @Test
    void createsMissingParentDirectories() throws Exception {
        Path deep = dir.resolve("a/b/c/results.db");
        try (SqliteResultStore store = SqliteResultStore.open(deep)) {
            assertThat(store.file()).isEqualTo(deep.toAbsolutePath());
        }
        assertThat(deep).isRegularFile();
    }

    @Test
    void reportsADirectoryThatCannotBeCreatedOnOneLine() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a directory");
        Path file = blocker.resolve("results/benchmark_cache.db");

        assertThatThrownBy(() -> SqliteResultStore.open(file))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot create the directory of results database " + file + ": ")
                .hasMessageContaining(blocker.toString())
                .hasMessageNotContaining("\n");
    }

    @Test
    void reportsAFileThatIsNotADatabaseOnOneLine() throws Exception {
        Files.createDirectories(db().getParent());
        Files.writeString(db(), "this is not a SQLite database, just some text that is long enough\n".repeat(100));

        assertThatThrownBy(() -> SqliteResultStore.open(db()))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot open results database " + db() + ": ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void refusesToWorkOnceClosedAndClosesTwiceQuietly() throws Exception {
        SqliteResultStore store = SqliteResultStore.open(db());
        store.close();
        store.close();

        assertThatThrownBy(store::list)
                .isInstanceOf(StoreException.class)
                .hasMessage("cannot read results database " + db() + ": the store is closed");
        assertThatThrownBy(() -> store.save(Fixtures.run("r1"), Fixtures.failedSummary(QWEN), List.of()))
                .isInstanceOf(StoreException.class)
                .hasMessageEndingWith("the store is closed");
    }

    @Test
    void savesFromTwoThreadsAtOnce() throws Exception {
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            List<ModelSummary> saved = saveConcurrently(store, store);

            assertThat(store.list()).extracting(StoredResult::summary).containsExactlyInAnyOrderElementsOf(saved);
            for (StoredResult r : store.list()) {
                assertThat(store.listRequests(r.id())).allMatch(q -> q.model().equals(r.summary().model().id()));
            }
        }
    }

    @Test
    void savesFromTwoStoresOnTheSameFileAtOnce() throws Exception {
        try (SqliteResultStore a = SqliteResultStore.open(db()); SqliteResultStore b = SqliteResultStore.open(db())) {
            List<ModelSummary> saved = saveConcurrently(a, b);

            assertThat(a.list()).extracting(StoredResult::summary).containsExactlyInAnyOrderElementsOf(saved);
        }
    }

    /** Two threads each save 15 models with their requests, starting together; returns what they saved. */
    private static List<ModelSummary> saveConcurrently(SqliteResultStore first, SqliteResultStore second)
            throws Exception {
        int perThread = 15;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<List<ModelSummary>>> tasks = new ArrayList<>();
        for (SqliteResultStore store : List.of(first, second)) {
            int thread = tasks.size();
            tasks.add(() -> {
                start.await();
                List<ModelSummary> mine = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    ModelInfo model = ModelInfo.named("t" + thread + "-m" + i);
                    List<RequestResult> requests = Fixtures.requests(model, 100L * thread + i, i % 3 == 0);
                    ModelSummary summary = Fixtures.summary(model, requests, i);
                    store.save(Fixtures.run("run-" + thread), summary, requests);
                    mine.add(summary);
                }
                return mine;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<ModelSummary>>> futures = new ArrayList<>();
            for (Callable<List<ModelSummary>> task : tasks) {
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<ModelSummary> all = new ArrayList<>();
            for (Future<List<ModelSummary>> f : futures) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(2 * perThread);
            return all;
        } finally {
            pool.shutdownNow();
        }
    }
}
