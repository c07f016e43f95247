package dev.lmsbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.DraftStats;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadDetails;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.PromptCalibration;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.UsageCheck;
import dev.lmsbench.core.model.WarmupStats;
import dev.lmsbench.core.spi.StoredResult;
import dev.lmsbench.core.stats.BestSettings;
import dev.lmsbench.core.stats.Distribution;
import dev.lmsbench.core.text.SafeText;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Maps the core records to JSON trees with a fixed field order and snake_case names. The single place that decides
 * the JSON shape: {@code results.json} and the cache export both use it. See docs/output-formats.md.
 *
 * <p>Numbers: doubles are written as the shortest decimal that reads back as the same double, in plain notation with
 * at least one decimal place ({@code 300.0}, {@code 0.0001}); {@code NaN}, infinities and the {@code -1} "unknown"
 * sentinels of {@link ModelInfo} are {@code null}. Optional settings the user left unset ({@link SamplingParams},
 * {@link LoadConfig}) are {@code null}, and so is {@code server_stats} of a request whose server reported none.
 *
 * <p>Server-reported figures ({@link ServerStats}) are kept apart from the client-measured ones, under keys that say
 * so ({@code server_stats}, {@code server_distributions}); they never replace a client-side figure.
 *
 * <p>Text that came from a server (model ids and metadata, errors, finish and stop reasons, the server's identity)
 * goes through {@link SafeText#oneLine(String, int)} again here, whatever the engine already did: no control
 * characters, no escape sequences, one line.
 */
final class JsonMapping {

    /**
     * Version of the shape of {@code results.json}, the cache export and the CSV files; see the schema version policy
     * in docs/output-formats.md. 2: typed errors, system throughput, the run's server, and the run status
     * {@code failed} when every model failed or was skipped. 3: the prompt cache ({@code settings.prompt_cache},
     * cached prompt tokens per request and per model, llama.cpp's prompt figures in the server statistics). 4: where
     * token counts came from ({@code token_count_source}); {@code tokens_estimated} is true only for the estimate.
     * 5: the usage check of streamed answers ({@code usage_check}; {@code completion_tokens} corrected for LM Studio's
     * off-by-one), speculative decoding ({@code server_stats.draft}, {@code draft_acceptance}, {@code draft_model}),
     * the server's model load time per request, how the model was loaded and the instance's configuration
     * ({@code load.method} ... {@code load.duplicate_instances}), parallel slots and GPU offload in the settings.
     * 6: sweeps (issue 14): the prompt calibration per model ({@code calibration}), the calls made per request
     * ({@code attempts}, {@code error_final}), the best settings per model ({@code best_settings}); in the CSV files
     * {@code load_times.csv}, {@code best_settings.csv} and the new columns at the end of the other two.
     * Load tests (issue 15) added, within 6 (an additive change), a job's {@code load_test}: its pattern, workload,
     * throughput, latency statistics, goodput, errors, the generator's health and the server's metrics; {@code null}
     * for run and sweep jobs (and absent in files written before it).
     */
    static final int SCHEMA_VERSION = 6;

    /** Version of the shape of {@code lmsbench hw --json}, which version 2 of the results did not change. */
    static final int HARDWARE_SCHEMA_VERSION = 1;

    /** A bound on server text in the outputs: only a safety net, longer than anything the engine records. */
    private static final int MAX_TEXT_CHARS = 4096;

    static final String TOOL_NAME = "lmsbench";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonMapping() {
    }

    /** The whole {@code results.json} document, its best settings without a TTFT limit. */
    static ObjectNode report(BenchmarkReport report) {
        return report(report, ReportOptions.defaults().bestSettings(report));
    }

    /**
     * The whole {@code results.json} document.
     *
     * @param report the run
     * @param best   the best settings per model, empty when no model ran more than one job
     * @return the document
     */
    static ObjectNode report(BenchmarkReport report, List<BestSettings> best) {
        ObjectNode root = NODES.objectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.set("tool", tool(report.run().toolVersion()));
        root.set("run", run(report.run(), report.finishedAt(), report.status()));
        root.set("hardware", hardware(report.hardware()));
        ArrayNode models = root.putArray("models");
        report.models().forEach(m -> models.add(modelSummary(m)));
        ArrayNode requests = root.putArray("requests");
        report.requests().forEach(r -> requests.add(request(r)));
        ArrayNode bestSettings = root.putArray("best_settings");
        best.forEach(b -> bestSettings.add(bestSettings(b)));
        return root;
    }

    /** One model's best settings, as in {@code results.json}'s {@code best_settings}; unknown figures are null. */
    static ObjectNode bestSettings(BestSettings b) {
        ObjectNode node = NODES.objectNode();
        node.put("model", safe(b.model()));
        node.put("jobs", b.jobs());
        knownInteger(node, "best_ctx", b.contextLength());
        knownInteger(node, "best_par", b.parallel());
        number(node, "best_completion_toks_per_s_total", b.tokensPerSecond());
        number(node, "max_ttft_ms", b.maxTtftMs());
        knownInteger(node, "ttft_ctx", b.ttftContextLength());
        knownInteger(node, "ttft_par", b.ttftParallel());
        number(node, "ttft_completion_toks_per_s_total", b.ttftTokensPerSecond());
        number(node, "ttft_s_p50", b.ttftSeconds());
        return node;
    }

    /**
     * How a sweep job's prompt was sized: {@code target_prompt_tokens} 0 when it was not (then the other figures are
     * null, {@code calls} 0 and {@code source} {@code ""}).
     */
    static ObjectNode calibration(PromptCalibration c) {
        ObjectNode node = NODES.objectNode();
        node.put("target_prompt_tokens", c.targetTokens());
        number(node, "chars_per_token", c.charsPerToken());
        knownInteger(node, "calibrated_prompt_tokens", c.promptTokens());
        node.put("calls", c.calls());
        if (c.sized()) {
            node.put("within_tolerance", c.withinTolerance());
        } else {
            node.putNull("within_tolerance");
        }
        node.put("source", safe(c.source()));
        return node;
    }

    /** {@code lmsbench hw --json}: schema version, what was detected, and one sample. */
    static ObjectNode hardwareDocument(dev.lmsbench.core.hardware.HardwareInfo info, HardwareSample sample) {
        ObjectNode root = NODES.objectNode();
        root.put("schema_version", HARDWARE_SCHEMA_VERSION);
        root.set("hardware", hardware(info));
        root.set("sample", hardwareSample(sample, sample.nanoTime()));
        return root;
    }

    /** What hardware monitoring detected, with why each GPU backend is or is not used; null when not profiled. */
    static com.fasterxml.jackson.databind.JsonNode hardware(dev.lmsbench.core.hardware.HardwareInfo info) {
        if (info == null) {
            return NODES.nullNode();
        }
        ObjectNode node = NODES.objectNode();
        node.put("gpu_backend", info.gpuBackend());
        node.put("driver", info.driver());
        node.put("os", info.os());
        node.put("cpu_model", info.cpuModel());
        node.put("physical_cores", info.physicalCores());
        node.put("logical_cores", info.logicalCores());
        knownInteger(node, "ram_total_bytes", info.ramTotalBytes());
        ArrayNode gpus = node.putArray("gpus");
        for (dev.lmsbench.core.hardware.HardwareInfo.Gpu g : info.gpus()) {
            ObjectNode gpu = gpus.addObject();
            gpu.put("index", g.index());
            gpu.put("name", g.name());
            gpu.put("uuid", g.uuid());
            knownInteger(gpu, "vram_total_bytes", g.vramTotalBytes());
        }
        ArrayNode notes = node.putArray("notes");
        info.notes().forEach(notes::add);
        return node;
    }

    /** The cache export document: {@code schema_version}, {@code tool} and one entry per stored result. */
    static ObjectNode storedResults(List<StoredResult> results, String toolVersion) {
        ObjectNode root = NODES.objectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.set("tool", tool(toolVersion));
        ArrayNode array = root.putArray("results");
        for (StoredResult r : results) {
            ObjectNode entry = array.addObject();
            entry.put("id", r.id());
            ObjectNode run = run(r.run(), null, null);
            run.put("tool_version", r.run().toolVersion());
            entry.set("run", run);
            entry.set("summary", modelSummary(r.summary()));
        }
        return root;
    }

    static ObjectNode tool(String version) {
        ObjectNode tool = NODES.objectNode();
        tool.put("name", TOOL_NAME);
        tool.put("version", version);
        return tool;
    }

    /**
     * A run. {@code finishedAt} and {@code status} are left out when unknown (the cache keeps neither).
     */
    static ObjectNode run(RunInfo run, Instant finishedAt, RunStatus status) {
        ObjectNode node = NODES.objectNode();
        node.put("run_id", run.runId());
        node.put("started_at", instant(run.startedAt()));
        if (finishedAt != null) {
            node.put("finished_at", instant(finishedAt));
        }
        if (status != null) {
            node.put("status", status.label());
        }
        node.put("endpoint", run.endpoint());
        node.set("settings", settings(run.settings()));
        node.set("server", server(run.server()));
        node.put("profiling", run.profiling());
        node.put("measurement_version", run.measurementVersion());
        return node;
    }

    /** Which server answered: {@code base_url}, {@code kind}, {@code version}, {@code runtime}; {@code ""} unknown. */
    static ObjectNode server(ServerInfo server) {
        ObjectNode node = NODES.objectNode();
        node.put("base_url", safe(server.baseUrl()));
        node.put("kind", safe(server.kind()));
        node.put("version", safe(server.version()));
        node.put("runtime", safe(server.runtime()));
        return node;
    }

    /** Server text made safe for the report (see the class comment). */
    static String safe(String text) {
        return SafeText.oneLine(text, MAX_TEXT_CHARS);
    }

    /** An error type's label, or {@code null} for {@link ErrorType#NONE}. */
    private static void errorType(ObjectNode node, ErrorType type) {
        if (type == ErrorType.NONE) {
            node.putNull("error_type");
        } else {
            node.put("error_type", type.label());
        }
    }

    static ObjectNode settings(BenchmarkSettings s) {
        ObjectNode node = NODES.objectNode();
        node.put("prompt", s.prompt());
        node.put("max_tokens", s.maxTokens());
        node.put("context_length", s.contextLength());
        node.put("runs", s.runs());
        node.put("warmup_runs", s.warmupRuns());
        node.put("parallel", s.parallel());
        number(node, "temperature", s.temperature());
        number(node, "request_timeout_s", s.requestTimeout().toNanos() / 1e9);
        node.put("non_streaming", s.nonStreaming());
        node.set("sampling", sampling(s.sampling()));
        node.set("load", load(s.load()));
        node.put("prompt_cache", s.promptCache().label());
        node.put("draft_model", safe(s.draftModel()));
        return node;
    }

    /** The sampling parameters; a parameter left to the server's default is {@code null}. */
    static ObjectNode sampling(SamplingParams p) {
        ObjectNode node = NODES.objectNode();
        number(node, "temperature", p.temperature());
        optional(node, "top_k", p.topK());
        optional(node, "top_p", p.topP());
        optional(node, "min_p", p.minP());
        optional(node, "repeat_penalty", p.repeatPenalty());
        return node;
    }

    /**
     * The load configuration; a field left to the server's default is {@code null}, except {@code context_length},
     * which is {@code 0} for the server's default like {@code settings.context_length}.
     */
    static ObjectNode load(LoadConfig l) {
        ObjectNode node = NODES.objectNode();
        node.put("context_length", l.contextLength());
        optional(node, "n_gpu_layers", l.nGpuLayers());
        optional(node, "n_batch", l.nBatch());
        optional(node, "n_threads", l.nThreads());
        optional(node, "flash_attention", l.flashAttention());
        optional(node, "rope_freq_base", l.ropeFreqBase());
        optional(node, "rope_freq_scale", l.ropeFreqScale());
        optional(node, "use_mmap", l.useMmap());
        optional(node, "use_mlock", l.useMlock());
        optional(node, "kv_cache_quant", l.kvCacheQuant());
        optional(node, "ttl_s", l.ttlSeconds());
        optional(node, "num_experts", l.numExperts());
        optional(node, "offload_kv_cache_to_gpu", l.offloadKvCacheToGpu());
        optional(node, "parallel", l.parallel());
        optional(node, "gpu_offload", l.gpuOffload());
        return node;
    }

    /** One model's summary, as in {@code results.json}'s {@code models} and the cache export's {@code summary}. */
    static ObjectNode modelSummary(ModelSummary s) {
        ObjectNode node = NODES.objectNode();
        node.set("model", model(s.model()));
        node.put("ctx", s.contextLength());
        node.put("par", s.parallel());
        node.put("status", s.status().label());
        node.put("error", safe(s.error()));
        errorType(node, s.errorType());
        node.put("request_count", s.requestCount());
        node.put("success_count", s.successCount());
        node.put("error_count", s.errorCount());
        ObjectNode byType = node.putObject("errors_by_type");
        s.errorsByType().forEach((type, n) -> byType.put(type.label(), n));
        ObjectNode tokens = node.putObject("tokens");
        tokens.put("prompt", s.tokens().prompt());
        tokens.put("completion", s.tokens().completion());
        tokens.put("reasoning", s.tokens().reasoning());
        tokens.put("visible", s.tokens().visible());
        tokens.put("estimated", s.tokens().estimated());
        tokens.put("source", s.tokens().source().label());
        tokens.put("prompt_cached", s.tokens().promptCached());
        tokens.put("prompt_cache_unknown", s.tokens().promptCacheUnknown());
        tokens.put("prompt_cache_known", s.tokens().promptCacheKnown());
        node.put("tokens_estimated", s.tokens().estimated());
        node.put("token_count_source", s.tokens().source().label());
        node.put("usage_corrected", s.usageCorrected());
        node.put("usage_mismatched", s.usageMismatched());
        number(node, "load_time_s", s.loadSeconds());
        ObjectNode load = node.putObject("load");
        knownInteger(load, "memory_bytes", s.loadMemory().totalBytes());
        knownInteger(load, "vram_bytes", s.loadMemory().vramBytes());
        loadDetails(load, s.loadDetails());
        node.set("warmup", warmup(s.warmup()));
        node.set("calibration", calibration(s.calibration()));
        if (s.load() == null) {
            node.putNull("load_test");
        } else {
            node.set("load_test", loadTest(s.load()));
        }
        ObjectNode throughput = node.putObject("throughput");
        number(throughput, "stream_toks_per_s_total", s.streamTokensPerSecondTotal());
        number(throughput, "nonstream_toks_per_s_total", s.nonStreamTokensPerSecondTotal());
        number(throughput, "completion_toks_per_s_total", s.completionTokensPerSecondTotal());
        number(node, "system_output_toks_per_s", s.systemOutputTokensPerSecond());
        number(node, "system_requests_per_s", s.systemRequestsPerSecond());
        ObjectNode distributions = node.putObject("distributions");
        distributions.set("ttft_s", distribution(s.ttft()));
        distributions.set("first_content_s", distribution(s.firstContent()));
        distributions.set("prefill_toks_per_s", distribution(s.prefillTokensPerSecond()));
        distributions.set("decode_toks_per_s", distribution(s.decodeTokensPerSecond()));
        distributions.set("tpot_s", distribution(s.tpot()));
        distributions.set("itl_s", distribution(s.interTokenLatency()));
        distributions.set("e2e_s", distribution(s.e2e()));
        distributions.set("completion_toks_per_s", distribution(s.completionTokensPerSecond()));
        ObjectNode server = node.putObject("server_distributions");
        server.set("tokens_per_second", distribution(s.serverTokensPerSecond()));
        server.set("ttft_s", distribution(s.serverTtft()));
        server.set("prompt_toks_per_s", distribution(s.serverPromptTokensPerSecond()));
        server.set("prompt_s", distribution(s.serverPromptSeconds()));
        node.set("draft_acceptance", distribution(s.draftAcceptance()));
        node.put("started_at", instant(s.startedAt()));
        node.put("finished_at", instant(s.finishedAt()));
        ArrayNode hardware = node.putArray("hardware");
        s.sideMetrics().forEach(m -> hardware.add(sideMetric(m)));
        ArrayNode samples = node.putArray("hardware_samples");
        if (!s.hardwareSamples().isEmpty()) {
            long first = s.hardwareSamples().getFirst().nanoTime();
            s.hardwareSamples().forEach(h -> samples.add(hardwareSample(h, first)));
        }
        return node;
    }

    /** A load stage's figures ({@code load_test}); docs/output-formats.md lists every field. */
    static ObjectNode loadTest(dev.lmsbench.core.load.LoadResult l) {
        ObjectNode node = NODES.objectNode();
        ObjectNode pattern = node.putObject("pattern");
        pattern.put("kind", l.pattern().kind());
        pattern.put("label", l.pattern().label());
        number(pattern, "rate", l.pattern().targetRate());
        pattern.put("concurrency", l.pattern().concurrency());
        number(pattern, "burstiness", l.pattern().burstiness());
        pattern.put("max_concurrency", l.maxConcurrency());
        pattern.put("seed", l.seed());
        ObjectNode workload = node.putObject("workload");
        workload.put("name", safe(l.workload()));
        ObjectNode params = workload.putObject("parameters");
        l.workloadParameters().forEach((k, v) -> params.put(safe(k), safe(v)));
        workload.put("length_source", l.lengthSource().label());
        node.put("sent", l.sent());
        node.put("measured", l.measured());
        node.put("completed", l.completed());
        node.put("failed", l.failed());
        number(node, "duration_s", l.durationSeconds());
        number(node, "achieved_rate", l.achievedRate());
        number(node, "request_throughput", l.requestThroughput());
        number(node, "output_throughput", l.outputThroughput());
        number(node, "total_token_throughput", l.totalTokenThroughput());
        node.put("input_tokens", l.inputTokens());
        node.put("output_tokens", l.outputTokens());
        knownInteger(node, "cached_prompt_tokens", l.cachedPromptTokens());
        node.set("ttft_ms", latency(l.ttftMs()));
        node.set("ttfc_ms", latency(l.ttfcMs()));
        node.set("tpot_ms", latency(l.tpotMs()));
        node.set("itl_ms", latency(l.itlMs()));
        node.set("e2e_ms", latency(l.e2eMs()));
        if (l.slo().any()) {
            ObjectNode goodput = node.putObject("goodput");
            ObjectNode slo = goodput.putObject("slo_ms");
            l.slo().limits().forEach(slo::put);
            goodput.put("good_requests", l.goodRequests());
            number(goodput, "requests_per_s", l.goodput());
            number(goodput, "good_fraction", l.goodFraction());
        } else {
            node.putNull("goodput");
        }
        ObjectNode errors = node.putObject("errors");
        l.errors().forEach((type, n) -> errors.put(type.label(), n));
        ObjectNode generator = node.putObject("generator");
        generator.put("healthy", l.generator().healthy());
        generator.set("send_lag_ms", latency(l.generator().sendLagMs()));
        generator.set("slot_wait_ms", latency(l.generator().slotWaitMs()));
        number(generator, "client_cpu_percent", l.generator().clientCpuPercent());
        number(generator, "machine_cpu_percent", l.generator().machineCpuPercent());
        generator.put("peak_in_flight", l.generator().peakInFlight());
        ArrayNode warnings = generator.putArray("warnings");
        l.generator().warnings().forEach(w -> warnings.add(safe(w)));
        ObjectNode metrics = node.putObject("server_metrics");
        l.serverCounters().forEach((k, v) -> number(metrics, safe(k), v));
        ObjectNode tags = node.putObject("tags");
        l.tags().forEach((k, v) -> tags.put(safe(k), safe(v)));
        return node;
    }

    /** A latency's statistics in milliseconds: count, mean, median, std (population), min, max, the percentiles. */
    static ObjectNode latency(dev.lmsbench.core.load.LatencyStats l) {
        ObjectNode node = NODES.objectNode();
        node.put("count", l.count());
        number(node, "mean", l.mean());
        number(node, "median", l.median());
        number(node, "std", l.stdev());
        number(node, "min", l.min());
        number(node, "max", l.max());
        ObjectNode ps = node.putObject("percentiles");
        l.percentiles().forEach((p, v) -> number(ps, dev.lmsbench.core.load.LatencyStats.name(p), v));
        return node;
    }

    /**
     * How the model was loaded and the loaded instance as the server reports it, into a model's {@code load} object:
     * unknown text is {@code ""}, unknown numbers are {@code null}, the lists are {@code []} when empty.
     */
    static void loadDetails(ObjectNode load, LoadDetails d) {
        load.put("method", safe(d.method()));
        load.put("instance_id", safe(d.instanceId()));
        knownInteger(load, "context_length", d.contextLength());
        knownInteger(load, "parallel", d.parallel());
        number(load, "gpu_offload", d.gpuOffload());
        knownInteger(load, "ttl_s", d.ttlSeconds());
        ArrayNode notes = load.putArray("notes");
        d.notes().forEach(n -> notes.add(safe(n)));
        ArrayNode duplicates = load.putArray("duplicate_instances");
        d.duplicateInstances().forEach(id -> duplicates.add(safe(id)));
    }

    /**
     * One raw profiling sample: seconds since the model's first sample, machine figures, one object per GPU;
     * unavailable figures are null.
     */
    static ObjectNode hardwareSample(HardwareSample h, long firstNanos) {
        ObjectNode node = NODES.objectNode();
        node.put("t_s", (h.nanoTime() - firstNanos) / 1e9);
        number(node, "cpu_load_pct", h.cpuLoad());
        knownInteger(node, "ram_used_bytes", h.ramUsedBytes());
        knownInteger(node, "swap_used_bytes", h.swapUsedBytes());
        knownInteger(node, "process_rss_bytes", h.processRssBytes());
        ArrayNode gpus = node.putArray("gpus");
        for (GpuSample g : h.gpus()) {
            ObjectNode gpu = gpus.addObject();
            gpu.put("index", g.index());
            knownInteger(gpu, "vram_used_bytes", g.vramUsedBytes());
            knownInteger(gpu, "vram_total_bytes", g.vramTotalBytes());
            knownInteger(gpu, "gtt_used_bytes", g.gttUsedBytes());
            number(gpu, "gpu_util_pct", g.gpuUtilization());
            number(gpu, "mem_util_pct", g.memoryUtilization());
            number(gpu, "power_w", g.powerWatts());
            number(gpu, "power_limit_w", g.powerLimitWatts());
            number(gpu, "temp_c", g.temperatureCelsius());
            knownInteger(gpu, "core_clock_mhz", g.coreClockMhz());
            knownInteger(gpu, "mem_clock_mhz", g.memoryClockMhz());
            knownInteger(gpu, "pcie_gen", g.pcieGeneration());
            knownInteger(gpu, "pcie_width", g.pcieWidth());
        }
        return node;
    }

    /** One side metric: {@code {name, unit, aggregation, value}}, the same shape for every kind of figure. */
    static ObjectNode sideMetric(SideMetric m) {
        ObjectNode node = NODES.objectNode();
        node.put("name", m.name());
        node.put("unit", m.unit());
        node.put("aggregation", m.aggregation().label());
        number(node, "value", m.value());
        return node;
    }

    static ObjectNode model(ModelInfo m) {
        ObjectNode node = NODES.objectNode();
        node.put("id", safe(m.id()));
        node.put("type", safe(m.type()));
        node.put("publisher", safe(m.publisher()));
        node.put("architecture", safe(m.architecture()));
        node.put("quantization", safe(m.quantization()));
        knownInteger(node, "size_bytes", m.sizeBytes());
        knownInteger(node, "max_context_length", m.maxContextLength());
        node.put("params", safe(m.params()));
        ArrayNode capabilities = node.putArray("capabilities");
        m.capabilities().forEach(c -> capabilities.add(c.label()));
        return node;
    }

    static ObjectNode warmup(WarmupStats w) {
        ObjectNode node = NODES.objectNode();
        node.put("count", w.count());
        number(node, "first_ttft_s", w.firstTtftSeconds());
        number(node, "subsequent_ttft_s", w.subsequentTtftSeconds());
        number(node, "load_estimate_s", w.loadEstimateSeconds());
        return node;
    }

    static ObjectNode distribution(Distribution d) {
        ObjectNode node = NODES.objectNode();
        node.put("count", d.count());
        number(node, "min", d.min());
        number(node, "mean", d.mean());
        number(node, "stdev", d.stdev());
        number(node, "p50", d.p50());
        number(node, "p90", d.p90());
        number(node, "p95", d.p95());
        number(node, "p99", d.p99());
        number(node, "max", d.max());
        return node;
    }

    /** One request, as in {@code results.json}'s {@code requests}. */
    static ObjectNode request(RequestResult r) {
        ObjectNode node = NODES.objectNode();
        node.put("model", safe(r.model()));
        node.put("ctx", r.contextLength());
        node.put("par", r.parallel());
        node.put("idx", r.index());
        node.put("run_mode", r.mode().label());
        node.put("warmup", r.warmup());
        node.put("started_at", instant(r.startedAt()));
        node.put("ok", r.success());
        node.put("error", safe(r.error()));
        errorType(node, r.errorType());
        if (r.errorType() == ErrorType.HTTP_STATUS && r.httpStatus() > 0) {
            node.put("http_status", r.httpStatus());
        } else {
            node.putNull("http_status");
        }
        node.put("attempts", r.attempts());
        node.put("error_final", r.errorFinal());
        node.put("finish_reason", safe(r.finishReason()));
        number(node, "wall_s", r.wallSeconds());
        number(node, "ttft_s", r.ttftSeconds());
        number(node, "first_content_s", r.firstContentSeconds());
        number(node, "prefill_toks_per_s", r.prefillTokensPerSecond());
        number(node, "decode_toks_per_s", r.decodeTokensPerSecond());
        number(node, "tpot_s", r.tpotSeconds());
        number(node, "completion_toks_per_s", r.completionTokensPerSecond());
        node.put("prompt_tokens", r.usage().promptTokens());
        knownInteger(node, "prompt_tokens_cached", r.usage().promptCachedTokens());
        node.put("completion_tokens", r.usage().completionTokens());
        node.put("reasoning_tokens", r.usage().reasoningTokens());
        node.put("visible_tokens", r.usage().visibleTokens());
        node.put("tokens_estimated", r.usage().estimated());
        node.put("token_count_source", r.usage().source().label());
        node.put("chunk_count", r.timings().tokenChunkCount());
        node.set("usage_check", usageCheck(r.usageCheck()));
        node.set("server_stats", serverStats(r.serverStats()));
        return node;
    }

    /**
     * How a streamed answer's reported {@code completion_tokens} compared with the chunks counted: {@code null} when
     * not compared (non-streamed calls, failures, answers without usage).
     */
    static JsonNode usageCheck(UsageCheck c) {
        if (c.verdict() == UsageCheck.Verdict.NOT_CHECKED) {
            return NODES.nullNode();
        }
        ObjectNode node = NODES.objectNode();
        node.put("verdict", c.verdict().label());
        knownInteger(node, "streamed_chunks", c.streamedChunks());
        knownInteger(node, "reported_completion_tokens", c.reportedCompletionTokens());
        return node;
    }

    /**
     * What the server reported about speculative decoding for a request: {@code null} when it said nothing (no
     * draft model); unknown counts and an undefined acceptance rate are {@code null}.
     */
    static JsonNode draft(DraftStats d) {
        if (!d.present()) {
            return NODES.nullNode();
        }
        ObjectNode node = NODES.objectNode();
        node.put("draft_model", safe(d.draftModel()));
        knownInteger(node, "total_tokens", d.totalTokens());
        knownInteger(node, "accepted_tokens", d.acceptedTokens());
        knownInteger(node, "rejected_tokens", d.rejectedTokens());
        knownInteger(node, "ignored_tokens", d.ignoredTokens());
        number(node, "acceptance_rate", d.acceptanceRate());
        return node;
    }

    /**
     * What the server itself reported about a request, labelled by {@code source}; a JSON {@code null} when it reported
     * nothing. Figures it did not report are {@code null}.
     */
    static JsonNode serverStats(ServerStats s) {
        if (!s.present()) {
            return NODES.nullNode();
        }
        ObjectNode node = NODES.objectNode();
        node.put("source", s.source());
        number(node, "tokens_per_second", s.tokensPerSecond());
        number(node, "time_to_first_token_s", s.timeToFirstTokenSeconds());
        number(node, "generation_time_s", s.generationTimeSeconds());
        node.put("stop_reason", safe(s.stopReason()));
        number(node, "prompt_toks_per_s", s.promptTokensPerSecond());
        number(node, "prompt_s", s.promptSeconds());
        knownInteger(node, "prompt_tokens", s.promptTokens());
        knownInteger(node, "cached_tokens", s.cachedTokens());
        knownInteger(node, "generated_tokens", s.generatedTokens());
        number(node, "model_load_s", s.modelLoadSeconds());
        node.set("draft", draft(s.draft()));
        return node;
    }

    /** ISO-8601 in UTC, e.g. {@code 2026-11-25T14:46:30.250Z}. */
    static String instant(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    /** Puts a double as a plain JSON number, or {@code null} when it is {@code NaN} or infinite. */
    static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.set(name, DecimalNode.valueOf(plain(value)));
        } else {
            node.putNull(name);
        }
    }

    /** Shortest round-trip digits, no exponent, at least one decimal place so the JSON type never looks integral. */
    static BigDecimal plain(double value) {
        BigDecimal d = BigDecimal.valueOf(value).stripTrailingZeros();
        return d.scale() < 1 ? d.setScale(1) : d;
    }

    /** Puts an optional setting: {@code null} when unset, else the integer. */
    private static void optional(ObjectNode node, String name, Integer value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value.intValue());
        }
    }

    /** Puts an optional setting: {@code null} when unset, else the number as {@link #number} writes it. */
    private static void optional(ObjectNode node, String name, Double value) {
        number(node, name, value == null ? Double.NaN : value);
    }

    /** Puts an optional setting: {@code null} when unset, else the boolean. */
    private static void optional(ObjectNode node, String name, Boolean value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value.booleanValue());
        }
    }

    /** Puts an optional setting: {@code null} when unset, else the text. */
    private static void optional(ObjectNode node, String name, String value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    private static void knownInteger(ObjectNode node, String name, long value) {
        if (value < 0) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }
}
