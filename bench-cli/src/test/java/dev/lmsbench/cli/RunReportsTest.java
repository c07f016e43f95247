package dev.lmsbench.cli;

import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.DraftStats;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.LoadDetails;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.model.UsageCheck;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunReportsTest {

    private static final long MS = 1_000_000L;
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final ModelInfo DRAFTED = new ModelInfo("sim/x", "llm", "", "", "Q4_K_M", 1, -1);
    private static final ModelInfo PLAIN = ModelInfo.named("sim/plain");

    /** The header of the table without draft figures, as it has always been. */
    private static final String PLAIN_HEADER_START = "Model ";
    private static final List<String> BASE_COLUMNS = List.of("Model", "Quant", "Status", "OK/Req",
            "TTFT s (mean ± sd)", "TTFT p90 s", "Decode tok/s (mean ± sd)", "Prefill tok/s p50", "Total tok/s",
            "System tok/s", "Req/s", "Load s");

    /**
     * A model's measured streamed calls, one per entry: the draft figures its server reported and the usage check
     * of its answer.
     */
    private static ModelSummary summary(ModelInfo model, int parallel, List<DraftStats> drafts,
                                        List<UsageCheck.Verdict> verdicts) {
        BenchmarkSettings settings = BenchmarkSettings.defaults().withRuns(Math.max(1, verdicts.size()))
                .withWarmupRuns(0).withParallel(parallel).withNonStreaming(false);
        List<RequestResult> requests = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            long[] tokens = {100 * MS, 150 * MS, 200 * MS, 250 * MS};
            RequestTimings t = new RequestTimings(i * 1000 * MS, MS, 2 * MS, 100 * MS, 100 * MS, 250 * MS,
                    260 * MS, tokens);
            ServerStats stats = new ServerStats(40, 0.09, 0.15, "eosFound", "lmstudio.api.v1.chat.stats")
                    .withDraft(i < drafts.size() ? drafts.get(i) : DraftStats.NONE);
            UsageCheck check = verdicts.get(i) == UsageCheck.Verdict.NOT_CHECKED ? UsageCheck.NOT_CHECKED
                    : new UsageCheck(verdicts.get(i), 4, verdicts.get(i) == UsageCheck.Verdict.AGREE ? 4 : 3);
            requests.add(new RequestResult(model.id(), 4096, parallel, i, false, RunMode.STREAM, T0, t,
                    TokenUsage.reported(20, 4, 0, 0), "length", "", stats, ErrorType.NONE, -1, check));
        }
        return ModelSummary.of(model, settings, requests, RunStatus.COMPLETED, "", 1.5, T0, T0.plusSeconds(5));
    }

    private static ModelSummary plain() {
        return summary(PLAIN, 1, List.of(), List.of(UsageCheck.Verdict.AGREE, UsageCheck.Verdict.AGREE));
    }

    private static String print(ModelSummary... models) {
        StringWriter out = new StringWriter();
        RunReports.printSummaryTable(Arrays.asList(models), new PrintWriter(out, true));
        return out.toString();
    }

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    /** The header row of the printed table, split into its column names. */
    private static List<String> header(String text) {
        String line = lines(text).stream().filter(l -> l.startsWith(PLAIN_HEADER_START)).findFirst().orElseThrow();
        return Arrays.stream(line.split(" {2,}")).toList();
    }

    /** The table row of one model. */
    private static String row(String text, String model) {
        return lines(text).stream().filter(l -> l.startsWith(model + " ")).findFirst().orElseThrow();
    }

    private static DraftStats draft(int total, int accepted) {
        return new DraftStats("draft-0.5b", total, accepted, total - accepted, 0);
    }

    @Test
    void addsADraftAcceptanceColumnWithTheMedianAsAPercentageWhenAnyModelHasDraftFigures() {
        ModelSummary drafted = summary(DRAFTED, 1, List.of(draft(8, 4), draft(8, 6), draft(10, 8)),
                List.of(UsageCheck.Verdict.AGREE, UsageCheck.Verdict.AGREE, UsageCheck.Verdict.AGREE));
        assertThat(drafted.draftAcceptance().p50()).isEqualTo(0.75);

        String text = print(drafted, plain());

        List<String> expected = new ArrayList<>(BASE_COLUMNS);
        expected.add("Draft acc.");
        assertThat(header(text)).containsExactlyElementsOf(expected);
        assertThat(row(text, "sim/x")).endsWith("  75.0%");
        assertThat(row(text, "sim/plain")).endsWith("  -");
        // the column is as wide as its header and right-aligned like every numeric column
        String headerLine = lines(text).stream().filter(l -> l.startsWith(PLAIN_HEADER_START)).findFirst()
                .orElseThrow();
        assertThat(headerLine).endsWith("Draft acc.");
        assertThat(row(text, "sim/x")).hasSameSizeAs(headerLine);
        assertThat(row(text, "sim/plain")).hasSameSizeAs(headerLine);
    }

    @Test
    void aSweepsJobsOfOneModelAreToldApartByCtxAndParColumns() {
        ModelSummary one = summary(PLAIN, 1, List.of(), List.of(UsageCheck.Verdict.AGREE));
        ModelSummary four = summary(PLAIN, 4, List.of(), List.of(UsageCheck.Verdict.AGREE));

        String text = print(one, four);

        List<String> expected = new ArrayList<>(BASE_COLUMNS);
        expected.addAll(1, List.of("Ctx", "Par"));
        assertThat(header(text)).containsExactlyElementsOf(expected);
        assertThat(lines(text).stream().filter(l -> l.startsWith("sim/plain ")).toList())
                .satisfiesExactly(l -> assertThat(l.split(" {2,}")[1] + "/" + l.split(" {2,}")[2]).isEqualTo("4096/1"),
                        l -> assertThat(l.split(" {2,}")[1] + "/" + l.split(" {2,}")[2]).isEqualTo("4096/4"));
        // one job per model (a run): no such columns
        assertThat(header(print(one))).containsExactlyElementsOf(BASE_COLUMNS);
    }

    @Test
    void leavesTheDraftColumnOutWhenNoModelHasDraftFigures() {
        String text = print(plain(), summary(DRAFTED, 1, List.of(), List.of(UsageCheck.Verdict.AGREE)));

        assertThat(header(text)).containsExactlyElementsOf(BASE_COLUMNS);
        assertThat(text).doesNotContain("Draft acc.").doesNotContain("%");
    }

    @Test
    void saysUnderTheTableHowManyStreamedAnswersHadTheOffByOneOrAnotherMismatch() {
        ModelSummary corrected = summary(DRAFTED, 1, List.of(), List.of(UsageCheck.Verdict.CORRECTED_OFF_BY_ONE,
                UsageCheck.Verdict.CORRECTED_OFF_BY_ONE, UsageCheck.Verdict.CORRECTED_OFF_BY_ONE,
                UsageCheck.Verdict.MISMATCH, UsageCheck.Verdict.AGREE));
        assertThat(corrected.usageCorrected()).isEqualTo(3);
        assertThat(corrected.usageMismatched()).isEqualTo(1);

        List<String> lines = lines(print(corrected, plain()));

        assertThat(lines).contains(
                "sim/x: 3 answers cut at max_tokens reported max_tokens-1 completion tokens (LM Studio's"
                        + " off-by-one, corrected)",
                "sim/x: 1 streamed answer reported completion tokens that disagree with the streamed chunks (the"
                        + " server's count kept)");
        assertThat(lines).noneMatch(l -> l.startsWith("sim/plain:"));
    }

    @Test
    void saysWhenTheServerLoadedDuplicateInstancesWhileTheModelWasMeasured() {
        ModelSummary duplicated = plain().withLoadDetails(LoadDetails.UNKNOWN
                .withDuplicateInstances(List.of("sim/plain:2", "sim/plain:3")));
        ModelSummary once = summary(DRAFTED, 1, List.of(), List.of(UsageCheck.Verdict.AGREE))
                .withLoadDetails(LoadDetails.UNKNOWN.withDuplicateInstances(List.of("sim/x:2")));

        List<String> lines = lines(print(duplicated, once));

        assertThat(lines).contains("sim/plain: the server loaded 2 more instances of the model while it was"
                + " measured (sim/plain:2, sim/plain:3); requests that went to them did not run on the instance"
                + " loaded for the benchmark",
                "sim/x: the server loaded 1 more instance of the model while it was measured (sim/x:2); requests"
                        + " that went to it did not run on the instance loaded for the benchmark");
    }

    @Test
    void saysWhenTheLoadedInstanceHasFewerParallelSlotsThanNParallelAskedFor() {
        LoadDetails twoSlots = new LoadDetails("rest", "sim/x", 4096, 2, Double.NaN, -1, List.of(), List.of());
        ModelSummary fewer = summary(DRAFTED, 4, List.of(), List.of(UsageCheck.Verdict.AGREE))
                .withLoadDetails(twoSlots);
        ModelSummary enough = summary(PLAIN, 2, List.of(), List.of(UsageCheck.Verdict.AGREE))
                .withLoadDetails(twoSlots);
        ModelSummary unknown = summary(ModelInfo.named("sim/unknown"), 4, List.of(),
                List.of(UsageCheck.Verdict.AGREE));

        List<String> lines = lines(print(fewer, enough, unknown));

        assertThat(lines).contains("sim/x: the loaded instance has 2 parallel slots but --n-parallel sent 4"
                + " requests at once; the server queued the rest");
        assertThat(lines).noneMatch(l -> l.startsWith("sim/plain:")).noneMatch(l -> l.startsWith("sim/unknown:"));
        ModelSummary one = summary(DRAFTED, 3, List.of(), List.of(UsageCheck.Verdict.AGREE)).withLoadDetails(
                new LoadDetails("lms", "", -1, 1, Double.NaN, -1, List.of(), List.of()));
        assertThat(RunReports.notes(one)).containsExactly("sim/x: the loaded instance has 1 parallel slot but"
                + " --n-parallel sent 3 requests at once; the server queued the rest");
    }

    @Test
    void printsNoNoteForAModelWithoutCorrectionsDuplicatesOrMissingSlots() {
        String text = print(plain());

        assertThat(RunReports.notes(plain())).isEmpty();
        assertThat(lines(text)).hasSize(4).noneMatch(l -> l.startsWith("sim/plain:"));
    }

    @Test
    void removesEscapeSequencesAServerPutInADuplicateInstanceIdFromItsNote() {
        ModelSummary evil = plain().withLoadDetails(LoadDetails.UNKNOWN
                .withDuplicateInstances(List.of("sim/plain:2\u001b[2J\u0007")));

        String text = print(evil);

        assertThat(text).doesNotContain("\u001b", "\u0007").contains("(sim/plain:2);");
    }

    @Test
    void writesAShareAsAPercentageWithOneDecimalAndADashWhenUndefined() {
        assertThat(RunReports.percent(0.725)).isEqualTo("72.5%");
        assertThat(RunReports.percent(1.0)).isEqualTo("100.0%");
        assertThat(RunReports.percent(Double.NaN)).isEqualTo("-");
    }

    /** A model whose two streamed requests take {@code ttftMs} to the first of four tokens. */
    private static ModelSummary timed(String id, long ttftMs) {
        BenchmarkSettings settings = BenchmarkSettings.defaults().withRuns(2).withWarmupRuns(0).withParallel(1)
                .withNonStreaming(false);
        List<RequestResult> requests = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long first = ttftMs * MS;
            RequestTimings t = new RequestTimings(0, MS, 2 * MS, first, first, first + 150 * MS, first + 160 * MS,
                    new long[]{first, first + 50 * MS, first + 100 * MS, first + 150 * MS});
            requests.add(new RequestResult(id, 4096, 1, i, false, RunMode.STREAM, T0, t,
                    TokenUsage.reported(20, 4, 0, 0), "length", ""));
        }
        return ModelSummary.of(ModelInfo.named(id), settings, requests, RunStatus.COMPLETED, "", 1.5, T0,
                T0.plusSeconds(5));
    }

    @Test
    void ordersTheTableAndThePresentationFormatsByTheRankByMetricWhileTheDataFilesKeepTheRunsOrder(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.lmsbench.core.model.BenchmarkReport report = new dev.lmsbench.core.model.BenchmarkReport(
                dev.lmsbench.core.model.RunInfo.start("sim:test", BenchmarkSettings.defaults(), "test"),
                RunStatus.COMPLETED, T0, List.of(timed("sim/slow-ttft", 300), timed("sim/fast-ttft", 50)),
                List.of());
        StringWriter out = new StringWriter();
        RunReports.write(report, RunReports.writers(List.of("json", "md")), dir, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), "ttft");
        String text = out.toString();
        assertThat(text.indexOf("sim/fast-ttft ")).isPositive().isLessThan(text.indexOf("sim/slow-ttft "));
        String json = java.nio.file.Files.readString(dir.resolve("results.json"));
        assertThat(json.indexOf("sim/slow-ttft")).isLessThan(json.indexOf("sim/fast-ttft"));
        String md = java.nio.file.Files.readString(dir.resolve("report.md"));
        assertThat(md.indexOf("sim/fast-ttft")).isPositive().isLessThan(md.indexOf("sim/slow-ttft"));
        StringWriter plain = new StringWriter();
        RunReports.write(report, RunReports.writers(List.of("json", "md")), dir, new PrintWriter(plain, true),
                new PrintWriter(new StringWriter(), true), null);
        assertThat(plain.toString().indexOf("sim/slow-ttft ")).isLessThan(plain.toString().indexOf("sim/fast-ttft "));
        md = java.nio.file.Files.readString(dir.resolve("report.md"));
        assertThat(md.indexOf("sim/slow-ttft")).isPositive().isLessThan(md.indexOf("sim/fast-ttft"));
    }

    @Test
    void aComparisonAppearsInEveryFormatWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.lmsbench.core.model.BenchmarkReport report = new dev.lmsbench.core.model.BenchmarkReport(
                dev.lmsbench.core.model.RunInfo.start("sim:test", BenchmarkSettings.defaults(), "test"),
                RunStatus.COMPLETED, T0, List.of(timed("sim/slow-ttft", 300), timed("sim/fast-ttft", 50)),
                List.of());
        dev.lmsbench.report.RunComparison c = dev.lmsbench.report.RunComparison.of(report, report);
        RunReports.write(report, RunReports.writers(List.of("json", "csv", "md", "png", "pdf"),
                        dev.lmsbench.report.PdfReportWriter.Paper.LETTER), dir,
                new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), null, c);
        assertThat(java.nio.file.Files.readString(dir.resolve("comparison.json"))).contains("\"sim/fast-ttft\"");
        assertThat(java.nio.file.Files.readString(dir.resolve("comparison.csv"))).contains("sim/fast-ttft,decode");
        assertThat(java.nio.file.Files.readString(dir.resolve("report.md"))).contains("## Comparison");
        assertThat(dir.resolve("charts").resolve("comparison.png")).isNotEmptyFile();
        try (org.apache.pdfbox.pdmodel.PDDocument pdf = org.apache.pdfbox.Loader.loadPDF(dir.resolve("report.pdf")
                .toFile())) {
            assertThat(new org.apache.pdfbox.text.PDFTextStripper().getText(pdf)).contains("Comparison with ");
            assertThat(pdf.getPage(0).getMediaBox().getWidth()).isEqualTo(612f); // US Letter, 8.5 in
        }
    }

    /** One sweep job with the given total tok/s and TTFT p50 (seconds). */
    private static ModelSummary job(String model, int ctx, int par, double total, double ttft) {
        dev.lmsbench.core.stats.Distribution e = dev.lmsbench.core.stats.Distribution.EMPTY;
        return new ModelSummary(ModelInfo.named(model), ctx, par, RunStatus.COMPLETED, "", 4, 4, 0,
                dev.lmsbench.core.stats.Distribution.of(ttft), e, e, e, e, e, e, e, total, total, total,
                new ModelSummary.TokenTotals(0, 0, 0, dev.lmsbench.core.model.TokenCountSource.USAGE, 0, 0),
                dev.lmsbench.core.model.WarmupStats.NONE, Double.NaN, T0, T0, e, e, List.of(), List.of(),
                ErrorType.NONE, null, Double.NaN, Double.NaN, e, e, null, null, e, 0, 0, null, null);
    }

    private static dev.lmsbench.core.model.BenchmarkReport sweep(ModelSummary... jobs) {
        return new dev.lmsbench.core.model.BenchmarkReport(
                dev.lmsbench.core.model.RunInfo.start("sim:test", BenchmarkSettings.defaults(), "test"),
                RunStatus.COMPLETED, T0, List.of(jobs), List.of());
    }

    private static dev.lmsbench.core.model.BenchmarkReport twoModelSweep() {
        return sweep(job("sim/a", 1024, 1, 50, 0.1), job("sim/a", 1024, 4, 120, 0.4), job("sim/a", 4096, 1, 40, 0.25),
                job("sim/a", 4096, 4, 90, 0.9), job("sim/b", 2048, 2, 30, 2.0), job("sim/b", 8192, 2, 25, 3.0));
    }

    @Test
    void printsTheBestSettingsOfEachModelOfASweepUnderALineNamingTheTtftLimit() {
        StringWriter out = new StringWriter();
        RunReports.printBestSettings(twoModelSweep(), 300, new PrintWriter(out, true));

        List<String> lines = lines(out.toString());
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEmpty();
        assertThat(lines.get(1)).isEqualTo("Best settings: Per model over its completed jobs: the context size and"
                + " parallelism with the highest total tok/s, and the largest context size within the limit; TTFT"
                + " limit 300 ms (TTFT p50 of the job)");
        assertThat(Arrays.stream(lines.get(2).split(" {2,}")).toList()).containsExactly("Model", "Best ctx",
                "Best par", "Total tok/s", "Largest ctx within TTFT limit", "Its par");
        assertThat(lines.get(3)).matches("[- ]+");
        // a: fastest 1024 x 4; within 300 ms the largest context is 4096, at par 1; b: nothing within the limit
        assertThat(lines.get(4).split(" +")).containsExactly("sim/a", "1024", "4", "120.0", "4096", "1");
        assertThat(lines.get(5).split(" +")).containsExactly("sim/b", "2048", "2", "30.0", "-", "-");
        // numeric columns are right-aligned: every row as wide as the header
        assertThat(lines.get(4)).hasSameSizeAs(lines.get(2));
        assertThat(lines.get(5)).hasSameSizeAs(lines.get(2));
    }

    @Test
    void printsNoTtftSettingWithoutALimitAndNothingWhenEveryModelRanOneJob() {
        StringWriter out = new StringWriter();
        RunReports.printBestSettings(twoModelSweep(), Double.NaN, new PrintWriter(out, true));
        assertThat(out.toString()).contains("no TTFT limit given (--max-ttft-ms)");
        assertThat(lines(out.toString()).get(4).split(" +")).containsExactly("sim/a", "1024", "4", "120.0", "-",
                "-");

        StringWriter none = new StringWriter();
        RunReports.printBestSettings(sweep(job("sim/a", 1024, 1, 50, 0.1), job("sim/b", 1024, 1, 40, 0.1)), 300,
                new PrintWriter(none, true));
        assertThat(none.toString()).isEmpty();
    }

    @Test
    void theWritersWithATtftLimitCarryItIntoEveryFormatThroughWrite(@org.junit.jupiter.api.io.TempDir
                                                                      java.nio.file.Path dir) throws Exception {
        RunReports.write(twoModelSweep(), RunReports.writers(List.of("json", "csv", "md"), null, 300), dir,
                new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), "decode");

        List<String> csv = java.nio.file.Files.readAllLines(dir.resolve("best_settings.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(1)).startsWith("sim/a,4,1024,4,120,300,4096,1,");
        assertThat(csv.get(2)).startsWith("sim/b,2,2048,2,30,300,,,");
        assertThat(java.nio.file.Files.readString(dir.resolve("results.json"))).contains("\"max_ttft_ms\": 300.0");
        assertThat(java.nio.file.Files.readString(dir.resolve("report.md"))).contains("## Best settings",
                "TTFT limit 300 ms");
        // without a limit the old overload still works and shows no TTFT setting
        RunReports.write(twoModelSweep(), RunReports.writers(List.of("csv")), dir,
                new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("best_settings.csv")).get(1))
                .startsWith("sim/a,4,1024,4,120,,,,");
    }
}
