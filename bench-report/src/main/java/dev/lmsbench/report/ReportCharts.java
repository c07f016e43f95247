package dev.lmsbench.report;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.SideMetric.Aggregation;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.SideMetric;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The charts of a report, as the PNG and PDF writers draw them: decode speed per model, TTFT per model, speed vs
 * model size (and vs VRAM when profiled), and hardware over time per profiled model. A chart without data is left
 * out, never drawn empty.
 */
final class ReportCharts {

    private static final double GB = 1e9;

    /**
     * One drawn chart.
     *
     * @param fileName the file name under {@code charts/}
     * @param title    the title
     * @param png      the picture
     */
    record Drawn(String fileName, String title, byte[] png) {
    }

    private ReportCharts() {
    }

    /** Every chart with data, in report order. */
    static List<Drawn> draw(BenchmarkReport report) {
        List<Drawn> out = new ArrayList<>(drawBars(report));
        out.addAll(drawOthers(report));
        return out;
    }

    /** The scatter and hardware charts (those with data). */
    static List<Drawn> drawOthers(BenchmarkReport report) {
        List<Drawn> out = new ArrayList<>();
        List<ModelSummary> models = report.models();
        List<String> labels = labels(models);
        scatter(models, m -> m.model().sizeBytes() > 0 ? m.model().sizeBytes() / GB : Double.NaN,
                "speed_vs_size.png", "Decode speed vs model size", "model size (GB)").ifPresent(out::add);
        scatter(models, ReportCharts::vramGb, "speed_vs_vram.png", "Decode speed vs VRAM used (max)",
                "VRAM used (GB)").ifPresent(out::add);
        for (int i = 0; i < models.size(); i++) {
            hardware(models.get(i), labels.get(i), i + 1).ifPresent(out::add);
        }
        return out;
    }

    /** The bar charts (decode tok/s, TTFT) of the report's models, those with data. */
    static List<Drawn> drawBars(BenchmarkReport report) {
        List<Drawn> out = new ArrayList<>();
        List<ModelSummary> models = report.models();
        List<String> labels = labels(models);

        List<String> decodeLabels = new ArrayList<>();
        List<Double> decode = new ArrayList<>();
        List<String> ttftLabels = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p90 = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            ModelSummary m = models.get(i);
            if (Double.isFinite(m.decodeTokensPerSecond().mean())) {
                decodeLabels.add(labels.get(i));
                decode.add(m.decodeTokensPerSecond().mean());
            }
            if (Double.isFinite(m.ttft().p50())) {
                ttftLabels.add(labels.get(i));
                p50.add(m.ttft().p50());
                p90.add(m.ttft().p90());
            }
        }
        if (!decode.isEmpty()) {
            String title = "Decode speed per model (mean)";
            out.add(new Drawn("decode_toks_per_s.png", title, Charts.bar(new Charts.BarChart(title, "model",
                    "decode (tok/s)", decodeLabels, List.of(new Charts.BarSeries("decode tok/s mean", decode))))));
        }
        if (!p50.isEmpty()) {
            String title = "Time to first token per model";
            out.add(new Drawn("ttft_s.png", title, Charts.bar(new Charts.BarChart(title, "model", "TTFT (s)",
                    ttftLabels, List.of(new Charts.BarSeries("p50", p50), new Charts.BarSeries("p90", p90))))));
        }
        return out;
    }

    /**
     * The comparison with an earlier run as one bar chart: the change in percent of each tested figure's median per
     * model present in both runs ({@code comparison.png}); empty without such a model.
     */
    static java.util.Optional<Drawn> comparison(RunComparison comparison) {
        if (comparison == null || comparison.models().isEmpty()) {
            return java.util.Optional.empty();
        }
        List<String> models = comparison.models().stream().map(RunComparison.ModelComparison::modelId).toList();
        List<Charts.BarSeries> series = new ArrayList<>();
        for (RunComparison.Figure f : RunComparison.Figure.values()) {
            if (f.tested()) {
                series.add(new Charts.BarSeries(f.label(), comparison.models().stream()
                        .map(m -> m.figure(f).comparison().percent()).toList()));
            }
        }
        String title = "Change of the medians vs " + comparison.baselineRunId() + " (%)";
        return java.util.Optional.of(new Drawn(COMPARISON_PNG, title, Charts.bar(new Charts.BarChart(title, "model",
                "change (%)", models, series))));
    }

    /** The file name of {@link #comparison}'s chart. */
    static final String COMPARISON_PNG = "comparison.png";

    /** The largest VRAM use measured while the model ran, in GB, or NaN. */
    static double vramGb(ModelSummary m) {
        for (SideMetric s : m.sideMetrics()) {
            if (s.name().equals("gpu.vram.used") && s.aggregation() == Aggregation.MAX) {
                return s.value() / GB;
            }
        }
        return Double.NaN;
    }

    /** Model ids, with context length and parallelism where one model ran more than once. */
    static List<String> labels(List<ModelSummary> models) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        models.forEach(m -> counts.merge(m.model().id(), 1, Integer::sum));
        List<String> out = new ArrayList<>();
        for (ModelSummary m : models) {
            String id = m.model().id();
            out.add(counts.get(id) > 1 ? id + " (ctx " + m.contextLength() + ", x" + m.parallel() + ")" : id);
        }
        return out;
    }

    private static java.util.Optional<Drawn> scatter(List<ModelSummary> models,
                                                     java.util.function.ToDoubleFunction<ModelSummary> x,
                                                     String file, String title, String xAxis) {
        Map<String, List<double[]>> byQuant = new LinkedHashMap<>();
        for (ModelSummary m : models) {
            double xv = x.applyAsDouble(m);
            double yv = m.decodeTokensPerSecond().mean();
            if (Double.isFinite(xv) && Double.isFinite(yv)) {
                String quant = m.model().quantization().isBlank() ? "unknown quantization" : m.model().quantization();
                byQuant.computeIfAbsent(quant, q -> new ArrayList<>()).add(new double[] {xv, yv});
            }
        }
        if (byQuant.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<Charts.XySeries> series = new ArrayList<>();
        byQuant.forEach((quant, points) -> series.add(new Charts.XySeries(quant,
                points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray())));
        return java.util.Optional.of(new Drawn(file, title,
                Charts.scatter(new Charts.XyChart(title, xAxis, "decode (tok/s)", series))));
    }

    /** CPU load, RAM use and each GPU's utilization and VRAM use, in percent, over seconds since the first sample. */
    private static java.util.Optional<Drawn> hardware(ModelSummary m, String label, int position) {
        List<HardwareSample> samples = m.hardwareSamples();
        if (samples.size() < 2) {
            return java.util.Optional.empty();
        }
        long t0 = samples.getFirst().nanoTime();
        int n = samples.size();
        double[] t = new double[n];
        double[] cpu = new double[n];
        double[] ram = new double[n];
        Map<Integer, double[]> gpuUtil = new LinkedHashMap<>();
        Map<Integer, double[]> gpuVram = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            HardwareSample s = samples.get(i);
            t[i] = (s.nanoTime() - t0) / 1e9;
            cpu[i] = s.cpuLoad();
            ram[i] = s.ramUsedBytes() >= 0 && s.ramTotalBytes() > 0 ? 100.0 * s.ramUsedBytes() / s.ramTotalBytes()
                    : Double.NaN;
            for (GpuSample g : s.gpus()) {
                gpuUtil.computeIfAbsent(g.index(), k -> nanArray(n))[i] = g.gpuUtilization();
                gpuVram.computeIfAbsent(g.index(), k -> nanArray(n))[i] =
                        g.vramUsedBytes() >= 0 && g.vramTotalBytes() > 0
                                ? 100.0 * g.vramUsedBytes() / g.vramTotalBytes() : Double.NaN;
            }
        }
        List<Charts.XySeries> series = new ArrayList<>();
        addIfAny(series, "CPU load", t, cpu);
        addIfAny(series, "RAM used", t, ram);
        gpuUtil.forEach((gpu, v) -> addIfAny(series, "GPU " + gpu + " utilization", t, v));
        gpuVram.forEach((gpu, v) -> addIfAny(series, "GPU " + gpu + " VRAM used", t, v));
        if (series.isEmpty()) {
            return java.util.Optional.empty();
        }
        String title = "Hardware over time: " + label;
        String file = String.format(Locale.ROOT, "hardware_%03d_%s.png", position, fileSafe(label));
        return java.util.Optional.of(new Drawn(file, title,
                Charts.line(new Charts.XyChart(title, "time since first sample (s)", "percent (%)", series))));
    }

    private static double[] nanArray(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    private static void addIfAny(List<Charts.XySeries> series, String name, double[] x, double[] y) {
        for (double v : y) {
            if (Double.isFinite(v)) {
                series.add(new Charts.XySeries(name, x, y));
                return;
            }
        }
    }

    /** A model id as a file-name part: ASCII letters, digits, dot, dash and underscore, at most 60 characters. */
    static String fileSafe(String text) {
        String safe = text.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._]+", "");
        if (safe.length() > 60) {
            safe = safe.substring(0, 60);
        }
        return safe.isEmpty() ? "model" : safe;
    }
}
