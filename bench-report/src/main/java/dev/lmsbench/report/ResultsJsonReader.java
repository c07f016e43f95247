package dev.lmsbench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.model.WarmupStats;
import dev.lmsbench.core.stats.Distribution;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code results.json} written by this tool back into a {@link BenchmarkReport}: the inverse of the JSON
 * mapping for what comparisons and reports need. Bounded (at most {@link #MAX_BYTES} bytes, nesting depth
 * {@link #MAX_DEPTH}) and validated: another schema version, a missing or mistyped field is an
 * {@link InvalidResultsException} naming the file and the field.
 *
 * <p>Not read back: hardware samples and machine details, per-request server statistics and usage checks, and the
 * token arrival times (a request's timings are rebuilt from its seconds, to the nanosecond). Per-request figures
 * (TTFT, decode, prefill and total tok/s, wall time) therefore read back as written.
 *
 * <p>{@code BenchmarkReport r = ResultsJsonReader.read(Path.of("results/results.json"));} Thread-safe.
 */
public final class ResultsJsonReader {

    /** Largest file read: far above any real run (a 200-model run with 10 requests each is a few MB). */
    public static final long MAX_BYTES = 256L * 1024 * 1024;

    /** Deepest nesting accepted; our files nest about six levels. */
    public static final int MAX_DEPTH = 64;

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
        RunInfo info = new RunInfo(text(run, "run_id"), instant(run, "started_at"), text(run, "endpoint"),
                settings(object(run, "settings")), toolVersion, server(object(run, "server")),
                bool(run, "profiling"), integer(run, "measurement_version"));
        RunStatus status = label(RunStatus.values(), text(run, "status"), RunStatus::label, "run.status");
        List<ModelSummary> models = new ArrayList<>();
        for (JsonNode m : array(root, "models")) {
            models.add(modelSummary(m));
        }
        List<RequestResult> requests = new ArrayList<>();
        for (JsonNode r : array(root, "requests")) {
            requests.add(request(r));
        }
        return new BenchmarkReport(info, status, instant(run, "finished_at"), models, requests, null);
    }

    private static BenchmarkSettings settings(JsonNode s) {
        JsonNode load = object(s, "load");
        return new BenchmarkSettings(text(s, "prompt"), integer(s, "max_tokens"), integer(s, "runs"),
                integer(s, "warmup_runs"), integer(s, "parallel"),
                Duration.ofNanos(Math.round(number(s, "request_timeout_s") * 1e9)), bool(s, "non_streaming"),
                SamplingParams.ofTemperature(number(s, "temperature")),
                LoadConfig.ofContext(integer(load, "context_length")),
                dev.lmsbench.core.model.PromptCache.fromLabel(text(s, "prompt_cache")), text(s, "draft_model"));
    }

    private static ServerInfo server(JsonNode s) {
        return new ServerInfo(text(s, "base_url"), text(s, "kind"), text(s, "version"), text(s, "runtime"));
    }

    private static ModelSummary modelSummary(JsonNode n) {
        JsonNode m = object(n, "model");
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        for (JsonNode c : array(m, "capabilities")) {
            capabilities.add(label(Capability.values(), c.asText(), Capability::label, "capabilities"));
        }
        ModelInfo model = new ModelInfo(text(m, "id"), text(m, "type"), text(m, "publisher"), text(m, "architecture"),
                text(m, "quantization"), integerOr(m, "size_bytes", -1), (int) integerOr(m, "max_context_length", -1),
                text(m, "params"), capabilities);
        JsonNode tokens = object(n, "tokens");
        ModelSummary.TokenTotals totals = new ModelSummary.TokenTotals(integer(tokens, "prompt"),
                integer(tokens, "completion"), integer(tokens, "reasoning"),
                TokenCountSource.ofLabel(text(tokens, "source")), integer(tokens, "prompt_cached"),
                integer(tokens, "prompt_cache_unknown"));
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
        String error = text(n, "error");
        JsonNode errorType = n.get("error_type");
        ErrorType type = errorType == null || errorType.isNull() ? ErrorType.NONE
                : ErrorType.fromLabel(errorType.asText());
        java.util.Map<ErrorType, Integer> byType = new java.util.EnumMap<>(ErrorType.class);
        object(n, "errors_by_type").properties().forEach(e -> byType.put(ErrorType.fromLabel(e.getKey()),
                e.getValue().asInt()));
        return new ModelSummary(model, integer(n, "ctx"), integer(n, "par"),
                label(RunStatus.values(), text(n, "status"), RunStatus::label, "status"), error,
                integer(n, "request_count"), integer(n, "success_count"), integer(n, "error_count"),
                distribution(d, "ttft_s"), distribution(d, "first_content_s"), distribution(d, "prefill_toks_per_s"),
                distribution(d, "decode_toks_per_s"), distribution(d, "tpot_s"), distribution(d, "itl_s"),
                distribution(d, "e2e_s"), distribution(d, "completion_toks_per_s"),
                number(throughput, "stream_toks_per_s_total"), number(throughput, "nonstream_toks_per_s_total"),
                number(throughput, "completion_toks_per_s_total"), totals, warmup, number(n, "load_time_s"),
                instant(n, "started_at"), instant(n, "finished_at"), distribution(sd, "tokens_per_second"),
                distribution(sd, "ttft_s"), side, List.of(), type, byType, number(n, "system_output_toks_per_s"),
                number(n, "system_requests_per_s"), distribution(sd, "prompt_toks_per_s"),
                distribution(sd, "prompt_s"), null, null, distribution(n, "draft_acceptance"),
                integer(n, "usage_corrected"), integer(n, "usage_mismatched"));
    }

    private static Distribution distribution(JsonNode parent, String name) {
        JsonNode d = object(parent, name);
        return new Distribution(integer(d, "count"), number(d, "min"), number(d, "mean"), number(d, "stdev"),
                number(d, "p50"), number(d, "p90"), number(d, "p95"), number(d, "p99"), number(d, "max"));
    }

    private static RequestResult request(JsonNode n) {
        boolean ok = bool(n, "ok");
        String error = text(n, "error");
        if (ok != error.isEmpty()) {
            throw new Bad("request: ok and error disagree");
        }
        RunMode mode = label(RunMode.values(), text(n, "run_mode"), RunMode::label, "run_mode");
        int completion = integer(n, "completion_tokens");
        long end = nanos(number(n, "wall_s"));
        long first = nanos(number(n, "ttft_s"));
        long firstContent = nanos(number(n, "first_content_s"));
        double decode = number(n, "decode_toks_per_s");
        long last = first >= 0 && Double.isFinite(decode) && decode > 0 && completion >= 2
                ? first + Math.round((completion - 1) / decode * 1e9) : RequestTimings.ABSENT;
        RequestTimings timings = new RequestTimings(0, RequestTimings.ABSENT, RequestTimings.ABSENT, first,
                firstContent, last, Math.max(end, RequestTimings.ABSENT), new long[0]);
        TokenCountSource source = TokenCountSource.ofLabel(text(n, "token_count_source"));
        TokenUsage usage = new TokenUsage(integer(n, "prompt_tokens"), completion, integer(n, "reasoning_tokens"),
                source, (int) integerOr(n, "prompt_tokens_cached", TokenUsage.UNKNOWN));
        JsonNode errorType = n.get("error_type");
        ErrorType type = errorType == null || errorType.isNull() ? ErrorType.NONE
                : ErrorType.fromLabel(errorType.asText());
        return new RequestResult(text(n, "model"), integer(n, "ctx"), integer(n, "par"), integer(n, "idx"),
                bool(n, "warmup"), mode, instant(n, "started_at"), timings, usage, text(n, "finish_reason"), error,
                ServerStats.NONE, type, (int) integerOr(n, "http_status", -1));
    }

    private static long nanos(double seconds) {
        return Double.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1e9) : RequestTimings.ABSENT;
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
