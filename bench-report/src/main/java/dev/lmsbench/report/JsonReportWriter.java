package dev.lmsbench.report;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.spi.ReportWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@code results.json} atomically, pretty-printed with two-space indents and {@code \n} line ends. */
record JsonReportWriter(ReportOptions options) implements ConfigurableWriter {

    static final String NAME = "json";

    private static final Logger LOG = LoggerFactory.getLogger(JsonReportWriter.class);

    /** Fixed layout, independent of the platform's line separator. ObjectWriter is immutable and thread-safe. */
    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""))
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
        WRITER = JsonMapper.builder()
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
                .build()
                .writer(printer);
    }

    /** A writer with the default options. */
    JsonReportWriter() {
        this(ReportOptions.defaults());
    }

    @Override
    public ReportWriter with(ReportOptions value) {
        return new JsonReportWriter(value);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void write(BenchmarkReport report, Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        Path file = outputDir.resolve(ReportWriters.RESULTS_JSON);
        writeDocument(JsonMapping.report(report, options.bestSettings(report)), file);
        if (options.comparison() != null) {
            ComparisonFiles.writeJson(options.comparison(), outputDir);
        }
        LOG.debug("Wrote {} ({} models, {} requests)", file, report.models().size(), report.requests().size());
    }

    /** One of our JSON documents as text, formatted as the files are, ending with a line feed. */
    static String toText(JsonNode document) {
        try {
            return WRITER.writeValueAsString(document) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialize", e); // cannot happen for our trees
        }
    }

    /** Writes any of our JSON documents atomically, UTF-8, ending with a line feed. */
    static void writeDocument(JsonNode document, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            WRITER.writeValue(out, document);
            out.write('\n');
        });
    }

    @Override
    public String toString() {
        return "JsonReportWriter[results.json]";
    }
}
