package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.stats.Distribution;
import dev.lmsbench.hardware.HardwareMonitors;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import dev.lmsbench.sim.SimServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code lmsbench bench hardware}: what hardware sampling costs. Part A times {@link HardwareMonitor#sample()} of every
 * GPU backend available here (and of CPU/RAM alone); part B benchmarks the built-in simulator in alternating rounds
 * with and without the hardware sampler and compares the measured decode rate and TTFT.
 */
@Command(name = "hardware", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Measures the overhead of hardware sampling: the cost of one sample for every GPU backend "
                + "available on this machine (and for CPU/RAM only), and the sampler's effect on the decode rate "
                + "and TTFT measured against the built-in simulator (alternating rounds with and without it).",
                "Figures: docs/performance.md."})
final class BenchHardwareCommand implements Callable<Integer> {

    /** The simulated model part B benchmarks. */
    static final String MODEL_ID = "sim/bench-hardware";

    /** Samples taken and discarded before the timed ones (class loading, JIT, first native calls). */
    static final int WARMUP_SAMPLES = 200;

    /** Interleaved blocks the timed samples are taken in. */
    static final int BLOCKS = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--samples", paramLabel = "N", order = 1,
            description = "Timed samples per backend (default: ${DEFAULT-VALUE}), after " + WARMUP_SAMPLES
                    + " warm-up samples.")
    int samples = 1000;

    @Option(names = "--sample-gap-ms", paramLabel = "MS", order = 2, description = {
            "Pause between timed samples (default: ${DEFAULT-VALUE}, back to back). Back-to-back samples run "
                    + "with warm CPU caches; a gap of 250 or more times every sample as the sampler at 250 ms sees "
                    + "it (use fewer samples)."})
    int sampleGapMs = 0;

    @Option(names = "--rounds", paramLabel = "R", order = 3, description = {
            "Rounds of the sampler-effect bench (default: ${DEFAULT-VALUE}); each round benchmarks the simulator "
                    + "once with and once without the sampler, the order alternating (ABBA) to cancel drift."})
    int rounds = 6;

    @Option(names = "--runs", paramLabel = "N", order = 4,
            description = "Measured streaming runs per condition and round, after 1 warmup (default: "
                    + "${DEFAULT-VALUE}).")
    int runs = 5;

    @Option(names = "--max-tokens", paramLabel = "N", order = 5,
            description = "Tokens per request (default: ${DEFAULT-VALUE}).")
    int maxTokens = 200;

    @Option(names = "--interval-ms", paramLabel = "MS", order = 6,
            description = "Time between hardware samples while the sampler runs (default: ${DEFAULT-VALUE}, as "
                    + "'run --enable-profiling').")
    int intervalMs = 250;

    @Option(names = "--sim-tokens-per-second", paramLabel = "N", order = 7,
            description = "Decode speed of the simulated model, tokens per second (default: ${DEFAULT-VALUE}).")
    double tokensPerSecond = 400;

    @Option(names = "--sim-ttft-ms", paramLabel = "MS", order = 8,
            description = "Time to first token of the simulated model, milliseconds (default: ${DEFAULT-VALUE}).")
    double ttftMs = 20;

    @Option(names = "--gpu-backend", paramLabel = "NAME", order = 9, description = {
            "GPU backend the sampler reads in the sampler-effect bench: auto (default), none, or one backend's "
                    + "name (lmsbench hw lists them)."})
    String gpuBackend = HardwareMonitors.AUTO;

    @Option(names = "--skip-sample-cost", order = 10, description = "Leave out the per-backend sample cost.")
    boolean skipSampleCost;

    @Option(names = "--skip-sampler-effect", order = 11,
            description = "Leave out the sampler's effect on the simulator's measured figures.")
    boolean skipSamplerEffect;

    @Option(names = "--json", order = 12, description = "Print JSON for machines instead of text.")
    boolean json;

    /** Creates the hardware monitors; tests may replace it. */
    MonitorFactory monitors = MonitorFactory.DETECT;

    private PrintWriter err;
    private HardwareInfo machineInfo;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        validate();
        Map<String, Object> doc = new LinkedHashMap<>();
        List<Map<String, Object>> costs = skipSampleCost ? null : sampleCosts();
        Map<String, Object> effect = skipSamplerEffect ? null : samplerEffect();
        doc.put("machine", machine());
        if (costs != null) {
            Map<String, Object> cost = new LinkedHashMap<>();
            cost.put("warmupSamples", WARMUP_SAMPLES);
            cost.put("samples", samples);
            cost.put("sampleGapMs", sampleGapMs);
            cost.put("interleavedBlocks", Math.min(BLOCKS, samples));
            cost.put("backends", costs);
            doc.put("sampleCost", cost);
        }
        if (effect != null) {
            doc.put("samplerEffect", effect);
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else {
            printText(doc, costs, effect, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void validate() {
        if (skipSampleCost && skipSamplerEffect) {
            throw CliException.usage("--skip-sample-cost and --skip-sampler-effect together leave nothing to run");
        }
        if (samples < 1) {
            throw CliException.usage("--samples must be at least 1, got " + samples);
        }
        if (sampleGapMs < 0) {
            throw CliException.usage("--sample-gap-ms must not be negative, got " + sampleGapMs);
        }
        if (rounds < 1) {
            throw CliException.usage("--rounds must be at least 1, got " + rounds);
        }
        if (runs < 1) {
            throw CliException.usage("--runs must be at least 1, got " + runs);
        }
        if (maxTokens < 2) {
            throw CliException.usage("--max-tokens must be at least 2 (the decode rate needs two tokens), got "
                    + maxTokens);
        }
        if (intervalMs < 1) {
            throw CliException.usage("--interval-ms must be positive, got " + intervalMs);
        }
        if (!(tokensPerSecond > 0 && tokensPerSecond <= 100_000)) {
            throw CliException.usage("--sim-tokens-per-second must be between 0 and 100000, got "
                    + Durations.num(tokensPerSecond, 1));
        }
        if (!(ttftMs >= 0 && ttftMs <= 600_000)) {
            throw CliException.usage("--sim-ttft-ms must be between 0 and 600000, got " + Durations.num(ttftMs, 1));
        }
        ProfilingSetup.checkGpuBackend(gpuBackend);
    }

    // ---- part A: the cost of one sample ----------------------------------------------------------------------

    private List<Map<String, Object>> sampleCosts() {
        List<String> names = new ArrayList<>();
        names.add(HardwareMonitors.NONE);
        names.addAll(HardwareMonitors.backendNames());
        List<Map<String, Object>> result = new ArrayList<>();
        List<HardwareMonitor> open = new ArrayList<>();
        List<Map<String, Object>> timed = new ArrayList<>();
        try {
            for (String name : names) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("backend", name);
                result.add(entry);
                HardwareMonitor monitor;
                try {
                    monitor = monitors.create(true, name);
                } catch (RuntimeException | LinkageError e) {
                    entry.put("available", false);
                    entry.put("reason", "failed (" + Main.oneLine(String.valueOf(e)) + ")");
                    progress("sample cost: " + name + " unavailable: " + entry.get("reason"));
                    continue;
                }
                HardwareInfo info = monitor.describe();
                if (machineInfo == null) {
                    machineInfo = info;
                }
                if (!name.equals(info.gpuBackend())) {
                    monitor.close();
                    entry.put("available", false);
                    entry.put("reason", reason(info, name));
                    progress("sample cost: " + name + " unavailable: " + entry.get("reason"));
                } else {
                    entry.put("available", true);
                    open.add(monitor);
                    timed.add(entry);
                }
            }
            timeSamples(open, timed);
        } finally {
            open.forEach(HardwareMonitor::close);
        }
        return result;
    }

    /** The note {@code detect} wrote for this backend, without the name. */
    private static String reason(HardwareInfo info, String name) {
        String prefix = name + ": ";
        return info.notes().stream().filter(n -> n.startsWith(prefix)).map(n -> n.substring(prefix.length()))
                .findFirst().orElse("not used (" + info.gpuBackend() + " is)");
    }

    /**
     * Times the monitors' samples interleaved: {@value #BLOCKS} blocks, each taking its share of samples from every
     * monitor in a rotating order, so JIT compilation, OSHI's cache and other work on the machine favour none of them.
     */
    private void timeSamples(List<HardwareMonitor> monitorList, List<Map<String, Object>> entries) {
        int n = monitorList.size();
        int[] gpus = new int[n];
        for (int m = 0; m < n; m++) {
            progress("sample cost: " + entries.get(m).get("backend") + ": " + WARMUP_SAMPLES + " warm-up samples");
            for (int i = 0; i < WARMUP_SAMPLES; i++) {
                gpus[m] = monitorList.get(m).sample().gpus().size();
            }
        }
        long[][] nanos = new long[n][samples];
        int blocks = Math.min(BLOCKS, samples);
        for (int b = 0; b < blocks; b++) {
            int from = (int) ((long) samples * b / blocks);
            int to = (int) ((long) samples * (b + 1) / blocks);
            for (int k = 0; k < n; k++) {
                int m = (b + k) % n;
                HardwareMonitor monitor = monitorList.get(m);
                for (int i = from; i < to; i++) {
                    if (sampleGapMs > 0) {
                        pause(sampleGapMs);
                    }
                    long start = System.nanoTime();
                    HardwareSample s = monitor.sample();
                    nanos[m][i] = System.nanoTime() - start;
                    if (s == null) {
                        throw CliException.failure("the " + entries.get(m).get("backend")
                                + " monitor returned no sample", null);
                    }
                }
            }
            if (n > 0) {
                progress("sample cost: block " + (b + 1) + "/" + blocks + " timed");
            }
        }
        for (int m = 0; m < n; m++) {
            // the project's percentiles (NumPy's linear interpolation), as every other figure it reports
            Distribution micros = Distribution.of(Arrays.stream(nanos[m]).mapToDouble(v -> v / 1e3).toArray());
            Map<String, Object> entry = entries.get(m);
            entry.put("gpus", gpus[m]);
            entry.put("samples", samples);
            entry.put("p50Micros", round(micros.p50(), 2));
            entry.put("p99Micros", round(micros.p99(), 2));
            entry.put("meanMicros", round(micros.mean(), 2));
            entry.put("maxMicros", round(micros.max(), 2));
            progress("sample cost: " + entry.get("backend") + ": p50 " + num(entry.get("p50Micros"), 1)
                    + " µs, p99 " + num(entry.get("p99Micros"), 1) + " µs");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failure("interrupted", e);
        }
    }

    // ---- part B: the sampler's effect on the simulator's figures ---------------------------------------------

    private Map<String, Object> samplerEffect() {
        SimModel model = SimModel.of(MODEL_ID, ttftMs, tokensPerSecond, maxTokens);
        SimConfig config = new SimConfig(SimConfig.DEFAULT_HOST, 0, List.of(model), SimConfig.DEFAULT_SEED, "",
                SimConfig.DEFAULT_PATH_PREFIX);
        BenchmarkSettings settings = new BenchmarkSettings(BenchmarkSettings.DEFAULT_PROMPT, maxTokens, runs, 1, 1,
                Duration.ofSeconds(120), false, SamplingParams.DEFAULT, LoadConfig.ofContext(4096));
        SimServer server;
        try {
            server = SimServer.start(config);
        } catch (RuntimeException e) {
            throw CliException.failure("cannot start the built-in simulator: " + Main.oneLine(e.getMessage()), e);
        }
        HardwareMonitor opened;
        try {
            opened = monitors.create(true, gpuBackend);
        } catch (RuntimeException | LinkageError e) {
            server.close();
            throw CliException.failure("cannot open the hardware monitor: " + Main.oneLine(String.valueOf(e)), e);
        }
        try (server; CountingMonitor monitor = new CountingMonitor(opened);
             OpenAiClient client = OpenAiClient.create(new ClientConfig(server.baseUrl(), "",
                     Duration.ofSeconds(10)))) {
            HardwareInfo info = monitor.describe();
            if (machineInfo == null) {
                machineInfo = info;
            }
            List<Double> withDecode = new ArrayList<>();
            List<Double> withoutDecode = new ArrayList<>();
            List<Double> withTtft = new ArrayList<>();
            List<Double> withoutTtft = new ArrayList<>();
            List<Map<String, Object>> roundFigures = new ArrayList<>();
            // a discarded round first: class loading and JIT compilation of the client, the simulator and the
            // sampler would otherwise land in round 1
            progress("sampler effect: warm-up round (discarded)");
            benchmark(client, server, model, settings, null);
            benchmark(client, server, model, settings, monitor);
            monitor.count.set(0);
            for (int round = 1; round <= rounds; round++) {
                // ABBA: with-without, without-with, ... so a drift during the bench favours neither condition
                boolean withFirst = round % 2 == 1;
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("round", round);
                r.put("order", withFirst ? "with,without" : "without,with");
                for (boolean with : withFirst ? new boolean[]{true, false} : new boolean[]{false, true}) {
                    long samplesBefore = monitor.count.get();
                    List<RequestResult> measured = benchmark(client, server, model, settings, with ? monitor : null);
                    List<Double> decode = measured.stream().map(RequestResult::decodeTokensPerSecond).toList();
                    List<Double> ttft = measured.stream().map(q -> q.ttftSeconds() * 1e3).toList();
                    (with ? withDecode : withoutDecode).addAll(decode);
                    (with ? withTtft : withoutTtft).addAll(ttft);
                    Map<String, Object> c = figures(decode, ttft);
                    if (with) {
                        c.put("hardwareSamples", monitor.count.get() - samplesBefore);
                    }
                    r.put(with ? "withSampler" : "withoutSampler", c);
                    progress(String.format(Locale.ROOT, "sampler effect: round %d/%d %s the sampler: decode %.2f "
                                    + "tok/s, TTFT %.2f ms", round, rounds, with ? "with" : "without",
                            (double) c.get("decodeTokensPerSecondMedian"), (double) c.get("ttftMsMedian")));
                }
                r.put("decodeDifferencePercent", relative(r, "decodeTokensPerSecondMedian"));
                roundFigures.add(r);
            }
            Map<String, Object> with = figures(withDecode, withTtft);
            with.put("hardwareSamples", monitor.count.get());
            Map<String, Object> without = figures(withoutDecode, withoutTtft);
            Map<String, Object> effect = new LinkedHashMap<>();
            effect.put("model", MODEL_ID);
            effect.put("configuredTokensPerSecond", tokensPerSecond);
            effect.put("configuredTtftMs", ttftMs);
            effect.put("maxTokens", maxTokens);
            effect.put("rounds", rounds);
            effect.put("runsPerRound", runs);
            effect.put("intervalMs", intervalMs);
            effect.put("gpuBackend", info.gpuBackend());
            effect.put("withSampler", with);
            effect.put("withoutSampler", without);
            double wd = (double) with.get("decodeTokensPerSecondMedian");
            double nd = (double) without.get("decodeTokensPerSecondMedian");
            double wt = (double) with.get("ttftMsMedian");
            double nt = (double) without.get("ttftMsMedian");
            effect.put("decodeDifferencePercent", round((wd / nd - 1) * 100, 3));
            effect.put("ttftDifferenceMs", round(wt - nt, 3));
            effect.put("ttftDifferencePercent", round((wt / nt - 1) * 100, 3));
            effect.put("roundFigures", roundFigures);
            return effect;
        }
    }

    /** One benchmark of the simulated model; the successful measured streaming requests. */
    private List<RequestResult> benchmark(OpenAiClient client, SimServer server, SimModel model,
                                          BenchmarkSettings settings, HardwareMonitor monitor) {
        BenchmarkEngine.Builder builder = BenchmarkEngine.builder().backend(client);
        if (monitor != null) {
            builder.monitor(monitor, Duration.ofMillis(intervalMs));
        }
        BenchmarkReport report = builder.build().run(RunInfo.start("sim:" + server.baseUrl(), settings,
                VersionProvider.version()), List.of(model.toModelInfo()));
        ModelSummary summary = report.models().isEmpty() ? null : report.models().get(0);
        if (summary == null || summary.status() != RunStatus.COMPLETED) {
            throw CliException.failure("benchmarking the simulator failed: "
                    + (summary == null ? report.status() : summary.status() + " " + summary.error()), null);
        }
        List<RequestResult> measured = report.requests().stream()
                .filter(q -> !q.warmup() && q.mode() == RunMode.STREAM && q.success())
                .filter(q -> Double.isFinite(q.decodeTokensPerSecond()) && Double.isFinite(q.ttftSeconds()))
                .toList();
        if (measured.isEmpty()) {
            throw CliException.failure("benchmarking the simulator gave no measured streaming request", null);
        }
        return measured;
    }

    private static Map<String, Object> figures(List<Double> decode, List<Double> ttftMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", decode.size());
        m.put("decodeTokensPerSecondMedian", round(median(decode), 3));
        m.put("ttftMsMedian", round(median(ttftMs), 3));
        return m;
    }

    @SuppressWarnings("unchecked")
    private static double relative(Map<String, Object> round, String key) {
        double with = (double) ((Map<String, Object>) round.get("withSampler")).get(key);
        double without = (double) ((Map<String, Object>) round.get("withoutSampler")).get(key);
        return round((with / without - 1) * 100, 3);
    }

    static double median(List<Double> values) {
        return Distribution.of(values).p50(); // NaN for no values
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    /** Counts the samples the engine's sampler takes, so the report shows the sampler really ran. */
    private static final class CountingMonitor implements HardwareMonitor {
        final HardwareMonitor delegate;
        final AtomicLong count = new AtomicLong();

        CountingMonitor(HardwareMonitor delegate) {
            this.delegate = delegate;
        }

        @Override
        public HardwareInfo describe() {
            return delegate.describe();
        }

        @Override
        public HardwareSample sample() {
            count.incrementAndGet();
            return delegate.sample();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    // ---- output ----------------------------------------------------------------------------------------------

    private Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("os", machineInfo != null && !machineInfo.os().isEmpty() ? machineInfo.os()
                : System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("cpu", machineInfo == null ? "" : machineInfo.cpuModel());
        m.put("logicalCores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        return m;
    }

    @SuppressWarnings("unchecked")
    private void printText(Map<String, Object> doc, List<Map<String, Object>> costs, Map<String, Object> effect,
                           PrintWriter out) {
        Map<String, Object> m = (Map<String, Object>) doc.get("machine");
        out.println("Machine: " + m.get("os") + ", " + m.get("cpu") + ", " + m.get("logicalCores")
                + " logical cores, " + m.get("java"));
        if (costs != null) {
            out.println();
            out.println("Cost of one hardware sample (" + samples + " timed calls of sample() per backend, "
                    + "interleaved across backends in " + Math.min(BLOCKS, samples) + " blocks after "
                    + WARMUP_SAMPLES + " warm-up, " + (sampleGapMs > 0 ? sampleGapMs + " ms apart" : "back to back")
                    + "; CPU and RAM are read in every sample):");
            TextTable t = new TextTable("Backend", "GPUs", "p50 µs", "p99 µs", "mean µs", "max µs", "Note");
            for (Map<String, Object> c : costs) {
                if (Boolean.TRUE.equals(c.get("available"))) {
                    t.row((String) c.get("backend"), String.valueOf(c.get("gpus")), num(c.get("p50Micros"), 1),
                            num(c.get("p99Micros"), 1), num(c.get("meanMicros"), 1), num(c.get("maxMicros"), 1),
                            "available");
                } else {
                    t.row((String) c.get("backend"), "-", "-", "-", "-", "-", "unavailable: " + c.get("reason"));
                }
            }
            t.print(out);
        }
        if (effect != null) {
            out.println();
            out.println(String.format(Locale.ROOT, "Sampler effect on the simulator (%s: %s tok/s, %s ms TTFT, "
                            + "%d tokens; %d rounds x %d runs per condition after a discarded warm-up round, order alternating; "
                            + "sampler every %d ms, "
                            + "GPU backend %s):", MODEL_ID, Durations.num(tokensPerSecond, 1),
                    Durations.num(ttftMs, 1), maxTokens, rounds, runs, intervalMs, effect.get("gpuBackend")));
            TextTable t = new TextTable("Round", "Order", "Decode tok/s with", "Decode tok/s without", "Diff %",
                    "TTFT ms with", "TTFT ms without", "Samples");
            for (Map<String, Object> r : (List<Map<String, Object>>) effect.get("roundFigures")) {
                Map<String, Object> w = (Map<String, Object>) r.get("withSampler");
                Map<String, Object> n = (Map<String, Object>) r.get("withoutSampler");
                t.row(String.valueOf(r.get("round")), (String) r.get("order"),
                        num(w.get("decodeTokensPerSecondMedian"), 2), num(n.get("decodeTokensPerSecondMedian"), 2),
                        signed(r.get("decodeDifferencePercent"), 3), num(w.get("ttftMsMedian"), 2),
                        num(n.get("ttftMsMedian"), 2), String.valueOf(w.get("hardwareSamples")));
            }
            Map<String, Object> w = (Map<String, Object>) effect.get("withSampler");
            Map<String, Object> n = (Map<String, Object>) effect.get("withoutSampler");
            t.row("all", "median", num(w.get("decodeTokensPerSecondMedian"), 2),
                    num(n.get("decodeTokensPerSecondMedian"), 2), signed(effect.get("decodeDifferencePercent"), 3),
                    num(w.get("ttftMsMedian"), 2), num(n.get("ttftMsMedian"), 2),
                    String.valueOf(w.get("hardwareSamples")));
            t.print(out);
            out.println("Decode tok/s with the sampler differs by " + signed(effect.get("decodeDifferencePercent"), 3)
                    + "% (TTFT by " + signed(effect.get("ttftDifferenceMs"), 3) + " ms, "
                    + signed(effect.get("ttftDifferencePercent"), 2) + "%), medians of " + w.get("requests") + " and "
                    + n.get("requests") + " requests.");
        }
    }

    private static String num(Object v, int decimals) {
        return Durations.num(((Number) v).doubleValue(), decimals);
    }

    private static String signed(Object v, int decimals) {
        double d = ((Number) v).doubleValue();
        return (d >= 0 ? "+" : "") + Durations.num(d, decimals);
    }

    private void progress(String line) {
        err.println("[bench hardware] " + line);
        err.flush();
    }
}
