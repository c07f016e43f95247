package dev.lmsbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.DraftStats;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadDetails;
import dev.lmsbench.core.model.LoadMemory;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.PromptCache;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.model.UsageCheck;
import dev.lmsbench.core.model.WarmupStats;
import dev.lmsbench.core.stats.Distribution;
import dev.lmsbench.core.text.SafeText;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code results.json} written by this tool back into a {@link BenchmarkReport}: the inverse of the JSON
 * mapping. Bounded (at most {@link #MAX_BYTES} bytes, nesting depth {@link #MAX_DEPTH}, {@link #MAX_TOKEN_CHUNKS}
 * token chunks) and validated: another schema version, a missing or mistyped field, a value a record refuses is an
 * {@link InvalidResultsException} naming the file and where the field is ({@code models[1].distributions: missing
 * field 'ttft_s'}), on one line.
 *
 * <p>Guarantee: writing the report read back gives the same {@code results.json}, byte for byte (and so the same
 * CSV files): every field the mapping writes is read, every number is the same double (the file holds each double's
 * shortest round-trip digits), every derived figure is recomputed from the same inputs. What the file does not
 * hold is rebuilt so that it maps to the same text: a request's timings are offsets from a send time of 0 (its
 * seconds converted back to the nanosecond), its token chunks' arrival offsets are spread evenly between its first
 * and last token ({@code chunk_count} of them), hardware samples' times are offsets from the model's first sample.
 * Not in the file and so not read back: the headers and first-byte times, the GPUs' names in samples and the
 * machine's RAM total in samples, the response texts; {@code best_settings} and {@code error_final} are derived
 * (from the models and from {@code attempts}) and not read.
 *
 * <p>{@code BenchmarkReport r = ResultsJsonReader.read(Path.of("results/results.json"));} Thread-safe.
 */
public final class ResultsJsonReader {

    /** Largest file read: far above any real run (a 200-model run with 10 requests each is a few MB). */
    public static final long MAX_BYTES = 256L * 1024 * 1024;

    /** Deepest nesting accepted; our files nest about six levels. */
    public static final int MAX_DEPTH = 64;

    /**
     * Most token chunks all requests of a file may claim in all ({@code chunk_count}): their offsets are rebuilt in
     * memory (8 bytes each), so a hostile count must not exhaust the heap. A 200-model run of 10 requests of 4096
     * tokens has 8 million.
     */
    public static final long MAX_TOKEN_CHUNKS = 32L * 1024 * 1024;

    /** Largest time offset or duration accepted, in seconds (a year): keeps nanoseconds exact and in range. */
    static final double MAX_OFFSET_SECONDS = 365.0 * 24 * 3600;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .build();

    /** A results file that cannot be read: the message names the file and what is wrong, on one line. */
    public static final class InvalidResultsException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidResultsException(String message) {
            super(message);
        }
    }

    private ResultsJsonReader() {
    }

    /**
     * Reads a results file.
     *
     * @param file the {@code results.json}
     * @return the report
     * @throws InvalidResultsException when it is not one of our results files (of this schema version)
     * @throws IOException             when it cannot be read
     */
    public static BenchmarkReport read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new InvalidResultsException(file + ": too large (" + size + " bytes, at most " + MAX_BYTES + ")");
        }
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw new InvalidResultsException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        try {
            return report(root);
        } catch (Bad e) {
            throw new InvalidResultsException(file + ": " + e.getMessage());
        }
    }

    /** A validation failure inside the tree, turned into an {@link InvalidResultsException} naming the file. */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Bad(String message) {
            super(message, null, false, false);
        }
    }

    static BenchmarkReport report(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new Bad("not a results.json object");
        }
        JsonNode version = root.get("schema_version");
        if (version == null || !version.isInt()) {
            throw new Bad("no schema_version: not a results.json");
        }
        if (version.intValue() != JsonMapping.SCHEMA_VERSION) {
            throw new Bad("schema_version " + version.intValue() + " is not supported (this version reads "
                    + JsonMapping.SCHEMA_VERSION + ")");
        }
        JsonNode run = object(root, "run");
        String toolVersion = text(object(root, "tool"), "version");
        RunInfo info = within("run", () -> new RunInfo(text(run, "run_id"), instant(run, "started_at"),
                text(run, "endpoint"), within("settings", () -> settings(object(run, "settings"))), toolVersion,
                server(object(run, "server")), bool(run, "profiling"), integer(run, "measurement_version")));
        RunStatus status = label(RunStatus.values(), text(run, "status"), RunStatus::label, "run.status");
        Instant finishedAt = within("run", () -> instant(run, "finished_at"));
        HardwareInfo hardware = within("hardware", () -> hardwareInfo(field(root, "hardware")));
        List<ModelSummary> models = new ArrayList<>();
        int i = 0;
        for (JsonNode m : array(root, "models")) {
            models.add(within("models[" + i++ + "]", () -> modelSummary(m)));
        }
        List<RequestResult> requests = new ArrayList<>();
        Budget budget = new Budget();
        i = 0;
        for (JsonNode r : array(root, "requests")) {
            requests.add(within("requests[" + i++ + "]", () -> request(r, budget)));
        }
        return new BenchmarkReport(info, status, finishedAt, models, requests, hardware);
    }

    /** Runs a part of the reading, prefixing a failure (or a value a record refused) with where it happened. */
    private static <T> T within(String where, java.util.function.Supplier<T> part) {
        try {
            return part.get();
        } catch (Bad e) {
            throw new Bad(where + ": " + e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Bad(where + ": invalid value (" + SafeText.oneLine(String.valueOf(e.getMessage()), 200)
                    + ")");
        }
    }

    /** How many token chunks the requests may claim in all: their arrival offsets are rebuilt in memory. */
    private static final class Budget {
        private long chunks;

        void take(int n) {
            chunks += n;
            if (chunks > MAX_TOKEN_CHUNKS) {
                throw new Bad("field 'chunk_count': more token chunks in all than a results file may hold ("
                        + MAX_TOKEN_CHUNKS + ")");
            }
        }
    }

    private static BenchmarkSettings settings(JsonNode s) {
        JsonNode sampling = object(s, "sampling");
        JsonNode l = object(s, "load");
        SamplingParams params = new SamplingParams(number(sampling, "temperature"),
                optionalInteger(sampling, "top_k"), optionalNumber(sampling, "top_p"),
                optionalNumber(sampling, "min_p"), optionalNumber(sampling, "repeat_penalty"));
        LoadConfig load = new LoadConfig(integer(l, "context_length"), optionalInteger(l, "n_gpu_layers"),
                optionalInteger(l, "n_batch"), optionalInteger(l, "n_threads"), optionalBool(l, "flash_attention"),
                optionalNumber(l, "rope_freq_base"), optionalNumber(l, "rope_freq_scale"),
                optionalBool(l, "use_mmap"), optionalBool(l, "use_mlock"), optionalText(l, "kv_cache_quant"),
                optionalInteger(l, "ttl_s"), optionalInteger(l, "num_experts"),
                optionalBool(l, "offload_kv_cache_to_gpu"), optionalInteger(l, "parallel"),
                optionalNumber(l, "gpu_offload"));
        double timeout = number(s, "request_timeout_s");
        if (!(timeout > 0) || timeout > 1e9) {
            throw new Bad("field 'request_timeout_s' is not a positive number of seconds");
        }
        return new BenchmarkSettings(text(s, "prompt"), integer(s, "max_tokens"), integer(s, "runs"),
                integer(s, "warmup_runs"), integer(s, "parallel"), Duration.ofNanos(Math.round(timeout * 1e9)),
                bool(s, "non_streaming"), params, load, PromptCache.fromLabel(text(s, "prompt_cache")),
                text(s, "draft_model"));
    }

    private static ServerInfo server(JsonNode s) {
        return new ServerInfo(text(s, "base_url"), text(s, "kind"), text(s, "version"), text(s, "runtime"));
    }

    /** The machine as profiling detected it; {@code null} when the run was not profiled. */
    private static HardwareInfo hardwareInfo(JsonNode h) {
        if (h.isNull()) {
            return null;
        }
        if (!h.isObject()) {
            throw new Bad("field 'hardware' is not an object");
        }
        List<HardwareInfo.Gpu> gpus = new ArrayList<>();
        for (JsonNode g : array(h, "gpus")) {
            gpus.add(new HardwareInfo.Gpu(integer(g, "index"), text(g, "name"), text(g, "uuid"),
                    integerOr(g, "vram_total_bytes", -1)));
        }
        return new HardwareInfo(text(h, "os"), text(h, "cpu_model"), integer(h, "physical_cores"),
                integer(h, "logical_cores"), integerOr(h, "ram_total_bytes", -1), text(h, "gpu_backend"),
                text(h, "driver"), gpus, texts(h, "notes"));
    }

    private static ModelSummary modelSummary(JsonNode n) {
        JsonNode m = object(n, "model");
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        for (JsonNode c : array(m, "capabilities")) {
            if (!c.isTextual()) {
                throw new Bad("field 'capabilities' holds a value that is not text");
            }
            capabilities.add(label(Capability.values(), c.textValue(), Capability::label, "capabilities"));
        }
        ModelInfo model = new ModelInfo(text(m, "id"), text(m, "type"), text(m, "publisher"), text(m, "architecture"),
                text(m, "quantization"), integerOr(m, "size_bytes", -1), intOr(m, "max_context_length", -1),
                text(m, "params"), capabilities);
        JsonNode tokens = object(n, "tokens");
        ModelSummary.TokenTotals totals = new ModelSummary.TokenTotals(longInteger(tokens, "prompt"),
                longInteger(tokens, "completion"), longInteger(tokens, "reasoning"),
                label(TokenCountSource.values(), text(tokens, "source"), TokenCountSource::label, "tokens.source"),
                longInteger(tokens, "prompt_cached"), integer(tokens, "prompt_cache_unknown"));
        JsonNode w = object(n, "warmup");
        WarmupStats warmup = new WarmupStats(integer(w, "count"), number(w, "first_ttft_s"),
                number(w, "subsequent_ttft_s"), number(w, "load_estimate_s"));
        JsonNode d = object(n, "distributions");
        JsonNode sd = object(n, "server_distributions");
        JsonNode throughput = object(n, "throughput");
        List<SideMetric> side = new ArrayList<>();
        for (JsonNode h : array(n, "hardware")) {
            side.add(new SideMetric(text(h, "name"), text(h, "unit"),
                    label(SideMetric.Aggregation.values(), text(h, "aggregation"), SideMetric.Aggregation::label,
                            "hardware.aggregation"), number(h, "value")));
        }
        List<HardwareSample> samples = new ArrayList<>();
        for (JsonNode h : array(n, "hardware_samples")) {
            samples.add(hardwareSample(h));
        }
        Map<ErrorType, Integer> byType = new EnumMap<>(ErrorType.class);
        for (Map.Entry<String, JsonNode> e : object(n, "errors_by_type").properties()) {
            JsonNode count = e.getValue();
            if (!count.isInt() || count.intValue() < 1) {
                throw new Bad("field 'errors_by_type' holds a count that is not a positive integer");
            }
            byType.put(label(ErrorType.values(), e.getKey(), ErrorType::label, "errors_by_type"), count.intValue());
        }
        JsonNode load = object(n, "load");
        LoadMemory memory = new LoadMemory(integerOr(load, "memory_bytes", LoadMemory.UNKNOWN_BYTES),
                integerOr(load, "vram_bytes", LoadMemory.UNKNOWN_BYTES));
        LoadDetails details = new LoadDetails(text(load, "method"), text(load, "instance_id"),
                intOr(load, "context_length", -1), intOr(load, "parallel", -1), number(load, "gpu_offload"),
                intOr(load, "ttl_s", -1), texts(load, "notes"), texts(load, "duplicate_instances"));
        return new ModelSummary(model, integer(n, "ctx"), integer(n, "par"),
                label(RunStatus.values(), text(n, "status"), RunStatus::label, "status"), text(n, "error"),
                integer(n, "request_count"), integer(n, "success_count"), integer(n, "error_count"),
                distribution(d, "ttft_s"), distribution(d, "first_content_s"), distribution(d, "prefill_toks_per_s"),
                distribution(d, "decode_toks_per_s"), distribution(d, "tpot_s"), distribution(d, "itl_s"),
                distribution(d, "e2e_s"), distribution(d, "completion_toks_per_s"),
                number(throughput, "stream_toks_per_s_total"), number(throughput, "nonstream_toks_per_s_total"),
                number(throughput, "completion_toks_per_s_total"), totals, warmup, number(n, "load_time_s"),
                instant(n, "started_at"), instant(n, "finished_at"), distribution(sd, "tokens_per_second"),
                distribution(sd, "ttft_s"), side, samples, errorType(n), byType, number(n, "system_output_toks_per_s"),
                number(n, "system_requests_per_s"), distribution(sd, "prompt_toks_per_s"),
                distribution(sd, "prompt_s"), memory, details, distribution(n, "draft_acceptance"),
                integer(n, "usage_corrected"), integer(n, "usage_mismatched"),
                within("calibration", () -> calibration(object(n, "calibration"))),
                n.hasNonNull("load_test") ? within("load_test", () -> loadTest(object(n, "load_test"))) : null);
    }

    /** A load stage's figures, as {@code JsonMapping.loadTest} writes them. */
    private static dev.lmsbench.core.load.LoadResult loadTest(JsonNode l) {
        JsonNode p = object(l, "pattern");
        String kind = text(p, "kind");
        double rate = number(p, "rate");
        dev.lmsbench.core.load.ArrivalPattern pattern;
        try {
            pattern = switch (kind) {
                case "synchronous" -> new dev.lmsbench.core.load.ArrivalPattern.Synchronous();
                case "concurrency" -> new dev.lmsbench.core.load.ArrivalPattern.Concurrency(integer(p, "concurrency"));
                case "constant" -> new dev.lmsbench.core.load.ArrivalPattern.ConstantRate(rate);
                case "poisson" -> new dev.lmsbench.core.load.ArrivalPattern.Poisson(rate);
                case "gamma" -> new dev.lmsbench.core.load.ArrivalPattern.Gamma(rate, number(p, "burstiness"));
                case "max" -> new dev.lmsbench.core.load.ArrivalPattern.MaxThroughput();
                default -> throw new Bad("field 'pattern.kind' is not a known pattern: '" + kind + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new Bad("field 'pattern': " + e.getMessage());
        }
        JsonNode w = object(l, "workload");
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object(w, "parameters").properties()) {
            if (!e.getValue().isTextual()) {
                throw new Bad("field 'workload.parameters' holds a value that is not text");
            }
            params.put(e.getKey(), e.getValue().textValue());
        }
        dev.lmsbench.core.load.Slo slo = dev.lmsbench.core.load.Slo.NONE;
        int good = -1;
        double goodput = Double.NaN;
        if (l.hasNonNull("goodput")) {
            JsonNode g = object(l, "goodput");
            JsonNode limits = object(g, "slo_ms");
            slo = new dev.lmsbench.core.load.Slo(limits.has("ttft") ? number(limits, "ttft") : Double.NaN,
                    limits.has("tpot") ? number(limits, "tpot") : Double.NaN,
                    limits.has("e2e") ? number(limits, "e2e") : Double.NaN);
            good = integer(g, "good_requests");
            goodput = number(g, "requests_per_s");
        }
        Map<ErrorType, Integer> errors = new EnumMap<>(ErrorType.class);
        for (Map.Entry<String, JsonNode> e : object(l, "errors").properties()) {
            if (!e.getValue().isInt() || e.getValue().intValue() < 1) {
                throw new Bad("field 'errors' holds a count that is not a positive integer");
            }
            errors.put(label(ErrorType.values(), e.getKey(), ErrorType::label, "errors"), e.getValue().intValue());
        }
        JsonNode g = object(l, "generator");
        dev.lmsbench.core.load.GeneratorHealth health = new dev.lmsbench.core.load.GeneratorHealth(
                latency(g, "send_lag_ms"), latency(g, "slot_wait_ms"), number(g, "client_cpu_percent"),
                number(g, "machine_cpu_percent"), integer(g, "peak_in_flight"), texts(g, "warnings"));
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        JsonNode serverMetrics = object(l, "server_metrics");
        for (Map.Entry<String, JsonNode> e : serverMetrics.properties()) {
            metrics.put(e.getKey(), number(serverMetrics, e.getKey()));
        }
        return new dev.lmsbench.core.load.LoadResult(pattern, integer(p, "max_concurrency"), longInteger(p, "seed"),
                text(w, "name"), params, label(dev.lmsbench.core.model.TokenCountSource.values(),
                text(w, "length_source"), dev.lmsbench.core.model.TokenCountSource::label, "length_source"),
                integer(l, "sent"), integer(l, "measured"), integer(l, "completed"), integer(l, "failed"),
                number(l, "duration_s"), number(l, "achieved_rate"), number(l, "request_throughput"),
                number(l, "output_throughput"), number(l, "total_token_throughput"), longInteger(l, "input_tokens"),
                longInteger(l, "output_tokens"), integerOr(l, "cached_prompt_tokens", -1), latency(l, "ttft_ms"),
                l.hasNonNull("ttfc_ms") ? latency(l, "ttfc_ms") : noValues(latency(l, "ttft_ms")),
                latency(l, "tpot_ms"), latency(l, "itl_ms"), latency(l, "e2e_ms"), slo, good, goodput, errors,
                health, metrics, tags(l));
    }

    /** A load stage's tags; files written before tags existed have none. */
    private static Map<String, String> tags(JsonNode l) {
        Map<String, String> tags = new java.util.TreeMap<>();
        if (!l.hasNonNull("tags")) {
            return tags;
        }
        for (Map.Entry<String, JsonNode> e : object(l, "tags").properties()) {
            if (!e.getValue().isTextual()) {
                throw new Bad("field 'tags' holds a value that is not text");
            }
            tags.put(e.getKey(), e.getValue().textValue());
        }
        return tags; // LoadResult checks them (one line, within the limits)
    }

    /** Statistics of no values with the percentiles of {@code like} (a figure a file has not got). */
    private static dev.lmsbench.core.load.LatencyStats noValues(dev.lmsbench.core.load.LatencyStats like) {
        return dev.lmsbench.core.load.LatencyStats.of(new double[0], List.copyOf(like.percentiles().keySet()));
    }

    /** A latency's statistics; the percentiles' names (p50, p99.9) give their keys. */
    private static dev.lmsbench.core.load.LatencyStats latency(JsonNode parent, String name) {
        JsonNode d = object(parent, name);
        Map<Double, Double> ps = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object(d, "percentiles").properties()) {
            String key = e.getKey();
            double p;
            try {
                p = Double.parseDouble(key.startsWith("p") ? key.substring(1) : "x");
            } catch (NumberFormatException ex) {
                throw new Bad("field '" + name + ".percentiles' has a key that is not pNN: '" + key + "'");
            }
            ps.put(p, number(object(d, "percentiles"), key));
        }
        return new dev.lmsbench.core.load.LatencyStats(integer(d, "count"), number(d, "mean"), number(d, "median"),
                number(d, "std"), number(d, "min"), number(d, "max"), ps);
    }

    /** A model's prompt calibration; {@code within_tolerance} null (not sized) reads as false. */
    private static dev.lmsbench.core.model.PromptCalibration calibration(JsonNode c) {
        Boolean within = optionalBool(c, "within_tolerance");
        return new dev.lmsbench.core.model.PromptCalibration(integer(c, "target_prompt_tokens"),
                number(c, "chars_per_token"), intOr(c, "calibrated_prompt_tokens", -1), integer(c, "calls"),
                within != null && within, text(c, "source"));
    }

    /**
     * One raw sample. The file holds seconds since the model's first sample ({@code t_s}); the sample's
     * {@link HardwareSample#nanoTime()} becomes that offset in nanoseconds (the first sample at 0), which the mapping
     * turns back into the same {@code t_s}. The machine's RAM total and the GPUs' names are not in the file.
     */
    private static HardwareSample hardwareSample(JsonNode h) {
        double t = number(h, "t_s");
        if (!(t >= 0) || t > MAX_OFFSET_SECONDS) {
            throw new Bad("field 't_s' is not a time offset in seconds");
        }
        List<GpuSample> gpus = new ArrayList<>();
        for (JsonNode g : array(h, "gpus")) {
            gpus.add(new GpuSample(integer(g, "index"), "", integerOr(g, "vram_used_bytes", -1),
                    integerOr(g, "vram_total_bytes", -1), integerOr(g, "gtt_used_bytes", -1),
                    number(g, "gpu_util_pct"), number(g, "mem_util_pct"), number(g, "power_w"),
                    number(g, "power_limit_w"), number(g, "temp_c"), intOr(g, "core_clock_mhz", -1),
                    intOr(g, "mem_clock_mhz", -1), intOr(g, "pcie_gen", -1), intOr(g, "pcie_width", -1)));
        }
        return new HardwareSample(Math.round(t * 1e9), number(h, "cpu_load_pct"), integerOr(h, "ram_used_bytes", -1),
                -1, integerOr(h, "swap_used_bytes", -1), integerOr(h, "process_rss_bytes", -1), gpus);
    }

    private static ErrorType errorType(JsonNode n) {
        JsonNode type = field(n, "error_type");
        if (type.isNull()) {
            return ErrorType.NONE;
        }
        if (!type.isTextual()) {
            throw new Bad("field 'error_type' is not text");
        }
        return label(ErrorType.values(), type.textValue(), ErrorType::label, "error_type");
    }

    private static Distribution distribution(JsonNode parent, String name) {
        JsonNode d = object(parent, name);
        return new Distribution(integer(d, "count"), number(d, "min"), number(d, "mean"), number(d, "stdev"),
                number(d, "p50"), number(d, "p90"), number(d, "p95"), number(d, "p99"), number(d, "max"));
    }

    /**
     * One request. The file holds the figures in seconds and the number of token chunks, not the client's clock: the
     * timings are rebuilt as offsets from a send time of 0, to the nanosecond (seconds below 2^53 ns convert back
     * exactly), with the last token placed where the decode speed says. The chunks' arrival offsets, which the file
     * does not hold, are spread evenly from the first token to the last; headers and first byte are absent.
     */
    private static RequestResult request(JsonNode n, Budget budget) {
        boolean ok = bool(n, "ok");
        String error = text(n, "error");
        if (ok != error.isEmpty()) {
            throw new Bad("ok and error disagree");
        }
        RunMode mode = label(RunMode.values(), text(n, "run_mode"), RunMode::label, "run_mode");
        int completion = integer(n, "completion_tokens");
        long end = nanos(number(n, "wall_s"), "wall_s");
        long first = nanos(number(n, "ttft_s"), "ttft_s");
        long firstContent = nanos(number(n, "first_content_s"), "first_content_s");
        double decode = number(n, "decode_toks_per_s");
        long last = RequestTimings.ABSENT;
        if (first >= 0 && Double.isFinite(decode) && decode > 0 && completion >= 2) {
            last = first + nanos((completion - 1) / decode, "decode_toks_per_s");
        }
        int chunks = integer(n, "chunk_count");
        if (chunks < 0) {
            throw new Bad("field 'chunk_count' is negative");
        }
        budget.take(chunks);
        RequestTimings timings = new RequestTimings(0, RequestTimings.ABSENT, RequestTimings.ABSENT, first,
                firstContent, last, end, spread(chunks, first, last));
        TokenCountSource source = label(TokenCountSource.values(), text(n, "token_count_source"),
                TokenCountSource::label, "token_count_source");
        TokenUsage usage = new TokenUsage(integer(n, "prompt_tokens"), completion, integer(n, "reasoning_tokens"),
                source, intOr(n, "prompt_tokens_cached", TokenUsage.UNKNOWN));
        return new RequestResult(text(n, "model"), integer(n, "ctx"), integer(n, "par"), integer(n, "idx"),
                bool(n, "warmup"), mode, instant(n, "started_at"), timings, usage, text(n, "finish_reason"), error,
                within("server_stats", () -> serverStats(field(n, "server_stats"))), errorType(n),
                intOr(n, "http_status", -1), within("usage_check", () -> usageCheck(field(n, "usage_check"))),
                attempts(n));
    }

    /** The calls made for a request: a positive integer ({@code error_final} is derived from it and not read). */
    private static int attempts(JsonNode n) {
        int attempts = integer(n, "attempts");
        if (attempts < 1) {
            throw new Bad("field 'attempts' is not a positive integer");
        }
        return attempts;
    }

    /** {@code count} offsets from {@code first} to {@code last}, evenly spaced; at {@code first} without a last. */
    private static long[] spread(int count, long first, long last) {
        long[] offsets = new long[count];
        long from = Math.max(first, 0);
        long to = Math.max(last, from);
        for (int i = 0; i < count; i++) {
            offsets[i] = count == 1 ? from : from + Math.round((double) (to - from) * i / (count - 1));
        }
        if (count > 0) {
            offsets[count - 1] = count == 1 ? from : to;
        }
        return offsets;
    }

    private static ServerStats serverStats(JsonNode s) {
        if (s.isNull()) {
            return ServerStats.NONE;
        }
        if (!s.isObject()) {
            throw new Bad("not an object");
        }
        String source = text(s, "source");
        if (source.isEmpty()) {
            throw new Bad("field 'source' is empty");
        }
        return new ServerStats(number(s, "tokens_per_second"), number(s, "time_to_first_token_s"),
                number(s, "generation_time_s"), text(s, "stop_reason"), source, number(s, "prompt_toks_per_s"),
                number(s, "prompt_s"), intOr(s, "prompt_tokens", -1), intOr(s, "cached_tokens", -1),
                intOr(s, "generated_tokens", -1), within("draft", () -> draft(field(s, "draft"))),
                number(s, "model_load_s"));
    }

    private static DraftStats draft(JsonNode d) {
        if (d.isNull()) {
            return DraftStats.NONE;
        }
        if (!d.isObject()) {
            throw new Bad("not an object");
        }
        DraftStats draft = new DraftStats(text(d, "draft_model"), intOr(d, "total_tokens", -1),
                intOr(d, "accepted_tokens", -1), intOr(d, "rejected_tokens", -1), intOr(d, "ignored_tokens", -1));
        if (!draft.present()) {
            throw new Bad("no draft figure in it");
        }
        return draft;
    }

    private static UsageCheck usageCheck(JsonNode c) {
        if (c.isNull()) {
            return UsageCheck.NOT_CHECKED;
        }
        if (!c.isObject()) {
            throw new Bad("not an object");
        }
        UsageCheck.Verdict verdict = label(UsageCheck.Verdict.values(), text(c, "verdict"),
                UsageCheck.Verdict::label, "verdict");
        if (verdict == UsageCheck.Verdict.NOT_CHECKED) {
            throw new Bad("field 'verdict' has an unknown value");
        }
        return new UsageCheck(verdict, intOr(c, "streamed_chunks", -1), intOr(c, "reported_completion_tokens", -1));
    }

    /** Nanoseconds of a non-negative figure in seconds; {@link RequestTimings#ABSENT} for {@code null}. */
    private static long nanos(double seconds, String field) {
        if (Double.isNaN(seconds)) {
            return RequestTimings.ABSENT;
        }
        if (!(seconds >= 0) || seconds > MAX_OFFSET_SECONDS) {
            throw new Bad("field '" + field + "' is not a duration in seconds");
        }
        return Math.round(seconds * 1e9);
    }

    private static JsonNode field(JsonNode parent, String name) {
        JsonNode v = parent.get(name);
        if (v == null) {
            throw new Bad("missing field '" + name + "'");
        }
        return v;
    }

    private static JsonNode object(JsonNode parent, String name) {
        JsonNode v = field(parent, name);
        if (!v.isObject()) {
            throw new Bad("field '" + name + "' is not an object");
        }
        return v;
    }

    private static Iterable<JsonNode> array(JsonNode parent, String name) {
        JsonNode v = field(parent, name);
        if (!v.isArray()) {
            throw new Bad("field '" + name + "' is not an array");
        }
        return v;
    }

    private static String text(JsonNode parent, String name) {
        JsonNode v = field(parent, name);
        if (!v.isTextual()) {
            throw new Bad("field '" + name + "' is not text");
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode parent, String name) {
        JsonNode v = field(parent, name);
        if (!v.isBoolean()) {
            throw new Bad("field '" + name + "' is not true/false");
        }
        return v.booleanValue();
    }

    private static int integer(JsonNode parent, String name) {
        JsonNode v = field(parent, name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new Bad("field '" + name + "' is not an integer");
        }
        return v.intValue();
    }

    private static long integerOr(JsonNode parent, String name, long unknown) {
        JsonNode v = field(parent, name);
        if (v.isNull()) {
            return unknown;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new Bad("field '" + name + "' is not an integer");
        }
        return v.longValue();
    }

    private static long longInteger(JsonNode parent, String name) {
        JsonNode v = field(parent, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new Bad("field '" + name + "' is not an integer");
        }
        return v.longValue();
    }

    private static int intOr(JsonNode parent, String name, int unknown) {
        long v = integerOr(parent, name, unknown);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new Bad("field '" + name + "' is not an integer");
        }
        return (int) v;
    }

    /** An optional setting: {@code null} stays null. */
    private static Integer optionalInteger(JsonNode parent, String name) {
        return field(parent, name).isNull() ? null : integer(parent, name);
    }

    private static Double optionalNumber(JsonNode parent, String name) {
        return field(parent, name).isNull() ? null : number(parent, name);
    }

    private static Boolean optionalBool(JsonNode parent, String name) {
        return field(parent, name).isNull() ? null : bool(parent, name);
    }

    private static String optionalText(JsonNode parent, String name) {
        return field(parent, name).isNull() ? null : text(parent, name);
    }

    /** An array of text. */
    private static List<String> texts(JsonNode parent, String name) {
        List<String> list = new ArrayList<>();
        for (JsonNode v : array(parent, name)) {
            if (!v.isTextual()) {
                throw new Bad("field '" + name + "' holds a value that is not text");
            }
            list.add(v.textValue());
        }
        return list;
    }

    /** A number, or {@code NaN} for {@code null}. */
    private static double number(JsonNode parent, String name) {
        JsonNode v = field(parent, name);
        if (v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new Bad("field '" + name + "' is not a number");
        }
        return v.doubleValue();
    }

    private static Instant instant(JsonNode parent, String name) {
        String text = text(parent, name);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new Bad("field '" + name + "' is not an ISO-8601 time");
        }
    }

    private static <E> E label(E[] values, String label, java.util.function.Function<E, String> labelOf,
                               String field) {
        for (E e : values) {
            if (labelOf.apply(e).equals(label)) {
                return e;
            }
        }
        throw new Bad("field '" + field + "' has an unknown value");
    }
}
