package dev.lmsbench.report;

import dev.lmsbench.core.load.LoadResult;
import dev.lmsbench.core.model.BenchmarkReport;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a suite (seed 002): one results document per (baseline, workload, rate) combination and, per workload,
 * a comparison of the baselines: {@code {workload}_comparison.png} (latency and throughput against the offered load,
 * one line per baseline, drawn by {@link Charts#line}) with the data it was drawn from beside it in
 * {@code {workload}_comparison.csv}.
 */
public final class SuiteReports {

    /** The comparison chart's file name after the workload's name. */
    public static final String COMPARISON_PNG = "_comparison.png";

    /** The data behind the chart. */
    public static final String COMPARISON_CSV = "_comparison.csv";

    private SuiteReports() {
    }

    /**
     * One stage of one baseline: its offered load (a rate, or a concurrency) and its figures.
     *
     * @param baseline the baseline's name
     * @param x        the offered load: requests per second, or streams in flight
     * @param load     the stage's figures
     */
    public record Point(String baseline, double x, LoadResult load) {
    }

    /**
     * Writes one combination's document: a {@code results.json} of that stage alone (its job and its requests).
     *
     * @param report the combination's report
     * @param file   the file, e.g. {@code fast-sim_random_4_20261202-031500.json}
     * @throws IOException when it cannot be written
     */
    public static void writeCombination(BenchmarkReport report, Path file) throws IOException {
        JsonReportWriter.writeDocument(JsonMapping.report(report), file);
    }

    /**
     * Writes a workload's comparison: the PNG (E2E latency p50 and output token throughput against the offered load,
     * one line per baseline, baselines in the order given) and the CSV of every point.
     *
     * @param workload the workload's name (the files' prefix)
     * @param xAxis    the offered load's axis title ({@code requests per second} or {@code concurrent streams})
     * @param points   every stage of every baseline
     * @param dir      the suite's folder
     * @throws IOException when a file cannot be written
     */
    public static void writeComparison(String workload, String xAxis, List<Point> points, Path dir)
            throws IOException {
        Map<String, List<Point>> byBaseline = new LinkedHashMap<>();
        for (Point p : points) {
            byBaseline.computeIfAbsent(p.baseline(), k -> new ArrayList<>()).add(p);
        }
        byBaseline.values().forEach(l -> l.sort(Comparator.comparingDouble(Point::x)));
        List<Charts.XySeries> latency = new ArrayList<>();
        List<Charts.XySeries> throughput = new ArrayList<>();
        byBaseline.forEach((name, list) -> {
            double[] x = list.stream().mapToDouble(Point::x).toArray();
            latency.add(new Charts.XySeries(name, x, list.stream().mapToDouble(p -> p.load().e2eMs().median())
                    .toArray()));
            throughput.add(new Charts.XySeries(name, x, list.stream().mapToDouble(p -> p.load().outputThroughput())
                    .toArray()));
        });
        byte[] top = Charts.line(new Charts.XyChart(workload + ": end-to-end latency (median)", xAxis, "ms",
                latency));
        byte[] bottom = Charts.line(new Charts.XyChart(workload + ": output throughput", xAxis, "tokens per second",
                throughput));
        Charts.write(stack(top, bottom), dir.resolve(workload + COMPARISON_PNG));
        List<Point> rows = new ArrayList<>();
        byBaseline.values().forEach(rows::addAll);
        List<Csv.Column<Point>> columns = List.of(
                Csv.Column.text("baseline", Point::baseline),
                Csv.Column.decimal("offered_load", Point::x),
                Csv.Column.text("pattern", p -> p.load().pattern().label()),
                Csv.Column.integer("sent", p -> p.load().sent()),
                Csv.Column.integer("completed", p -> p.load().completed()),
                Csv.Column.decimal("achieved_rate", p -> p.load().achievedRate()),
                Csv.Column.decimal("request_throughput", p -> p.load().requestThroughput()),
                Csv.Column.decimal("output_throughput", p -> p.load().outputThroughput()),
                Csv.Column.decimal("ttft_ms_p50", p -> p.load().ttftMs().median()),
                Csv.Column.decimal("ttft_ms_p99", p -> p.load().ttftMs().percentile(99)),
                Csv.Column.decimal("tpot_ms_p50", p -> p.load().tpotMs().median()),
                Csv.Column.decimal("e2e_ms_p50", p -> p.load().e2eMs().median()),
                Csv.Column.decimal("e2e_ms_p99", p -> p.load().e2eMs().percentile(99)),
                Csv.Column.decimal("goodput", p -> p.load().goodput()),
                Csv.Column.text("generator_healthy", p -> Boolean.toString(p.load().generator().healthy())));
        AtomicFiles.write(dir.resolve(workload + COMPARISON_CSV), out -> Csv.write(out, columns, rows));
    }

    /** Two chart images one above the other, as one PNG. */
    private static byte[] stack(byte[] top, byte[] bottom) throws IOException {
        BufferedImage a = ImageIO.read(new ByteArrayInputStream(top));
        BufferedImage b = ImageIO.read(new ByteArrayInputStream(bottom));
        BufferedImage both = new BufferedImage(Math.max(a.getWidth(), b.getWidth()), a.getHeight() + b.getHeight(),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, both.getWidth(), both.getHeight());
            g.drawImage(a, 0, 0, null);
            g.drawImage(b, 0, a.getHeight(), null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(both, "png", out)) {
            throw new UncheckedIOException(new IOException("no PNG writer in this JVM"));
        }
        return out.toByteArray();
    }
}
