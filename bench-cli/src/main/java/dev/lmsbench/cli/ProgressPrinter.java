package dev.lmsbench.cli;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.event.Progress;
import dev.lmsbench.core.hardware.HardwareAggregates;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.SideMetric;

import java.io.PrintWriter;

/**
 * Live progress on stderr: the model, run i/N, the last request's tok/s and the ETA. On a terminal the status line is
 * rewritten in place; otherwise (a pipe, a log file, CI) every step is a plain line.
 */
final class ProgressPrinter implements BenchmarkListener {

    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private int runs;
    private int parallel;
    /** Whether the run is a sweep (jobs other than one per model at the run's context and parallelism). */
    private boolean sweep;
    private int warmups;
    private String position = "";
    private long lastDraw;
    private boolean statusShown;
    /** The latest hardware sample, briefly (VRAM, power), shown on the terminal status line; "" without one. */
    private String hardware = "";

    ProgressPrinter(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** Whether stderr is an interactive terminal: the launcher tells us, else ask the JDK. */
    static boolean stderrIsTerminal() {
        String p = System.getProperty("lmsbench.interactive");
        if (p != null) {
            return Boolean.parseBoolean(p);
        }
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try { // Java 22+: a Console exists even when redirected; isTerminal() tells the truth
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override
    public void onEvent(BenchmarkEvent event) {
        switch (event) {
            case BenchmarkEvent.RunStarted e -> {
                runs = e.run().settings().runs();
                parallel = e.run().settings().parallel();
                warmups = e.run().settings().warmupRuns();
                sweep = e.jobs().size() != e.models().size()
                        || e.jobs().stream().anyMatch(j -> j.contextLength() != e.run().settings().contextLength()
                        || j.parallel() != e.run().settings().parallel());
                line(String.format(java.util.Locale.ROOT,
                        "Benchmarking %d model%s%s at %s%s: %d warmup + %d run%s each%s, max %d tokens (%d requests)",
                        e.models().size(), e.models().size() == 1 ? "" : "s",
                        sweep ? " in " + e.jobs().size() + " jobs (context x parallelism)" : "", e.run().endpoint(),
                        serverBrief(e.run().server()), warmups, runs,
                        runs == 1 ? "" : "s", parallel > 1 && !sweep ? " x " + parallel + " parallel" : "",
                        e.run().settings().maxTokens(), e.totalRequests()));
            }
            case BenchmarkEvent.ModelStarted e -> {
                position = "[" + e.position() + "/" + e.count() + "] " + e.model().id();
                hardware = "";
                line(position + describe(e.model()));
            }
            case BenchmarkEvent.JobStarted e -> {
                if (sweep) {
                    // a sweep job: name its context size and parallelism
                    position = "[" + e.position() + "/" + e.count() + "] " + e.job().model().id() + " ctx "
                            + (e.job().contextLength() == 0 ? "default" : e.job().contextLength()) + " par "
                            + e.job().parallel();
                    line(position + (e.reload() ? "" : "  (the model stays loaded)"));
                }
            }
            case BenchmarkEvent.RequestRetrying e -> line(position + "  " + (e.warmup() ? "warmup " : "request ")
                    + (e.index() + 1) + " (" + e.mode().label() + ") failed (" + e.type().label() + ": " + e.error()
                    + "); retry " + e.attempt() + " in " + Durations.num(e.delay().toMillis() / 1000.0, 1) + " s");
            case BenchmarkEvent.ModelLoading e -> {
                if (terminal) {
                    status(position + "  loading...");
                }
            }
            case BenchmarkEvent.ModelLoaded e -> {
                if (e.outcome().managed()) {
                    line(position + "  loaded in " + Durations.num(e.outcome().seconds(), 2) + " s");
                }
            }
            case BenchmarkEvent.ModelLoadFailed e -> line(position + "  load failed: " + e.error());
            case BenchmarkEvent.RequestCompleted e -> request(e.result(), e.progress());
            case BenchmarkEvent.ModelUnloaded e -> {
                if (!e.error().isEmpty()) {
                    line(position + "  unload failed: " + e.error());
                }
            }
            case BenchmarkEvent.ModelCompleted e -> line(position + "  done: " + brief(e.summary()));
            case BenchmarkEvent.ModelFailed e -> line(position + "  " + e.summary().status().label() + ": "
                    + e.summary().error());
            case BenchmarkEvent.HardwareSampled e -> hardware = hardwareBrief(e.sample());
            case BenchmarkEvent.CoolingDown e -> line(position + "  pausing: " + e.reason()
                    + "; waiting until it is below the limit (at most "
                    + BenchmarkEngine.MAX_GUARD_WAIT.toMinutes() + " min)");
            case BenchmarkEvent.CooledDown e -> line(position + (e.timedOut()
                    ? "  still over the limit after " + Durations.num(e.seconds(), 1) + " s; going on anyway"
                    : "  resumed after " + Durations.num(e.seconds(), 1) + " s"));
            case BenchmarkEvent.RunPaused e -> line("paused: no new request starts until resumed");
            case BenchmarkEvent.RunResumed e -> line(String.format(java.util.Locale.ROOT, "resumed after %.1f s",
                    e.pausedSeconds()));
            case BenchmarkEvent.RunCompleted e -> clearStatus();
            case BenchmarkEvent.RunFailed e -> line(e.partial().status() == RunStatus.FAILED
                    ? "Run failed: " + e.error()
                    : "Run stopped: " + e.error() + "; results measured so far are kept");
        }
    }

    /** {@code " (llama.cpp b4567)"}: what the server says it is, or "" when it says nothing. */
    static String serverBrief(dev.lmsbench.core.model.ServerInfo server) {
        if (server == null || server.kind().isEmpty()) {
            return "";
        }
        return " (" + server.kind() + (server.version().isEmpty() ? "" : " " + server.version())
                + (server.runtime().isEmpty() || server.kind().equals("sim") ? "" : ", " + server.runtime()) + ")";
    }

    /** {@code  VRAM 5.2 GB, 212 W}: the figures the sample has, or "" when it has none of them. */
    static String hardwareBrief(HardwareSample sample) {
        StringBuilder b = new StringBuilder();
        double vram = HardwareAggregates.vramUsed(sample);
        if (!Double.isNaN(vram)) {
            b.append("VRAM ").append(Durations.num(vram / 1e9, 1)).append(" GB");
        }
        double watts = HardwareAggregates.power(sample);
        if (!Double.isNaN(watts)) {
            b.append(b.isEmpty() ? "" : ", ").append(Durations.num(watts, 0)).append(" W");
        }
        double celsius = HardwareAggregates.temperature(sample);
        if (!Double.isNaN(celsius)) {
            b.append(b.isEmpty() ? "" : ", ").append(Durations.num(celsius, 0)).append(" °C");
        }
        return b.isEmpty() ? "" : "  " + b;
    }

    private static String describe(ModelInfo m) {
        StringBuilder b = new StringBuilder();
        if (!m.quantization().isEmpty()) {
            b.append("  ").append(m.quantization());
        }
        if (m.sizeBytes() > 0) {
            b.append("  ").append(Durations.num(m.sizeBytes() / 1e9, 1)).append(" GB");
        }
        return b.toString();
    }

    private static String brief(ModelSummary s) {
        return "TTFT p50 " + Durations.num(s.ttft().p50(), 3) + " s, decode p50 "
                + Durations.num(s.decodeTokensPerSecond().p50(), 1) + " tok/s, "
                + s.successCount() + "/" + s.requestCount() + " ok"
                + (s.tokens().estimated() ? " (token counts estimated)" : "")
                + sideBrief(s);
    }

    /** {@code , VRAM peak 5.2 GB, 212 W mean}: the headline hardware figures when profiled. */
    private static String sideBrief(ModelSummary s) {
        StringBuilder b = new StringBuilder();
        SideMetric.find(s.sideMetrics(), HardwareAggregates.VRAM_USED, SideMetric.Aggregation.MAX)
                .ifPresent(m -> b.append(", VRAM peak ").append(Durations.num(m.value() / 1e9, 1)).append(" GB"));
        SideMetric.find(s.sideMetrics(), HardwareAggregates.POWER, SideMetric.Aggregation.MEAN)
                .ifPresent(m -> b.append(", ").append(Durations.num(m.value(), 0)).append(" W mean"));
        SideMetric.find(s.sideMetrics(), HardwareAggregates.GUARD_PAUSE, SideMetric.Aggregation.SUM)
                .ifPresent(m -> b.append(", paused ").append(Durations.num(m.value(), 1)).append(" s to cool"));
        return b.toString();
    }

    private void request(RequestResult r, Progress p) {
        String phase = r.warmup() && r.index() >= warmups ? "calibration " + (r.index() - warmups + 1)
                : r.warmup() ? "warmup " + (r.index() + 1) + "/" + warmups
                : "run " + (r.index() / r.parallel() + 1) + "/" + runs + " " + r.mode().label();
        String figure;
        if (!r.success() && r.attempts() > 1) {
            figure = "error_final after " + r.attempts() + " calls [" + r.errorType().label() + "]: " + r.error();
        } else if (!r.success()) {
            // the type first: it is what tells a timeout from a refusal at a glance (docs/errors.md)
            figure = "failed [" + r.errorType().label() + "]: " + r.error();
        } else if (r.mode() == RunMode.STREAM) {
            figure = "ttft " + Durations.num(r.ttftSeconds(), 3) + " s, "
                    + Durations.num(r.decodeTokensPerSecond(), 1) + " tok/s";
        } else {
            figure = Durations.num(r.completionTokensPerSecond(), 1) + " tok/s";
        }
        String tail = "  [" + p.completedRequests() + "/" + p.totalRequests() + ", ETA " + Durations.clock(p.eta())
                + "]";
        if (terminal) {
            if (!r.success()) {
                line(position + "  " + phase + " " + figure);
            }
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS || p.completedRequests() == p.totalRequests()) {
                lastDraw = now;
                status(position + "  " + phase + "  " + (r.success() ? figure : "") + tail + hardware);
            }
        } else {
            line(position + "  " + phase + "  " + figure + tail);
        }
    }

    private void status(String text) {
        // only our own escape sequence reaches the terminal: the text (model ids, server messages) is cleaned
        err.print("\r\033[2K" + Main.terminalLine(text));
        err.flush();
        statusShown = true;
    }

    private void clearStatus() {
        if (statusShown) {
            err.print("\r\033[2K");
            err.flush();
            statusShown = false;
        }
    }

    private void line(String text) {
        clearStatus();
        err.println(Main.terminalLine(text));
        err.flush();
    }
}
