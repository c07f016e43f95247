package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.BenchmarkReport;

import java.io.IOException;
import java.nio.file.Path;

/** Writes a finished (or partial) run's results to files. Receives results only after the run, never live. */
public interface ReportWriter {

    /** A short name such as {@code json} or {@code csv}. */
    String name();

    /**
     * Writes the report into a directory, which exists.
     *
     * @param report    the results
     * @param outputDir the directory
     * @throws IOException when writing failed
     */
    void write(BenchmarkReport report, Path outputDir) throws IOException;
}
