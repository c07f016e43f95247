package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PdfReportWriterTest {

    @TempDir
    Path dir;

    private PDDocument write(PdfReportWriter writer, BenchmarkReport report) throws Exception {
        writer.write(report, dir);
        return Loader.loadPDF(dir.resolve(PdfReportWriter.FILE).toFile());
    }

    private static String text(PDDocument doc, int page) throws Exception {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setStartPage(page);
        stripper.setEndPage(page);
        return stripper.getText(doc);
    }

    @Test
    void isNamedPdfAndDefaultsToA4() {
        assertThat(new PdfReportWriter().name()).isEqualTo("pdf");
        assertThat(new PdfReportWriter().paper()).isEqualTo(PdfReportWriter.Paper.A4);
        assertThat(new PdfReportWriter().withPaper(PdfReportWriter.Paper.LETTER).paper())
                .isEqualTo(PdfReportWriter.Paper.LETTER);
    }

    @Test
    void theTitlePageNamesTheRunTheServerTheMachineAndTheSettings() throws Exception {
        try (PDDocument doc = write(new PdfReportWriter(), ChartReports.profiled())) {
            String title = text(doc, 1);

            assertThat(title).contains("LM Studio Bench report", "20261125-144630-1a2b", "2026-11-25",
                    "lmstudio", "0.3.31", "llama.cpp-linux-x86_64-nvidia-cuda12-avx2@1.52.1",
                    "Fake Ryzen 9 7950X", "Fake RTX 4090", "550.54", SampleReports.PROMPT.substring(0, 20),
                    SampleReports.DRAFT_MODEL, "1 / " + doc.getNumberOfPages());
        }
    }

    @Test
    void everyPageIsNumberedNOfN() throws Exception {
        try (PDDocument doc = write(new PdfReportWriter(), ChartReports.profiled())) {
            int pages = doc.getNumberOfPages();
            // title, ranking, 5 charts, 3 models (qwen's on two pages)
            assertThat(pages).isEqualTo(11);
            for (int i = 1; i <= pages; i++) {
                assertThat(text(doc, i)).as("page " + i).contains(i + " / " + pages);
            }
        }
    }

    @Test
    void theRankingTableListsTheModelsFastestFirstWithTheirFigures() throws Exception {
        BenchmarkReport report = ChartReports.profiled();
        try (PDDocument doc = write(new PdfReportWriter(), report)) {
            String ranking = text(doc, 2);
            List<ModelSummary> ranked = PdfReportWriter.ranked(report.models());

            assertThat(ranking).contains("Ranking", "TTFT p50 (s)", "Decode tok/s", "Total tok/s", "Load (s)");
            int last = -1;
            for (ModelSummary m : ranked) {
                int at = ranking.indexOf(m.model().id());
                assertThat(at).as(m.model().id()).isGreaterThan(last);
                last = at;
            }
            ModelSummary qwen = report.models().get(0);
            assertThat(ranking).contains(PdfReportWriter.number(qwen.decodeTokensPerSecond().mean()),
                    PdfReportWriter.number(qwen.ttft().p50()), PdfReportWriter.number(qwen.loadSeconds()),
                    qwen.successCount() + "/" + qwen.requestCount(), "Q4_K_M", "failed");
        }
    }

    @Test
    void eachModelHasADetailPageWithItsDistributionsServerFiguresLoadAndErrors() throws Exception {
        BenchmarkReport report = ChartReports.profiled();
        try (PDDocument doc = write(new PdfReportWriter(), report)) {
            String qwen = pageStartingWith(doc, SampleReports.QWEN.id());
            String mistral = pageStartingWith(doc, SampleReports.MISTRAL.id());
            ModelSummary q = report.models().get(0);

            assertThat(qwen).startsWith(SampleReports.QWEN.id()).contains("Client-measured distributions",
                    "Inter-token latency", PdfReportWriter.number(q.decodeTokensPerSecond().p90()),
                    PdfReportWriter.number(q.tpot().p99()), "Server-reported figures", "Decode (server)",
                    PdfReportWriter.number(q.serverTokensPerSecond().mean()), "Draft acceptance",
                    "method rest", "use_mlock was not sent", "qwen3-8b@q4_k_m:2", "http_status: 1",
                    "gpu.vram.used", "efficiency.toks_per_joule");
            assertThat(mistral).startsWith(SampleReports.MISTRAL.id()).contains(SampleReports.LOAD_ERROR_SAFE,
                    "The server reported no figures of its own.");
        }
    }

    @Test
    void theFontIsEmbeddedAndAModelIdItCannotShowDoesNotBreakTheReport() throws Exception {
        try (PDDocument doc = write(new PdfReportWriter(), ChartReports.exotic())) {
            String all = new PDFTextStripper().getText(doc);

            assertThat(all).contains("????-qwen-?-Ω-7b").doesNotContain("\u0007").doesNotContain("\u001b");
            List<PDFont> fonts = new ArrayList<>();
            for (PDPage page : doc.getPages()) {
                for (COSName name : page.getResources().getFontNames()) {
                    fonts.add(page.getResources().getFont(name));
                }
            }
            assertThat(fonts).isNotEmpty().allSatisfy(f -> assertThat(f.isEmbedded()).as(f.getName()).isTrue());
        }
    }

    @Test
    void letterPaperGivesLetterPages() throws Exception {
        try (PDDocument doc = write(new PdfReportWriter().withPaper(PdfReportWriter.Paper.LETTER),
                ChartReports.profiled())) {
            for (PDPage page : doc.getPages()) {
                assertThat(page.getMediaBox().getWidth()).isEqualTo(PDRectangle.LETTER.getWidth());
                assertThat(page.getMediaBox().getHeight()).isEqualTo(PDRectangle.LETTER.getHeight());
            }
        }
        try (PDDocument doc = write(new PdfReportWriter(), ChartReports.profiled())) {
            assertThat(doc.getPage(0).getMediaBox().getHeight()).isEqualTo(PDRectangle.A4.getHeight());
        }
    }

    @Test
    void aRankingOf200ModelsBreaksAcrossPagesRepeatingItsHeader() throws Exception {
        try (PDDocument doc = write(new PdfReportWriter(), ChartReports.many(200))) {
            int rankingPages = 0;
            for (int i = 2; i <= doc.getNumberOfPages(); i++) {
                String page = text(doc, i);
                if (page.contains("Decode tok/s") && page.contains("Total tok/s")) {
                    rankingPages++;
                }
            }
            String all = new PDFTextStripper().getText(doc);

            assertThat(rankingPages).isGreaterThan(1);
            assertThat(all).contains("org00/model-000-instruct-gguf", "org12/model-199-instruct-gguf",
                    "(models 181-200 of 200)");
        }
    }

    @Test
    void pdftoppmRendersEveryPageAndNoneIsBlank() throws Exception {
        if (!onPath("pdftoppm")) {
            // a developer without poppler-utils stays green; CI installs it (.ci/run), so there it must run
            assertThat(System.getenv("CI")).as("pdftoppm (Debian poppler-utils) is not on the PATH, and CI=true")
                    .isNotEqualTo("true");
            assumeTrue(false, "pdftoppm (Debian poppler-utils) is not on the PATH");
        }
        int pages;
        try (PDDocument doc = write(new PdfReportWriter(), ChartReports.profiled())) {
            pages = doc.getNumberOfPages();
        }
        Path out = Files.createDirectories(dir.resolve("pages"));
        Process p = new ProcessBuilder("pdftoppm", "-r", "40", "-png",
                dir.resolve(PdfReportWriter.FILE).toString(), out.resolve("page").toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();

        List<Path> images;
        try (Stream<Path> files = Files.list(out)) {
            images = files.sorted().toList();
        }
        assertThat(images).hasSize(pages);
        for (Path image : images) {
            BufferedImage page = Pngs.read(image);
            assertThat(Pngs.colours(page, 5)).as(image.getFileName().toString()).isGreaterThan(1);
        }
    }

    /** The text of the page that starts with a model id, and of the page after it. */
    private static String pageStartingWith(PDDocument doc, String id) throws Exception {
        for (int i = 1; i <= doc.getNumberOfPages(); i++) {
            String page = text(doc, i);
            if (page.startsWith(id)) {
                return i < doc.getNumberOfPages() ? page + text(doc, i + 1) : page;
            }
        }
        throw new AssertionError("no page starts with " + id);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
