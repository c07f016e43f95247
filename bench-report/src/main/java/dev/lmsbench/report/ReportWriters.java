package dev.lmsbench.report;

import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.core.spi.StoredResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The report writers: {@code json} writes {@value #RESULTS_JSON}, {@code csv} writes {@value #SUMMARY_CSV},
 * {@value #REQUESTS_CSV}, {@value #LOAD_TIMES_CSV} (and {@value #BEST_SETTINGS_CSV} for sweeps), {@code md} writes {@value #REPORT_MD}, {@code png} writes {@code charts/}, {@code pdf}
 * writes {@code report.pdf}, {@code html} writes {@value #REPORT_HTML}. The formats are documented in
 * {@code docs/output-formats.md}. A new format is one more entry in the list behind {@link #all()}: names,
 * {@link #byName} and {@link #select} follow it.
 *
 * <p>Every file is written atomically (a temporary file, then a move), so a crash leaves the previous file or none,
 * never half a file. Writers accept partial reports (status {@code cancelled}) as well as complete ones. Writers are
 * stateless and thread-safe.
 *
 * <p>{@code for (ReportWriter w : ReportWriters.all()) w.write(report, outputDir);}
 */
public final class ReportWriters {

    /** The {@code schema_version} of the JSON documents; see the schema version policy in the format docs. */
    public static final int SCHEMA_VERSION = JsonMapping.SCHEMA_VERSION;

    /** The {@code schema_version} of the {@code lmsbench hw --json} document. */
    public static final int HARDWARE_SCHEMA_VERSION = JsonMapping.HARDWARE_SCHEMA_VERSION;

    /** File name of the JSON report. */
    public static final String RESULTS_JSON = "results.json";

    /** File name of the per-model CSV summary. */
    public static final String SUMMARY_CSV = "summary.csv";

    /** File name of the per-request CSV log. */
    public static final String REQUESTS_CSV = "requests.csv";

    /** File name of the per-job load and warmup figures and prompt calibration (seed 004). */
    public static final String LOAD_TIMES_CSV = "load_times.csv";

    /** File name of the best settings per model, written when some model ran more than one job. */
    public static final String BEST_SETTINGS_CSV = "best_settings.csv";

    /** File name of the Markdown report. */
    public static final String REPORT_MD = "report.md";

    /** File name of the self-contained HTML report. */
    public static final String REPORT_HTML = "report.html";

    /** The formats written when none are chosen ({@code --format}'s default). */
    public static final List<String> DEFAULT_FORMATS = List.of(JsonReportWriter.NAME, CsvReportWriter.NAME,
            HtmlReportWriter.NAME);

    private static final Logger LOG = LoggerFactory.getLogger(ReportWriters.class);

    private static final List<ReportWriter> ALL = List.of(new JsonReportWriter(), new CsvReportWriter(),
            new MarkdownReportWriter(), new PngChartWriter(), new PdfReportWriter(), new HtmlReportWriter());

    private ReportWriters() {
    }

    /**
     * Every writer.
     *
     * @return an immutable list in a fixed order: {@code json}, {@code csv}, {@code md}, {@code png}, {@code pdf},
     *         {@code html}
     */
    public static List<ReportWriter> all() {
        return ALL;
    }

    /**
     * The names {@link #byName} accepts.
     *
     * @return {@code json}, {@code csv}, {@code md}, {@code png}, {@code pdf}, {@code html}
     */
    public static List<String> names() {
        return ALL.stream().map(ReportWriter::name).toList();
    }

    /**
     * The writer with that name, ignoring case and surrounding spaces.
     *
     * @param name one of {@link #names()}
     * @return the writer
     * @throws IllegalArgumentException for an unknown name; the message lists the valid ones, e.g.
     *                                  {@code unknown format 'xlsx'; valid: json, csv, md, png, pdf, html}
     */
    public static ReportWriter byName(String name) {
        Objects.requireNonNull(name, "name");
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return ALL.stream()
                .filter(w -> w.name().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown format '" + name.strip() + "'; valid: " + String.join(", ", names())));
    }

    /**
     * The writers a list of names chooses, in the order of {@link #all()}, each once; names ignore case and
     * surrounding spaces, empty names are ignored.
     *
     * @param names e.g. {@code ["json", "MD"]}
     * @return the writers, not empty
     * @throws IllegalArgumentException for an unknown name (see {@link #byName}) or when no name is given
     */
    public static List<ReportWriter> select(List<String> names) {
        Objects.requireNonNull(names, "names");
        java.util.Set<ReportWriter> chosen = new java.util.HashSet<>();
        for (String n : names) {
            if (n != null && !n.isBlank()) {
                chosen.add(byName(n));
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no format given; valid: " + String.join(", ", names()));
        }
        return ALL.stream().filter(chosen::contains).toList();
    }

    /**
     * The writers a list of names chooses, following the options: the PDF's paper, the ranking of the presentation
     * formats and a comparison shown by every format (see {@link ReportOptions}).
     *
     * @param names   as for {@link #select(List)}
     * @param options the options
     * @return the writers, not empty, in the order of {@link #all()}
     * @throws IllegalArgumentException as {@link #select(List)}
     */
    public static List<ReportWriter> select(List<String> names, ReportOptions options) {
        Objects.requireNonNull(options, "options");
        return select(names).stream()
                .map(w -> w instanceof ConfigurableWriter c ? c.with(options) : w)
                .toList();
    }

    /**
     * A writer with changed options: {@code change} gets the writer's current options (the defaults for a writer
     * that has none, such as another module's) and returns the new ones; writers without options are returned as
     * they are.
     *
     * @param writer a writer
     * @param change e.g. {@code o -> o.withRankBy("ttft")}
     * @return the writer following the changed options
     */
    public static ReportWriter configure(ReportWriter writer, java.util.function.UnaryOperator<ReportOptions> change) {
        Objects.requireNonNull(change, "change");
        return writer instanceof ConfigurableWriter c ? c.with(change.apply(c.options())) : writer;
    }

    /**
     * What hardware monitoring detected and one sample of it, as one JSON document for {@code lmsbench hw --json}:
     * {@code schema_version}, {@code hardware} in the shape of {@code results.json}'s {@code hardware}, and
     * {@code sample} in the shape of one entry of a model's {@code hardware_samples} ({@code t_s} 0). Unknown figures
     * are {@code null}, as in results.json.
     *
     * @param info   what was detected
     * @param sample one sample
     * @return the document, pretty-printed, ending with a line feed
     */
    public static String hardwareJson(HardwareInfo info, HardwareSample sample) {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(sample, "sample");
        return JsonReportWriter.toText(JsonMapping.hardwareDocument(info, sample));
    }

    /**
     * Writes stored results (the result cache's contents) as one JSON document, for {@code --export-cache FILE}:
     * {@code schema_version}, {@code tool}, and {@code results}, each with the store's {@code id}, the {@code run} and
     * the model {@code summary} in the same shape as {@code results.json}'s {@code models}. Written atomically.
     *
     * @param results     the results to export, in order
     * @param toolVersion version of the exporting tool, for {@code tool.version}
     * @param file        the file to write; its directory is created when missing
     * @throws IOException when writing failed; an existing file is then left unchanged
     */
    public static void exportStoredResults(List<StoredResult> results, String toolVersion, Path file)
            throws IOException {
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(file, "file");
        JsonReportWriter.writeDocument(
                JsonMapping.storedResults(results, Objects.requireNonNullElse(toolVersion, "unknown")), file);
        LOG.debug("Exported {} stored results to {}", results.size(), file);
    }
}
