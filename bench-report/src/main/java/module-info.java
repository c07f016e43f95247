/**
 * LM Studio Bench reports: writes a run's results as {@code results.json}, {@code summary.csv},
 * {@code requests.csv} and {@code report.md}, and saved answers ({@link dev.lmsbench.report.ResponseFiles}).
 * Start at {@link dev.lmsbench.report.ReportWriters}.
 */
module dev.lmsbench.report {
    requires transitive dev.lmsbench.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.lmsbench.report;
}
