package dev.lmsbench.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.stats.MedianComparison;
import dev.lmsbench.report.RunComparison.FigureComparison;
import dev.lmsbench.report.RunComparison.ModelComparison;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison of a run with an earlier one as data files, beside the run's own: {@value #JSON} (written by the
 * {@code json} format) and {@value #CSV} (by {@code csv}), documented in docs/output-formats.md. Both hold every
 * figure's medians, change, interval, smallest reported change and verdict, so a reader can check a verdict.
 */
final class ComparisonFiles {

    /** File name of the JSON comparison. */
    static final String JSON = "comparison.json";

    /** File name of the CSV comparison. */
    static final String CSV = "comparison.csv";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One CSV row: a model's figure. */
    private record Row(String model, FigureComparison figure) {
    }

    private static final List<Csv.Column<Row>> COLUMNS = List.of(
            Csv.Column.text("model", Row::model),
            Csv.Column.text("figure", r -> figureName(r.figure())),
            Csv.Column.decimal("baseline_median", r -> r.figure().comparison().baselineMedian()),
            Csv.Column.decimal("current_median", r -> r.figure().comparison().currentMedian()),
            Csv.Column.decimal("change", r -> r.figure().comparison().change()),
            Csv.Column.decimal("change_pct", r -> r.figure().comparison().percent()),
            Csv.Column.integer("baseline_count", r -> r.figure().comparison().baselineCount()),
            Csv.Column.integer("current_count", r -> r.figure().comparison().currentCount()),
            Csv.Column.decimal("ci_lower", r -> r.figure().comparison().lower()),
            Csv.Column.decimal("ci_upper", r -> r.figure().comparison().upper()),
            Csv.Column.decimal("min_change", r -> r.figure().comparison().spread()),
            Csv.Column.decimal("confidence", r -> r.figure().comparison().confidence()),
            Csv.Column.text("verdict", r -> verdict(r.figure())));

    private ComparisonFiles() {
    }

    static void writeJson(RunComparison comparison, Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        JsonReportWriter.writeDocument(json(comparison), outputDir.resolve(JSON));
    }

    static void writeCsv(RunComparison comparison, Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        List<Row> rows = new ArrayList<>();
        for (ModelComparison m : comparison.models()) {
            m.figures().forEach(f -> rows.add(new Row(m.modelId(), f)));
        }
        AtomicFiles.write(outputDir.resolve(CSV), out -> Csv.write(out, COLUMNS, rows));
    }

    /** The JSON document: schema version, both run ids, the family confidence, models, one-sided models. */
    static ObjectNode json(RunComparison comparison) {
        ObjectNode root = NODES.objectNode();
        root.put("schema_version", JsonMapping.SCHEMA_VERSION);
        root.put("baseline_run_id", comparison.baselineRunId());
        root.put("current_run_id", comparison.currentRunId());
        root.put("family_confidence", RunComparison.FAMILY_CONFIDENCE);
        ArrayNode models = root.putArray("models");
        for (ModelComparison m : comparison.models()) {
            ObjectNode model = models.addObject();
            model.put("model", m.modelId());
            ArrayNode figures = model.putArray("figures");
            for (FigureComparison f : m.figures()) {
                MedianComparison c = f.comparison();
                ObjectNode node = figures.addObject();
                node.put("figure", figureName(f));
                node.put("label", f.figure().label());
                node.put("higher_is_better",
                        f.figure().direction() == MedianComparison.Direction.HIGHER_IS_BETTER);
                JsonMapping.number(node, "baseline_median", c.baselineMedian());
                JsonMapping.number(node, "current_median", c.currentMedian());
                JsonMapping.number(node, "change", c.change());
                JsonMapping.number(node, "change_pct", c.percent());
                node.put("baseline_count", c.baselineCount());
                node.put("current_count", c.currentCount());
                JsonMapping.number(node, "ci_lower", c.lower());
                JsonMapping.number(node, "ci_upper", c.upper());
                JsonMapping.number(node, "min_change", c.spread());
                JsonMapping.number(node, "confidence", c.confidence());
                node.put("verdict", verdict(f));
            }
        }
        ArrayNode baseline = root.putArray("only_baseline");
        comparison.onlyBaseline().forEach(baseline::add);
        ArrayNode current = root.putArray("only_current");
        comparison.onlyCurrent().forEach(current::add);
        return root;
    }

    private static String figureName(FigureComparison f) {
        return f.figure().name().toLowerCase(Locale.ROOT);
    }

    /** The verdict's label; {@code one_value} for a figure with one value per run (load time). */
    private static String verdict(FigureComparison f) {
        return f.figure().tested() ? f.comparison().verdict().label() : "one_value";
    }
}
