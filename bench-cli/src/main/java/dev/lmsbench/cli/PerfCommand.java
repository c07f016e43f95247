package dev.lmsbench.cli;

import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.engine.SweepPlan;
import dev.lmsbench.core.load.ArrivalPattern;
import dev.lmsbench.core.load.Arrivals;
import dev.lmsbench.core.load.LoadResult;
import dev.lmsbench.core.load.LoadSpec;
import dev.lmsbench.core.load.Slo;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.PromptCache;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.spi.Workload;
import dev.lmsbench.sim.SendLogEntry;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import dev.lmsbench.sim.SimServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lmsbench perf}: the load generator's own figures, measured against the built-in simulator on loopback in this
 * process, each printed next to its target and the command that reproduces it (docs/performance.md).
 *
 * <p>Figures: concurrent streams held at once, SSE chunks the client parses per second, the client's timing error
 * against the simulator's send log, Poisson arrivals' achieved rate and send lag, and non-streaming requests per
 * second at concurrency 64 next to {@code hey}'s against the same endpoint. A missed target is printed with what
 * limits it; it does not fail the command.
 */
@Command(name = "perf", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = {"Measures the load generator itself against the built-in simulator (in process, loopback) and "
                + "prints each figure with its target and the command that reproduces it (see docs/performance.md)."})
final class PerfCommand implements Callable<Integer> {

    /** The heading of the table {@code --write-docs} writes. */
    static final String DOCS_HEADING = "## Load generator figures (lmsbench perf)";
    /** The figures, in the order they run. */
    static final List<String> FIGURES = List.of("streams", "sse", "timing", "poisson", "rps");

    static final int TARGET_STREAMS = 2_000;
    static final double TARGET_CHUNKS_PER_SECOND = 100_000;
    static final double TARGET_TIMING_P99_MS = 1.0;
    static final int TARGET_TIMING_STREAMS = 500;
    static final double TARGET_RATE_ERROR_PERCENT = 1.0;
    static final double TARGET_LAG_P99_MS = 2.0;
    static final double TARGET_STREAM_TOKEN_P99_MS = 10.0;
    static final double TARGET_RPS_OF_HEY = 1.0;
    static final int RPS_CONCURRENCY = 64;
    /** File descriptors kept free for the JVM, the jar and the logs when the limit caps the streams. */
    private static final int SPARE_FDS = 128;

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = {"A smaller run of every figure (about 30 s): 500 streams, 200 timed "
            + "streams, 1,000 Poisson requests, 50,000 SSE chunks, 3,000 non-streaming requests; the targets are "
            + "still those of the full run. Flags given explicitly win."})
    boolean quick;

    @Option(names = "--only", split = ",", paramLabel = "FIGURE", description = {
            "Run only these figures (comma-separated): streams, sse, timing, poisson, rps (default: all)."})
    List<String> only;

    @Option(names = "--streams", paramLabel = "N", description = {
            "Concurrent streams of the streams figure (default: 2000, --quick 500)."})
    Integer streams;

    @Option(names = "--timing-streams", paramLabel = "N", description = {
            "Concurrent streams whose timing is compared with the simulator's send log (default: 500, --quick 200)."})
    Integer timingStreams;

    @Option(names = "--requests", paramLabel = "N", description = {
            "Requests of the Poisson figure (default: 10000, --quick 1000)."})
    Integer requests;

    @Option(names = "--rate", paramLabel = "PER_S", description = {"Poisson arrival rate per second (default: 100)."})
    double rate = 100;

    @Option(names = "--sse-chunks", paramLabel = "N", description = {
            "SSE chunks of the one long stream the parsing figure reads (default: 200000, --quick 50000)."})
    Integer sseChunks;

    @Option(names = "--rps-requests", paramLabel = "N", description = {
            "Non-streaming requests of the requests-per-second figure, ours and hey's each (default: 20000, "
                    + "--quick 3000)."})
    Integer rpsRequests;

    @Option(names = "--hey", paramLabel = "PATH", description = {
            "The hey binary (default: hey on PATH)."})
    String hey = "hey";

    @Option(names = "--no-hey-install", description = {
            "Never install hey. Without it, a missing hey is installed with 'apt-get install -y hey' when this runs "
                    + "as root."})
    boolean noHeyInstall;

    @Option(names = "--seed", paramLabel = "N", description = {"Seed of the arrivals and the simulator (default: 1)."})
    long seed = 1;

    @Option(names = "--write-docs", description = {
            "Write the figures into the table \"" + DOCS_HEADING + "\" of the docs file (replacing an older one)."})
    boolean writeDocs;

    @Option(names = "--docs", paramLabel = "FILE", description = {
            "The docs file --write-docs updates (default: docs/performance.md)."})
    Path docs = Path.of("docs", "performance.md");

    /**
     * One figure.
     *
     * @param name      what is measured
     * @param measured  the measured value, or why it was not measured
     * @param target    the target
     * @param met       whether the target was met; {@code null} when not measured
     * @param limit     what limits it when the target was missed, or notes; {@code ""} for none
     * @param command   the command that reproduces it
     */
    record Figure(String name, String measured, String target, Boolean met, String limit, String command) {
    }

    private PrintWriter out;
    private PrintWriter err;
    private final List<Figure> figures = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        Set<String> chosen = new LinkedHashSet<>(only == null || only.isEmpty() ? FIGURES : only);
        for (String f : chosen) {
            if (!FIGURES.contains(f)) {
                throw CliException.usage("--only: unknown figure '" + f + "'; known: " + String.join(", ", FIGURES));
            }
        }
        int nStreams = positive("--streams", streams, quick ? 500 : TARGET_STREAMS);
        int nTiming = positive("--timing-streams", timingStreams, quick ? 200 : TARGET_TIMING_STREAMS);
        int nPoisson = positive("--requests", requests, quick ? 1_000 : 10_000);
        int nChunks = positive("--sse-chunks", sseChunks, quick ? 50_000 : 200_000);
        int nRps = positive("--rps-requests", rpsRequests, quick ? 3_000 : 20_000);
        if (!(rate > 0) || !Double.isFinite(rate)) {
            throw CliException.usage("--rate must be a positive number, got " + rate);
        }
        long started = System.nanoTime();
        out.println("lmsbench perf: the load generator against the built-in simulator, in process on loopback");
        out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                + loadAverage() + ", Java " + Runtime.version());
        out.println(FdLimit.read().describe());
        out.flush();
        for (String f : FIGURES) {
            if (!chosen.contains(f)) {
                continue;
            }
            err.println("perf: measuring " + f + " ...");
            err.flush();
            Figure[] measured = switch (f) {
                case "streams" -> streamsFigure(nStreams);
                case "sse" -> sseFigure(nChunks);
                case "timing" -> timingFigures(nTiming);
                case "poisson" -> poissonFigures(nPoisson);
                case "rps" -> rpsFigure(nRps);
                default -> throw new IllegalStateException(f);
            };
            for (Figure figure : measured) {
                figures.add(figure);
                print(figure);
            }
        }
        long missed = figures.stream().filter(x -> Boolean.FALSE.equals(x.met())).count();
        long unmeasured = figures.stream().filter(x -> x.met() == null).count();
        out.printf(Locale.ROOT, "%n%d figures: %d met, %d missed, %d not measured; %.0f s%n", figures.size(),
                figures.size() - missed - unmeasured, missed, unmeasured, (System.nanoTime() - started) / 1e9);
        if (writeDocs) {
            writeDocs();
            out.println("wrote the table \"" + DOCS_HEADING + "\" into " + docs);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static int positive(String flag, Integer given, int fallback) {
        int value = given == null ? fallback : given;
        if (value < 1) {
            throw CliException.usage(flag + " must be at least 1, got " + value);
        }
        return value;
    }

    private void print(Figure f) {
        String verdict = f.met() == null ? "NOT MEASURED" : f.met() ? "met" : "MISSED";
        out.println();
        out.println(f.name());
        out.println("  measured:  " + f.measured());
        out.println("  target:    " + f.target() + " -> " + verdict);
        if (!f.limit().isEmpty()) {
            out.println("  " + (Boolean.FALSE.equals(f.met()) ? "limited by" : "note") + ": " + f.limit());
        }
        out.println("  reproduce: " + f.command());
        out.flush();
    }

    // ---- the figures ----------------------------------------------------------------------------------------------

    /** N streams of a few tokens each, all in flight at once (closed loop, N workers, N requests). */
    private Figure[] streamsFigure(int wanted) {
        FdLimit fds = FdLimit.read();
        int n = Math.min(wanted, fds.streamCap());
        String command = "lmsbench perf --only streams --streams " + wanted;
        // the requests arrive over 2 s (a crowd, not one instant's burst); each waits 2 s for its first token, then
        // streams 16 tokens at 2 tok/s (a slow reader's pace, as a loaded server gives it): every stream is open
        // from the last arrival until the first one ends, so all are held at once, and the tokens of thousands of
        // streams are what is timed
        double rampSeconds = 2.0;
        double ttftMs = 2_000;
        int tokens = 16;
        double tokensPerSecond = 2;
        SimModel model = SimModel.of("perf/streams", ttftMs, tokensPerSecond, tokens);
        try (SimServer sim = startSim(model, n); OpenAiClient client = client(sim)) {
            warmUp(client, sim);
            long logged = sim.sendLog().size();
            LoadSpec load = spec(new ArrivalPattern.ConstantRate(n / rampSeconds), new PerfWorkload(tokens, true), n);
            BenchmarkReport report = runLoad(client, sim, model, load, PromptCache.REUSE);
            LoadResult result = result(report);
            sim.awaitLogged(logged + n, Duration.ofSeconds(10));
            // correct timing: each token's client timestamp against the simulator's write of it (the ground truth,
            // on the same clock), and the first token's likewise
            List<Double> arrival = new ArrayList<>();
            List<Double> first = new ArrayList<>();
            List<Double> late = new ArrayList<>();
            for (Pair pair : pairs(report, sim, logged, model)) {
                RequestResult r = pair.request();
                SendLogEntry e = pair.entry();
                long[] got = r.timings().tokenNanos();
                long[] wrote = e.tokenNanos();
                for (int k = 0; k < Math.min(got.length, wrote.length); k++) {
                    arrival.add((r.timings().sentNanos() + got[k] - wrote[k]) / 1e6);
                }
                if (got.length > 0 && wrote.length > 0) {
                    first.add((r.timings().sentNanos() + got[0] - wrote[0]) / 1e6);
                }
                late.add((e.actualTtftNanos() - e.scheduledTtftNanos()) / 1e6);
            }
            double p99 = percentile(arrival, 99);
            String breakdown = String.format(Locale.ROOT, "%,d tokens timed; first tokens: p99 %s ms; the "
                            + "simulator's own first-token lateness p99 %s ms; %s", arrival.size(),
                    fmt(percentile(first, 99), 2), fmt(percentile(late, 99), 2), cpuLimit(result));
            int peak = result.generator().peakInFlight();
            boolean met = n >= TARGET_STREAMS && result.completed() == n && peak >= n
                    && p99 <= TARGET_STREAM_TOKEN_P99_MS;
            String limit = "";
            if (n < wanted) {
                limit = "the file-descriptor limit caps this process at " + fds.streamCap() + " streams ("
                        + fds.describe() + "); raise it with ulimit -n";
            } else if (n < TARGET_STREAMS) {
                limit = "only " + n + " streams asked (--streams)";
            } else if (result.completed() < n) {
                limit = (n - result.completed()) + " streams failed: " + result.errors();
            } else if (peak < n) {
                limit = "the streams did not all overlap: opening " + n + " connections took longer than the "
                        + fmt(ttftMs, 0) + " ms to the first token";
            } else if (p99 > TARGET_STREAM_TOKEN_P99_MS) {
                limit = "the client, the simulator and " + n + " streams (" + fmt(n * tokensPerSecond, 0)
                        + " tokens/s) share "
                        + Runtime.getRuntime().availableProcessors() + " cores: a token's arrival waits for a carrier "
                        + "thread";
            }
            limit = limit.isEmpty() ? breakdown : limit + "; " + breakdown;
            return new Figure[] {new Figure("Concurrent streams held at once with correct timing",
                    String.format(Locale.ROOT, "%d of %d completed, peak %d in flight; token arrival against the "
                                    + "simulator's write p50 %s ms, p99 %s ms", result.completed(), n, peak,
                            fmt(percentile(arrival, 50), 2), fmt(p99, 2)),
                    String.format(Locale.ROOT, "%d streams, all completed and in flight at once, each token's "
                            + "timestamp within %s ms of its write at p99", TARGET_STREAMS,
                            fmt(TARGET_STREAM_TOKEN_P99_MS, 0)), met, limit, command)};
        } catch (RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Figure[] {notMeasured("Concurrent streams held at once with correct timing",
                    TARGET_STREAMS + " streams", e, command)};
        }
    }

    /**
     * One long stream from a loopback server that writes pre-built SSE chunks in 64 KiB writes, read by the client
     * on one thread: the whole client path (socket reads, SSE parsing, chunk JSON, timestamps) per chunk.
     */
    private Figure[] sseFigure(int chunks) {
        String command = "lmsbench perf --only sse --sse-chunks " + chunks;
        String name = "SSE chunks parsed per second by the client on one core";
        String target = String.format(Locale.ROOT, ">= %,.0f chunks/s", TARGET_CHUNKS_PER_SECOND);
        byte[] response = sseResponse(chunks);
        // the server socket closes first, which ends serve(), so that closing the pool does not wait forever
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            pool.execute(() -> serve(server, response));
            String url = "http://127.0.0.1:" + server.getLocalPort();
            List<Double> rates = new ArrayList<>();
            try (OpenAiClient client = OpenAiClient.create(new ClientConfig(url, "", Duration.ofSeconds(10))
                    .withRequestTimeout(Duration.ofSeconds(120)))) {
                // the first read warms the parser and the JIT; three measured reads, the median reported
                for (int i = 0; i < 4; i++) {
                    InferenceResult r = client.infer(new InferenceRequest("perf/sse", "Say hello.", chunks + 16,
                            SamplingParams.DEFAULT, true, Duration.ofSeconds(120), ""));
                    long[] t = r.timings().tokenNanos();
                    if (t.length != chunks) {
                        throw new IllegalStateException("the client counted " + t.length + " chunks of " + chunks);
                    }
                    double seconds = (r.timings().endNanos() - r.timings().firstByteNanos()) / 1e9;
                    if (i > 0) {
                        rates.add(chunks / seconds);
                    }
                }
            }
            double median = rates.stream().sorted().toList().get(rates.size() / 2);
            boolean met = median >= TARGET_CHUNKS_PER_SECOND;
            return new Figure[] {new Figure(name, String.format(Locale.ROOT, "%,.0f chunks/s (median of 3 reads of "
                    + "%,d chunks; range %,.0f-%,.0f)", median, chunks, rates.stream().mapToDouble(d -> d).min()
                    .orElse(0), rates.stream().mapToDouble(d -> d).max().orElse(0)), target, met,
                    met ? "the reading thread's CPU is the limit; the server writes 64 KiB at a time"
                            : "one thread's CPU time per chunk (socket read, SSE line split, JSON decode of the "
                            + "chunk, timestamp); other processes on this machine", command)};
        } catch (IOException | BackendException | RuntimeException e) {
            return new Figure[] {notMeasured(name, target, e, command)};
        }
    }

    /**
     * Client timings against the simulator's send log at N concurrent streams. The streams arrive at a constant rate
     * that keeps N in flight (each lasts about 2 s; 2N requests), so the figure measures timing under that load rather
     * than the CPU burst of N requests sent at one instant (the streams figure has that). Each request has a prompt of
     * its own length (no nonce), so its prompt token count, which the simulator reports and logs, pairs it with its
     * log entry.
     */
    private Figure[] timingFigures(int n) {
        String command = "lmsbench perf --only timing --timing-streams " + n;
        String ttftName = "Timing error: reported TTFT against the simulator's ground truth";
        String itlName = "Timing error: reported ITL against the simulator's ground truth";
        String target = String.format(Locale.ROOT, "p99 error <= %s ms at %d concurrent streams",
                fmt(TARGET_TIMING_P99_MS, 0), TARGET_TIMING_STREAMS);
        int tokens = 20;
        SimModel model = SimModel.of("perf/timing", 1_000, 20, tokens);
        try (SimServer sim = startSim(model, n); OpenAiClient client = client(sim)) {
            warmUp(client, sim);
            long logged = sim.sendLog().size();
            double streamSeconds = 1.0 + (tokens - 1) / 20.0;
            LoadSpec load = spec(new ArrivalPattern.ConstantRate(n / streamSeconds), new PerfWorkload(tokens, true),
                    2 * n);
            BenchmarkReport report = runLoad(client, sim, model, load, PromptCache.REUSE);
            LoadResult result = result(report);
            if (!sim.awaitLogged(logged + 2L * n, Duration.ofSeconds(10))) {
                throw new IllegalStateException("the simulator did not log every request");
            }
            List<Pair> pairs = pairs(report, sim, logged, model);
            List<Double> ttft = new ArrayList<>();
            List<Double> itl = new ArrayList<>();
            List<Double> arrival = new ArrayList<>();
            List<Double> simLate = new ArrayList<>();
            int matched = pairs.size();
            for (Pair pair : pairs) {
                RequestResult r = pair.request();
                SendLogEntry e = pair.entry();
                long[] got = r.timings().tokenNanos();
                long[] wrote = e.tokenNanos();
                long[] planned = e.scheduledNanos();
                ttft.add(Math.abs(r.timings().firstTokenNanos() - e.actualTtftNanos()) / 1e6);
                for (int i = 0; i < got.length; i++) {
                    arrival.add((r.timings().sentNanos() + got[i] - wrote[i]) / 1e6);
                    simLate.add((wrote[i] - planned[i]) / 1e6);
                    if (i > 0) {
                        itl.add(Math.abs((got[i] - got[i - 1]) - (wrote[i] - wrote[i - 1])) / 1e6);
                    }
                }
            }
            if (matched == 0) {
                throw new IllegalStateException("no request could be paired with its send-log entry");
            }
            double ttftP99 = percentile(ttft, 99);
            double itlP99 = percentile(itl, 99);
            String notes = String.format(Locale.ROOT, "%d of %d requests paired with their send-log entries; token "
                            + "path (sim write -> client timestamp) p50 %s / p99 %s ms; the simulator's own lateness "
                            + "against its schedule p99 %s ms; peak %d in flight", matched, 2 * n,
                    fmt(percentile(arrival, 50), 3), fmt(percentile(arrival, 99), 3), fmt(percentile(simLate, 99), 3),
                    result.generator().peakInFlight());
            boolean enough = n >= TARGET_TIMING_STREAMS;
            String why = !enough ? "only " + n + " streams (--timing-streams)"
                    : cpuLimit(result) + ": the client, the simulator and their " + n + " streams share this "
                    + "machine's " + Runtime.getRuntime().availableProcessors() + " cores, so a token's arrival "
                    + "waits for a carrier thread and the simulator's write for another";
            boolean ttftMet = enough && ttftP99 <= TARGET_TIMING_P99_MS;
            boolean itlMet = enough && itlP99 <= TARGET_TIMING_P99_MS;
            return new Figure[] {
                    new Figure(ttftName, String.format(Locale.ROOT, "|reported TTFT - sim TTFT| p50 %s ms, p99 %s ms, "
                                    + "max %s ms at %d concurrent streams (%d requests at %s/s)",
                            fmt(percentile(ttft, 50), 3), fmt(ttftP99, 3), fmt(percentile(ttft, 100), 3), n, 2 * n,
                            fmt(n / streamSeconds, 0)), target, ttftMet,
                            ttftMet ? notes : why + "; " + notes, command),
                    new Figure(itlName, String.format(Locale.ROOT, "|reported gap - sim gap| p50 %s ms, p99 %s ms, "
                                    + "max %s ms over %,d gaps", fmt(percentile(itl, 50), 3), fmt(itlP99, 3),
                            fmt(percentile(itl, 100), 3), itl.size()), target, itlMet,
                            itlMet ? "" : why, command)};
        } catch (RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Figure[] {notMeasured(ttftName, target, e, command), notMeasured(itlName, target, e, command)};
        }
    }

    /** Poisson arrivals: the achieved rate against the target (and the seeded plan), and the send lag. */
    private Figure[] poissonFigures(int n) {
        String command = "lmsbench perf --only poisson --requests " + n + " --rate " + fmt(rate, 0);
        String rateName = "Poisson arrivals: achieved rate";
        String lagName = "Poisson arrivals: send lag";
        String rateTarget = String.format(Locale.ROOT, "within %s %% of the target over 10,000 requests",
                fmt(TARGET_RATE_ERROR_PERCENT, 0));
        String lagTarget = String.format(Locale.ROOT, "send lag p99 <= %s ms", fmt(TARGET_LAG_P99_MS, 0));
        SimModel model = SimModel.of("perf/poisson", 10, 400, 4);
        ArrivalPattern pattern = new ArrivalPattern.Poisson(rate);
        try (SimServer sim = startSim(model, 256); OpenAiClient client = client(sim)) {
            warmUp(client, sim);
            LoadSpec load = spec(pattern, new PerfWorkload(4, false), n);
            LoadResult result = result(runLoad(client, sim, model, load, PromptCache.OFF));
            double planned = plannedRate(pattern, n);
            double achieved = result.achievedRate();
            double errorPercent = (achieved / rate - 1) * 100;
            double generatorPercent = (achieved / planned - 1) * 100;
            double lagP99 = result.generator().sendLagMs().percentile(99);
            boolean enough = n >= 10_000;
            boolean rateMet = enough && Math.abs(errorPercent) <= TARGET_RATE_ERROR_PERCENT;
            String rateNote = String.format(Locale.ROOT, "the seeded plan itself runs at %s/s (%+.2f %% of the target:"
                    + " a Poisson count over n requests varies by about 1/sqrt(n) = %.2f %%); the sends kept the plan "
                    + "to %+.3f %%", fmt(planned, 2), (planned / rate - 1) * 100, 100 / Math.sqrt(n),
                    generatorPercent);
            if (!rateMet) {
                rateNote = (enough ? "" : "only " + n + " requests (--requests); ") + rateNote;
            }
            boolean lagMet = lagP99 <= TARGET_LAG_P99_MS;
            String lagNote = lagMet ? "" : "the hand-off from the sending thread to each request's virtual thread "
                    + "(a ForkJoinPool carrier has to wake for it: p50 0.18 ms, p99 1.9 ms measured with an instrumented "
                    + "build on this machine, docs/performance.md); " + cpuLimit(result);
            return new Figure[] {
                    new Figure(rateName, String.format(Locale.ROOT, "%s/s for a target of %s/s (%+.2f %%), %d requests,"
                                    + " %d failed", fmt(achieved, 2), fmt(rate, 0), errorPercent, result.sent(),
                            result.failed()), rateTarget, rateMet, rateNote, command),
                    new Figure(lagName, String.format(Locale.ROOT, "p50 %s ms, p99 %s ms, max %s ms",
                            fmt(result.generator().sendLagMs().median(), 3), fmt(lagP99, 3),
                            fmt(result.generator().sendLagMs().max(), 3)), lagTarget, lagMet, lagNote, command)};
        } catch (RuntimeException e) {
            return new Figure[] {notMeasured(rateName, rateTarget, e, command),
                    notMeasured(lagName, lagTarget, e, command)};
        }
    }

    /**
     * Non-streaming requests per second at concurrency 64: our client (64 virtual threads calling
     * {@link OpenAiClient#infer} in a closed loop; the engine's load stages always stream) and {@code hey}, one after
     * the other against the same simulator endpoint.
     */
    private Figure[] rpsFigure(int n) {
        String command = "lmsbench perf --only rps --rps-requests " + n;
        String name = "Non-streaming requests per second at concurrency " + RPS_CONCURRENCY + " (ours vs hey)";
        String target = String.format(Locale.ROOT, "at least %.0f %% of hey's requests/s on the same endpoint in the "
                + "same run", TARGET_RPS_OF_HEY * 100);
        SimModel model = SimModel.of("perf/rps", 0, 100_000, 1);
        try (SimServer sim = startSim(model, RPS_CONCURRENCY * 2); OpenAiClient client = client(sim)) {
            closedLoop(client, model, Math.max(500, n / 10));
            long start = System.nanoTime();
            int ok = closedLoop(client, model, n);
            double seconds = (System.nanoTime() - start) / 1e9;
            double ours = ok / seconds;
            String oursText = String.format(Locale.ROOT, "ours %,.0f requests/s (%d of %d ok)", ours, ok, n);
            Hey.Outcome heyRun = new Hey(hey, !noHeyInstall, err).run(n, RPS_CONCURRENCY,
                    "{\"model\":\"" + model.id() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}],"
                            + "\"stream\":false}", sim.apiBaseUrl() + "/chat/completions");
            if (heyRun.requestsPerSecond() < 0) {
                return new Figure[] {new Figure(name, oursText + "; hey: not measured: " + heyRun.note(), target,
                        null, "hey is needed for the comparison: " + heyRun.note(), command)};
            }
            boolean met = ok == n && ours >= TARGET_RPS_OF_HEY * heyRun.requestsPerSecond();
            String limit = heyRun.note();
            if (!met) {
                limit = (limit.isEmpty() ? "" : limit + "; ") + "our client shares this JVM (and its "
                        + Runtime.getRuntime().availableProcessors() + " cores) with the simulator, hey runs in its "
                        + "own process; per request we also parse and validate the whole answer";
            }
            return new Figure[] {new Figure(name, String.format(Locale.ROOT, "%s, hey %,.0f requests/s (%.0f %% of "
                    + "hey)", oursText, heyRun.requestsPerSecond(), ours / heyRun.requestsPerSecond() * 100), target,
                    met, limit, command)};
        } catch (RuntimeException e) {
            return new Figure[] {notMeasured(name, target, e, command)};
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** A fast model every simulator also serves, for the warm-up. */
    private static final SimModel WARM_UP = SimModel.of("perf/warm-up", 1, 1_000, 2);

    private static SimServer startSim(SimModel model, int slots) {
        return SimServer.start(SimConfig.defaults().withModels(List.of(model, WARM_UP))
                .withDefaultParallel(Math.max(WARM_UP_CONCURRENCY, slots)));
    }

    private static final int WARM_UP_CONCURRENCY = 32;

    private static OpenAiClient client(SimServer sim) {
        return OpenAiClient.create(new ClientConfig(sim.baseUrl(), "", Duration.ofSeconds(30))
                .withRequestTimeout(Duration.ofSeconds(120)));
    }

    /**
     * A short load stage of a fast model first: class loading and JIT compilation of the client, the engine and the
     * simulator. Its send-log entries come before the measured stage's (the figures skip them).
     */
    private void warmUp(OpenAiClient client, SimServer sim) {
        runLoad(client, sim, WARM_UP, spec(new ArrivalPattern.Concurrency(WARM_UP_CONCURRENCY),
                new PerfWorkload(2, false), 400), PromptCache.OFF);
    }

    private LoadSpec spec(ArrivalPattern pattern, Workload workload, int n) {
        return new LoadSpec(pattern, workload, n, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0, seed, null,
                Slo.NONE);
    }

    private static BenchmarkReport runLoad(OpenAiClient client, SimServer sim, SimModel model, LoadSpec load,
                                           PromptCache cache) {
        BenchmarkSettings settings = BenchmarkSettings.defaults().withWarmupRuns(0).withNonStreaming(false)
                .withRequestTimeout(Duration.ofSeconds(120)).withPromptCache(cache);
        BenchmarkEngine engine = BenchmarkEngine.builder().backend(client).build();
        return engine.run(RunInfo.start("sim:" + sim.baseUrl(), settings, VersionProvider.version()),
                new SweepPlan(List.of(new SweepPlan.Job(model.toModelInfo(), 0, 1, load))));
    }

    /** A request and what the simulator logged for it. */
    record Pair(RequestResult request, SendLogEntry entry) {
    }

    /**
     * Pairs the stage's successful requests with their send-log entries by prompt token count (every request of a
     * {@link PerfWorkload} with distinct lengths has its own), skipping the first {@code skip} entries (the warm-up).
     * Requests whose count is not unique or whose token chunks differ in number are left out.
     */
    private static List<Pair> pairs(BenchmarkReport report, SimServer sim, long skip, SimModel model) {
        Map<Integer, SendLogEntry> byPrompt = new HashMap<>();
        Set<Integer> duplicate = new java.util.HashSet<>();
        for (SendLogEntry e : sim.sendLog().stream().skip(skip).toList()) {
            if (e.model().equals(model.id()) && byPrompt.put(e.promptTokens(), e) != null) {
                duplicate.add(e.promptTokens());
            }
        }
        List<Pair> pairs = new ArrayList<>();
        for (RequestResult r : report.requests()) {
            if (r.warmup() || !r.success()) {
                continue;
            }
            SendLogEntry e = byPrompt.get(r.usage().promptTokens());
            int chunks = r.timings().tokenChunkCount();
            if (e != null && !duplicate.contains(r.usage().promptTokens()) && e.tokenNanos().length == chunks
                    && chunks > 0) {
                pairs.add(new Pair(r, e));
            }
        }
        return pairs;
    }

    private static LoadResult result(BenchmarkReport report) {
        if (report.models().isEmpty() || report.models().get(0).load() == null) {
            throw new IllegalStateException("the load stage gave no result (" + report.status() + ")");
        }
        return report.models().get(0).load();
    }

    /** {@code n} non-streaming requests by {@value #RPS_CONCURRENCY} virtual threads; @return how many succeeded */
    private static int closedLoop(OpenAiClient client, SimModel model, int n) {
        AtomicInteger claimed = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        InferenceRequest request = new InferenceRequest(model.id(), "Say hello.", 4, SamplingParams.DEFAULT, false,
                Duration.ofSeconds(30), "");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < RPS_CONCURRENCY; w++) {
                pool.execute(() -> {
                    while (claimed.getAndIncrement() < n) {
                        try {
                            client.infer(request);
                            ok.incrementAndGet();
                        } catch (BackendException e) {
                            // counted as not ok
                        }
                    }
                });
            }
        }
        return ok.get();
    }

    private static double plannedRate(ArrivalPattern pattern, long seed, int n) {
        Arrivals arrivals = Arrivals.of(pattern, seed);
        long first = arrivals.next();
        long last = first;
        for (int i = 1; i < n; i++) {
            last = arrivals.next();
        }
        return n < 2 || last <= first ? Double.NaN : (n - 1) / ((last - first) / 1e9);
    }

    private double plannedRate(ArrivalPattern pattern, int n) {
        return plannedRate(pattern, seed, n);
    }

    private static String cpuLimit(LoadResult result) {
        return String.format(Locale.ROOT, "CPU (this process %s %%, the machine %s %% over the stage)",
                fmt(result.generator().clientCpuPercent(), 0), fmt(result.generator().machineCpuPercent(), 0));
    }

    private static Figure notMeasured(String name, String target, Exception e, String command) {
        return new Figure(name, "not measured: " + Main.oneLine(String.valueOf(e.getMessage())), target, null,
                e.getClass().getSimpleName(), command);
    }

    static double percentile(List<Double> values, double p) {
        return percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), p);
    }

    /** The nearest-rank percentile; NaN for no values. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static String fmt(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "n/a";
    }

    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : fmt(load, 2);
    }

    // ---- the SSE figure's server ----------------------------------------------------------------------------------

    /** A whole HTTP response: headers, then {@code chunks} OpenAI chunks of one token each, a finish and [DONE]. */
    static byte[] sseResponse(int chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(chunks * 190 + 1024);
        String prefix = "data: {\"id\":\"chatcmpl-perf\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"perf/sse\",\"choices\":[{\"index\":0,\"delta\":{";
        write(body, prefix + "\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        String[] words = {"lorem", " ipsum", " dolor", " sit", " amet", ",", " consectetur", " adipiscing"};
        for (int i = 0; i < chunks; i++) {
            write(body, prefix + "\"content\":\"" + words[i % words.length] + "\"},\"finish_reason\":null}]}\n\n");
        }
        write(body, prefix + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":"
                + chunks + ",\"total_tokens\":" + (chunks + 10) + "}}\n\n");
        write(body, "data: [DONE]\n\n");
        byte[] bytes = body.toByteArray();
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(headBytes, headBytes.length + bytes.length);
        System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
        return all;
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers every request on every connection with {@code response}, until the server socket closes. */
    private static void serve(ServerSocket server, byte[] response) {
        try (ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor()) {
            while (!server.isClosed()) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return;
                }
                connections.execute(() -> answer(socket, response));
            }
        }
    }

    private static void answer(Socket socket, byte[] response) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (readRequest(in)) {
                for (int off = 0; off < response.length; off += 65_536) {
                    out.write(response, off, Math.min(65_536, response.length - off));
                }
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Reads one request (headers and a Content-Length body); @return false at the end of the connection */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        int state = 0;
        while (state < 4 && (b = in.read()) >= 0) {
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : b == '\r' ? 1 : 0;
            if (head.size() > 64 * 1024) {
                throw new IOException("request head too large");
            }
        }
        if (state < 4) {
            return false;
        }
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d{1,9})\\s*$")
                .matcher(head.toString(StandardCharsets.US_ASCII));
        long left = length.find() ? Long.parseLong(length.group(1)) : 0;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return false;
                }
                skipped = 1;
            }
            left -= skipped;
        }
        return true;
    }

    // ---- docs -----------------------------------------------------------------------------------------------------

    private void writeDocs() throws IOException {
        String text = Files.exists(docs) ? Files.readString(docs) : "";
        StringBuilder table = new StringBuilder();
        table.append(DOCS_HEADING).append("\n\n");
        table.append("Written by `lmsbench perf --write-docs` on ").append(LocalDate.now(ZoneOffset.UTC))
                .append(": ").append(Runtime.getRuntime().availableProcessors()).append(" cores, load average ")
                .append(loadAverage()).append(" when it started, Java ").append(Runtime.version())
                .append(". The simulator runs in the same process, on loopback. ")
                .append("F").append(FdLimit.read().describe().substring(1)).append(".\n\n");
        table.append("| figure | measured | target | met | limited by / notes | reproduce |\n");
        table.append("| --- | --- | --- | --- | --- | --- |\n");
        for (Figure f : figures) {
            table.append("| ").append(cell(f.name())).append(" | ").append(cell(f.measured())).append(" | ")
                    .append(cell(f.target())).append(" | ")
                    .append(f.met() == null ? "not measured" : f.met() ? "yes" : "**no**").append(" | ")
                    .append(cell(f.limit())).append(" | `").append(f.command()).append("` |\n");
        }
        int at = text.indexOf(DOCS_HEADING);
        String updated;
        if (at < 0) {
            updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n")
                    + table;
        } else {
            int next = text.indexOf("\n## ", at + DOCS_HEADING.length());
            updated = text.substring(0, at) + table + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.writeString(docs, updated);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    // ---- the workload ---------------------------------------------------------------------------------------------

    /**
     * The harness's requests: a fixed short prompt, or (for pairing requests with the send log) a prompt of
     * {@code index + 1} words, so that no two requests of a stage have the same prompt token count.
     */
    static final class PerfWorkload implements Workload {

        private final int maxTokens;
        private final boolean distinctLengths;

        PerfWorkload(int maxTokens, boolean distinctLengths) {
            this.maxTokens = maxTokens;
            this.distinctLengths = distinctLengths;
        }

        @Override
        public String name() {
            return "perf";
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of("max_tokens", String.valueOf(maxTokens), "distinct_lengths",
                    String.valueOf(distinctLengths));
        }

        @Override
        public TokenCountSource lengthSource() {
            return TokenCountSource.ESTIMATE;
        }

        @Override
        public Session start(long seed) {
            return new Session() {
                private int n;

                @Override
                public Request next() {
                    int i = n++;
                    String prompt = distinctLengths ? "w ".repeat(i + 1).strip() : "Say hello.";
                    return new Request(prompt, maxTokens, "", 0, distinctLengths ? i + 1 : 3);
                }
            };
        }
    }

    // ---- the file-descriptor limit --------------------------------------------------------------------------------

    /**
     * This process's file-descriptor limit: each in-process stream holds two sockets (the client's and the
     * simulator's end), so the limit caps the streams at about half of what is free.
     *
     * @param max  the limit, -1 when the JVM cannot tell
     * @param open descriptors open now
     */
    record FdLimit(long max, long open) {

        static FdLimit read() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean
                    unix) {
                return new FdLimit(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount());
            }
            return new FdLimit(-1, -1);
        }

        int streamCap() {
            return max < 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                    (max - open - SPARE_FDS) / 2));
        }

        String describe() {
            return max < 0 ? "file descriptors: the limit is unknown on this system"
                    : String.format(Locale.ROOT, "file descriptors: limit %d (ulimit -n), %d open: at most %d "
                    + "in-process streams (two sockets each)", max, open, streamCap());
        }
    }

    // ---- hey ------------------------------------------------------------------------------------------------------

    /** Runs Debian's {@code hey} load generator, installing it with apt-get when allowed and running as root. */
    static final class Hey {

        /**
         * @param requestsPerSecond hey's requests/s, -1 when not measured
         * @param note              how it went, or why it was not measured
         */
        record Outcome(double requestsPerSecond, String note) {
        }

        private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
        private static final Pattern STATUS = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses");
        private final String binary;
        private final boolean install;
        private final PrintWriter progress;

        Hey(String binary, boolean install, PrintWriter progress) {
            this.binary = binary;
            this.install = install;
            this.progress = progress;
        }

        Outcome run(int n, int concurrency, String body, String url) {
            String note = "";
            if (!works()) {
                if (!install) {
                    return new Outcome(-1, "'" + binary + "' was not found (installing was turned off by "
                            + "--no-hey-install)");
                }
                if (!isRoot()) {
                    return new Outcome(-1, "'" + binary + "' was not found, and this does not run as root, so it "
                            + "cannot 'apt-get install -y hey'");
                }
                progress.println("perf: hey not found; trying apt-get install -y hey");
                progress.flush();
                String installed = exec(List.of("apt-get", "install", "-y", "hey"), 300);
                if (!works()) {
                    exec(List.of("apt-get", "update"), 300);
                    installed = exec(List.of("apt-get", "install", "-y", "hey"), 300);
                }
                if (!works()) {
                    return new Outcome(-1, "'" + binary + "' was not found and 'apt-get install -y hey' failed: "
                            + Main.oneLine(tail(installed)));
                }
                note = "hey was installed by apt-get for this run";
            }
            String output = exec(List.of(binary, "-n", String.valueOf(n), "-c", String.valueOf(concurrency), "-m",
                    "POST", "-T", "application/json", "-d", body, url), 600);
            Matcher m = RPS.matcher(output);
            if (!m.find()) {
                return new Outcome(-1, "hey printed no Requests/sec: " + Main.oneLine(tail(output)));
            }
            // hey sends n / c requests per worker, so it may send a few fewer than asked
            Matcher codes = STATUS.matcher(output);
            long ok = 0;
            long other = 0;
            while (codes.find()) {
                if (codes.group(1).equals("200")) {
                    ok += Long.parseLong(codes.group(2));
                } else {
                    other += Long.parseLong(codes.group(2));
                }
            }
            String sent = "hey sent " + (ok + other) + " requests";
            if (other > 0 || ok == 0 || output.contains("Error distribution")) {
                sent += ", not all answered 200 (" + other + " other statuses" + (output.contains(
                        "Error distribution") ? ", errors" : "") + ")";
            }
            note = note.isEmpty() ? sent : note + "; " + sent;
            return new Outcome(Double.parseDouble(m.group(1)), note);
        }

        private boolean works() {
            // hey without arguments prints its usage and exits 2; a missing binary fails to start
            try {
                Process p = new ProcessBuilder(binary, "-n", "0").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private static boolean isRoot() {
            String out = exec(List.of("id", "-u"), 10).strip();
            return out.equals("0");
        }

        /** Runs a command; @return what it printed (stdout and stderr), or the failure */
        private static String exec(List<String> command, int timeoutSeconds) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                Thread reader = Thread.ofVirtual().start(() -> {
                    try (InputStream in = p.getInputStream()) {
                        in.transferTo(output);
                    } catch (IOException e) {
                        // the process ended
                    }
                });
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "timed out after " + timeoutSeconds + " s";
                }
                reader.join(5_000);
                synchronized (output) {
                    return output.toString(StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                return "cannot run " + command.get(0) + ": " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        private static String tail(String s) {
            String t = s.strip();
            return t.length() > 300 ? t.substring(t.length() - 300) : t;
        }
    }
}
