package dev.lmsbench.cache;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.ServerStats;
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
    void roundTripsTheDraftModelParallelSlotsGpuOffloadAndTtlOfARunSoACachedResultRemembersThem()
            throws Exception {
        RunInfo base = Fixtures.run("20261125-150000-d4af");
        dev.lmsbench.core.model.LoadConfig load = dev.lmsbench.core.model.LoadConfig.ofContext(8192)
                .withParallel(4).withGpuOffload(0.5).withTtlSeconds(900);
        RunInfo run = new RunInfo(base.runId(), base.startedAt(), base.endpoint(), base.settings().withLoad(load)
                .withDraftModel("qwen3-0.6b@q8_0"), base.toolVersion());
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, Fixtures.failedSummary(QWEN), List.of());
            store.save(Fixtures.run("r2"), Fixtures.failedSummary(PLAIN), List.of());
            List<StoredResult> stored = store.list();
            RunInfo read = stored.getFirst().run();
            assertThat(read).isEqualTo(run);
            assertThat(read.settings().draftModel()).isEqualTo("qwen3-0.6b@q8_0");
            assertThat(read.settings().load().parallel()).isEqualTo(4);
            assertThat(read.settings().load().gpuOffload()).isEqualTo(0.5);
            assertThat(read.settings().load().ttlSeconds()).isEqualTo(900);
            assertThat(stored.get(1).run().settings().draftModel()).isEmpty();
            assertThat(stored.get(1).run().settings().load().parallel()).isNull();
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT draft_model FROM runs ORDER BY run_id"))
                    .containsExactly("qwen3-0.6b@q8_0", "");
        }
    }

    @Test
    void roundTripsTheUsageCheckDraftFiguresAndServerStatisticsOfEveryRequestAndWritesTheirColumns()
            throws Exception {
        List<RequestResult> requests = Fixtures.draftRequests(QWEN, 21);
        assertThat(requests).extracting(r -> r.usageCheck().verdict()).contains(
                dev.lmsbench.core.model.UsageCheck.Verdict.AGREE,
                dev.lmsbench.core.model.UsageCheck.Verdict.CORRECTED_OFF_BY_ONE,
                dev.lmsbench.core.model.UsageCheck.Verdict.MISMATCH,
                dev.lmsbench.core.model.UsageCheck.Verdict.NOT_CHECKED);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), Fixtures.summary(QWEN, requests, 1.0), requests);
            List<RequestResult> read = store.listRequests(store.list().getFirst().id());

            assertThat(read).containsExactlyElementsOf(requests);
            assertThat(read).extracting(RequestResult::usageCheck)
                    .containsExactlyElementsOf(requests.stream().map(RequestResult::usageCheck).toList());
            assertThat(read).extracting(r -> r.serverStats().draft())
                    .containsExactlyElementsOf(requests.stream().map(r -> r.serverStats().draft()).toList());
            assertThat(read.getFirst().serverStats().modelLoadSeconds()).isEqualTo(2.75);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT usage_check || ':' || coalesce(streamed_chunks, 'null') || ':'"
                    + " || coalesce(reported_completion_tokens, 'null') FROM request_results"
                    + " WHERE warmup = 0 AND idx = 1 ORDER BY id")).hasSize(2)
                    .first().asString().startsWith("corrected_off_by_one:");
            assertThat(raw.column("SELECT DISTINCT usage_check FROM request_results ORDER BY 1"))
                    .containsExactly("", "agree", "corrected_off_by_one", "mismatch");
            assertThat(raw.value("SELECT count(*) FROM request_results WHERE usage_check = ''"
                    + " AND (streamed_chunks IS NOT NULL OR reported_completion_tokens IS NOT NULL)")).isEqualTo("0");
            RequestResult first = requests.getFirst();
            assertThat(raw.column("SELECT draft_model || ' ' || draft_total_tokens || ' ' || draft_accepted_tokens"
                    + " || ' ' || draft_rejected_tokens || ' ' || draft_ignored_tokens || ' ' || server_model_load_s"
                    + " FROM request_results ORDER BY id LIMIT 1")).containsExactly("draft-0.5b "
                    + first.serverStats().draft().totalTokens() + " " + first.serverStats().draft().acceptedTokens()
                    + " " + first.serverStats().draft().rejectedTokens() + " 1 2.75");
            // the failed call: the server reported nothing
            assertThat(raw.value("SELECT draft_model = '' AND draft_total_tokens IS NULL AND draft_accepted_tokens"
                    + " IS NULL AND server_model_load_s IS NULL AND server_stats_json IS NULL"
                    + " FROM request_results WHERE error <> ''")).isEqualTo("1");
        }
    }

    @Test
    void roundTripsTheLoadDetailsDraftAcceptanceAndUsageCountsOfASummaryAndWritesTheirColumns()
            throws Exception {
        List<RequestResult> requests = Fixtures.draftRequests(QWEN, 22);
        dev.lmsbench.core.model.LoadDetails details = new dev.lmsbench.core.model.LoadDetails("lms",
                "qwen3-8b@q4_k_m", 8192, 2, 0.75, 600, List.of("flash_attention was not sent"),
                List.of("qwen3-8b@q4_k_m:2", "qwen3-8b@q4_k_m:3"));
        ModelSummary summary = Fixtures.summary(QWEN, requests, 1.0).withLoadDetails(details);
        // the data must exercise what the test claims
        assertThat(summary.draftAcceptance().count()).isGreaterThan(1);
        assertThat(summary.usageCorrected()).isEqualTo(1);
        assertThat(summary.usageMismatched()).isEqualTo(1);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), summary, requests);
            store.save(Fixtures.run("r2"), Fixtures.failedSummary(PLAIN), List.of());
            List<StoredResult> stored = store.list();

            ModelSummary read = stored.getFirst().summary();
            assertThat(read).isEqualTo(summary);
            assertThat(read.loadDetails()).isEqualTo(details);
            assertThat(read.draftAcceptance()).isEqualTo(summary.draftAcceptance());
            assertThat(read.usageCorrected()).isEqualTo(1);
            assertThat(read.usageMismatched()).isEqualTo(1);
            assertThat(stored.get(1).summary().loadDetails()).isEqualTo(dev.lmsbench.core.model.LoadDetails.UNKNOWN);
            assertThat(stored.get(1).summary().draftAcceptance().count()).isZero();
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT load_method || ' ' || instance_id || ' ' || coalesce(instance_parallel,"
                    + " 'null') || ' ' || coalesce(instance_context_length, 'null') || ' ' || usage_corrected || ' '"
                    + " || usage_mismatched || ' ' || duplicate_instances FROM model_results ORDER BY id"))
                    .containsExactly("lms qwen3-8b@q4_k_m 2 8192 1 1 2", "  null null 0 0 0");
            assertThat(raw.column("SELECT draft_acceptance_p50 FROM model_results ORDER BY id"))
                    .containsExactly(Double.toString(summary.draftAcceptance().p50()), null);
        }
    }

    /** A load stage's figures over the fixture's requests, with every part set (goodput, warnings, metrics). */
    static dev.lmsbench.core.load.LoadResult loadResult(List<RequestResult> requests,
                                                         dev.lmsbench.core.load.ArrivalPattern pattern) {
        dev.lmsbench.core.spi.Workload workload = new dev.lmsbench.core.spi.Workload() {
            @Override public String name() { return "multi-round"; }
            @Override public java.util.Map<String, String> parameters() {
                return java.util.Map.of("users", "4", "rounds", "3");
            }
            @Override public dev.lmsbench.core.model.TokenCountSource lengthSource() {
                return dev.lmsbench.core.model.TokenCountSource.TOKENIZER_JSON;
            }
            @Override public Session start(long seed) { throw new UnsupportedOperationException(); }
        };
        dev.lmsbench.core.load.LoadSpec spec = new dev.lmsbench.core.load.LoadSpec(pattern, workload,
                requests.size(), java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO, 8, 42,
                List.of(50.0, 99.9), dev.lmsbench.core.load.Slo.parse("ttft:300 e2e:2000"),
                java.util.Map.of("suite", "s1", "baseline", "fast sim"));
        List<dev.lmsbench.core.load.LoadSample> samples = new ArrayList<>();
        for (RequestResult r : requests) {
            samples.add(new dev.lmsbench.core.load.LoadSample(r.index(), r.timings().sentNanos() - 30_000_000L,
                    1_000_000L, r.timings().sentNanos(), 3, "u" + r.index() % 4, r.index() / 4));
        }
        return dev.lmsbench.core.load.LoadResult.compute(spec, requests, samples, new double[] {12.5, Double.NaN},
                java.util.Map.of("vllm:num_requests_waiting{model_name=\"m\"}", 2.0,
                        "llamacpp:prompt_tokens_total", 4096.0));
    }

    @Test
    void roundTripsTheLoadStageOfAJobWithItsPatternWorkloadFiguresAndGeneratorHealth() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 31, true).stream()
                .filter(r -> r.mode() == dev.lmsbench.core.model.RunMode.STREAM).toList();
        for (dev.lmsbench.core.load.ArrivalPattern pattern : List.of(new dev.lmsbench.core.load.ArrivalPattern.Gamma(
                2.5, 0.5), new dev.lmsbench.core.load.ArrivalPattern.Concurrency(4),
                new dev.lmsbench.core.load.ArrivalPattern.Synchronous(),
                new dev.lmsbench.core.load.ArrivalPattern.MaxThroughput(),
                new dev.lmsbench.core.load.ArrivalPattern.Poisson(3),
                new dev.lmsbench.core.load.ArrivalPattern.ConstantRate(7))) {
            dev.lmsbench.core.load.LoadResult load = loadResult(requests, pattern);
            assertThat(load.generator().warnings()).isNotEmpty(); // 30 ms late: every part is set
            ModelSummary summary = Fixtures.summary(QWEN, requests, 1.0).withLoad(load);
            Path file = dir.resolve(pattern.kind() + ".db");
            try (SqliteResultStore store = SqliteResultStore.open(file)) {
                store.save(Fixtures.run("r1"), summary, requests);
                StoredResult stored = store.list().getFirst();
                assertThat(stored.summary().load()).isEqualTo(load);
                assertThat(stored.summary()).isEqualTo(summary);
            }
        }
    }

    @Test
    void roundTripsThePromptCalibrationOfASummaryAndTheAttemptsOfEachRequestAndWritesTheirColumns()
            throws Exception {
        List<RequestResult> requests = new ArrayList<>(Fixtures.requests(QWEN, 31, true));
        // the failed call was tried four times (a sweep's backoff), a successful one twice
        requests.replaceAll(r -> r.success() ? r : r.withAttempts(4));
        requests.set(3, requests.get(3).withAttempts(2));
        dev.lmsbench.core.model.PromptCalibration calibration = new dev.lmsbench.core.model.PromptCalibration(2048,
                3.6875, 2051, 2, true, "cache");
        ModelSummary summary = Fixtures.summary(QWEN, requests, 1.0).withCalibration(calibration);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), summary, requests);
            store.save(Fixtures.run("r2"), Fixtures.failedSummary(PLAIN), List.of());
            List<StoredResult> stored = store.list();

            assertThat(stored.getFirst().summary()).isEqualTo(summary);
            assertThat(stored.getFirst().summary().calibration()).isEqualTo(calibration);
            assertThat(stored.get(1).summary().calibration())
                    .isEqualTo(dev.lmsbench.core.model.PromptCalibration.NONE);
            List<RequestResult> read = store.listRequests(stored.getFirst().id());
            assertThat(read).containsExactlyElementsOf(requests);
            assertThat(read).extracting(RequestResult::attempts).contains(4, 2, 1);
            assertThat(read).filteredOn(RequestResult::errorFinal).singleElement()
                    .satisfies(r -> assertThat(r.attempts()).isEqualTo(4));
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT target_prompt_tokens || '|' || coalesce(chars_per_token, 'null') || '|'"
                    + " || coalesce(calibrated_prompt_tokens, 'null') || '|' || calibration_calls || '|'"
                    + " || coalesce(calibration_within_tolerance, 'null') || '|' || calibration_source"
                    + " FROM model_results ORDER BY id"))
                    .containsExactly("2048|3.6875|2051|2|1|cache", "0|null|null|0|null|");
            assertThat(raw.column("SELECT attempts FROM request_results ORDER BY id"))
                    .containsExactlyElementsOf(requests.stream().map(r -> Integer.toString(r.attempts())).toList());
        }
    }

    @Test
    void aVersionEightDatabaseMigratesAndReadsBackOneAttemptPerRequestAndNoCalibration() throws Exception {
        Files.createDirectories(db().getParent());
        ModelSummary summary = Fixtures.summary(QWEN, Fixtures.requests(QWEN, 32, true), 1.0);
        try (Sqlite raw = Sqlite.open(db())) {
            new SchemaMigrator(Schema.MIGRATIONS.subList(0, 8), Schema.OPTIONAL_COLUMNS)
                    .migrate(raw.connection(), db());
            assertThat(raw.value("PRAGMA user_version")).isEqualTo("8");
            raw.execute(oldRun("old-1"), versionSixModel(1, "old-1", summary),
                    oldRequest(1, 0, "", false), oldRequest(1, 1, "HTTP 500: boom", false));
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(9);
            StoredResult stored = store.list().getFirst();
            assertThat(stored.summary().calibration()).isEqualTo(dev.lmsbench.core.model.PromptCalibration.NONE);
            assertThat(stored.summary().ttft()).isEqualTo(summary.ttft());
            assertThat(store.listRequests(stored.id())).hasSize(2)
                    .allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1))
                    .noneSatisfy(r -> assertThat(r.errorFinal()).isTrue());
            // and new results go in beside the old ones, with their calibration and attempts
            List<RequestResult> requests = Fixtures.requests(PLAIN, 33, true).stream()
                    .map(r -> r.success() ? r : r.withAttempts(5)).toList();
            ModelSummary sized = Fixtures.summary(PLAIN, requests, 1.0).withCalibration(
                    new dev.lmsbench.core.model.PromptCalibration(512, 4.0, 530, 1, false, "default"));
            store.save(Fixtures.run("r2"), sized, requests);
            assertThat(store.list().get(1).summary()).isEqualTo(sized);
            assertThat(store.listRequests(store.list().get(1).id())).containsExactlyElementsOf(requests);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT target_prompt_tokens || '|' || coalesce(chars_per_token, 'null') || '|'"
                    + " || calibration_calls || '|' || coalesce(calibration_within_tolerance, 'null') || '|'"
                    + " || calibration_source FROM model_results ORDER BY id"))
                    .containsExactly("0|null|0|null|", "512|4.0|1|0|default");
            assertThat(raw.column("SELECT DISTINCT attempts FROM request_results WHERE model_result_id = 1"))
                    .containsExactly("1");
        }
    }

    @Test
    void aVersionSixDatabaseReadsBackUncheckedWithoutDraftFiguresOrLoadDetailsAndKeepsWorking()
            throws Exception {
        Files.createDirectories(db().getParent());
        ModelSummary summary = Fixtures.summary(QWEN, Fixtures.requests(QWEN, 23, true), 1.0);
        try (Sqlite raw = Sqlite.open(db())) {
            new SchemaMigrator(Schema.MIGRATIONS.subList(0, 6), Schema.OPTIONAL_COLUMNS)
                    .migrate(raw.connection(), db());
            raw.execute(oldRun("old-1"), versionSixModel(1, "old-1", summary),
                    oldRequest(1, 0, "", false), oldRequest(1, 1, "HTTP 500: boom", false),
                    // version 6 wrote the run's load configuration without parallel slots or GPU offload
                    "UPDATE runs SET load_json = '{\"contextLength\":4096,\"ttlSeconds\":300}'");
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(9);
            StoredResult stored = store.list().getFirst();
            assertThat(stored.run().settings().draftModel()).isEmpty();
            assertThat(stored.run().settings().load().parallel()).isNull();
            assertThat(stored.run().settings().load().gpuOffload()).isNull();
            assertThat(stored.run().settings().load().ttlSeconds()).isEqualTo(300);
            ModelSummary read = stored.summary();
            assertThat(read.loadDetails()).isEqualTo(dev.lmsbench.core.model.LoadDetails.UNKNOWN);
            assertThat(read.draftAcceptance()).isEqualTo(dev.lmsbench.core.stats.Distribution.EMPTY);
            assertThat(read.usageCorrected()).isZero();
            assertThat(read.usageMismatched()).isZero();
            assertThat(read.ttft()).isEqualTo(summary.ttft());
            assertThat(store.listRequests(stored.id())).hasSize(2)
                    .allSatisfy(r -> assertThat(r.usageCheck()).isEqualTo(dev.lmsbench.core.model.UsageCheck.NOT_CHECKED))
                    .allSatisfy(r -> assertThat(r.serverStats()).isEqualTo(ServerStats.NONE));
            // and new results go in beside the old ones
            List<RequestResult> requests = Fixtures.draftRequests(PLAIN, 24);
            store.save(Fixtures.run("r2"), Fixtures.summary(PLAIN, requests, 1.0), requests);
            assertThat(store.listRequests(store.list().get(1).id())).containsExactlyElementsOf(requests);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("SELECT load_method || '|' || instance_id || '|' || coalesce(instance_parallel,"
                    + " 'null') || '|' || usage_corrected || '|' || duplicate_instances FROM model_results"
                    + " WHERE id = 1")).isEqualTo("||null|0|0");
            assertThat(raw.column("SELECT usage_check || '|' || coalesce(streamed_chunks, 'null') || '|'"
                    + " || draft_model || '|' || coalesce(server_stats_json, 'null') FROM request_results"
                    + " WHERE model_result_id = 1")).containsOnly("|null||null");
        }
    }

    @Test
    void sanitizesTheDraftModelInstanceIdsLoadNotesAndServerStatisticsItStores() throws Exception {
        String nasty = "\u0000\u001b[31m\u0007";
        RequestResult r = Fixtures.draftRequests(QWEN, 25).get(2);
        RequestResult evil = new RequestResult(r.model(), r.contextLength(), r.parallel(), r.index(), r.warmup(),
                r.mode(), r.startedAt(), r.timings(), r.usage(), r.finishReason(), r.error(),
                new ServerStats(1, 1, 1, "eos" + nasty, "src" + nasty).withDraft(
                        new dev.lmsbench.core.model.DraftStats("draft" + nasty, 3, 2, 1, 0)),
                r.errorType(), r.httpStatus(), r.usageCheck());
        ModelSummary summary = Fixtures.summary(QWEN, List.of(evil), 1.0).withLoadDetails(
                new dev.lmsbench.core.model.LoadDetails("rest" + nasty, "inst" + nasty, 1, 1, Double.NaN, -1,
                        List.of("note" + nasty), List.of("dup" + nasty)));
        RunInfo run = new RunInfo("r1", Fixtures.T0, "http://127.0.0.1:1234",
                Fixtures.SETTINGS.withDraftModel("d" + nasty), "0.1.0-test");
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, summary, List.of(evil));
            StoredResult stored = store.list().getFirst();
            assertThat(stored.summary().loadDetails().instanceId()).isEqualTo("inst");
            assertThat(stored.summary().loadDetails().notes()).containsExactly("note");
            assertThat(stored.summary().loadDetails().duplicateInstances()).containsExactly("dup");
            assertThat(stored.run().settings().draftModel()).isEqualTo("d");
            RequestResult read = store.listRequests(stored.id()).getFirst();
            assertThat(read.serverStats().draft().draftModel()).isEqualTo("draft");
            assertThat(read.serverStats().stopReason()).isEqualTo("eos");
        }
        try (Sqlite raw = Sqlite.open(db())) {
            String everything = String.join("\n", raw.column(
                    "SELECT load_method || instance_id || summary_json FROM model_results"
                    + " UNION ALL SELECT draft_model || server_stats_json FROM request_results"
                    + " UNION ALL SELECT draft_model FROM runs"));
            assertThat(everything).doesNotContain("\u0000", "\u001b", "\u0007", "\\u0000", "\\u001b", "\\u0007")
                    .contains("draft", "inst");
        }
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
    void roundTripsThePromptCacheModeAndTheCachedPromptTokensOfRequestsAndModels() throws Exception {
        RunInfo run = new RunInfo("r1", Fixtures.T0, "http://127.0.0.1:1234",
                Fixtures.SETTINGS.withPromptCache(dev.lmsbench.core.model.PromptCache.REUSE), "0.1.0-test");
        List<RequestResult> qwen = Fixtures.requests(QWEN, 2, false);
        ModelSummary summary = Fixtures.summary(QWEN, qwen, 3.25);
        assertThat(summary.tokens().promptCached()).isPositive();
        assertThat(summary.tokens().promptCacheUnknown()).isPositive();
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, summary, qwen);
            store.save(Fixtures.run("r2"), Fixtures.failedSummary(PLAIN), List.of());
            List<StoredResult> stored = store.list();
            assertThat(stored.getFirst().run().settings()).isEqualTo(run.settings());
            assertThat(stored.get(1).run().settings().promptCache())
                    .isEqualTo(dev.lmsbench.core.model.PromptCache.OFF);
            assertThat(stored.getFirst().summary().tokens()).isEqualTo(summary.tokens());
            assertThat(store.listRequests(stored.getFirst().id())).extracting(r -> r.usage().promptCachedTokens())
                    .containsExactlyElementsOf(qwen.stream().map(r -> r.usage().promptCachedTokens()).toList())
                    .contains(-1, 4, 33);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT prompt_cache FROM runs ORDER BY run_id")).containsExactly("reuse", "off");
            assertThat(raw.column("SELECT coalesce(prompt_tokens_cached, 'null') || ' ' || prompt_cache_unknown"
                    + " FROM model_results ORDER BY id")).containsExactly(summary.tokens().promptCached() + " "
                    + summary.tokens().promptCacheUnknown(), "null 0");
            assertThat(raw.column("SELECT count(*) FROM request_results WHERE prompt_tokens_cached IS NULL"))
                    .containsExactly(Long.toString(qwen.stream().filter(r -> !r.usage().promptCacheKnown()).count()));
        }
    }

    @Test
    void roundTripsWhereEachRequestsTokenCountsCameFromAndTheModelsWeakestSource() throws Exception {
        List<RequestResult> requests = new java.util.ArrayList<>();
        for (RequestResult r : Fixtures.requests(QWEN, 4, false)) {
            dev.lmsbench.core.model.TokenUsage u = r.usage();
            dev.lmsbench.core.model.TokenCountSource source =
                    dev.lmsbench.core.model.TokenCountSource.values()[requests.size() % 3];
            requests.add(new RequestResult(r.model(), r.contextLength(), r.parallel(), r.index(), r.warmup(),
                    r.mode(), r.startedAt(), r.timings(), new dev.lmsbench.core.model.TokenUsage(u.promptTokens(), u.completionTokens(),
                    u.reasoningTokens(), source, u.promptCachedTokens()), r.finishReason(), r.error(),
                    r.serverStats(), r.errorType(), r.httpStatus()));
        }
        ModelSummary summary = Fixtures.summary(QWEN, requests, 1.0);
        assertThat(summary.tokens().source()).isEqualTo(dev.lmsbench.core.model.TokenCountSource.TOKENIZER_JSON);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), summary, requests);
            StoredResult stored = store.list().getFirst();
            assertThat(stored.summary().tokens()).isEqualTo(summary.tokens());
            assertThat(store.listRequests(stored.id())).extracting(r -> r.usage().source())
                    .containsExactlyElementsOf(requests.stream().map(r -> r.usage().source()).toList());
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT token_count_source FROM model_results")).containsExactly("tokenizer_json");
            assertThat(raw.column("SELECT DISTINCT token_count_source FROM request_results ORDER BY 1"))
                    .containsExactly("server_tokenizer", "tokenizer_json", "usage");
        }
    }

    @Test
    void roundTripsTheLoadMemoryTheServerReportedAndStoresNullWhereItSaidNothing() throws Exception {
        ModelSummary ollama = Fixtures.summary(QWEN, Fixtures.requests(QWEN, 3, false), 1.0)
                .withLoadMemory(new dev.lmsbench.core.model.LoadMemory(9_000, 8_000));
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), ollama, List.of());
            store.save(Fixtures.run("r2"), Fixtures.failedSummary(PLAIN), List.of());
            List<StoredResult> stored = store.list();
            assertThat(stored.getFirst().summary().loadMemory()).isEqualTo(ollama.loadMemory());
            assertThat(stored.get(1).summary().loadMemory()).isEqualTo(dev.lmsbench.core.model.LoadMemory.UNKNOWN);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT coalesce(load_memory_bytes, 'null') || ' ' || coalesce(load_vram_bytes,"
                    + " 'null') FROM model_results ORDER BY id")).containsExactly("9000 8000", "null null");
        }
    }

    @Test
    void aVersionFourDatabaseReadsBackItsEstimatedRowsAsEstimateAndTheOthersAsUsage() throws Exception {
        Files.createDirectories(db().getParent());
        ModelSummary summary = Fixtures.summary(QWEN, Fixtures.requests(QWEN, 10, true), 1.0);
        try (Sqlite raw = Sqlite.open(db())) {
            new SchemaMigrator(Schema.MIGRATIONS.subList(0, 4), Schema.OPTIONAL_COLUMNS)
                    .migrate(raw.connection(), db());
            raw.execute(oldRun("old-1"), oldModel(1, "old-1", summary, "", true),
                    oldRequest(1, 0, "", true), oldRequest(1, 1, "", false));
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            StoredResult stored = store.list().getFirst();
            assertThat(stored.summary().tokens().source())
                    .isEqualTo(dev.lmsbench.core.model.TokenCountSource.ESTIMATE);
            assertThat(stored.summary().tokens().estimated()).isTrue();
            assertThat(stored.summary().loadMemory()).isEqualTo(dev.lmsbench.core.model.LoadMemory.UNKNOWN);
            assertThat(store.listRequests(stored.id())).extracting(r -> r.usage().source()).containsExactly(
                    dev.lmsbench.core.model.TokenCountSource.ESTIMATE, dev.lmsbench.core.model.TokenCountSource.USAGE);
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
            assertThat(store.schemaVersion()).isEqualTo(Schema.currentVersion()).isEqualTo(9);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("PRAGMA user_version")).isEqualTo("9");
            assertThat(raw.column("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"))
                    .containsExactlyInAnyOrder("runs", "model_results", "request_results", "hardware_samples",
                            "run_models");
            assertThat(raw.column("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
                    .contains("model_results_model", "request_results_model");
        }
    }

    @Test
    void migratesAnEmptyFile() throws Exception {
        Files.createDirectories(db().getParent());
        Files.createFile(db());
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(Schema.currentVersion());
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
            assertThat(store.schemaVersion()).isEqualTo(Schema.currentVersion());
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
            assertThat(store.schemaVersion()).isEqualTo(Schema.currentVersion());
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
            raw.execute("PRAGMA user_version = 10");
        }

        assertThatThrownBy(() -> SqliteResultStore.open(db()))
                .isInstanceOf(StoreException.class)
                .hasMessage("results database " + db() + " has schema version 10, newer than this lmsbench"
                        + " supports (9); upgrade lmsbench");

        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("PRAGMA user_version")).isEqualTo("10");
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

    // --- issue 9: typed errors, system figures, the run's server, sanitizing ---------------------------------

    private static RequestResult typedFailure(ModelInfo model, int index, dev.lmsbench.core.model.RunMode mode,
                                              String error, ErrorType type, int httpStatus) {
        return new RequestResult(model.id(), Fixtures.SETTINGS.contextLength(), Fixtures.SETTINGS.parallel(), index,
                false, mode, Fixtures.T0, dev.lmsbench.core.model.RequestTimings.failed(9_000_000_000L, 3_000_000L),
                dev.lmsbench.core.model.TokenUsage.reported(0, 0, 0), "", error, ServerStats.NONE, type, httpStatus);
    }

    @Test
    void roundTripsTheRunsServerProfilingAndMeasurementVersion() throws Exception {
        RunInfo run = Fixtures.run("r-server")
                .withServer(new ServerInfo("http://127.0.0.1:1234", "lmstudio", "0.3.31", "llama.cpp-cuda-1.52"))
                .withProfiling(true);
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, Fixtures.failedSummary(QWEN), List.of());
            assertThat(store.list()).singleElement().satisfies(r -> {
                assertThat(r.run()).isEqualTo(run);
                assertThat(r.run().measurementVersion()).isEqualTo(RunInfo.MEASUREMENT_VERSION);
            });
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("SELECT server_base_url || '|' || server_kind || '|' || server_version || '|'"
                    + " || server_runtime || '|' || profiling || '|' || measurement_version FROM runs"))
                    .isEqualTo("http://127.0.0.1:1234|lmstudio|0.3.31|llama.cpp-cuda-1.52|1|"
                            + RunInfo.MEASUREMENT_VERSION);
        }
    }

    @Test
    void roundTripsTypedRequestErrorsErrorsByTypeAndSystemFigures() throws Exception {
        List<RequestResult> requests = new ArrayList<>(Fixtures.requests(QWEN, 8, false));
        requests.add(typedFailure(QWEN, 4, dev.lmsbench.core.model.RunMode.STREAM, "HTTP 429 from http://h/v1",
                ErrorType.HTTP_STATUS, 429));
        requests.add(typedFailure(QWEN, 4, dev.lmsbench.core.model.RunMode.NONSTREAM, "timed out after 12 s",
                ErrorType.TIMEOUT, -1));
        ModelSummary summary = Fixtures.summary(QWEN, requests, 1.0);
        assertThat(summary.errorsByType()).hasSize(2);
        assertThat(summary.systemOutputTokensPerSecond()).isPositive();
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), summary, requests);
            StoredResult stored = store.list().getFirst();
            assertThat(stored.summary()).isEqualTo(summary);
            assertThat(store.listRequests(stored.id())).containsExactlyElementsOf(requests);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("SELECT errors_by_type FROM model_results"))
                    .as("enum order").isEqualTo("{\"timeout\":1,\"http_status\":1}");
            assertThat(raw.value("SELECT error_type FROM model_results")).isEmpty();
            assertThat(raw.value("SELECT system_output_toks_per_s > 0 AND system_requests_per_s > 0"
                    + " FROM model_results")).isEqualTo("1");
            assertThat(raw.column("SELECT error_type || ':' || http_status FROM request_results"
                    + " WHERE error <> '' ORDER BY id")).containsExactly("http_status:429", "timeout:-1");
            assertThat(raw.value("SELECT count(*) FROM request_results WHERE error = '' AND error_type = ''"
                    + " AND http_status = -1")).isEqualTo(Integer.toString(requests.size() - 2));
        }
    }

    @Test
    void storesAFailedModelWithItsErrorTypeAndListsResultsByStatus() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 9, false);
        ModelSummary completed = Fixtures.summary(QWEN, requests, 1.0);
        ModelSummary failed = ModelSummary.of(PLAIN, Fixtures.SETTINGS, List.of(), RunStatus.FAILED,
                "load failed: connection refused", ErrorType.CONNECT, Double.NaN, Fixtures.T0, Fixtures.T0,
                List.of());
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), failed, List.of());
            store.save(Fixtures.run("r2"), completed, requests);
            assertThat(store.list(RunStatus.COMPLETED)).singleElement().satisfies(r -> {
                assertThat(r.summary()).isEqualTo(completed);
                assertThat(r.run().runId()).isEqualTo("r2");
            });
            assertThat(store.list(RunStatus.FAILED)).singleElement()
                    .satisfies(r -> assertThat(r.summary().errorType()).isEqualTo(ErrorType.CONNECT));
            assertThat(store.list(RunStatus.CANCELLED)).isEmpty();
            assertThat(store.list()).hasSize(2);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.value("SELECT error_type FROM model_results WHERE status = 'failed'")).isEqualTo("connect");
        }
    }

    @Test
    void sanitizesEveryStringFromTheServerWithNulAndEscapeSequences() throws Exception {
        ModelInfo evil = new ModelInfo("evil\u0000\u001b[31m-model", "llm\u0007", "pub\u001b]0;pwned\u0007lisher",
                "arch", "Q4\u0000", 1L, 2);
        RequestResult failure = typedFailure(evil, 0, dev.lmsbench.core.model.RunMode.STREAM,
                "boom\u0000 \u001b[2Jcleared", ErrorType.SERVER_ERROR, -1);
        RequestResult ok = Fixtures.stream(new java.util.Random(1), evil, 1, false, Fixtures.T0);
        ok = new RequestResult(ok.model(), ok.contextLength(), ok.parallel(), ok.index(), false, ok.mode(),
                ok.startedAt(), ok.timings(), ok.usage(), "st\u001b[1mop\u0000", "");
        ModelSummary summary = ModelSummary.of(evil, Fixtures.SETTINGS, List.of(failure, ok), RunStatus.FAILED,
                "every measured request failed (1 x server_error: boom\u0000\u001b[2J)", Fixtures.T0.getEpochSecond(),
                Fixtures.T0, Fixtures.T0);
        RunInfo run = Fixtures.run("r1").withServer(
                new ServerInfo("http://h:1\u0000", "lm\u001b[0mstudio", "0.3\u0000.31", "llama\u001b]2;x\u0007.cpp"));
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(run, summary, List.of(failure, ok));
            StoredResult stored = store.list().getFirst();
            assertThat(stored.summary().model().id()).isEqualTo("evil-model");
            assertThat(stored.summary().model().publisher()).isEqualTo("publisher");
            assertThat(stored.summary().error()).isEqualTo("every measured request failed (1 x server_error: boom)");
            assertThat(stored.run().server()).isEqualTo(new ServerInfo("http://h:1", "lmstudio", "0.3.31", "llama.cpp"));
            assertThat(store.listRequests(stored.id())).extracting(RequestResult::error)
                    .containsExactly("boom cleared", "");
            assertThat(store.listRequests(stored.id())).extracting(RequestResult::finishReason)
                    .containsExactly("", "stop");
        }
        try (Sqlite raw = Sqlite.open(db())) {
            String everything = String.join("\n", raw.column(
                    "SELECT model || type || publisher || quantization || error || summary_json FROM model_results"
                    + " UNION ALL SELECT model || error || finish_reason FROM request_results"
                    + " UNION ALL SELECT server_base_url || server_kind || server_version || server_runtime FROM runs"));
            assertThat(everything).doesNotContain("\u0000", "\u001b", "\u0007", "\\u0000", "\\u001b", "\\u0007")
                    .contains("evil-model");
        }
    }

    @Test
    void aVersionTwoDatabaseMigratesAndReadsBackWithUnknownErrorTypesAndMeasurementVersionOne() throws Exception {
        Files.createDirectories(db().getParent());
        List<RequestResult> requests = Fixtures.requests(QWEN, 10, true);
        ModelSummary summary = Fixtures.summary(QWEN, requests, 1.0);
        ModelSummary profiled = Fixtures.failedSummary(PLAIN).withSideMetrics(
                List.of(new SideMetric("cpu.load", "%", SideMetric.Aggregation.MEAN, 50.0)));
        try (Sqlite raw = Sqlite.open(db())) {
            // a file as the previous release left it: migrations 1 and 2 and the optional columns, rows without
            // the version 3 columns and summaries without the version 3 fields
            new SchemaMigrator(Schema.MIGRATIONS.subList(0, 2), Schema.OPTIONAL_COLUMNS)
                    .migrate(raw.connection(), db());
            raw.execute(
                    oldRun("old-1"), oldRun("old-2"),
                    oldModel(1, "old-1", summary, ""), oldModel(2, "old-2", profiled, "load failed: out of memory"),
                    oldRequest(1, 0, ""), oldRequest(1, 1, "HTTP 500: boom"));
        }
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            assertThat(store.schemaVersion()).isEqualTo(Schema.currentVersion());
            List<StoredResult> stored = store.list();
            assertThat(stored).hasSize(2);
            RunInfo run = stored.getFirst().run();
            assertThat(run.measurementVersion()).isEqualTo(1);
            assertThat(run.profiling()).isFalse();
            assertThat(run.server()).isEqualTo(ServerInfo.of("http://127.0.0.1:1234"));
            assertThat(stored.get(1).run().profiling()).as("side metrics only come from profiling").isTrue();
            ModelSummary read = stored.getFirst().summary();
            assertThat(read.errorType()).isEqualTo(ErrorType.NONE);
            assertThat(read.errorsByType()).containsExactly(java.util.Map.entry(ErrorType.UNKNOWN, 1));
            assertThat(read.systemOutputTokensPerSecond()).isNaN();
            assertThat(read.systemRequestsPerSecond()).isNaN();
            assertThat(read.ttft()).isEqualTo(summary.ttft());
            assertThat(stored.get(1).summary().errorType()).isEqualTo(ErrorType.UNKNOWN);
            assertThat(store.listRequests(stored.getFirst().id())).extracting(RequestResult::errorType)
                    .containsExactly(ErrorType.NONE, ErrorType.UNKNOWN);
            assertThat(store.listRequests(stored.getFirst().id())).extracting(RequestResult::httpStatus)
                    .containsExactly(-1, -1);
            // version 4: older runs sent the identical prompt every time, and no server said what it cached
            assertThat(run.settings().promptCache()).isEqualTo(dev.lmsbench.core.model.PromptCache.REUSE);
            assertThat(store.listRequests(stored.getFirst().id()))
                    .allMatch(r -> !r.usage().promptCacheKnown());
            assertThat(read.tokens().promptCacheUnknown()).as("the one successful measured request").isEqualTo(1);
            assertThat(read.tokens().promptCached()).isZero();
            assertThat(read.tokens().promptCacheKnown()).isFalse();
            // version 7: nothing checked, no draft figures, no load details
            assertThat(read.loadDetails()).isEqualTo(dev.lmsbench.core.model.LoadDetails.UNKNOWN);
            assertThat(read.draftAcceptance().count()).isZero();
            assertThat(read.usageCorrected() + read.usageMismatched()).isZero();
            assertThat(run.settings().draftModel()).isEmpty();
            assertThat(store.listRequests(stored.getFirst().id())).extracting(RequestResult::usageCheck)
                    .containsOnly(dev.lmsbench.core.model.UsageCheck.NOT_CHECKED);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(raw.column("SELECT error_type || ' ' || errors_by_type FROM model_results ORDER BY id"))
                    .containsExactly(" {\"unknown\":1}", "unknown {}");
            assertThat(raw.column("SELECT error_type FROM request_results ORDER BY id")).containsExactly("", "unknown");
        }
    }

    private static String oldRun(String id) {
        return "INSERT INTO runs (run_id, started_at, endpoint, tool_version, prompt, max_tokens, context_length, runs,"
                + " warmup_runs, parallel, temperature, request_timeout_s, non_streaming) VALUES ('" + id
                + "', '2026-01-01T00:00:00Z', 'http://127.0.0.1:1234', '0.0.9', 'hi', 64, 0, 2, 2, 2, 0.7, 12.345, 1)";
    }

    /** A model_results row as version 2 wrote it: the summary's JSON without the fields version 3 added. */
    private static String oldModel(long id, String runId, ModelSummary s, String error) throws Exception {
        return oldModel(id, runId, s, error, false);
    }

    /** A model_results row as versions 2 to 4 wrote it (tokens with the estimated flag, not a source). */
    private static String oldModel(long id, String runId, ModelSummary s, String error, boolean estimated)
            throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.write(s));
        json.remove(List.of("errorType", "errorsByType", "systemOutputTokensPerSecond", "systemRequestsPerSecond"));
        com.fasterxml.jackson.databind.node.ObjectNode tokens =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.get("tokens");
        tokens.remove("source");
        tokens.put("estimated", estimated);
        json.remove("loadMemory");
        return modelRow(id, runId, s, error, estimated, json);
    }

    /** A model_results row as versions 5 and 6 wrote it: the summary's JSON without the fields version 7 added. */
    private static String versionSixModel(long id, String runId, ModelSummary s) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.write(s));
        return modelRow(id, runId, s, "", s.tokens().estimated(), json);
    }

    private static String modelRow(long id, String runId, ModelSummary s, String error, boolean estimated,
                                   com.fasterxml.jackson.databind.node.ObjectNode json) {
        // version 7 (issue 11) added these (and version 9 the calibration); every older version wrote none of them
        json.remove(List.of("loadDetails", "draftAcceptance", "usageCorrected", "usageMismatched", "calibration"));
        return "INSERT INTO model_results (id, run_id, created_at, model, type, publisher, architecture, quantization,"
                + " size_bytes, max_context_length, ctx, par, status, error, request_count, success_count, error_count,"
                + " tokens_estimated, started_at, finished_at, summary_json) VALUES (" + id + ", '" + runId
                + "', '2026-01-01T00:00:00Z', '" + s.model().id() + "', '', '', '', '', -1, -1, 0, 2, '"
                + s.status().label() + "', '" + error + "', 4, 3, 1, " + (estimated ? 1 : 0)
                + ", '2026-01-01T00:00:00Z',"
                + " '2026-01-01T00:00:01Z', '" + json.toString().replace("'", "''") + "')";
    }

    private static String oldRequest(long modelResultId, int index, String error) {
        return oldRequest(modelResultId, index, error, false);
    }

    private static String oldRequest(long modelResultId, int index, String error, boolean estimated) {
        return "INSERT INTO request_results (model_result_id, model, ctx, par, idx, warmup, run_mode, started_at,"
                + " prompt_tokens, completion_tokens, reasoning_tokens, tokens_estimated, finish_reason, error,"
                + " sent_nanos, token_nanos) VALUES (" + modelResultId + ", 'qwen3-8b@q4_k_m', 0, 2, " + index
                + ", 0, 'nonstream', '2026-01-01T00:00:00Z', 1, 2, 0, " + (estimated ? 1 : 0) + ", '', '" + error + "', 5, '[]')";
    }
}
