package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Times {@code report.html} and {@code report.pdf} of a 200-model report with its request-level samples
 * ({@link HtmlReports#many}), the "HTML and PDF of 200 models in under 10 s in all" (docs/performance.md
 * records the figures). Prints the times, asserts only that both were written: a loaded machine must not fail the
 * build. The first HTML write of a JVM also reads the ECharts script from its webjar; that is timed apart.
 */
class LargeHtmlReportTiming {

    @TempDir
    Path dir;

    @Test
    void a200ModelReportRendersToHtmlAndPdf() throws Exception {
        BenchmarkReport report = HtmlReports.many(200);
        long c0 = System.nanoTime();
        new HtmlReportWriter().write(ChartReports.profiled(), dir.resolve("cold"));
        long c1 = System.nanoTime();
        new PdfReportWriter().write(ChartReports.profiled(), dir.resolve("warm"));

        long t0 = System.nanoTime();
        new HtmlReportWriter().write(report, dir);
        long t1 = System.nanoTime();
        new PdfReportWriter().write(report, dir);
        long t2 = System.nanoTime();

        for (int i = 0; i < Integer.getInteger("html.repeat", 0); i++) {
            long r0 = System.nanoTime();
            String page = HtmlReportWriter.render(report);
            long r1 = System.nanoTime();
            new HtmlReportWriter().write(report, dir.resolve("again"));
            long r2 = System.nanoTime();
            System.out.printf("again: render %.2f s (%d chars), write %.2f s%n", (r1 - r0) / 1e9, page.length(),
                    (r2 - r1) / 1e9);
        }
        System.out.printf("first HTML write of the JVM (3 models, ECharts read from the webjar): %.2f s%n",
                (c1 - c0) / 1e9);
        System.out.printf("200-model report: HTML %.2f s (%d KiB), PDF %.2f s (%d KiB), total %.2f s%n",
                (t1 - t0) / 1e9, Files.size(dir.resolve(ReportWriters.REPORT_HTML)) / 1024, (t2 - t1) / 1e9,
                Files.size(dir.resolve(PdfReportWriter.FILE)) / 1024, (t2 - t0) / 1e9);
        assertThat(dir.resolve(ReportWriters.REPORT_HTML)).exists();
        assertThat(dir.resolve(PdfReportWriter.FILE)).exists();
    }
}
