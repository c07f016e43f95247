package dev.lmsbench.web;

import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.Progress;
import dev.lmsbench.core.hardware.HardwareAggregates;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.spi.StoredResult;
import dev.lmsbench.core.stats.Distribution;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of the API (docs/web-api.md), as maps for Jackson: no string is ever put together by hand. */
final class Shapes {

    private Shapes() {
    }

    /** The shared {@code GET /api/status} contract. */
    static Map<String, Object> status(BenchmarkController.Status s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", s.state().label());
        m.put("run_id", s.runId());
        m.put("model", s.model());
        m.put("model_position", s.modelPosition());
        m.put("model_count", s.modelCount());
        m.put("progress", progress(s.progress()));
        m.put("error", s.error());
        m.put("started_at", instant(s.startedAt()));
        m.put("finished_at", instant(s.finishedAt()));
        m.put("last_status", s.lastStatus() == null ? null : s.lastStatus().label());
        return m;
    }

    static Map<String, Object> progress(Progress p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("completed", p.completedRequests());
        m.put("total", p.totalRequests());
        m.put("elapsed_s", seconds(p.elapsed()));
        m.put("eta_s", seconds(p.eta()));
        return m;
    }

    static Double seconds(Duration d) {
        return d == null ? null : d.toNanos() / 1e9;
    }

    static String instant(Instant i) {
        return i == null ? null : i.toString();
    }

    /** A finite number, or null (JSON has no NaN). */
    static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static Map<String, Object> model(ModelInfo m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id());
        out.put("type", m.type());
        out.put("publisher", m.publisher());
        out.put("architecture", m.architecture());
        out.put("quantization", m.quantization());
        out.put("params", m.params());
        out.put("size_bytes", m.sizeBytes() < 0 ? null : m.sizeBytes());
        out.put("max_context_length", m.maxContextLength() < 0 ? null : m.maxContextLength());
        out.put("capabilities", m.capabilities().stream().map(c -> c.name().toLowerCase(java.util.Locale.ROOT))
                .toList());
        return out;
    }

    static Map<String, Object> distribution(Distribution d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", d.count());
        m.put("min", num(d.min()));
        m.put("mean", num(d.mean()));
        m.put("p50", num(d.p50()));
        m.put("p95", num(d.p95()));
        m.put("max", num(d.max()));
        return m;
    }

    /** Peak VRAM of the model in GB when profiling measured it, else NaN. */
    static double vramGb(ModelSummary s) {
        return SideMetric.find(s.sideMetrics(), HardwareAggregates.VRAM_USED, SideMetric.Aggregation.MAX)
                .map(m -> m.value() / 1e9)
                .or(() -> s.loadMemory().vramBytes() > 0
                        ? java.util.Optional.of(s.loadMemory().vramBytes() / 1e9) : java.util.Optional.empty())
                .orElse(Double.NaN);
    }

    /** One row of {@code GET /api/results} and {@code GET /api/comparison/{model}}. */
    static Map<String, Object> result(StoredResult r) {
        ModelSummary s = r.summary();
        ModelInfo m = s.model();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("run_id", r.run().runId());
        out.put("run_started_at", instant(r.run().startedAt()));
        out.put("endpoint", r.run().endpoint());
        out.put("model", m.id());
        out.put("architecture", m.architecture());
        out.put("quantization", m.quantization());
        out.put("params", m.params());
        out.put("size_bytes", m.sizeBytes() < 0 ? null : m.sizeBytes());
        out.put("context_length", s.contextLength());
        out.put("parallel", s.parallel());
        out.put("status", s.status().label());
        out.put("error", s.error());
        out.put("request_count", s.requestCount());
        out.put("success_count", s.successCount());
        out.put("decode_toks_per_s", distribution(s.decodeTokensPerSecond()));
        out.put("ttft_s", distribution(s.ttft()));
        out.put("prefill_toks_per_s", distribution(s.prefillTokensPerSecond()));
        out.put("e2e_s", distribution(s.e2e()));
        out.put("completion_toks_per_s_total", num(s.completionTokensPerSecondTotal()));
        out.put("vram_gb", num(vramGb(s)));
        out.put("load_s", num(s.loadSeconds()));
        out.put("started_at", instant(s.startedAt()));
        out.put("finished_at", instant(s.finishedAt()));
        return out;
    }

    /** The longest text of a stored load stage handed to a page (tags, workload parameters, warnings). */
    static final int MAX_LOAD_TEXT = 500;

    /**
     * One stage of {@code GET /api/load}: the run and model it belongs to, and its figures under the names of
     * results.json's {@code load_test} (docs/output-formats.md); strings from the database as single clean lines.
     */
    static Map<String, Object> loadStage(StoredResult r) {
        ModelSummary s = r.summary();
        dev.lmsbench.core.load.LoadResult l = s.load();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("run_id", text(r.run().runId()));
        out.put("run_started_at", instant(r.run().startedAt()));
        out.put("endpoint", text(r.run().endpoint()));
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("kind", text(r.run().server().kind()));
        server.put("version", text(r.run().server().version()));
        out.put("server", server);
        out.put("model", text(s.model().id()));
        out.put("status", s.status().label());
        out.put("started_at", instant(s.startedAt()));
        out.put("finished_at", instant(s.finishedAt()));
        Map<String, Object> tags = new LinkedHashMap<>();
        l.tags().forEach((k, v) -> tags.put(text(k), text(v)));
        out.put("tags", tags);
        Map<String, Object> pattern = new LinkedHashMap<>();
        pattern.put("kind", l.pattern().kind());
        pattern.put("label", l.pattern().label());
        pattern.put("open_loop", l.pattern().openLoop());
        pattern.put("rate", num(l.pattern().targetRate()));
        pattern.put("concurrency", l.pattern().concurrency());
        pattern.put("burstiness", num(l.pattern().burstiness()));
        pattern.put("max_concurrency", l.maxConcurrency());
        pattern.put("seed", l.seed());
        out.put("pattern", pattern);
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("name", text(l.workload()));
        Map<String, Object> params = new LinkedHashMap<>();
        l.workloadParameters().forEach((k, v) -> params.put(text(k), text(v)));
        workload.put("parameters", params);
        workload.put("length_source", l.lengthSource().label());
        out.put("workload", workload);
        out.put("sent", l.sent());
        out.put("measured", l.measured());
        out.put("completed", l.completed());
        out.put("failed", l.failed());
        out.put("duration_s", num(l.durationSeconds()));
        out.put("achieved_rate", num(l.achievedRate()));
        out.put("request_throughput", num(l.requestThroughput()));
        out.put("output_throughput", num(l.outputThroughput()));
        out.put("total_token_throughput", num(l.totalTokenThroughput()));
        out.put("input_tokens", l.inputTokens());
        out.put("output_tokens", l.outputTokens());
        out.put("ttft_ms", latency(l.ttftMs()));
        out.put("ttfc_ms", latency(l.ttfcMs()));
        out.put("tpot_ms", latency(l.tpotMs()));
        out.put("itl_ms", latency(l.itlMs()));
        out.put("e2e_ms", latency(l.e2eMs()));
        if (l.slo().any()) {
            Map<String, Object> goodput = new LinkedHashMap<>();
            goodput.put("slo_ms", l.slo().limits());
            goodput.put("good_requests", l.goodRequests());
            goodput.put("requests_per_s", num(l.goodput()));
            goodput.put("good_fraction", num(l.goodFraction()));
            out.put("goodput", goodput);
        } else {
            out.put("goodput", null);
        }
        Map<String, Object> errors = new LinkedHashMap<>();
        l.errors().forEach((type, n) -> errors.put(type.label(), n));
        out.put("errors", errors);
        Map<String, Object> generator = new LinkedHashMap<>();
        generator.put("healthy", l.generator().healthy());
        generator.put("warnings", l.generator().warnings().stream().map(Shapes::text).toList());
        generator.put("send_lag_ms", latency(l.generator().sendLagMs()));
        generator.put("client_cpu_percent", num(l.generator().clientCpuPercent()));
        generator.put("machine_cpu_percent", num(l.generator().machineCpuPercent()));
        generator.put("peak_in_flight", l.generator().peakInFlight());
        out.put("generator", generator);
        return out;
    }

    /** A load latency's statistics in ms, as results.json's: count, mean, median, std, min, max, percentiles. */
    static Map<String, Object> latency(dev.lmsbench.core.load.LatencyStats l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", l.count());
        m.put("mean", num(l.mean()));
        m.put("median", num(l.median()));
        m.put("std", num(l.stdev()));
        m.put("min", num(l.min()));
        m.put("max", num(l.max()));
        Map<String, Object> ps = new LinkedHashMap<>();
        l.percentiles().forEach((p, v) -> ps.put(dev.lmsbench.core.load.LatencyStats.name(p), num(v)));
        m.put("percentiles", ps);
        return m;
    }

    private static String text(String value) {
        return value == null ? "" : dev.lmsbench.core.text.SafeText.oneLine(value, MAX_LOAD_TEXT);
    }

    /** The SSE event name and data of an engine event, or null for events the stream does not carry. */
    static Map.Entry<String, Map<String, Object>> event(BenchmarkEvent event) {
        Map<String, Object> d = new LinkedHashMap<>();
        String name = switch (event) {
            case BenchmarkEvent.RunStarted e -> {
                d.put("run_id", e.run().runId());
                d.put("models", e.models().stream().map(ModelInfo::id).toList());
                d.put("total_requests", e.totalRequests());
                var settings = e.run().settings();
                d.put("calls_per_request", settings.nonStreaming() ? 2 : 1);
                d.put("jobs", e.jobs().stream().map(j -> {
                    Map<String, Object> job = new LinkedHashMap<>();
                    job.put("model", j.model().id());
                    job.put("ctx", j.contextLength());
                    job.put("par", j.parallel());
                    job.put("requests", settings.runs() * j.parallel());
                    job.put("warmup", settings.warmupRuns());
                    return job;
                }).toList());
                yield "run_started";
            }
            case BenchmarkEvent.ModelStarted e -> {
                d.put("model", e.model().id());
                d.put("position", e.position());
                d.put("count", e.count());
                yield "model_started";
            }
            case BenchmarkEvent.JobStarted e -> {
                d.put("model", e.job().model().id());
                d.put("ctx", e.job().contextLength());
                d.put("par", e.job().parallel());
                d.put("position", e.position());
                d.put("count", e.count());
                d.put("reload", e.reload());
                yield "job_started";
            }
            case BenchmarkEvent.RequestRetrying e -> {
                d.put("model", e.job().model().id());
                d.put("ctx", e.job().contextLength());
                d.put("par", e.job().parallel());
                d.put("idx", e.index());
                d.put("warmup", e.warmup());
                d.put("run_mode", e.mode().label());
                d.put("attempt", e.attempt());
                d.put("delay_s", num(e.delay().toMillis() / 1000.0));
                d.put("error_type", e.type().label());
                d.put("error", e.error());
                yield "request_retrying";
            }
            case BenchmarkEvent.ModelLoading e -> {
                d.put("model", e.model().id());
                yield "model_loading";
            }
            case BenchmarkEvent.ModelLoaded e -> {
                d.put("model", e.model().id());
                yield "model_loaded";
            }
            case BenchmarkEvent.ModelLoadFailed e -> {
                d.put("model", e.model().id());
                d.put("error", e.error());
                yield "model_load_failed";
            }
            case BenchmarkEvent.RequestCompleted e -> {
                RequestResult r = e.result();
                d.put("model", r.model());
                d.put("ctx", r.contextLength());
                d.put("par", r.parallel());
                d.put("run_mode", r.mode().label());
                d.put("idx", r.index());
                d.put("warmup", r.warmup());
                d.put("success", r.success());
                d.put("ttft_s", num(r.ttftSeconds()));
                d.put("decode_toks_per_s", num(r.decodeTokensPerSecond()));
                d.put("progress", progress(e.progress()));
                yield "request_completed";
            }
            case BenchmarkEvent.ModelUnloaded e -> null;
            case BenchmarkEvent.ModelCompleted e -> {
                modelSummary(d, e.summary());
                yield "model_completed";
            }
            case BenchmarkEvent.ModelFailed e -> {
                modelSummary(d, e.summary());
                yield "model_failed";
            }
            case BenchmarkEvent.RunCompleted e -> {
                d.put("run_id", e.report().run().runId());
                d.put("status", e.report().status().label());
                d.put("models", e.report().models().size());
                yield "run_completed";
            }
            case BenchmarkEvent.RunFailed e -> {
                d.put("run_id", e.partial().run().runId());
                d.put("status", e.partial().status().label());
                d.put("error", e.error());
                yield "run_failed";
            }
            case BenchmarkEvent.HardwareSampled e -> null;
            case BenchmarkEvent.CoolingDown e -> {
                d.put("model", e.model().id());
                d.put("reason", e.reason());
                yield "cooling_down";
            }
            case BenchmarkEvent.CooledDown e -> {
                d.put("model", e.model().id());
                d.put("seconds", num(e.seconds()));
                d.put("timed_out", e.timedOut());
                yield "cooled_down";
            }
            case BenchmarkEvent.RunPaused e -> "paused";
            case BenchmarkEvent.RunResumed e -> {
                d.put("paused_s", num(e.pausedSeconds()));
                yield "resumed";
            }
        };
        return name == null ? null : Map.entry(name, d);
    }

    private static void modelSummary(Map<String, Object> d, ModelSummary s) {
        d.put("model", s.model().id());
        d.put("ctx", s.contextLength());
        d.put("par", s.parallel());
        d.put("status", s.status().label());
        d.put("error", s.error());
        d.put("request_count", s.requestCount());
        d.put("success_count", s.successCount());
        d.put("decode_toks_per_s_p50", num(s.decodeTokensPerSecond().p50()));
        d.put("ttft_p50_s", num(s.ttft().p50()));
        d.put("stream_toks_per_s_total", num(s.streamTokensPerSecondTotal()));
        d.put("completion_toks_per_s_total", num(s.completionTokensPerSecondTotal()));
        d.put("prefill_toks_per_s_mean", num(s.prefillTokensPerSecond().mean()));
    }
}
