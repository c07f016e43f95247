package dev.lmsbench.cli;

import dev.lmsbench.core.engine.SweepPlan;
import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.core.event.Progress;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.text.SafeText;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The live table of a sweep (seed 004): one row per job (model, context size, parallelism) with its state, requests
 * and warmups done, elapsed time, live and final throughput, TTFT, errors and the time of its last update, under an
 * overall line with the run's progress, elapsed time, ETA and current action.
 *
 * <p>On a terminal the frame is redrawn in place with plain ANSI (cursor up over the previous frame, each line
 * rewritten and cleared to its end; never a full-screen clear), at most every {@value #MIN_REDRAW_MILLIS} ms, by the
 * engine's events and by a timer that keeps the elapsed times and retry countdowns moving; every line is cut to the
 * terminal width. The final frame stays on screen. Elsewhere (a pipe, a log file, CI) it writes plain lines: each
 * job's start, retries and end with the overall progress, and the whole table once at the end.
 *
 * <p>Model ids and error texts are sanitized ({@link SafeText}). Events arrive one at a time (engine and sampler
 * threads); the timer is this class's own daemon thread, started by {@link BenchmarkEvent.RunStarted} and stopped at
 * the run's end or by {@link #close()}.
 */
final class SweepTable implements BenchmarkListener, AutoCloseable {

    /** The shortest time between two redraws on a terminal. */
    static final long MIN_REDRAW_MILLIS = 250;
    /** The width when {@code COLUMNS} does not say. */
    static final int DEFAULT_WIDTH = 120;
    /** The height when {@code LINES} does not say. */
    static final int DEFAULT_HEIGHT = 40;

    private static final String[] TOP = {"Model", "Ctx", "Par", "State", "Reqs", "Warmup", "Job", "Live est",
        "Stream", "Total", "Prefill", "TTFT", "Errors", "Last"};
    private static final String[] BOTTOM = {"", "", "", "", "", "", "elapsed", "tok/s", "tok/s", "tok/s", "tok/s",
        "s", "", "update"};
    /** Columns aligned left (the others are figures, aligned right). */
    private static final Set<Integer> LEFT = Set.of(0, 3, 13);
    private static final int MIN_MODEL_WIDTH = 8;
    /** Widths reserved so that the columns do not shift as the values change: State ("cancelled"), TTFT. */
    private static final int[] MIN_WIDTH = {0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0};
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private enum Phase { QUEUED, LOADING, ACTIVE, DONE, FAILED, CANCELLED, SKIPPED }

    /** One job's row. */
    private static final class Row {
        final SweepPlan.Job job;
        final String model;
        Phase phase = Phase.QUEUED;
        int reqTotal;
        int warmTotal;
        int warmDone;
        final Set<Integer> reqDone = new HashSet<>();
        final Set<Integer> failedMeasured = new HashSet<>();
        final Set<Integer> failedWarmup = new HashSet<>();
        /** The successful calls so far: stream, non-stream, warmup. */
        final Calls stream = new Calls();
        final Calls nonStream = new Calls();
        final Calls warm = new Calls();
        /** Pending retries: call key to the nano time of the next attempt. */
        final Map<String, Long> retries = new HashMap<>();
        long startNanos = -1;
        long endNanos = -1;
        LocalTime lastUpdate;
        ModelSummary summary;

        Row(SweepPlan.Job job, int reqTotal, int warmTotal) {
            this.job = job;
            this.model = SafeText.oneLine(job.model().id(), 200);
            this.reqTotal = reqTotal;
            this.warmTotal = warmTotal;
        }

        boolean finished() {
            return phase.ordinal() >= Phase.DONE.ordinal();
        }

        String name() {
            return model + " ctx " + ctxLabel(job.contextLength()) + " par " + job.parallel();
        }
    }

    /** The successful calls of one kind completed so far. */
    private static final class Calls {
        private final List<RequestResult> calls = new ArrayList<>();

        void add(RequestResult r) {
            calls.add(r);
        }

        boolean isEmpty() {
            return calls.isEmpty();
        }

        /** Tokens over the time the calls were in flight, as the summary's totals are figured; NaN without calls. */
        double rate() {
            return ModelSummary.tokensPerSecondInFlight(calls);
        }
    }

    private final PrintWriter out;
    private final boolean terminal;
    private final int width;
    private final int height;
    private final LongSupplier nanos;
    private final Clock clock;
    private final boolean timerEnabled;

    private final List<Row> rows = new ArrayList<>();
    private Row current;
    private boolean nonStreaming = true;
    private long runStartNanos = -1;
    private long runEndNanos = -1;
    private Progress progress;
    private long progressNanos;
    private int totalRequests;
    private String action = "starting";
    private boolean ended;

    private List<String> drawn = List.of();
    private long lastDrawNanos;
    private ScheduledExecutorService timer;

    /**
     * A table on {@code out}, as wide as {@code COLUMNS} says (else {@value #DEFAULT_WIDTH}).
     *
     * @param out      where to write (stderr)
     * @param terminal whether {@code out} is an interactive terminal: redraw in place, else plain lines
     */
    SweepTable(PrintWriter out, boolean terminal) {
        this(out, terminal, size(System.getenv("COLUMNS"), DEFAULT_WIDTH), size(System.getenv("LINES"),
                DEFAULT_HEIGHT), System::nanoTime, Clock.systemDefaultZone(), true);
    }

    /**
     * A table with its own width, time sources and timer switch (tests).
     *
     * @param out      where to write
     * @param terminal redraw in place
     * @param width    the longest line
     * @param height   the terminal's lines: a taller frame shows only the jobs around the current one until the end
     * @param nanos    monotonic time in nanoseconds
     * @param clock    wall-clock time (the Last update column)
     * @param timer    whether to run the redraw timer on a terminal; without it, {@link #tick()} redraws
     */
    SweepTable(PrintWriter out, boolean terminal, int width, int height, LongSupplier nanos, Clock clock,
               boolean timer) {
        this.out = out;
        this.terminal = terminal;
        this.width = Math.max(40, width);
        this.height = Math.max(8, height);
        this.nanos = nanos;
        this.clock = clock;
        this.timerEnabled = timer;
    }

    /** A terminal size from {@code COLUMNS} or {@code LINES}: its value when it is a positive number, else the default. */
    static int size(String value, int otherwise) {
        if (value != null) {
            try {
                int n = Integer.parseInt(value.strip());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // not a number: the default
            }
        }
        return otherwise;
    }

    @Override
    public synchronized void onEvent(BenchmarkEvent event) {
        long now = nanos.getAsLong();
        switch (event) {
            case BenchmarkEvent.RunStarted e -> started(e, now);
            case BenchmarkEvent.ModelStarted e -> {
                Row r = find(e.position(), e.count(), e.model().id(), null);
                begin(r, now);
            }
            case BenchmarkEvent.JobStarted e -> {
                Row r = find(e.position(), e.count(), e.job().model().id(), e.job());
                if (r != current) {
                    begin(r, now);
                }
            }
            case BenchmarkEvent.ModelLoading e -> {
                if (current != null) {
                    current.phase = Phase.LOADING;
                    touch(current);
                    action = "loading " + current.name();
                }
            }
            case BenchmarkEvent.ModelLoaded e -> {
                if (current != null) {
                    current.phase = Phase.ACTIVE;
                    touch(current);
                    action = current.name() + (e.outcome().managed()
                            ? ": loaded in " + Durations.num(e.outcome().seconds(), 2) + " s" : ": warmup");
                    plain("[" + position(current) + "] " + action);
                }
            }
            case BenchmarkEvent.ModelLoadFailed e -> {
                if (current != null) {
                    touch(current);
                    action = current.name() + ": load failed: " + SafeText.oneLine(e.error(), 200);
                    plain("[" + position(current) + "] " + action);
                }
            }
            case BenchmarkEvent.RequestCompleted e -> completed(e.result(), e.progress(), now);
            case BenchmarkEvent.RequestRetrying e -> retrying(e, now);
            case BenchmarkEvent.ModelUnloaded e -> {
                if (current != null) {
                    touch(current);
                }
            }
            case BenchmarkEvent.ModelCompleted e -> ended(e.summary(), now);
            case BenchmarkEvent.ModelFailed e -> ended(e.summary(), now);
            case BenchmarkEvent.HardwareSampled e -> {
                return; // the table has no hardware column
            }
            case BenchmarkEvent.CoolingDown e -> action = "pausing to cool down: " + SafeText.oneLine(e.reason(), 200);
            case BenchmarkEvent.CooledDown e -> action = (e.timedOut() ? "still over the limit after " : "cooled down in ")
                    + Durations.num(e.seconds(), 1) + " s";
            case BenchmarkEvent.RunPaused e -> action = "paused: no new request starts until resumed";
            case BenchmarkEvent.RunResumed e -> action = "resumed after " + Durations.num(e.pausedSeconds(), 1) + " s";
            case BenchmarkEvent.RunCompleted e -> {
                action = "finished";
                finish(now, Phase.CANCELLED);
            }
            case BenchmarkEvent.RunFailed e -> {
                boolean cancelled = e.partial().status() == RunStatus.CANCELLED;
                action = (cancelled ? "stopped: " : "failed: ") + SafeText.oneLine(e.error(), 200);
                finish(now, cancelled ? Phase.CANCELLED : Phase.FAILED);
            }
        }
        if (!ended) {
            redraw(now, false, false);
        }
    }

    /** Redraws when the frame changed (the countdowns, elapsed times) and the last redraw is old enough. */
    synchronized void tick() {
        if (!ended && runStartNanos >= 0) {
            redraw(nanos.getAsLong(), false, false);
        }
    }

    /** Stops the timer (the run's end does too). */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /** The frame as it would be drawn now, without escape sequences (tests). */
    synchronized List<String> frame() {
        return render(nanos.getAsLong(), ended || !terminal);
    }

    // ---------------------------------------------------------------- events

    private void started(BenchmarkEvent.RunStarted e, long now) {
        BenchmarkSettings s = e.run().settings();
        nonStreaming = s.nonStreaming();
        totalRequests = e.totalRequests();
        rows.clear();
        for (SweepPlan.Job job : e.jobs()) {
            rows.add(new Row(job, s.runs() * job.parallel(), s.warmupRuns()));
        }
        runStartNanos = now;
        action = "starting " + rows.size() + " job" + (rows.size() == 1 ? "" : "s");
        plain(String.format(Locale.ROOT, "Sweep of %d job%s at %s: %d requests", rows.size(),
                rows.size() == 1 ? "" : "s", SafeText.oneLine(e.run().endpoint(), 200), totalRequests));
        if (terminal) {
            redraw(now, true, false);
            if (timerEnabled && timer == null) {
                timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "lmsbench-sweep-table");
                    t.setDaemon(true);
                    return t;
                });
                timer.scheduleAtFixedRate(this::tick, MIN_REDRAW_MILLIS, MIN_REDRAW_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The row of a job: by its position in the plan when that matches, else the first unfinished one like it. */
    private Row find(int position, int count, String modelId, SweepPlan.Job job) {
        if (count == rows.size() && position >= 1 && position <= rows.size()) {
            Row r = rows.get(position - 1);
            if (r.job.model().id().equals(modelId) && (job == null || sameJob(r.job, job))) {
                return r;
            }
        }
        for (Row r : rows) {
            if (!r.finished() && r.job.model().id().equals(modelId) && (job == null || sameJob(r.job, job))) {
                return r;
            }
        }
        return null;
    }

    private static boolean sameJob(SweepPlan.Job a, SweepPlan.Job b) {
        return a.model().id().equals(b.model().id()) && a.contextLength() == b.contextLength()
                && a.parallel() == b.parallel();
    }

    private void begin(Row r, long now) {
        if (r == null) {
            return;
        }
        current = r;
        if (r.phase == Phase.QUEUED) {
            r.phase = Phase.ACTIVE;
        }
        if (r.startNanos < 0) {
            r.startNanos = now;
        }
        touch(r);
        action = r.name() + ": started";
        plain("[" + position(r) + "] " + action);
    }

    private Row rowOf(String modelId, int contextLength, int parallel) {
        if (current != null && current.job.model().id().equals(modelId)) {
            return current;
        }
        for (Row r : rows) {
            if (!r.finished() && r.phase != Phase.QUEUED && r.job.model().id().equals(modelId)
                    && r.job.contextLength() == contextLength && r.job.parallel() == parallel) {
                return r;
            }
        }
        return null;
    }

    private static String key(boolean warmup, int index, RunMode mode) {
        return (warmup ? "w" : "m") + index + mode.name();
    }

    private void completed(RequestResult r, Progress p, long now) {
        if (p != null) {
            progress = p;
            progressNanos = now;
        }
        Row row = rowOf(r.model(), r.contextLength(), r.parallel());
        if (row == null) {
            return;
        }
        if (row.phase == Phase.QUEUED || row.phase == Phase.LOADING) {
            row.phase = Phase.ACTIVE;
        }
        row.retries.remove(key(r.warmup(), r.index(), r.mode()));
        touch(row);
        if (r.warmup()) {
            row.warmDone++;
            row.warmTotal = Math.max(row.warmTotal, row.warmDone);
            if (r.success()) {
                row.warm.add(r);
            } else {
                row.failedWarmup.add(r.index());
            }
            action = row.name() + ": warmup " + row.warmDone + "/" + row.warmTotal
                    + (r.success() ? "" : " failed: " + SafeText.oneLine(r.error(), 200));
            return;
        }
        if (r.success()) {
            (r.mode() == RunMode.STREAM ? row.stream : row.nonStream).add(r);
        } else {
            row.failedMeasured.add(r.index());
        }
        // a logical request is done when its last call (the non-stream one, when made) completes
        if (r.mode() == (nonStreaming ? RunMode.NONSTREAM : RunMode.STREAM)) {
            row.reqDone.add(r.index());
            row.reqTotal = Math.max(row.reqTotal, row.reqDone.size());
        }
        action = row.name() + ": request " + (r.index() + 1) + "/" + row.reqTotal + " " + r.mode().label()
                + (r.success() ? "" : " failed: " + SafeText.oneLine(r.error(), 200));
    }

    private void retrying(BenchmarkEvent.RequestRetrying e, long now) {
        Row row = rowOf(e.job().model().id(), e.job().contextLength(), e.job().parallel());
        String what = (e.warmup() ? "warmup " : "request ") + (e.index() + 1) + " (" + e.mode().label() + ")";
        String line = (row == null ? SafeText.oneLine(e.job().model().id(), 200) : row.name()) + ": " + what
                + " failed (" + e.type().label() + ": " + SafeText.oneLine(e.error(), 200) + "); retry "
                + e.attempt() + " in " + Durations.num(e.delay().toMillis() / 1000.0, 1) + " s";
        if (row != null) {
            row.retries.put(key(e.warmup(), e.index(), e.mode()), now + e.delay().toNanos());
            touch(row);
            plain("[" + position(row) + "] " + line);
        } else {
            plain(line);
        }
        action = line;
    }

    private void ended(ModelSummary s, long now) {
        Row row = current != null && current.job.model().id().equals(s.model().id()) ? current
                : rowOf(s.model().id(), s.contextLength(), s.parallel());
        if (row == null) {
            row = find(0, 0, s.model().id(), new SweepPlan.Job(s.model(), s.contextLength(),
                    Math.max(1, s.parallel())));
        }
        if (row == null) {
            return;
        }
        row.summary = s;
        row.retries.clear();
        row.endNanos = now;
        if (row.startNanos < 0) {
            row.startNanos = now;
        }
        row.phase = switch (s.status()) {
            case COMPLETED, CACHED -> Phase.DONE;
            case CANCELLED -> Phase.CANCELLED;
            case SKIPPED -> Phase.SKIPPED;
            case FAILED -> Phase.FAILED;
        };
        if (row.phase == Phase.DONE && s.requestCount() > 0) {
            row.reqTotal = s.requestCount();
            row.reqDone.clear();
            for (int i = 0; i < s.requestCount(); i++) {
                row.reqDone.add(i);
            }
        }
        touch(row);
        action = row.name() + ": " + state(row, now)
                + (s.error().isEmpty() ? "" : ": " + SafeText.oneLine(s.error(), 200));
        if (!terminal) {
            plain("[" + position(row) + "] " + action + "  " + figures(row) + "  [" + overall(now) + "]");
        }
        if (row == current) {
            current = null;
        }
    }

    private void finish(long now, Phase unfinished) {
        for (Row r : rows) {
            if (!r.finished()) {
                r.phase = r.phase == Phase.QUEUED ? Phase.CANCELLED : unfinished;
                r.retries.clear();
                if (r.startNanos >= 0) {
                    r.endNanos = now;
                }
            }
        }
        current = null;
        runEndNanos = now;
        if (terminal) {
            redraw(now, true, true); // the whole table, even when taller than the terminal: nothing redraws it again
        } else {
            List<String> lines = render(now, true);
            for (String l : lines) {
                out.println(l);
            }
            out.flush();
        }
        ended = true;
        close();
    }

    private void touch(Row r) {
        r.lastUpdate = LocalTime.now(clock);
    }

    private String position(Row r) {
        return (rows.indexOf(r) + 1) + "/" + rows.size();
    }

    // ---------------------------------------------------------------- rendering

    private void plain(String line) {
        if (!terminal) {
            out.println(Main.terminalLine(line));
            out.flush();
        }
    }

    private void redraw(long now, boolean force, boolean full) {
        if (!terminal) {
            return;
        }
        List<String> frame = render(now, full);
        if (!force && (frame.equals(drawn) || now - lastDrawNanos < MIN_REDRAW_MILLIS * 1_000_000L)) {
            return;
        }
        StringBuilder b = new StringBuilder();
        if (!drawn.isEmpty()) {
            b.append("\r\033[").append(drawn.size()).append('A'); // up to the previous frame's first line
        }
        for (String line : frame) {
            b.append(line).append("\033[K\n");
        }
        if (frame.size() < drawn.size()) {
            b.append("\033[J"); // the previous frame was longer: clear what is below
        }
        out.print(b);
        out.flush();
        drawn = frame;
        lastDrawNanos = now;
    }

    /**
     * The overall line, the two header lines, the rule and a line per job, each cut to the width. Unless
     * {@code full}, a frame taller than the terminal (less a line for the cursor) shows only the jobs around the
     * current one and a line saying which: cursor-up cannot reach lines that scrolled off the screen.
     */
    private List<String> render(long now, boolean full) {
        List<String[]> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(cells(r, now));
        }
        int n = TOP.length;
        int[] w = new int[n];
        for (int c = 0; c < n; c++) {
            w[c] = Math.max(MIN_WIDTH[c], Math.max(TOP[c].length(), BOTTOM[c].length()));
            for (String[] row : cells) {
                w[c] = Math.max(w[c], row[c].length());
            }
        }
        int total = 2 * (n - 1);
        for (int c = 0; c < n; c++) {
            total += w[c];
        }
        if (total > width) { // narrow the model column first (names are cut with "...")
            w[0] = Math.max(MIN_MODEL_WIDTH, w[0] - (total - width));
        }
        List<String> lines = new ArrayList<>();
        lines.add(overall(now) + "  |  " + action);
        lines.add(line(TOP, w));
        lines.add(line(BOTTOM, w));
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < n; c++) {
            rule.append(c == 0 ? "" : "  ").append("-".repeat(w[c]));
        }
        lines.add(rule.toString());
        int room = height - 1 - lines.size();
        if (full || cells.size() <= room) {
            for (String[] row : cells) {
                lines.add(line(row, w));
            }
        } else {
            int shown = Math.max(1, room - 1);
            int focus = current != null ? rows.indexOf(current) : -1;
            for (int i = 0; i < rows.size() && focus < 0; i++) {
                if (!rows.get(i).finished()) {
                    focus = i;
                }
            }
            if (focus < 0) {
                focus = rows.size() - 1;
            }
            int first = Math.max(0, Math.min(focus - shown / 3, cells.size() - shown));
            for (int i = first; i < first + shown; i++) {
                lines.add(line(cells.get(i), w));
            }
            lines.add(String.format(Locale.ROOT, "(jobs %d-%d of %d shown; the whole table at the end)", first + 1,
                    first + shown, cells.size()));
        }
        List<String> cut = new ArrayList<>(lines.size());
        for (String l : lines) {
            cut.add(cut(Main.terminalLine(l), width));
        }
        return cut;
    }

    private static String line(String[] cells, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String cell = cells[c];
            if (cell.length() > w[c]) {
                cell = w[c] >= 4 ? SafeText.oneLine(cell, w[c]) : cell.substring(0, w[c]);
            }
            String pad = " ".repeat(w[c] - cell.length());
            b.append(c == 0 ? "" : "  ").append(LEFT.contains(c) ? cell + pad : pad + cell);
        }
        return b.toString().stripTrailing();
    }

    private static String cut(String line, int width) {
        if (line.length() <= width) {
            return line;
        }
        int end = width;
        if (Character.isHighSurrogate(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(0, end);
    }

    private String[] cells(Row r, long now) {
        ModelSummary s = r.summary;
        boolean measured = s != null && s.status() != RunStatus.SKIPPED;
        return new String[]{
            r.model,
            ctxLabel(r.job.contextLength()),
            Integer.toString(r.job.parallel()),
            state(r, now),
            r.reqDone.size() + "/" + r.reqTotal,
            r.warmDone + "/" + r.warmTotal,
            r.startNanos < 0 ? "-" : elapsed((r.endNanos >= 0 ? r.endNanos : now) - r.startNanos),
            Durations.num(liveRate(r), 1),
            measured ? Durations.num(s.streamTokensPerSecondTotal(), 1) : "-",
            measured ? Durations.num(s.completionTokensPerSecondTotal(), 1) : "-",
            measured ? Durations.num(s.prefillTokensPerSecond().mean(), 1) : "-",
            measured ? Durations.num(s.ttft().mean(), 3) : "-",
            Integer.toString(errors(r)),
            r.lastUpdate == null ? "-" : HMS.format(r.lastUpdate)
        };
    }

    /** Failed logical requests: each measured index once (stream and non-stream together), each warmup once. */
    private static int errors(Row r) {
        int measured = r.failedMeasured.size();
        if (r.summary != null) {
            measured = Math.max(measured, r.summary.errorCount());
        }
        return measured + r.failedWarmup.size();
    }

    /**
     * Tokens per second of the job's successful calls so far, as the summary's total is figured: the mean of the
     * stream and non-stream rates over the time their calls were in flight (either alone when the other has none);
     * the warmups' before any measured call completes.
     */
    private static double liveRate(Row r) {
        double stream = r.stream.rate();
        double nonStream = r.nonStream.rate();
        if (!Double.isNaN(stream) && !Double.isNaN(nonStream)) {
            return (stream + nonStream) / 2;
        }
        if (!Double.isNaN(stream) || !Double.isNaN(nonStream)) {
            return Double.isNaN(stream) ? nonStream : stream;
        }
        return r.warm.rate();
    }

    private static String state(Row r, long now) {
        switch (r.phase) {
            case QUEUED:
                return "queued";
            case LOADING:
                return "loading";
            case DONE:
                return "done";
            case FAILED:
                return "failed";
            case CANCELLED:
                return "cancelled";
            case SKIPPED:
                return "skipped";
            default:
                break;
        }
        long next = Long.MAX_VALUE;
        for (long at : r.retries.values()) {
            if (at > now) {
                next = Math.min(next, at);
            }
        }
        if (next != Long.MAX_VALUE) {
            long seconds = (next - now + 999_999_999L) / 1_000_000_000L;
            return "retrying in " + seconds + "s";
        }
        boolean measuring = !r.reqDone.isEmpty() || !r.stream.isEmpty() || !r.nonStream.isEmpty()
                || !r.failedMeasured.isEmpty() || r.warmDone >= r.warmTotal;
        return measuring ? "running" : "warmup";
    }

    private static String ctxLabel(int contextLength) {
        return contextLength == 0 ? "default" : Integer.toString(contextLength);
    }

    /** {@code 12/48 requests (25%)  elapsed 0:12  ETA 0:36}. */
    private String overall(long now) {
        int done = progress == null ? 0 : progress.completedRequests();
        int total = progress == null ? totalRequests : progress.totalRequests();
        double fraction = progress == null ? 0 : progress.fraction();
        long end = runEndNanos >= 0 ? runEndNanos : now;
        String elapsed = elapsed(runStartNanos < 0 ? 0 : end - runStartNanos);
        String eta;
        if (runEndNanos >= 0) {
            eta = "";
        } else if (progress == null || progress.eta() == null) {
            eta = "  ETA --:--";
        } else {
            Duration left = progress.eta().minusNanos(Math.max(0, now - progressNanos));
            eta = "  ETA " + Durations.clock(left.isNegative() ? Duration.ZERO : left);
        }
        return String.format(Locale.ROOT, "%d/%d requests (%.0f%%)  elapsed %s%s", done, total, fraction * 100,
                elapsed, eta);
    }

    /** An elapsed time in whole seconds, like a clock (0.9 s is still 0:00). */
    private static String elapsed(long nanos) {
        return Durations.clock(Duration.ofSeconds(Math.max(0, nanos) / 1_000_000_000L));
    }

    /** {@code reqs 4/4, stream 95.1 tok/s, total 90.2 tok/s, prefill 2400.0 tok/s, TTFT 0.123 s, errors 0}. */
    private static String figures(Row r) {
        ModelSummary s = r.summary;
        StringBuilder b = new StringBuilder("reqs " + r.reqDone.size() + "/" + r.reqTotal);
        if (s != null && s.status() != RunStatus.SKIPPED) {
            b.append(", stream ").append(Durations.num(s.streamTokensPerSecondTotal(), 1)).append(" tok/s, total ")
                    .append(Durations.num(s.completionTokensPerSecondTotal(), 1)).append(" tok/s, prefill ")
                    .append(Durations.num(s.prefillTokensPerSecond().mean(), 1)).append(" tok/s, TTFT ")
                    .append(Durations.num(s.ttft().mean(), 3)).append(" s");
        }
        return b.append(", errors ").append(errors(r)).toString();
    }
}
