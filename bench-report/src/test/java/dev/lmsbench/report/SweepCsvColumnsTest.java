package dev.lmsbench.report;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's "done when": a sweep writes requests.csv, summary.csv and load_times.csv with every column of seed 004
 * (its "CSV Schema Notes" and the summary fields the issue lists), warmup rows flagged {@code warmup_run=true}.
 */
class SweepCsvColumnsTest {

    /** Seed 004's requests.csv columns, and the retry columns of issue 14. */
    static final List<String> SEED_REQUESTS = List.of("model", "ctx", "par", "idx", "run_mode", "warmup_run",
            "wall_s", "ttft_s", "completion_toks_per_s", "completion_tokens_reasoning", "completion_tokens_visible",
            "completion_toks_per_s_reasoning", "completion_toks_per_s_visible", "prefill_toks_per_s",
            "decode_toks_per_s", "attempts", "error_final");

    /** Seed 004's summary.csv fields (issue 14, item 6), with the calibration metadata. */
    static final List<String> SEED_SUMMARY = List.of("model", "ctx", "par", "request_count", "success_count",
            "stream_toks_per_s_total", "nonstream_toks_per_s_total", "completion_toks_per_s_total",
            "prefill_toks_per_s_mean", "ttft_s_mean", "ttft_s_stdev", "ttft_s_p50", "ttft_s_p90",
            "completion_toks_per_s_mean", "completion_toks_per_s_stdev", "completion_toks_per_s_p50",
            "completion_toks_per_s_p90", "completion_tokens_reasoning", "completion_tokens_visible",
            "warmup_ttft_first_s", "warmup_ttft_avg_s", "warmup_load_est_s", "target_prompt_tokens",
            "chars_per_token", "calibrated_prompt_tokens", "calibration_calls", "calibration_within_tolerance",
            "calibration_source");

    /** load_times.csv, exactly in this order. */
    static final List<String> LOAD_TIMES = List.of("model", "ctx", "par", "status", "reloaded", "load_time_s",
            "load_method", "warmup_count", "warmup_ttft_first_s", "warmup_ttft_avg_s", "warmup_load_est_s",
            "target_prompt_tokens", "chars_per_token", "calibrated_prompt_tokens", "calibration_calls",
            "calibration_within_tolerance", "calibration_source");

    @TempDir
    Path dir;

    @BeforeEach
    void write() throws Exception {
        new CsvReportWriter().write(SampleReports.sweep(), dir);
    }

    @Test
    void theThreeFilesHaveEverySeed004Column() throws Exception {
        assertThat(CsvReader.header(dir.resolve("requests.csv"))).containsAll(SEED_REQUESTS);
        assertThat(CsvReader.header(dir.resolve("summary.csv"))).containsAll(SEED_SUMMARY);
        assertThat(CsvReader.header(dir.resolve("load_times.csv"))).containsExactlyElementsOf(LOAD_TIMES);
    }

    @Test
    void warmupRowsAreFlaggedAndEachMeasuredRequestHasAStreamAndANonStreamRow() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(dir.resolve("requests.csv"));
        List<Map<String, String>> warmups = rows.stream().filter(r -> r.get("warmup_run").equals("true")).toList();
        List<Map<String, String>> measured = rows.stream().filter(r -> r.get("warmup_run").equals("false")).toList();

        // 4 jobs x 3 streamed warmups; measured: (2 + 4 + 2 + 4) logical requests x 2 calls
        assertThat(warmups).hasSize(12).allSatisfy(r -> assertThat(r).containsEntry("run_mode", "stream"));
        assertThat(measured).hasSize(24);
        assertThat(rows).hasSize(warmups.size() + measured.size());
        assertThat(measured.stream().filter(r -> r.get("run_mode").equals("stream"))).hasSize(12);
        assertThat(measured.stream().filter(r -> r.get("run_mode").equals("nonstream"))).hasSize(12);
        assertThat(rows).filteredOn(r -> r.get("ok").equals("false")).singleElement().satisfies(r ->
                assertThat(r).containsEntry("attempts", "4").containsEntry("error_final", "true")
                        .containsEntry("ctx", "4096").containsEntry("par", "2"));
        assertThat(rows).filteredOn(r -> r.get("ok").equals("true"))
                .allSatisfy(r -> assertThat(r).containsEntry("attempts", "1").containsEntry("error_final", "false"));
    }

    @Test
    void loadTimesHasOneRowPerJobWithItsLoadWarmupAndCalibration() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(dir.resolve("load_times.csv"));

        assertThat(rows).extracting(r -> r.get("ctx") + "x" + r.get("par"))
                .containsExactly("1024x1", "1024x2", "4096x1", "4096x2");
        assertThat(rows.get(0)).containsEntry("reloaded", "true").containsEntry("load_time_s", "2")
                .containsEntry("load_method", "rest").containsEntry("warmup_count", "3")
                .containsEntry("target_prompt_tokens", "512").containsEntry("chars_per_token", "3.875")
                .containsEntry("calibrated_prompt_tokens", "509").containsEntry("calibration_calls", "0")
                .containsEntry("calibration_within_tolerance", "true").containsEntry("calibration_source", "default");
        assertThat(rows.get(1)).containsEntry("reloaded", "false").containsEntry("load_time_s", "")
                .containsEntry("load_method", "reused").containsEntry("calibration_source", "cache");
        assertThat(rows.get(3)).containsEntry("calibration_calls", "2").containsEntry("target_prompt_tokens", "2048");
        for (Map<String, String> r : rows) {
            // the first of the three warmups pays 1.8 s more (SampleReports): first - mean of the later two
            double first = Double.parseDouble(r.get("warmup_ttft_first_s"));
            double later = Double.parseDouble(r.get("warmup_ttft_avg_s"));
            assertThat(Double.parseDouble(r.get("warmup_load_est_s"))).isCloseTo(first - later,
                    org.assertj.core.data.Offset.offset(2e-6)).isGreaterThan(1.7);
        }
    }

    @Test
    void summaryHasTheCalibrationColumnsAndMatchesLoadTimes() throws Exception {
        List<Map<String, String>> summary = CsvReader.read(dir.resolve("summary.csv"));
        List<Map<String, String>> loads = CsvReader.read(dir.resolve("load_times.csv"));

        assertThat(summary).hasSize(4);
        for (int i = 0; i < summary.size(); i++) {
            for (String column : LOAD_TIMES) {
                if (summary.get(i).containsKey(column)) {
                    assertThat(summary.get(i).get(column)).as("%s of job %d", column, i)
                            .isEqualTo(loads.get(i).get(column));
                }
            }
        }
        assertThat(summary.get(3)).containsEntry("request_count", "4").containsEntry("success_count", "3");
        assertThat(summary.get(0).get("completion_toks_per_s_p90")).isNotEmpty();
        assertThat(summary.get(0).get("completion_toks_per_s_stdev")).isNotEmpty();
    }

    @Test
    void writesBestSettingsForASweep() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(dir.resolve("best_settings.csv"));

        assertThat(CsvReader.header(dir.resolve("best_settings.csv"))).containsExactly("model", "jobs", "best_ctx",
                "best_par", "best_completion_toks_per_s_total", "max_ttft_ms", "ttft_ctx", "ttft_par",
                "ttft_completion_toks_per_s_total", "ttft_s_p50");
        assertThat(rows).singleElement().satisfies(r -> assertThat(r).containsEntry("model", SampleReports.QWEN.id())
                .containsEntry("jobs", "4").containsEntry("max_ttft_ms", "").containsEntry("ttft_ctx", ""));
        // the fastest job by total tok/s, as summary.csv has it
        double best = CsvReader.read(dir.resolve("summary.csv")).stream()
                .mapToDouble(r -> Double.parseDouble(r.get("completion_toks_per_s_total"))).max().orElseThrow();
        assertThat(Double.parseDouble(rows.getFirst().get("best_completion_toks_per_s_total"))).isEqualTo(best);
    }

    @Test
    void theTtftLimitOfTheOptionsChoosesTheLargestContextWithinIt() throws Exception {
        new CsvReportWriter(ReportOptions.defaults().withMaxTtftMs(10_000)).write(SampleReports.sweep(), dir);

        Map<String, String> row = CsvReader.read(dir.resolve("best_settings.csv")).getFirst();
        assertThat(row).containsEntry("max_ttft_ms", "10000").containsEntry("ttft_ctx", "4096");
        assertThat(row.get("ttft_par")).isIn("1", "2");
    }

    @Test
    void noBestSettingsFileWithoutASweep() throws Exception {
        Path other = Files.createDirectory(dir.resolve("run"));
        new CsvReportWriter().write(SampleReports.completed(), other);

        assertThat(other.resolve("best_settings.csv")).doesNotExist();
        assertThat(other.resolve("load_times.csv")).exists();
    }
}
