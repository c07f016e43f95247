/**
 * LM Studio Bench reports: writes a run's results as {@code results.json}, {@code summary.csv} and
 * {@code requests.csv}. Start at {@link dev.lmsbench.report.ReportWriters}.
 */
module dev.lmsbench.report {
    requires transitive dev.lmsbench.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.lmsbench.report;
}
