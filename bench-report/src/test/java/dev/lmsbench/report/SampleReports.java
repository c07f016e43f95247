package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.DraftStats;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.PromptCalibration;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.SideMetric.Aggregation;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.model.UsageCheck;
import dev.lmsbench.core.spi.StoredResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

/**
 * Deterministic reports built with the core records from a seeded {@link Random}: the input of the golden files.
 * Changing anything here changes the golden files; regenerate them as {@link Golden} describes.
 *
 * <ul>
 *   <li>settings: some sampling parameters and load options set, the others left to the server ({@code null});</li>
 *   <li>qwen3: full metadata with parameter count and capabilities, reasoning tokens, stream + non-stream, cached
 *       prompt tokens reported (none for the first warmup, 16 otherwise: the template's fixed head),
 *       2 warmups, one failed non-stream call (HTTP 500) whose error holds a comma, quotes, a newline, a NUL and an
 *       escape sequence (which the outputs remove); every successful
 *       call carries server-reported stats (the first warmup's without a generation time);</li>
 *   <li>llama: known by id only, estimated tokens, stream only, server-default context, 1 warmup, no load time,
 *       no server stats, cache state unknown;</li>
 *   <li>mistral: failed to load (an {@code http_status} error); no requests, every figure undefined; no parameter
 *       count or capabilities.</li>
 * </ul>
 *
 * <p>Server stats are derived from the values already drawn, never from the {@link Random}, so adding them left
 * every other number of the golden files unchanged. So are the figures of issue 11: the settings name a draft model
 * and ask for parallel slots and a GPU offload; qwen's server reports draft counts on every call that has stats
 * ({@link #DRAFT_MODEL}, {@link #draft}) and a just-in-time load time on its first warmup; its streamed answers'
 * usage agrees with the chunks except measured request 1, whose count had LM Studio's off-by-one and was corrected
 * (the sample never stops at {@code max_tokens}: only the labels and counts matter here); its load details say it
 * was loaded over REST with fewer slots than asked, with a note and a duplicate instance. llama and mistral have
 * none of these.
 */
final class SampleReports {

    static final Instant T0 = Instant.parse("2026-11-25T14:46:30Z");
    static final String PROMPT = "Explain, in one \"short\" paragraph,\nwhy the sky is blue.";
    /** A server's error as a careless backend might pass it on: control bytes, an escape sequence, a line break. */
    static final String REQUEST_ERROR = "HTTP 500: {\"error\":\"model crashed, retry\"}\u0000\u001b[31m\nbody truncated";
    /** {@link #REQUEST_ERROR} as every output writes it: one line, no control characters or escape sequences. */
    static final String REQUEST_ERROR_SAFE = "HTTP 500: {\"error\":\"model crashed, retry\"} body truncated";
    static final String LOAD_ERROR = "load failed: out of memory, \"CUDA\" error\r\nsee server log";
    /** {@link #LOAD_ERROR} as every output writes it. */
    static final String LOAD_ERROR_SAFE = "load failed: out of memory, \"CUDA\" error see server log";

    /** The server of the sample run, as discovery would describe LM Studio. */
    static final ServerInfo SERVER = new ServerInfo("http://127.0.0.1:1234", "lmstudio", "0.3.31",
            "llama.cpp-linux-x86_64-nvidia-cuda12-avx2@1.52.1");

    static final String STATS_SOURCE = "lmstudio.api.v0.stats";

    /** The draft model of the settings, and the one qwen's server says it used. */
    static final String DRAFT_MODEL = "qwen3-0.6b@q8_0";

    /** The measured streaming request of qwen whose usage had LM Studio's off-by-one. */
    static final int CORRECTED_INDEX = 1;

    /** qwen's load: over REST, fewer slots (1) than the settings' parallel (2), one note and one duplicate. */
    static final dev.lmsbench.core.model.LoadDetails QWEN_LOAD = new dev.lmsbench.core.model.LoadDetails("rest",
            "qwen3-8b@q4_k_m", 8192, 1, 0.75, 600,
            List.of("use_mlock was not sent: the REST load path cannot set it"), List.of("qwen3-8b@q4_k_m:2"));

    /** How qwen's prompt was sized: a target of 500 tokens, met after one calibration call. */
    static final PromptCalibration QWEN_CALIBRATION = new PromptCalibration(500, 3.875, 498, 1, true,
            PromptCalibration.DEFAULT_SOURCE);

    /** Calls made for the failed non-stream request of qwen: retried three times (seed 004's error_final). */
    static final int FAILED_ATTEMPTS = 4;

    static final ModelInfo QWEN = new ModelInfo("qwen3-8b@q4_k_m", "llm", "qwen", "qwen3", "Q4_K_M",
            5_027_782_656L, 40_960, "8B", EnumSet.of(Capability.REASONING, Capability.TOOL_USE));
    static final ModelInfo LLAMA = ModelInfo.named("llama-3.2-1b-instruct");
    static final ModelInfo MISTRAL = new ModelInfo("mistral-7b-instruct-v0.3", "llm", "mistralai", "llama", "Q8_0",
            7_695_857_376L, 32_768);

    private SampleReports() {
    }

    /** A profiled model on a GPU with power readings: every figure present, including a thermal pause. */
    static final List<SideMetric> QWEN_HARDWARE = List.of(
            new SideMetric("gpu.vram.used", "bytes", Aggregation.MAX, 7_812_345_678.0),
            new SideMetric("gpu.vram.used", "bytes", Aggregation.MEAN, 7_654_321_098.5),
            new SideMetric("gpu.vram.model", "bytes", Aggregation.DELTA, 5_368_709_120.0),
            new SideMetric("gpu.util", "%", Aggregation.MEAN, 87.25),
            new SideMetric("gpu.util", "%", Aggregation.MAX, 99.0),
            new SideMetric("gpu.power", "W", Aggregation.MEAN, 212.375),
            new SideMetric("gpu.power", "W", Aggregation.MAX, 287.5),
            new SideMetric("gpu.temp", "°C", Aggregation.MAX, 78.0),
            new SideMetric("gpu.temp", "°C", Aggregation.MEAN, 71.5),
            new SideMetric("cpu.load", "%", Aggregation.MEAN, 12.125),
            new SideMetric("cpu.load", "%", Aggregation.MAX, 31.0),
            new SideMetric("ram.used", "bytes", Aggregation.MAX, 14_123_456_789.0),
            new SideMetric("ram.used", "bytes", Aggregation.MEAN, 13_987_654_321.0),
            new SideMetric("process.rss", "bytes", Aggregation.MAX, 412_345_678.0),
            new SideMetric("efficiency.toks_per_s_per_gb_vram", "tok/s/GB", Aggregation.RATIO, 3.7423),
            new SideMetric("efficiency.toks_per_joule", "tok/J", Aggregation.RATIO, 0.1377),
            new SideMetric("guard.pause", "s", Aggregation.SUM, 12.5));

    /** A profiled model without GPU readings (no GPU library): CPU and RAM only. */
    static final List<SideMetric> LLAMA_HARDWARE = List.of(
            new SideMetric("cpu.load", "%", Aggregation.MEAN, 64.5),
            new SideMetric("cpu.load", "%", Aggregation.MAX, 100.0),
            new SideMetric("ram.used", "bytes", Aggregation.MAX, 9_500_000_000.0),
            new SideMetric("ram.used", "bytes", Aggregation.MEAN, 9_250_000_000.0),
            new SideMetric("process.rss", "bytes", Aggregation.MAX, 398_000_000.0));

    static BenchmarkSettings settings() {
        return BenchmarkSettings.defaults()
                .withPrompt(PROMPT)
                .withMaxTokens(64)
                .withLoad(new LoadConfig(8192, -1, 512, null, true, null, null, null, false, "q8_0", 600, 4,
                        false, 2, 0.75))
                .withDraftModel(DRAFT_MODEL)
                .withRuns(2)
                .withWarmupRuns(2)
                .withParallel(2)
                .withSampling(new SamplingParams(0.2, 40, 0.95, null, 1.1))
                .withRequestTimeout(Duration.ofMillis(120_500));
    }

    static RunInfo run() {
        return new RunInfo("20261125-144630-1a2b", T0, "http://127.0.0.1:1234", settings(), "0.1.0-test")
                .withServer(SERVER).withProfiling(true);
    }

    /** The complete run: three models, 13 requests. */
    static BenchmarkReport completed() {
        return build(RunStatus.COMPLETED, false);
    }

    /** A run cancelled during the second model: llama is cancelled after its first measured request. */
    static BenchmarkReport cancelled() {
        return build(RunStatus.CANCELLED, true);
    }

    /**
     * A sweep of qwen over context sizes 1024 and 4096 and parallelism 1 and 2, in the fewest-loads order: each
     * context size loads once (its par 1 job, 2 s), the par 2 job runs on that load. Three streamed warmups per job,
     * the prompt sized to half the context. One non-stream call of the 4096 x 2 job fails after 4 attempts.
     */
    static BenchmarkReport sweep() {
        Random random = new Random(20261201L);
        Clock clock = new Clock(T0.plusMillis(250));
        List<ModelSummary> models = new ArrayList<>();
        List<RequestResult> all = new ArrayList<>();
        for (int ctx : new int[] {1024, 4096}) {
            for (int par : new int[] {1, 2}) {
                BenchmarkSettings s = settings().withContextLength(ctx).withParallel(par).withWarmupRuns(3)
                        .withRuns(2);
                // a longer context and more requests at once: slower tokens
                double gap = 0.01 * (ctx / 1024.0) * par;
                Generator g = new Generator(QWEN, s, random, clock, false, 0, gap, false);
                Instant start = clock.now();
                boolean load = par == 1;
                if (load) {
                    clock.advanceMillis(2000);
                }
                List<RequestResult> requests = new ArrayList<>(g.run(s.runs() * s.parallel(),
                        ctx == 4096 && par == 2 ? 1 : -1));
                requests.replaceAll(r -> r.success() ? r : r.withAttempts(FAILED_ATTEMPTS));
                all.addAll(requests);
                dev.lmsbench.core.model.LoadDetails details = new dev.lmsbench.core.model.LoadDetails("rest",
                        QWEN.id(), ctx, 2, 1.0, -1, List.of(), List.of());
                models.add(ModelSummary.of(QWEN, s, requests, RunStatus.COMPLETED, "", load ? 2.0 : Double.NaN,
                                start, clock.now(), List.of())
                        .withLoadDetails(load ? details : details.asReused())
                        .withCalibration(new PromptCalibration(ctx / 2, 3.875, ctx / 2 - 3, ctx == 4096 ? 2 : 0,
                                true, par == 1 && ctx == 1024 ? PromptCalibration.DEFAULT_SOURCE
                                : PromptCalibration.CACHE_SOURCE)));
            }
        }
        return new BenchmarkReport(run(), RunStatus.COMPLETED, clock.now(), models, all);
    }

    /**
     * A load test: three Poisson stages of one model (2, 4 and 8 requests per second), each with goodput, a late send
     * (a generator warning on the last), failed requests, the server's metrics and a workload's parameters.
     */
    static BenchmarkReport load() {
        Random random = new Random(20261202L);
        Clock clock = new Clock(T0.plusMillis(250));
        List<ModelSummary> models = new ArrayList<>();
        List<RequestResult> all = new ArrayList<>();
        dev.lmsbench.core.spi.Workload workload = new dev.lmsbench.core.spi.Workload() {
            @Override public String name() { return "random"; }
            @Override public java.util.Map<String, String> parameters() {
                java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
                p.put("input_len", "256");
                p.put("output_len", "128");
                p.put("range_ratio", "0.0");
                return p;
            }
            @Override public dev.lmsbench.core.model.TokenCountSource lengthSource() {
                return dev.lmsbench.core.model.TokenCountSource.ESTIMATE;
            }
            @Override public Session start(long seed) { throw new UnsupportedOperationException(); }
        };
        for (double rate : new double[] {2, 4, 8}) {
            BenchmarkSettings s = settings().withWarmupRuns(0).withRuns(6).withNonStreaming(false);
            Generator g = new Generator(QWEN, s, random, clock, false, 0, 0.01 * rate, false);
            Instant start = clock.now();
            List<RequestResult> requests = new ArrayList<>(g.run(6, -1).stream()
                    .filter(r -> r.mode() == dev.lmsbench.core.model.RunMode.STREAM).toList());
            if (rate == 8) {
                // the server refused one request at the highest rate
                RequestResult r = requests.get(2);
                requests.set(2, new RequestResult(r.model(), r.contextLength(), r.parallel(), r.index(), false,
                        r.mode(), r.startedAt(), RequestTimings.failed(r.timings().sentNanos(), 50_000_000L),
                        dev.lmsbench.core.model.TokenUsage.reported(0, 0, 0), "", "HTTP 503: the server is busy",
                        dev.lmsbench.core.model.ServerStats.NONE, dev.lmsbench.core.model.ErrorType.HTTP_STATUS,
                        503));
            }
            all.addAll(requests);
            List<dev.lmsbench.core.load.LoadSample> samples = new ArrayList<>();
            for (RequestResult r : requests) {
                long late = rate == 8 ? 15_000_000L : 400_000L;
                samples.add(new dev.lmsbench.core.load.LoadSample(r.index(), r.timings().sentNanos() - late, 0,
                        r.timings().sentNanos(), 1 + r.index() % 3, "", 0));
            }
            dev.lmsbench.core.load.LoadSpec spec = new dev.lmsbench.core.load.LoadSpec(
                    new dev.lmsbench.core.load.ArrivalPattern.Poisson(rate), workload, 6, java.time.Duration.ZERO,
                    java.time.Duration.ZERO, java.time.Duration.ZERO, 0, 7, null,
                    dev.lmsbench.core.load.Slo.parse("ttft:300 tpot:80"),
                    java.util.Map.of("suite", "nightly", "baseline", "lmstudio-0.3.31"));
            dev.lmsbench.core.load.LoadResult result = dev.lmsbench.core.load.LoadResult.compute(spec, requests,
                    samples, new double[] {21.5, 48.25}, java.util.Map.of("llamacpp:prompt_tokens_total", 1536.0,
                            "llamacpp:requests_processing", 0.0));
            models.add(ModelSummary.of(QWEN, s, requests, RunStatus.COMPLETED, "", Double.NaN, start, clock.now(),
                    List.of()).withLoad(result));
        }
        return new BenchmarkReport(run(), RunStatus.COMPLETED, clock.now(), models, all);
    }

    /** The summaries of {@link #completed()} as a result store would hold them. */
    static List<StoredResult> stored() {
        BenchmarkReport report = completed();
        List<StoredResult> stored = new ArrayList<>();
        for (int i = 0; i < report.models().size(); i++) {
            stored.add(new StoredResult(101 + i, report.run(), report.models().get(i)));
        }
        return List.copyOf(stored);
    }

    private static BenchmarkReport build(RunStatus runStatus, boolean cancel) {
        Random random = new Random(20261125L);
        Clock clock = new Clock(T0.plusMillis(250));
        List<ModelSummary> models = new ArrayList<>();
        List<RequestResult> all = new ArrayList<>();

        BenchmarkSettings qwenSettings = settings();
        Generator qwen = new Generator(QWEN, qwenSettings, random, clock, false, 14, 0.035, true);
        Instant qwenStart = clock.now();
        clock.advanceMillis(4250);
        List<RequestResult> qwenRequests = qwen.run(qwenSettings.runs() * qwenSettings.parallel(), 3);
        all.addAll(qwenRequests);
        models.add(ModelSummary.of(QWEN, qwenSettings, qwenRequests, RunStatus.COMPLETED, "", 4.25,
                qwenStart, clock.now(), QWEN_HARDWARE)
                // as Ollama's /api/ps reports a loaded model: its memory and the part in VRAM
                .withLoadMemory(new dev.lmsbench.core.model.LoadMemory(9_137_025_024L, 8_137_025_024L))
                .withLoadDetails(QWEN_LOAD)
                // its prompt sized to 500 tokens, one calibration call after the warmup
                .withCalibration(QWEN_CALIBRATION));

        BenchmarkSettings llamaSettings = settings().withContextLength(0).withParallel(1).withWarmupRuns(1)
                .withNonStreaming(false);
        Generator llama = new Generator(LLAMA, llamaSettings, random, clock, true, 0, 0.012, false);
        Instant llamaStart = clock.now();
        List<RequestResult> llamaRequests = llama.run(cancel ? 1 : llamaSettings.runs(), -1);
        all.addAll(llamaRequests);
        models.add(ModelSummary.of(LLAMA, llamaSettings, llamaRequests,
                cancel ? RunStatus.CANCELLED : RunStatus.COMPLETED, cancel ? "cancelled by user" : "", Double.NaN,
                llamaStart, clock.now(), LLAMA_HARDWARE));

        if (!cancel) {
            Instant mistralStart = clock.now();
            clock.advanceMillis(1500);
            models.add(ModelSummary.of(MISTRAL, settings(), List.of(), RunStatus.FAILED, LOAD_ERROR,
                    ErrorType.HTTP_STATUS, Double.NaN, mistralStart, clock.now(), List.of()));
        }
        return new BenchmarkReport(run(), runStatus, clock.now(), models, all);
    }

    /**
     * The draft figures qwen's server reports for an answer of {@code completion} tokens: one more proposed than
     * generated, three quarters accepted, one ignored.
     */
    static DraftStats draft(int completion) {
        int total = completion + 1;
        int accepted = completion * 3 / 4;
        return new DraftStats(DRAFT_MODEL, total, accepted, total - accepted - 1, 1);
    }

    /** Wall-clock time of the fake run, in whole milliseconds. */
    private static final class Clock {
        private Instant now;

        Clock(Instant start) {
            now = start;
        }

        Instant now() {
            return now;
        }

        void advanceMillis(long millis) {
            now = now.plusMillis(millis);
        }
    }

    /** Makes the requests of one model: warmups, then per logical index a stream and (optionally) a non-stream call. */
    private record Generator(ModelInfo model, BenchmarkSettings settings, Random random, Clock clock,
                             boolean estimated, int reasoningTokens, double tokenGapSeconds,
                             boolean serverStats) {

        List<RequestResult> run(int logicalRequests, int failNonStreamIndex) {
            List<RequestResult> out = new ArrayList<>();
            for (int i = 0; i < settings.warmupRuns(); i++) {
                // the first warmup pays for loading weights and filling caches
                out.add(stream(i, true, i == 0 ? 1.8 : 0.0));
            }
            for (int i = 0; i < logicalRequests; i++) {
                out.add(stream(i, false, 0.0));
                if (settings.nonStreaming()) {
                    out.add(i == failNonStreamIndex ? failed(i) : nonStream(i));
                }
            }
            return out;
        }

        private RequestResult stream(int index, boolean warmup, double extraTtftSeconds) {
            int prompt = 480 + random.nextInt(40);
            int completion = 24 + random.nextInt(16);
            long sent = sentNanos();
            long ttft = nanos(0.08 + 0.04 * random.nextDouble() + extraTtftSeconds);
            long[] tokens = new long[completion];
            long t = ttft;
            for (int i = 0; i < completion; i++) {
                if (i > 0) {
                    t += nanos(tokenGapSeconds * (0.8 + 0.4 * random.nextDouble()));
                }
                tokens[i] = t;
            }
            long end = t + 2_000_000L;
            RequestTimings timings = new RequestTimings(sent, ttft / 2, ttft / 2 + 500_000L, ttft,
                    tokens[reasoningTokens], t, end, tokens);
            Instant startedAt = clock.now();
            clock.advanceMillis(end / 1_000_000L + 1);
            // the server sees the request a little after the client sent it and does not count the network
            double generation = (end - ttft) / 1e9 * 0.98;
            ServerStats stats = stats(completion / generation, ttft / 1e9 * 0.9,
                    warmup && index == 0 ? Double.NaN : generation, completion);
            if (warmup && index == 0 && serverStats) {
                // the first request waited for the server's just-in-time load
                stats = stats.withModelLoadSeconds(3.5);
            }
            return new RequestResult(model.id(), settings.contextLength(), settings.parallel(), index, warmup,
                    RunMode.STREAM, startedAt, timings, usage(prompt, completion, warmup && index == 0 ? 0 : 16),
                    "stop", "", stats, ErrorType.NONE, -1, usageCheck(completion, !warmup && index == CORRECTED_INDEX));
        }

        private RequestResult nonStream(int index) {
            int prompt = 480 + random.nextInt(40);
            int completion = 24 + random.nextInt(16);
            long sent = sentNanos();
            long end = nanos(0.1 + completion * tokenGapSeconds * (0.9 + 0.2 * random.nextDouble()));
            RequestTimings timings = new RequestTimings(sent, end - 1_000_000L, end - 900_000L,
                    RequestTimings.ABSENT, RequestTimings.ABSENT, RequestTimings.ABSENT, end, new long[0]);
            Instant startedAt = clock.now();
            clock.advanceMillis(end / 1_000_000L + 1);
            double generation = (end / 1e9 - 0.1) * 0.98;
            ServerStats stats = stats(completion / generation, 0.09, generation, completion);
            return new RequestResult(model.id(), settings.contextLength(), settings.parallel(), index, false,
                    RunMode.NONSTREAM, startedAt, timings, usage(prompt, completion, 16),
                    completion == settings.maxTokens() ? "length" : "stop", "", stats);
        }

        private RequestResult failed(int index) {
            long end = nanos(0.25 + 0.1 * random.nextDouble());
            Instant startedAt = clock.now();
            long sent = sentNanos();
            clock.advanceMillis(end / 1_000_000L + 1);
            return new RequestResult(model.id(), settings.contextLength(), settings.parallel(), index, false,
                    RunMode.NONSTREAM, startedAt, RequestTimings.failed(sent, end),
                    TokenUsage.reported(0, 0, 0), "", REQUEST_ERROR, ServerStats.NONE, ErrorType.HTTP_STATUS, 500)
                    .withAttempts(FAILED_ATTEMPTS);
        }

        /** LM Studio-style stats when this model's server reports them, else {@link ServerStats#NONE}. */
        private ServerStats stats(double tokensPerSecond, double ttftSeconds, double generationSeconds,
                                  int completion) {
            if (!serverStats) {
                return ServerStats.NONE;
            }
            String stop = completion == settings.maxTokens() ? "maxPredictedTokensReached" : "eosFound";
            return new ServerStats(tokensPerSecond, ttftSeconds, generationSeconds, stop, STATS_SOURCE)
                    .withDraft(draft(completion));
        }

        /** The usage check of a streamed answer whose server sent usage; none for estimated counts. */
        private UsageCheck usageCheck(int completion, boolean offByOne) {
            if (estimated) {
                return UsageCheck.NOT_CHECKED;
            }
            return offByOne ? new UsageCheck(UsageCheck.Verdict.CORRECTED_OFF_BY_ONE, completion, completion - 1)
                    : new UsageCheck(UsageCheck.Verdict.AGREE, completion, completion);
        }

        /** Cached prompt tokens are reported with the server's stats, else unknown. */
        private TokenUsage usage(int prompt, int completion, int cached) {
            int reasoning = Math.min(reasoningTokens, completion);
            return estimated ? TokenUsage.estimated(prompt, completion, reasoning)
                    : TokenUsage.reported(prompt, completion, reasoning, serverStats ? cached : TokenUsage.UNKNOWN);
        }

        /** The monotonic send time of a call made now: the fake clock's time, so the calls' windows line up. */
        private long sentNanos() {
            return 5_000_000_000L + (clock.now().toEpochMilli() - T0.toEpochMilli()) * 1_000_000L;
        }

        private static long nanos(double seconds) {
            return Math.round(seconds * 1e9);
        }
    }
}
