/**
 * LM Studio Bench reports: writes a run's results as {@code results.json}, {@code summary.csv},
 * {@code requests.csv}, {@code load_times.csv} (and {@code best_settings.csv} for sweeps), {@code report.md},
 * PNG charts ({@link dev.lmsbench.report.Charts}), {@code report.pdf} and {@code report.html},
 * and saved answers ({@link dev.lmsbench.report.ResponseFiles}).
 * Start at {@link dev.lmsbench.report.ReportWriters}.
 */
module dev.lmsbench.report {
    requires transitive dev.lmsbench.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.desktop;
    requires org.jfree.jfreechart;
    requires org.apache.pdfbox;
    requires org.apache.pdfbox.io;
    requires org.apache.fontbox;

    exports dev.lmsbench.report;
}
