package dev.lmsbench.cli;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.core.event.Progress;
import dev.lmsbench.core.load.LoadResult;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;

import java.io.PrintWriter;

/**
 * Live progress of {@code lmsbench load} on stderr: a line per stage, then the requests done, failed and in flight
 * with the ETA: redrawn in place a few times a second on a terminal, a plain line every
 * {@value #PLAIN_EVERY_SECONDS} s otherwise; the first failures of each stage are printed as they happen; each stage
 * ends with its headline figures and any warning of the load generator.
 */
final class LoadProgress implements BenchmarkListener {

    static final int PLAIN_EVERY_SECONDS = 5;
    private static final long REDRAW_NANOS = 250_000_000L;
    /** Failures printed per stage; the rest are counted. */
    private static final int FAILURES_SHOWN = 5;

    private final PrintWriter err;
    private final boolean terminal;
    private String position = "";
    private String stage = "";
    private int done;
    private int failed;
    private long lastDraw;
    private boolean statusShown;

    LoadProgress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void onEvent(BenchmarkEvent event) {
        switch (event) {
            case BenchmarkEvent.RunStarted e -> line("load: " + e.jobs().size() + " stage"
                    + (e.jobs().size() == 1 ? "" : "s") + ", about " + e.totalRequests() + " requests, against "
                    + Main.oneLine(e.run().endpoint()) + ProgressPrinter.serverBrief(e.run().server()));
            case BenchmarkEvent.JobStarted e -> {
                position = "[" + e.position() + "/" + e.count() + "]";
                stage = e.job().load() == null ? "" : e.job().load().pattern().label() + ", "
                        + e.job().load().workload().name();
                done = 0;
                failed = 0;
                line(position + " " + Main.oneLine(e.job().model().id()) + "  " + stage);
            }
            case BenchmarkEvent.ModelLoading e -> line(position + "  loading...");
            case BenchmarkEvent.ModelLoaded e -> line(position + "  loaded" + (Double.isNaN(e.outcome().seconds())
                    ? "" : " in " + Durations.num(e.outcome().seconds(), 1) + " s"));
            case BenchmarkEvent.ModelLoadFailed e -> line(position + "  load failed: " + Main.oneLine(e.error()));
            case BenchmarkEvent.RequestCompleted e -> request(e.result(), e.progress());
            case BenchmarkEvent.ModelCompleted e -> line(position + "  done: " + brief(e.summary()));
            case BenchmarkEvent.ModelFailed e -> line(position + "  " + e.summary().status().label() + ": "
                    + Main.oneLine(e.summary().error()));
            case BenchmarkEvent.RunFailed e -> line("load " + e.partial().status().label() + ": "
                    + Main.oneLine(e.error()));
            case BenchmarkEvent.RunCompleted e -> clearStatus();
            default -> {
            }
        }
    }

    private void request(RequestResult r, Progress p) {
        done++;
        if (!r.success()) {
            failed++;
            if (failed <= FAILURES_SHOWN) {
                line(position + "  request " + r.index() + " failed [" + r.errorType().label() + "]: "
                        + Main.oneLine(r.error()) + (failed == FAILURES_SHOWN ? " (further failures counted)" : ""));
            }
        }
        long now = System.nanoTime();
        long every = terminal ? REDRAW_NANOS : PLAIN_EVERY_SECONDS * 1_000_000_000L;
        if (now - lastDraw < every) {
            return;
        }
        lastDraw = now;
        String text = position + "  " + done + " done" + (failed > 0 ? ", " + failed + " failed" : "")
                + "  [" + p.completedRequests() + "/" + p.totalRequests() + ", ETA " + Durations.clock(p.eta()) + "]";
        if (terminal) {
            err.print("\r\033[K" + text);
            err.flush();
            statusShown = true;
        } else {
            line(text);
        }
    }

    private static String brief(ModelSummary s) {
        LoadResult l = s.load();
        if (l == null) {
            return s.successCount() + "/" + s.requestCount() + " ok";
        }
        String text = l.completed() + "/" + l.sent() + " ok, " + Durations.num(l.achievedRate(), 2) + " req/s sent, "
                + Durations.num(l.outputThroughput(), 1) + " output tok/s, TTFT p50 "
                + Durations.num(l.ttftMs().median(), 1) + " ms";
        for (String w : l.generator().warnings()) {
            text += "\n  WARNING: " + w;
        }
        return text;
    }

    private void line(String text) {
        clearStatus();
        err.println(text);
        err.flush();
    }

    private void clearStatus() {
        if (statusShown) {
            err.print("\r\033[K");
            statusShown = false;
        }
        err.flush();
    }
}
