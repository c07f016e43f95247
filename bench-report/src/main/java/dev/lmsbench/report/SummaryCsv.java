package dev.lmsbench.report;

import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.SideMetric.Aggregation;
import dev.lmsbench.report.Csv.Column;

import java.util.List;
import java.util.stream.Collectors;

import static dev.lmsbench.report.Csv.Column.bool;
import static dev.lmsbench.report.Csv.Column.decimal;
import static dev.lmsbench.report.Csv.Column.instant;
import static dev.lmsbench.report.Csv.Column.integer;
import static dev.lmsbench.report.Csv.Column.knownInteger;
import static dev.lmsbench.report.Csv.Column.text;

/**
 * The columns of {@code summary.csv}: one row per model, context length and parallelism. See docs/output-formats.md.
 */
final class SummaryCsv {

    private SummaryCsv() {
    }

    /** Header and cell of every column, in file order. New columns go at the end. */
    static final List<Column<ModelSummary>> COLUMNS = LoadTimesCsv.concat(List.of(
            text("model", s -> s.model().id()),
            integer("ctx", ModelSummary::contextLength),
            integer("par", ModelSummary::parallel),
            text("status", s -> s.status().label()),
            integer("request_count", ModelSummary::requestCount),
            integer("success_count", ModelSummary::successCount),
            integer("error_count", ModelSummary::errorCount),
            decimal("ttft_s_mean", s -> s.ttft().mean()),
            decimal("ttft_s_stdev", s -> s.ttft().stdev()),
            decimal("ttft_s_p50", s -> s.ttft().p50()),
            decimal("ttft_s_p90", s -> s.ttft().p90()),
            decimal("ttft_s_p99", s -> s.ttft().p99()),
            decimal("first_content_s_p50", s -> s.firstContent().p50()),
            decimal("decode_toks_per_s_mean", s -> s.decodeTokensPerSecond().mean()),
            decimal("decode_toks_per_s_p50", s -> s.decodeTokensPerSecond().p50()),
            decimal("decode_toks_per_s_p90", s -> s.decodeTokensPerSecond().p90()),
            decimal("prefill_toks_per_s_mean", s -> s.prefillTokensPerSecond().mean()),
            decimal("prefill_toks_per_s_p50", s -> s.prefillTokensPerSecond().p50()),
            decimal("tpot_s_p50", s -> s.tpot().p50()),
            decimal("itl_s_p50", s -> s.interTokenLatency().p50()),
            decimal("itl_s_p99", s -> s.interTokenLatency().p99()),
            decimal("e2e_s_p50", s -> s.e2e().p50()),
            decimal("stream_toks_per_s_total", ModelSummary::streamTokensPerSecondTotal),
            decimal("nonstream_toks_per_s_total", ModelSummary::nonStreamTokensPerSecondTotal),
            decimal("completion_toks_per_s_total", ModelSummary::completionTokensPerSecondTotal),
            integer("prompt_tokens_total", s -> s.tokens().prompt()),
            integer("completion_tokens_total", s -> s.tokens().completion()),
            integer("completion_tokens_reasoning", s -> s.tokens().reasoning()),
            integer("completion_tokens_visible", s -> s.tokens().visible()),
            bool("tokens_estimated", s -> s.tokens().estimated()),
            decimal("warmup_ttft_first_s", s -> s.warmup().firstTtftSeconds()),
            decimal("warmup_ttft_avg_s", s -> s.warmup().subsequentTtftSeconds()),
            decimal("warmup_load_est_s", s -> s.warmup().loadEstimateSeconds()),
            decimal("load_time_s", ModelSummary::loadSeconds),
            text("quantization", s -> s.model().quantization()),
            text("architecture", s -> s.model().architecture()),
            knownInteger("size_bytes", s -> s.model().sizeBytes()),
            text("error", ModelSummary::error),
            // additions beyond seed 004's schema
            decimal("ttft_s_p95", s -> s.ttft().p95()),
            decimal("e2e_s_mean", s -> s.e2e().mean()),
            decimal("e2e_s_p90", s -> s.e2e().p90()),
            decimal("completion_toks_per_s_mean", s -> s.completionTokensPerSecond().mean()),
            decimal("completion_toks_per_s_p50", s -> s.completionTokensPerSecond().p50()),
            integer("warmup_count", s -> s.warmup().count()),
            knownInteger("max_context_length", s -> s.model().maxContextLength()),
            instant("started_at", ModelSummary::startedAt),
            instant("finished_at", ModelSummary::finishedAt),
            // model metadata and server-reported figures (issue 4); server_* are what the server itself reported,
            // never the client-side measurements above
            text("params", s -> s.model().params()),
            text("capabilities", s -> capabilities(s.model())),
            decimal("server_toks_per_s_p50", s -> s.serverTokensPerSecond().p50()),
            decimal("server_ttft_s_p50", s -> s.serverTtft().p50()),
            // hardware profiling (issue 5): empty without --enable-profiling or when the figure was unavailable
            decimal("vram_peak_gb", s -> side(s, "gpu.vram.used", Aggregation.MAX, 1e9)),
            decimal("vram_mean_gb", s -> side(s, "gpu.vram.used", Aggregation.MEAN, 1e9)),
            decimal("vram_model_gb", s -> side(s, "gpu.vram.model", Aggregation.DELTA, 1e9)),
            decimal("gpu_util_mean_pct", s -> side(s, "gpu.util", Aggregation.MEAN, 1)),
            decimal("power_mean_w", s -> side(s, "gpu.power", Aggregation.MEAN, 1)),
            decimal("power_peak_w", s -> side(s, "gpu.power", Aggregation.MAX, 1)),
            decimal("temp_peak_c", s -> side(s, "gpu.temp", Aggregation.MAX, 1)),
            decimal("cpu_load_mean_pct", s -> side(s, "cpu.load", Aggregation.MEAN, 1)),
            decimal("ram_peak_gb", s -> side(s, "ram.used", Aggregation.MAX, 1e9)),
            decimal("toks_per_s_per_gb_vram", s -> side(s, "efficiency.toks_per_s_per_gb_vram", Aggregation.RATIO,
                    1)),
            decimal("toks_per_joule", s -> side(s, "efficiency.toks_per_joule", Aggregation.RATIO, 1)),
            // AMD GTT (system memory mapped for the GPU): empty on NVIDIA and with --disable-gtt
            decimal("gtt_peak_gb", s -> side(s, "gpu.gtt.used", Aggregation.MAX, 1e9)),
            // typed errors and system-wide throughput (issue 9): the model-level error type (empty without an
            // error), and output tokens and successful calls per second of the whole measured window
            text("error_type", s -> s.errorType().label()),
            decimal("system_output_toks_per_s", ModelSummary::systemOutputTokensPerSecond),
            decimal("system_requests_per_s", ModelSummary::systemRequestsPerSecond),
            // the prompt cache (issue 10): cached prompt tokens of the measured requests that said, how many did
            // not say (their prefill counts every prompt token), and llama.cpp's own prompt speed
            integer("prompt_tokens_cached", s -> s.tokens().promptCached()),
            integer("prompt_cache_unknown", s -> s.tokens().promptCacheUnknown()),
            decimal("server_prompt_toks_per_s_p50", s -> s.serverPromptTokensPerSecond().p50()),
            // the weakest source of the model's token counts (issue 10): usage, server_tokenizer, tokenizer_json or
            // estimate
            text("token_count_source", s -> s.tokens().source().label()),
            // the memory the server said the loaded model holds (Ollama's /api/ps size and size_vram); empty when
            // it did not say
            knownInteger("load_memory_bytes", s -> s.loadMemory().totalBytes()),
            knownInteger("load_vram_bytes", s -> s.loadMemory().vramBytes()),
            // how the model was loaded (rest, lms, ollama) and the instance as the server reports it (issue 11);
            // empty when unknown
            text("load_method", s -> s.loadDetails().method()),
            knownInteger("instance_parallel", s -> s.loadDetails().parallel()),
            knownInteger("instance_context_length", s -> s.loadDetails().contextLength()),
            // speculative decoding: the median share of draft tokens accepted (0 to 1); empty without draft figures
            decimal("draft_acceptance_p50", s -> s.draftAcceptance().p50()),
            // streamed answers whose completion_tokens had LM Studio's off-by-one (corrected) or disagreed otherwise
            integer("usage_corrected", ModelSummary::usageCorrected),
            integer("usage_mismatched", ModelSummary::usageMismatched),
            // instances of the model the server loaded again while it was measured (LM Studio's JIT duplicates)
            integer("duplicate_instances", s -> s.loadDetails().duplicateInstances().size()),
            // seed 004's per-request throughput distribution completed (mean and p50 are above)
            decimal("completion_toks_per_s_stdev", s -> s.completionTokensPerSecond().stdev()),
            decimal("completion_toks_per_s_p90", s -> s.completionTokensPerSecond().p90()),
            // sweeps (issue 14): the spread of the prefill speed, then the prompt calibration, the same columns as in
            // load_times.csv (target_prompt_tokens ... calibration_source)
            decimal("prefill_toks_per_s_stdev", s -> s.prefillTokensPerSecond().stdev()),
            decimal("prefill_toks_per_s_p90", s -> s.prefillTokensPerSecond().p90())),
            LoadTimesCsv.CALIBRATION);

    /** A side metric divided by {@code scale} (bytes to GB), or NaN (an empty cell) when it was not measured. */
    static double side(ModelSummary s, String name, Aggregation aggregation, double scale) {
        return SideMetric.find(s.sideMetrics(), name, aggregation).map(m -> m.value() / scale).orElse(Double.NaN);
    }

    /** The capability labels in enum order joined with {@code ;}, e.g. {@code tool_use;reasoning}; empty for none. */
    static String capabilities(ModelInfo model) {
        return model.capabilities().stream().map(Capability::label).collect(Collectors.joining(";"));
    }
}
