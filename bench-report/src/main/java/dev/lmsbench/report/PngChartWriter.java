package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.spi.ReportWriter;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a report's charts as PNG files under {@code charts/}: {@code decode_toks_per_s.png} (bar per model),
 * {@code ttft_s.png} (p50 and p90 per model), {@code speed_vs_size.png} (decode tok/s vs model size, one series per
 * quantization), {@code speed_vs_vram.png} when profiling measured VRAM, and {@code hardware_NNN_<model>.png} (CPU,
 * RAM, GPU utilization and VRAM in percent over time) per model with hardware samples. A chart without data is not
 * written. With a comparison ({@link ReportOptions#comparison()}) also {@code comparison.png}: the change in percent
 * of each figure per model. The same charts appear in {@code report.pdf}.
 */
public final class PngChartWriter implements ConfigurableWriter {

    /** The directory under the output directory. */
    public static final String DIRECTORY = "charts";

    private final ReportOptions options;

    /** A writer with the default options. */
    public PngChartWriter() {
        this(ReportOptions.defaults());
    }

    private PngChartWriter(ReportOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    @Override
    public ReportOptions options() {
        return options;
    }

    @Override
    public ReportWriter with(ReportOptions value) {
        return new PngChartWriter(value);
    }

    @Override
    public String name() {
        return "png";
    }

    @Override
    public void write(BenchmarkReport report, Path outputDir) throws IOException {
        Path dir = outputDir.resolve(DIRECTORY);
        for (ReportCharts.Drawn chart : ReportCharts.draw(options.ordered(report))) {
            Charts.write(chart.png(), dir.resolve(chart.fileName()));
        }
        java.util.Optional<ReportCharts.Drawn> comparison = ReportCharts.comparison(options.orderedComparison());
        if (comparison.isPresent()) {
            Charts.write(comparison.get().png(), dir.resolve(comparison.get().fileName()));
        }
    }
}
