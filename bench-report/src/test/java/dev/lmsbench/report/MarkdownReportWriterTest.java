package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownReportWriterTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.lmsbench.report.DefaultLocale#locales")
    void writesTheGoldenReportUnderEveryDefaultLocale(Locale locale) throws Exception {
        DefaultLocale.with(locale, () -> ReportWriters.byName("md").write(SampleReports.completed(), dir));

        Golden.assertMatches(dir.resolve(ReportWriters.REPORT_MD), "report.md");
    }

    @Test
    void writesNumbersWithADecimalPointUnderAGermanLocale() throws Exception {
        DefaultLocale.with(Locale.GERMANY, () -> ReportWriters.byName("md").write(SampleReports.completed(), dir));

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("| 8192 | 2 | tg | ").doesNotContainPattern("\\d,\\d");
    }

    @Test
    void aLoadTestHasARowPerStageWithItsRatesLatenciesGoodputAndTheGeneratorsWarnings() {
        String md = MarkdownReportWriter.render(SampleReports.load());
        assertThat(md).contains("## Load test");
        assertThat(md.lines().filter(l -> l.startsWith("| poisson "))).hasSize(3);
        assertThat(md).contains("| poisson 8/s [baseline=lmstudio-0.3.31, suite=nightly] | random | 5/6 |");
        assertThat(md).contains("- Warning: poisson 8/s: client overloaded");
        assertThat(MarkdownReportWriter.render(SampleReports.completed())).doesNotContain("## Load test");
    }

    @Test
    void showsPrefillAndDecodeRowsPerModelWithServerFiguresBeside() {
        String md = MarkdownReportWriter.render(SampleReports.completed());

        assertThat(md).contains("| model | quant | size | params | ctx | par | test | t/s |");
        assertThat(md).containsPattern("\\| qwen3-8b@q4_k_m \\| Q4_K_M \\| 4\\.68 GiB \\| 8B \\| 8192 \\| 2 \\| pp \\| "
                + "\\d+\\.\\d\\d ± \\d+\\.\\d\\d \\|");
        assertThat(md).containsPattern("\\| qwen3-8b@q4_k_m .*\\| tg \\(server\\) \\| \\d+\\.\\d\\d ± ");
        assertThat(md).containsPattern("\\| llama-3\\.2-1b-instruct .*\\| tg \\| \\d+\\.\\d\\d ± \\d+\\.\\d\\d \\* \\|");
        assertThat(md).doesNotContainPattern("llama-3\\.2-1b-instruct .*\\(server\\)");
    }

    @Test
    void headerNamesRunServerAndSettings() {
        String md = MarkdownReportWriter.render(SampleReports.completed());

        assertThat(md).contains("- **Run:** 20261125-144630-1a2b (completed)")
                .contains("- **Date:** 2026-11-25 14:46:30 UTC")
                .contains("lmstudio 0.3.31, runtime llama.cpp-linux-x86_64-nvidia-cuda12-avx2@1.52.1")
                .contains("max tokens 64, runs 2 (warmup 2), context 8192, parallel 2, prompt cache ")
                .contains("draft model qwen3-0.6b@q8_0");
    }

    @Test
    void keyFiguresGiveTheErrorTypeOfAFailedModelOnOneLine() {
        String md = MarkdownReportWriter.render(SampleReports.completed());

        assertThat(md).contains("| mistral-7b-instruct-v0.3 | failed | 0/0 |")
                .contains("| http_status: " + SampleReports.LOAD_ERROR_SAFE + " |");
    }

    @Test
    void listsTheSameNotesAsTheTerminal() {
        BenchmarkReport report = SampleReports.completed();
        String md = MarkdownReportWriter.render(report);

        List<String> notes = ReportNotes.notes(report.models().getFirst());
        assertThat(notes).isNotEmpty();
        for (String note : notes) {
            assertThat(md).contains("- " + Markdown.text(note) + "\n");
        }
    }

    @Test
    void escapesEveryStringFromTheServerInCells() {
        BenchmarkReport sample = SampleReports.completed();
        ModelSummary first = sample.models().getFirst();
        ModelInfo evil = ModelInfo.named("a|b`c`<script>x</script>\nnext&\\");
        ModelSummary renamed = ModelSummary.of(evil, sample.run().settings(), List.of(), RunStatus.FAILED,
                "boom | `x`\n<b>", dev.lmsbench.core.model.ErrorType.HTTP_STATUS, Double.NaN, first.startedAt(),
                first.finishedAt(), List.of());
        BenchmarkReport report = new BenchmarkReport(sample.run(), RunStatus.COMPLETED, sample.finishedAt(),
                List.of(renamed), List.of());

        String md = MarkdownReportWriter.render(report);

        assertThat(md).contains("| a&#124;b&#96;c&#96;&lt;script&gt;x&lt;/script&gt; next&amp;&#92; |")
                .contains("boom &#124; &#96;x&#96; &lt;b&gt;")
                .doesNotContain("<script>").doesNotContain("a|b");
        // every table row keeps its column count
        md.lines().filter(l -> l.startsWith("| a&#124;")).forEach(l ->
                assertThat(l.chars().filter(c -> c == '|').count()).isIn(9L, 10L));
    }
}
