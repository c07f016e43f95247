package dev.lmsbench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryCsvTest {

    /**
     * The documented column order (docs/output-formats.md): the first 38 ({@code model} ... {@code error}) are the
     * base layout, the rest were appended.
     */
    static final List<String> EXPECTED_HEADER = List.of(
            "model", "ctx", "par", "status", "request_count", "success_count", "error_count",
            "ttft_s_mean", "ttft_s_stdev", "ttft_s_p50", "ttft_s_p90", "ttft_s_p99", "first_content_s_p50",
            "decode_toks_per_s_mean", "decode_toks_per_s_p50", "decode_toks_per_s_p90",
            "prefill_toks_per_s_mean", "prefill_toks_per_s_p50", "tpot_s_p50", "itl_s_p50", "itl_s_p99",
            "e2e_s_p50", "stream_toks_per_s_total", "nonstream_toks_per_s_total", "completion_toks_per_s_total",
            "prompt_tokens_total", "completion_tokens_total", "completion_tokens_reasoning",
            "completion_tokens_visible", "tokens_estimated", "warmup_ttft_first_s", "warmup_ttft_avg_s",
            "warmup_load_est_s", "load_time_s", "quantization", "architecture", "size_bytes", "error",
            "ttft_s_p95", "e2e_s_mean", "e2e_s_p90", "completion_toks_per_s_mean", "completion_toks_per_s_p50",
            "warmup_count", "max_context_length", "started_at", "finished_at",
            "params", "capabilities", "server_toks_per_s_p50", "server_ttft_s_p50",
            "vram_peak_gb", "vram_mean_gb", "vram_model_gb", "gpu_util_mean_pct", "power_mean_w", "power_peak_w",
            "temp_peak_c", "cpu_load_mean_pct", "ram_peak_gb", "toks_per_s_per_gb_vram", "toks_per_joule",
            "gtt_peak_gb", "error_type", "system_output_toks_per_s", "system_requests_per_s",
            "prompt_tokens_cached", "prompt_cache_unknown", "server_prompt_toks_per_s_p50",
            "token_count_source", "load_memory_bytes", "load_vram_bytes", "load_method", "instance_parallel",
            "instance_context_length", "draft_acceptance_p50", "usage_corrected", "usage_mismatched",
            "duplicate_instances", "completion_toks_per_s_stdev", "completion_toks_per_s_p90",
            "prefill_toks_per_s_stdev", "prefill_toks_per_s_p90", "target_prompt_tokens", "chars_per_token",
            "calibrated_prompt_tokens", "calibration_calls", "calibration_within_tolerance", "calibration_source");

    @TempDir
    Path dir;

    @Test
    void everyColumnHasARowInTheFormatDocs() throws Exception {
        String docs = java.nio.file.Files.readString(Path.of(System.getProperty("basedir", "."))
                .resolve("../docs/output-formats.md"));

        assertThat(Csv.header(SummaryCsv.COLUMNS)).allSatisfy(column ->
                assertThat(docs).as(column).containsPattern("(?m)^\\| `" + column + "` *\\|"));
    }

    @Test
    void hasTheDocumentedColumnsInOrder() throws Exception {
        assertThat(Csv.header(SummaryCsv.COLUMNS)).containsExactlyElementsOf(EXPECTED_HEADER);
        assertThat(CsvReader.header(write())).containsExactlyElementsOf(EXPECTED_HEADER);
    }

    @Test
    void writesOneRowPerModelExcludingWarmups() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());

        assertThat(rows).extracting(r -> r.get("model"))
                .containsExactly("qwen3-8b@q4_k_m", "llama-3.2-1b-instruct", "mistral-7b-instruct-v0.3");
        Map<String, String> qwen = rows.get(0);
        assertThat(qwen).containsEntry("ctx", "8192").containsEntry("par", "2").containsEntry("status", "completed")
                .containsEntry("request_count", "4").containsEntry("success_count", "3")
                .containsEntry("error_count", "1").containsEntry("warmup_count", "2")
                .containsEntry("load_time_s", "4.25").containsEntry("quantization", "Q4_K_M")
                .containsEntry("size_bytes", "5027782656").containsEntry("tokens_estimated", "false");
        // the 1.8 s extra of the first warmup shows in the load estimate, never in the measured TTFT
        assertThat(Double.parseDouble(qwen.get("warmup_load_est_s"))).isGreaterThan(1.7);
        assertThat(Double.parseDouble(qwen.get("ttft_s_p99"))).isLessThan(0.2);
    }

    @Test
    void marksEstimatedTokenCountsTrue() throws Exception {
        Map<String, String> llama = CsvReader.read(write()).get(1);

        assertThat(llama).containsEntry("tokens_estimated", "true");
    }

    @Test
    void leavesUndefinedFiguresEmpty() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());
        Map<String, String> llama = rows.get(1);
        Map<String, String> mistral = rows.get(2);

        // stream only, one warmup, no managed load: no non-stream total, no subsequent warmup, no load time
        assertThat(llama).containsEntry("nonstream_toks_per_s_total", "").containsEntry("warmup_ttft_avg_s", "")
                .containsEntry("warmup_load_est_s", "").containsEntry("load_time_s", "")
                .containsEntry("size_bytes", "").containsEntry("max_context_length", "")
                .containsEntry("quantization", "").containsEntry("ctx", "0");
        assertThat(llama.get("stream_toks_per_s_total")).isNotEmpty();
        assertThat(llama.get("completion_toks_per_s_total")).isEqualTo(llama.get("stream_toks_per_s_total"));
        // a model that failed to load has no figures at all
        assertThat(mistral).containsEntry("status", "failed").containsEntry("ttft_s_mean", "")
                .containsEntry("itl_s_p99", "").containsEntry("completion_toks_per_s_total", "")
                .containsEntry("prompt_tokens_total", "0").containsEntry("size_bytes", "7695857376");
    }

    @Test
    void writesTheParameterCountCapabilitiesAndServerReportedMedians() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());
        Map<String, String> qwen = rows.get(0);

        assertThat(qwen).containsEntry("params", "8B").containsEntry("capabilities", "tool_use;reasoning");
        double serverTtft = Double.parseDouble(qwen.get("server_ttft_s_p50"));
        assertThat(serverTtft).isPositive().isNotEqualTo(Double.parseDouble(qwen.get("ttft_s_p50")));
        assertThat(Double.parseDouble(qwen.get("server_toks_per_s_p50"))).isPositive();
        for (Map<String, String> other : rows.subList(1, 3)) {
            assertThat(other).as(other.get("model")).containsEntry("params", "").containsEntry("capabilities", "")
                    .containsEntry("server_toks_per_s_p50", "").containsEntry("server_ttft_s_p50", "");
        }
    }

    @Test
    void quotesAnErrorHoldingCommaAndQuotesAndFoldsItsLineBreaks() throws Exception {
        Map<String, String> mistral = CsvReader.read(write()).get(2);

        assertThat(mistral.get("error")).isEqualTo(SampleReports.LOAD_ERROR_SAFE);
    }

    @Test
    void writesTheModelErrorTypeAndTheSystemThroughputAtTheEnd() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());
        var qwen = SampleReports.completed().models().getFirst();

        assertThat(rows.get(0)).containsEntry("error_type", "")
                .containsEntry("system_output_toks_per_s", Csv.decimal(qwen.systemOutputTokensPerSecond()))
                .containsEntry("system_requests_per_s", Csv.decimal(qwen.systemRequestsPerSecond()));
        assertThat(rows.get(0).get("system_output_toks_per_s")).isNotEmpty();
        assertThat(rows.get(2)).containsEntry("status", "failed").containsEntry("error_type", "http_status")
                .containsEntry("system_output_toks_per_s", "").containsEntry("system_requests_per_s", "");
    }

    @Test
    void writesHowEachModelWasLoadedItsDraftAcceptanceAndUsageCorrectionsAndLeavesUnknownsEmpty()
            throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());
        var qwen = SampleReports.completed().models().getFirst();

        assertThat(rows.get(0)).containsEntry("load_method", "rest").containsEntry("instance_parallel", "1")
                .containsEntry("instance_context_length", "8192")
                .containsEntry("draft_acceptance_p50", Csv.decimal(qwen.draftAcceptance().p50()))
                .containsEntry("usage_corrected", "1").containsEntry("usage_mismatched", "0")
                .containsEntry("duplicate_instances", "1");
        assertThat(rows.get(0).get("draft_acceptance_p50")).isNotEmpty();
        for (Map<String, String> other : rows.subList(1, 3)) {
            assertThat(other).as(other.get("model")).containsEntry("load_method", "")
                    .containsEntry("instance_parallel", "").containsEntry("instance_context_length", "")
                    .containsEntry("draft_acceptance_p50", "").containsEntry("usage_corrected", "0")
                    .containsEntry("usage_mismatched", "0").containsEntry("duplicate_instances", "0");
        }
    }

    @Test
    void countsMismatchedUsageAndEveryDuplicateInstance() {
        var qwen = SampleReports.completed().models().getFirst();
        var mismatched = new dev.lmsbench.core.model.ModelSummary(qwen.model(), qwen.contextLength(),
                qwen.parallel(), qwen.status(), qwen.error(), qwen.requestCount(), qwen.successCount(),
                qwen.errorCount(), qwen.ttft(), qwen.firstContent(), qwen.prefillTokensPerSecond(),
                qwen.decodeTokensPerSecond(), qwen.tpot(), qwen.interTokenLatency(), qwen.e2e(),
                qwen.completionTokensPerSecond(), qwen.streamTokensPerSecondTotal(),
                qwen.nonStreamTokensPerSecondTotal(), qwen.completionTokensPerSecondTotal(), qwen.tokens(),
                qwen.warmup(), qwen.loadSeconds(), qwen.startedAt(), qwen.finishedAt(), qwen.serverTokensPerSecond(),
                qwen.serverTtft(), qwen.sideMetrics(), qwen.hardwareSamples(), qwen.errorType(), qwen.errorsByType(),
                qwen.systemOutputTokensPerSecond(), qwen.systemRequestsPerSecond(),
                qwen.serverPromptTokensPerSecond(), qwen.serverPromptSeconds(), qwen.loadMemory(),
                qwen.loadDetails().withDuplicateInstances(List.of("a:2", "a:3", "a:4")), qwen.draftAcceptance(),
                0, 5, qwen.calibration(), null);

        Map<String, String> cells = new java.util.LinkedHashMap<>();
        SummaryCsv.COLUMNS.forEach(c -> cells.put(c.name(), c.cell().apply(mismatched)));

        assertThat(cells).containsEntry("usage_mismatched", "5").containsEntry("usage_corrected", "0")
                .containsEntry("duplicate_instances", "3");
    }

    private Path write() throws Exception {
        new CsvReportWriter().write(SampleReports.completed(), dir);
        return dir.resolve("summary.csv");
    }

    @Test
    void writesHardwareColumnsInGbAndLeavesUnmeasuredFiguresEmpty() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());
        assertThat(rows.get(0)).containsEntry("vram_peak_gb", "7.812346").containsEntry("vram_model_gb", "5.368709")
                .containsEntry("power_mean_w", "212.375").containsEntry("temp_peak_c", "78")
                .containsEntry("toks_per_joule", "0.1377");
        assertThat(rows.get(1)).as("no GPU library: CPU and RAM only, never zeros")
                .containsEntry("vram_peak_gb", "").containsEntry("power_mean_w", "")
                .containsEntry("toks_per_joule", "").containsEntry("cpu_load_mean_pct", "64.5")
                .containsEntry("ram_peak_gb", "9.5");
        for (String column : EXPECTED_HEADER.subList(EXPECTED_HEADER.indexOf("vram_peak_gb"),
                EXPECTED_HEADER.indexOf("gtt_peak_gb") + 1)) {
            assertThat(rows.get(2)).as(column).containsEntry(column, "");
        }
    }
}
