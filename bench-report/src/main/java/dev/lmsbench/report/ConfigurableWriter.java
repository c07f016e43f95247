package dev.lmsbench.report;

import dev.lmsbench.core.spi.ReportWriter;

/** A writer that follows {@link ReportOptions}: {@link ReportWriters#select(java.util.List, ReportOptions)}. */
interface ConfigurableWriter extends ReportWriter {

    /** @param options the options @return this writer following them (writers are immutable) */
    ReportWriter with(ReportOptions options);

    /** @return the options this writer follows */
    ReportOptions options();
}
