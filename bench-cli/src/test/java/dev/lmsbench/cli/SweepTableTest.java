package dev.lmsbench.cli;

import dev.lmsbench.core.engine.SweepPlan;
import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.Progress;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.TokenUsage;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SweepTableTest {

    private static final long MS = 1_000_000L;
    private static final ModelInfo A = ModelInfo.named("sim/llama-3.2-3b-instruct@q4_k_m");
    private static final ModelInfo B = ModelInfo.named("sim/qwen3-8b@q8_0");
    private static final BenchmarkSettings SETTINGS = BenchmarkSettings.defaults().withRuns(2).withWarmupRuns(3);
    /** 2 models x 2 context sizes x 2 parallelism levels, in running order. */
    private static final List<SweepPlan.Job> JOBS = SweepPlan.of(List.of(A, B), List.of(1024, 2048), List.of(1, 2))
            .jobs();
    /** The overall line, two header lines and the rule come before the rows. */
    private static final int FIRST_ROW = 4;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final StringWriter out = new StringWriter();
    private final List<RequestResult> calls = new ArrayList<>();
    private int completed;

    private SweepTable table(boolean terminal) {
        return new SweepTable(new PrintWriter(out, true), terminal, 200, 50, now::get,
                Clock.fixed(Instant.parse("2026-12-01T12:34:56Z"), ZoneOffset.UTC), false);
    }

    private static RunInfo run() {
        return RunInfo.start("http://127.0.0.1:1234", SETTINGS, "t");
    }

    private void start(SweepTable t) {
        t.onEvent(new BenchmarkEvent.RunStarted(run(), List.of(A, B), total(), JOBS));
    }

    private static int total() {
        return JOBS.stream().mapToInt(j -> SETTINGS.warmupRuns() + SETTINGS.runs() * j.parallel() * 2).sum();
    }

    private void begin(SweepTable t, int job, boolean reload) {
        SweepPlan.Job j = JOBS.get(job);
        t.onEvent(new BenchmarkEvent.ModelStarted(j.model(), job + 1, JOBS.size()));
        t.onEvent(new BenchmarkEvent.JobStarted(j, job + 1, JOBS.size(), reload));
        calls.clear();
    }

    /**
     * A successful call: {@code tokens} completion tokens in {@code wallMs}, the first after {@code ttftMs}; each
     * call sent 10 s after the one before, so that none overlaps another.
     */
    private RequestResult ok(int job, int index, boolean warmup, RunMode mode, int tokens, long ttftMs, long wallMs) {
        return ok(job, index, warmup, mode, tokens, ttftMs, wallMs,
                ((warmup ? 0 : 100) + index * 10 + (mode == RunMode.NONSTREAM ? 5 : 0)) * 1_000 * MS);
    }

    private RequestResult ok(int job, int index, boolean warmup, RunMode mode, int tokens, long ttftMs, long wallMs,
                             long sentNanos) {
        SweepPlan.Job j = JOBS.get(job);
        RequestTimings timings = new RequestTimings(sentNanos, MS, MS, ttftMs * MS, ttftMs * MS, (wallMs - 1) * MS,
                wallMs * MS, mode == RunMode.STREAM ? new long[]{ttftMs * MS, (wallMs - 1) * MS} : new long[0]);
        return new RequestResult(j.model().id(), j.contextLength(), j.parallel(), index, warmup, mode, Instant.EPOCH,
                timings, TokenUsage.reported(200, tokens, 0), "stop", "");
    }

    private RequestResult failed(int job, int index, RunMode mode, String error) {
        SweepPlan.Job j = JOBS.get(job);
        return new RequestResult(j.model().id(), j.contextLength(), j.parallel(), index, false, mode, Instant.EPOCH,
                RequestTimings.failed(0, 5 * MS), TokenUsage.reported(0, 0, 0), "", error, null, ErrorType.TIMEOUT,
                -1, null, 5);
    }

    private void call(SweepTable t, RequestResult r) {
        calls.add(r);
        completed++;
        t.onEvent(new BenchmarkEvent.RequestCompleted(r, new Progress(completed, total(),
                Duration.ofSeconds(completed), Duration.ofSeconds(total() - completed))));
    }

    private ModelSummary summary(int job, RunStatus status, String error) {
        SweepPlan.Job j = JOBS.get(job);
        return ModelSummary.of(j.model(), SETTINGS.withParallel(j.parallel()).withContextLength(j.contextLength()),
                List.copyOf(calls), status, error, Double.NaN, Instant.EPOCH, Instant.EPOCH.plusSeconds(3));
    }

    /** Three warmups, then {@code runs x par} logical requests of a stream and a non-stream call each. */
    private ModelSummary runJob(SweepTable t, int job, boolean reload) {
        begin(t, job, reload);
        if (reload) {
            t.onEvent(new BenchmarkEvent.ModelLoading(JOBS.get(job).model()));
            t.onEvent(new BenchmarkEvent.ModelLoaded(JOBS.get(job).model(), LoadOutcome.loaded(0.5)));
        }
        for (int i = 0; i < 3; i++) {
            call(t, ok(job, i, true, RunMode.STREAM, 50, 80, 500));
        }
        for (int i = 0; i < SETTINGS.runs() * JOBS.get(job).parallel(); i++) {
            call(t, ok(job, i, false, RunMode.STREAM, 100, 50, 1_000));
            call(t, ok(job, i, false, RunMode.NONSTREAM, 100, 0, 800));
        }
        ModelSummary s = summary(job, RunStatus.COMPLETED, "");
        t.onEvent(new BenchmarkEvent.ModelCompleted(s));
        return s;
    }

    private static String row(List<String> frame, int job) {
        return frame.get(FIRST_ROW + job);
    }

    /** The cells of a row, split on the two-space column gaps (no cell here holds two spaces). */
    private static List<String> cells(List<String> frame, int job) {
        return List.of(row(frame, job).trim().split(" {2,}"));
    }

    private static List<String> header(List<String> frame) {
        return List.of(frame.get(1).trim().split(" {2,}"));
    }

    private static String cell(List<String> frame, int job, String column) {
        return cells(frame, job).get(header(frame).indexOf(column));
    }

    @Test
    void everyJobOfThePlanIsARowWithTheSeedsColumnsAndStartsQueued() {
        SweepTable t = table(false);
        start(t);
        List<String> frame = t.frame();

        assertThat(header(frame)).containsExactly("Model", "Ctx", "Par", "State", "Reqs", "Warmup", "Job",
                "Live est", "Stream", "Total", "Prefill", "TTFT", "Errors", "Last");
        assertThat(frame.get(2).trim().split(" {2,}")).containsExactly("elapsed", "tok/s", "tok/s", "tok/s",
                "tok/s", "s", "update");
        assertThat(frame).hasSize(FIRST_ROW + 8);
        for (int i = 0; i < 8; i++) {
            SweepPlan.Job j = JOBS.get(i);
            assertThat(cells(frame, i)).containsExactly(j.model().id(), Integer.toString(j.contextLength()),
                    Integer.toString(j.parallel()), "queued", "0/" + 2 * j.parallel(), "0/3", "-", "-", "-", "-", "-",
                    "-", "0", "-");
        }
        assertThat(frame.get(0)).startsWith("0/" + total() + " requests (0%)  elapsed 0:00  ETA --:--");
    }

    @Test
    void aRowGoesFromLoadingThroughWarmupAndRunningToDoneWithTheSummarysTotals() {
        SweepTable t = table(false);
        start(t);
        begin(t, 0, true);
        t.onEvent(new BenchmarkEvent.ModelLoading(A));
        assertThat(cell(t.frame(), 0, "State")).isEqualTo("loading");
        t.onEvent(new BenchmarkEvent.ModelLoaded(A, LoadOutcome.loaded(0.5)));
        assertThat(cell(t.frame(), 0, "State")).isEqualTo("warmup");

        call(t, ok(0, 0, true, RunMode.STREAM, 50, 80, 500));
        now.addAndGet(2_000 * MS);
        List<String> frame = t.frame();
        assertThat(cell(frame, 0, "State")).isEqualTo("warmup");
        assertThat(cell(frame, 0, "Warmup")).isEqualTo("1/3");
        assertThat(cell(frame, 0, "Live est")).isEqualTo("100.0"); // 50 tokens in 0.5 s, warmups before any run
        assertThat(cell(frame, 0, "Job")).isEqualTo("0:02");
        assertThat(cell(frame, 0, "Last")).isEqualTo("12:34:56");
        assertThat(cell(frame, 1, "State")).isEqualTo("queued");

        call(t, ok(0, 1, true, RunMode.STREAM, 50, 80, 500));
        call(t, ok(0, 2, true, RunMode.STREAM, 50, 80, 500));
        call(t, ok(0, 0, false, RunMode.STREAM, 100, 50, 1_000));
        frame = t.frame();
        assertThat(cell(frame, 0, "State")).isEqualTo("running");
        assertThat(cell(frame, 0, "Reqs")).isEqualTo("0/2"); // done only when its non-stream call is
        assertThat(cell(frame, 0, "Live est")).isEqualTo("100.0");
        call(t, ok(0, 0, false, RunMode.NONSTREAM, 100, 0, 800));
        frame = t.frame();
        assertThat(cell(frame, 0, "Reqs")).isEqualTo("1/2");
        assertThat(cell(frame, 0, "Live est")).isEqualTo("112.5"); // mean of 100 (stream) and 125 (non-stream)
        assertThat(cell(frame, 0, "Stream")).isEqualTo("-");
        assertThat(frame.get(0)).contains("5/" + total() + " requests").contains("ETA " + Durations.clock(Duration.ofSeconds(total() - 5)));

        call(t, ok(0, 1, false, RunMode.STREAM, 100, 50, 1_000));
        call(t, ok(0, 1, false, RunMode.NONSTREAM, 100, 0, 800));
        ModelSummary s = summary(0, RunStatus.COMPLETED, "");
        t.onEvent(new BenchmarkEvent.ModelCompleted(s));
        frame = t.frame();
        assertThat(cell(frame, 0, "State")).isEqualTo("done");
        assertThat(cell(frame, 0, "Reqs")).isEqualTo("2/2");
        assertThat(cell(frame, 0, "Warmup")).isEqualTo("3/3");
        assertThat(cell(frame, 0, "Total")).isEqualTo(Durations.num(s.completionTokensPerSecondTotal(), 1))
                .isEqualTo("112.5");
        assertThat(cell(frame, 0, "Stream")).isEqualTo(Durations.num(s.streamTokensPerSecondTotal(), 1))
                .isEqualTo("100.0");
        assertThat(cell(frame, 0, "Prefill")).isEqualTo(Durations.num(s.prefillTokensPerSecond().mean(), 1));
        assertThat(cell(frame, 0, "TTFT")).isEqualTo("0.050");
        assertThat(cell(frame, 0, "Errors")).isEqualTo("0");
        String elapsed = cell(frame, 0, "Job");
        now.addAndGet(5_000 * MS);
        assertThat(cell(t.frame(), 0, "Job")).as("a finished job's time stops").isEqualTo(elapsed);

        // the next job reuses the load: no load events, straight to warmup
        begin(t, 1, false);
        assertThat(cell(t.frame(), 1, "State")).isEqualTo("warmup");
    }

    @Test
    void theLiveEstimateCountsCallsInFlightTogetherOnceAndEndsAtTheSummarysTotal() {
        SweepTable t = table(false);
        start(t);
        begin(t, 1, true);
        for (int i = 0; i < 3; i++) {
            call(t, ok(1, i, true, RunMode.STREAM, 50, 80, 500));
        }
        long sent = 100_000 * MS;
        call(t, ok(1, 0, false, RunMode.STREAM, 100, 50, 1_000, sent));
        call(t, ok(1, 1, false, RunMode.STREAM, 100, 50, 1_000, sent));
        assertThat(cell(t.frame(), 1, "Live est")).as("200 tokens in the 1 s both were in flight").isEqualTo("200.0");
        call(t, ok(1, 0, false, RunMode.NONSTREAM, 100, 0, 800, sent + 2_000 * MS));
        call(t, ok(1, 1, false, RunMode.NONSTREAM, 100, 0, 800, sent + 2_000 * MS));
        assertThat(cell(t.frame(), 1, "Live est")).isEqualTo("225.0"); // mean of 200 and 250
        ModelSummary s = summary(1, RunStatus.COMPLETED, "");
        t.onEvent(new BenchmarkEvent.ModelCompleted(s));
        List<String> frame = t.frame();
        assertThat(cell(frame, 1, "Total")).isEqualTo(Durations.num(s.completionTokensPerSecondTotal(), 1))
                .isEqualTo(cell(frame, 1, "Live est"));
    }

    @Test
    void aRetryShowsItsCountdownUntilTheCallIsMadeAgain() {
        SweepTable t = table(true);
        start(t);
        runJob(t, 0, true);
        begin(t, 1, false);
        for (int i = 0; i < 3; i++) {
            call(t, ok(1, i, true, RunMode.STREAM, 50, 80, 500));
        }
        t.onEvent(new BenchmarkEvent.RequestRetrying(JOBS.get(1), 0, false, RunMode.STREAM, 2,
                Duration.ofSeconds(5), ErrorType.TIMEOUT, "request timed out"));
        assertThat(cell(t.frame(), 1, "State")).isEqualTo("retrying in 5s");
        assertThat(t.frame().get(0)).contains("request 1 (stream) failed (timeout: request timed out); retry 2 in 5.0 s");

        now.addAndGet(1_200 * MS);
        assertThat(cell(t.frame(), 1, "State")).isEqualTo("retrying in 4s");
        int before = out.toString().length();
        t.tick();
        assertThat(out.toString().substring(before)).as("the timer redraws the countdown")
                .contains("retrying in 4s");

        now.addAndGet(3_900 * MS);
        assertThat(cell(t.frame(), 1, "State")).as("the wait is over: the call is being made").isEqualTo("running");
        t.onEvent(new BenchmarkEvent.RequestRetrying(JOBS.get(1), 0, false, RunMode.STREAM, 3,
                Duration.ofSeconds(15), ErrorType.TIMEOUT, "request timed out"));
        assertThat(cell(t.frame(), 1, "State")).isEqualTo("retrying in 15s");
        call(t, ok(1, 0, false, RunMode.STREAM, 100, 50, 1_000));
        assertThat(cell(t.frame(), 1, "State")).isEqualTo("running");
    }

    @Test
    void errorsCountEachLogicalRequestOnceAcrossItsStreamAndNonStreamCalls() {
        SweepTable t = table(false);
        start(t);
        begin(t, 2, true);
        for (int i = 0; i < 3; i++) {
            call(t, ok(2, i, true, RunMode.STREAM, 50, 80, 500));
        }
        call(t, failed(2, 0, RunMode.STREAM, "request timed out"));
        call(t, failed(2, 0, RunMode.NONSTREAM, "request timed out"));
        assertThat(cell(t.frame(), 2, "Errors")).isEqualTo("1");
        assertThat(cell(t.frame(), 2, "Reqs")).isEqualTo("1/2");
        call(t, ok(2, 1, false, RunMode.STREAM, 100, 50, 1_000));
        call(t, failed(2, 1, RunMode.NONSTREAM, "HTTP 500"));
        assertThat(cell(t.frame(), 2, "Errors")).isEqualTo("2");
        t.onEvent(new BenchmarkEvent.ModelCompleted(summary(2, RunStatus.COMPLETED, "")));
        List<String> frame = t.frame();
        assertThat(cell(frame, 2, "State")).isEqualTo("done");
        assertThat(cell(frame, 2, "Errors")).isEqualTo("2");
        assertThat(cell(frame, 2, "Reqs")).isEqualTo("2/2");
    }

    @Test
    void aFailedJobSaysSoAndACancelledRunMarksTheJobsThatNeverRan() {
        SweepTable t = table(false);
        start(t);
        begin(t, 0, true);
        t.onEvent(new BenchmarkEvent.ModelLoading(A));
        t.onEvent(new BenchmarkEvent.ModelLoadFailed(A, "not enough memory\033[2J"));
        t.onEvent(new BenchmarkEvent.ModelUnloaded(A, ""));
        t.onEvent(new BenchmarkEvent.ModelFailed(summary(0, RunStatus.FAILED, "load failed: not enough memory")));
        runJob(t, 1, true);
        begin(t, 2, true);
        BenchmarkReport partial = new BenchmarkReport(run(), RunStatus.CANCELLED, Instant.EPOCH, List.of(),
                List.of(), null);
        t.onEvent(new BenchmarkEvent.ModelFailed(summary(2, RunStatus.CANCELLED, "cancelled by user")));
        t.onEvent(new BenchmarkEvent.RunFailed("cancelled by user", partial));

        List<String> frame = t.frame();
        assertThat(cell(frame, 0, "State")).isEqualTo("failed");
        assertThat(cell(frame, 1, "State")).isEqualTo("done");
        assertThat(cell(frame, 2, "State")).isEqualTo("cancelled");
        for (int i = 3; i < 8; i++) {
            assertThat(cell(frame, i, "State")).isEqualTo("cancelled");
        }
        assertThat(frame.get(0)).contains("stopped: cancelled by user").doesNotContain("ETA");
        assertThat(out.toString()).as("plain lines: no escape sequence, not even the server's")
                .doesNotContain("\033").doesNotContain("\r")
                .contains("[1/8] sim/llama-3.2-3b-instruct@q4_k_m ctx 1024 par 1: load failed: not enough memory")
                .contains("[1/8] sim/llama-3.2-3b-instruct@q4_k_m ctx 1024 par 1: failed: load failed")
                .contains("[2/8] sim/llama-3.2-3b-instruct@q4_k_m ctx 1024 par 2: done  reqs 4/4, stream 100.0 "
                        + "tok/s, total 112.5 tok/s");
        // the final table is printed once at the end
        assertThat(out.toString().split("\n", -1)).filteredOn(l -> l.startsWith("Model")).hasSize(1);
        assertThat(out.toString()).endsWith(frame.get(FIRST_ROW + 7) + "\n");
    }

    @Test
    void onATerminalEachFrameIsRedrawnInPlaceAtMostFourTimesASecondAndTheLastStays() {
        SweepTable t = table(true);
        start(t);
        int frameLines = t.frame().size();
        assertThat(out.toString()).as("the first frame: lines cleared to their end, no cursor move yet")
                .doesNotContain("\033[" + frameLines + "A").contains("\033[K\n").doesNotContain("\033[2J");

        now.addAndGet(300 * MS);
        begin(t, 0, true);
        assertThat(out.toString()).as("up over the previous frame, then rewrite it")
                .contains("\r\033[" + frameLines + "A");
        int draws = count(out.toString(), "\r\033[");

        t.onEvent(new BenchmarkEvent.ModelLoading(A)); // within 250 ms of the last redraw: not drawn yet
        assertThat(count(out.toString(), "\r\033[")).isEqualTo(draws);
        now.addAndGet(100 * MS);
        t.tick();
        assertThat(count(out.toString(), "\r\033[")).isEqualTo(draws);
        now.addAndGet(200 * MS);
        t.tick(); // 300 ms later the timer draws what changed
        assertThat(count(out.toString(), "\r\033[")).isEqualTo(draws + 1);
        String last = out.toString().substring(out.toString().lastIndexOf("\r\033["));
        assertThat(last).contains("loading");
        now.addAndGet(300 * MS);
        t.tick();
        assertThat(count(out.toString(), "\r\033[")).as("nothing changed, nothing drawn").isEqualTo(draws + 1);

        t.onEvent(new BenchmarkEvent.ModelLoadFailed(A, "no"));
        t.onEvent(new BenchmarkEvent.ModelFailed(summary(0, RunStatus.FAILED, "load failed: no")));
        t.onEvent(new BenchmarkEvent.RunFailed("every model failed",
                new BenchmarkReport(run(), RunStatus.FAILED, Instant.EPOCH, List.of(), List.of(), null)));
        String end = out.toString();
        assertThat(end).as("the final frame is drawn at once and ends the output").endsWith("\033[K\n")
                .contains("failed: every model failed");
        now.addAndGet(5_000 * MS);
        t.tick();
        assertThat(out.toString()).as("nothing after the final frame").isEqualTo(end);
        assertThat(end.replaceAll("\033\\[[0-9]*[AKJ]", "").replace("\r", "")).doesNotContain("\033");
    }

    @Test
    void aFrameTallerThanTheTerminalShowsTheJobsAroundTheCurrentOneAndTheWholeTableAtTheEnd() {
        SweepTable t = new SweepTable(new PrintWriter(out, true), true, 200, 10, now::get, Clock.systemUTC(), false);
        start(t);
        for (int i = 0; i < 4; i++) {
            now.addAndGet(300 * MS);
            runJob(t, i, i % 2 == 0);
        }
        now.addAndGet(300 * MS);
        begin(t, 4, true);
        List<String> frame = t.frame();
        assertThat(frame).as("one line left for the cursor").hasSize(9);
        assertThat(List.of(cell(frame, 0, "Ctx"), cell(frame, 0, "Par"), cell(frame, 0, "State")))
                .containsExactly("2048", "2", "done");
        assertThat(cell(frame, 1, "State")).isEqualTo("warmup");
        assertThat(row(frame, 1)).startsWith(B.id());
        assertThat(frame.getLast()).isEqualTo("(jobs 4-7 of 8 shown; the whole table at the end)");
        java.util.regex.Matcher up = java.util.regex.Pattern.compile("\033\\[(\\d+)A").matcher(out.toString());
        int moves = 0;
        while (up.find()) {
            moves++;
            assertThat(Integer.parseInt(up.group(1))).as("never up beyond the screen").isLessThanOrEqualTo(9);
        }
        assertThat(moves).isPositive();

        t.onEvent(new BenchmarkEvent.RunCompleted(new BenchmarkReport(run(), RunStatus.COMPLETED, Instant.EPOCH,
                List.of(), List.of(), null)));
        String last = out.toString().substring(out.toString().lastIndexOf("\r\033["));
        assertThat(count(last, "\033[K\n")).as("the final frame: every job").isEqualTo(FIRST_ROW + 8);
        assertThat(last).doesNotContain("shown;");
    }

    @Test
    void modelNamesAreSanitizedAndLinesCutToTheWidth() {
        ModelInfo evil = ModelInfo.named("evil\033]0;owned\007-model-with-a-very-long-name-that-goes-on-and-on");
        StringWriter sw = new StringWriter();
        SweepTable t = new SweepTable(new PrintWriter(sw, true), true, 80, 50, now::get, Clock.systemUTC(),
                false);
        t.onEvent(new BenchmarkEvent.RunStarted(run(), List.of(evil), 5,
                List.of(new SweepPlan.Job(evil, 0, 1))));
        List<String> frame = t.frame();
        assertThat(frame).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        assertThat(frame.get(FIRST_ROW)).startsWith("evil").contains("...").contains("default");
        assertThat(sw.toString()).doesNotContain("\033]").doesNotContain("\007");
        assertThat(SweepTable.size("160", SweepTable.DEFAULT_WIDTH)).isEqualTo(160);
        assertThat(SweepTable.size(null, SweepTable.DEFAULT_WIDTH)).isEqualTo(120);
        assertThat(SweepTable.size("wide", SweepTable.DEFAULT_WIDTH)).isEqualTo(120);
        assertThat(SweepTable.size(null, SweepTable.DEFAULT_HEIGHT)).isEqualTo(40);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
