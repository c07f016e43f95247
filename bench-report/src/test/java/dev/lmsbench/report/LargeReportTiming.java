package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Times the PNG charts and the PDF of a 200-model report (docs/performance.md records the figure). Prints the time,
 * asserts only that both were written: a loaded machine must not fail the build.
 */
class LargeReportTiming {

    @TempDir
    Path dir;

    @Test
    void a200ModelReportRendersToPngAndPdf() throws Exception {
        BenchmarkReport report = ChartReports.many(200);
        new PngChartWriter().write(ChartReports.profiled(), dir.resolve("warm"));

        long t0 = System.nanoTime();
        new PngChartWriter().write(report, dir);
        long t1 = System.nanoTime();
        new PdfReportWriter().write(report, dir);
        long t2 = System.nanoTime();

        System.out.printf("200-model report: PNG charts %.2f s, PDF %.2f s (%d KiB), total %.2f s%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, Files.size(dir.resolve(PdfReportWriter.FILE)) / 1024,
                (t2 - t0) / 1e9);
        assertThat(dir.resolve("charts/decode_toks_per_s.png")).exists();
        assertThat(dir.resolve(PdfReportWriter.FILE)).exists();
    }
}
