package dev.lmsbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportWriterTest {

    @TempDir
    Path dir;

    private Document write(BenchmarkReport report) throws Exception {
        new HtmlReportWriter().write(report, dir);
        return Jsoup.parse(dir.resolve(ReportWriters.REPORT_HTML).toFile(), "UTF-8");
    }

    private static JsonNode data(Document doc) throws Exception {
        Element block = doc.getElementById("report-data");
        assertThat(block).isNotNull();
        assertThat(block.attr("type")).isEqualTo("application/json");
        return new ObjectMapper().readTree(block.data());
    }

    private static List<List<String>> tableRows(Document doc) {
        return doc.select("#ranking-table tbody tr").stream()
                .map(tr -> tr.children().stream().map(Element::text).toList())
                .toList();
    }

    @Test
    void aLoadTestHasASectionWithARowPerStageAndTheGeneratorsWarnings() throws Exception {
        Document doc = write(SampleReports.load());
        List<List<String>> rows = doc.select("#load-table tbody tr").stream()
                .map(tr -> tr.children().stream().map(Element::text).toList()).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(2).get(0)).isEqualTo("poisson 8/s [baseline=lmstudio-0.3.31, suite=nightly]");
        assertThat(rows.get(2).get(2)).isEqualTo("5/6");
        assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(LoadRows.COLUMNS.size()));
        assertThat(doc.select("#load-test .warnings li").text()).contains("poisson 8/s: client overloaded");
        assertThat(write(SampleReports.completed()).getElementById("load-test")).isNull();
    }

    @Test
    void isNamedHtmlAndWritesOnlyReportHtml() throws Exception {
        ReportWriters.byName("html").write(SampleReports.completed(), dir);

        assertThat(ReportWriters.byName("html").name()).isEqualTo("html");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("report.html");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.lmsbench.report.DefaultLocale#locales")
    void theTableShowsEveryModelsFiguresAsFormattedInReportOrderUnderEveryDefaultLocale(Locale locale)
            throws Exception {
        BenchmarkReport report = ChartReports.profiled();
        DefaultLocale.with(locale, () -> new HtmlReportWriter().write(report, dir));
        Document doc = Jsoup.parse(dir.resolve(ReportWriters.REPORT_HTML).toFile(), "UTF-8");

        List<List<String>> rows = tableRows(doc);

        assertThat(doc.select("#ranking-table thead th")).extracting(Element::text)
                .containsExactlyElementsOf(HtmlReportWriter.COLUMNS);
        assertThat(rows).hasSize(3);
        ModelSummary qwen = report.models().get(0);
        assertThat(rows.get(0)).containsExactly("1", "qwen3-8b@q4_k_m", "Q4_K_M", "5.03", "completed", "3/4",
                PdfReportWriter.number(qwen.decodeTokensPerSecond().mean()),
                PdfReportWriter.number(qwen.decodeTokensPerSecond().p50()),
                PdfReportWriter.number(qwen.ttft().p50()), PdfReportWriter.number(qwen.ttft().p90()),
                PdfReportWriter.number(qwen.prefillTokensPerSecond().p50()),
                PdfReportWriter.number(qwen.completionTokensPerSecondTotal()), "7.81", "3.74", "4.25");
        for (int i = 0; i < report.models().size(); i++) {
            assertThat(rows.get(i)).isEqualTo(HtmlReportWriter.row(i + 1, report.models().get(i),
                    report.models().get(i).model().id()));
        }
        // llama: no size, no load time, no VRAM; mistral failed: every figure unknown
        assertThat(rows.get(1)).element(3).isEqualTo("-");
        assertThat(rows.get(1)).element(14).isEqualTo("-");
        assertThat(rows.get(2).subList(6, 15)).containsOnly("-");
        assertThat(doc.select("#ranking-table tbody tr").get(0).select("td.num").get(3).attr("data-v"))
                .isEqualTo(JsonMapping.plain(qwen.decodeTokensPerSecond().mean()).toPlainString());
        assertThat(doc.select("#ranking-table tbody tr").get(2).select("td.num").get(3).attr("data-v")).isEmpty();
    }

    @Test
    void theHeaderNamesTheRunServerMachineSettingsAndTheNotes() throws Exception {
        Document doc = write(ChartReports.profiled());

        assertThat(doc.title()).isEqualTo("LM Studio Bench report 20261125-144630-1a2b");
        assertThat(doc.getElementById("fact-run-id").text()).isEqualTo("20261125-144630-1a2b");
        assertThat(doc.getElementById("fact-status").text()).isEqualTo("completed");
        assertThat(doc.getElementById("fact-server").text()).isEqualTo(
                "lmstudio 0.3.31, runtime llama.cpp-linux-x86_64-nvidia-cuda12-avx2@1.52.1 at http://127.0.0.1:1234");
        assertThat(doc.getElementById("fact-machine").text()).contains("Linux 6.8", "Fake Ryzen 9 7950X",
                "16 cores, 32 threads", "64.00 GB RAM", "GPU 0 Fake RTX 4090 (24.00 GB)");
        assertThat(doc.getElementById("fact-settings").text()).contains("max tokens 64", "runs 2 (warmup 2)",
                "parallel 2", SampleReports.DRAFT_MODEL, "streaming and non-streaming");
        assertThat(doc.getElementById("fact-sampling").text()).isEqualTo("temperature=0.2, topK=40, topP=0.95,"
                + " repeatPenalty=1.1 (others: server defaults)");
        List<String> notes = doc.select("#notes li").eachText();
        for (String note : ReportNotes.notes(SampleReports.completed().models().get(0))) {
            assertThat(notes).contains(note);
        }
        assertThat(notes).contains("mistral-7b-instruct-v0.3: failed, http_status: "
                + SampleReports.LOAD_ERROR_SAFE.replace("  ", " "));
    }

    @Test
    void theSummaryFiguresAreTheFastestTheMedianTheBestTtftAndTheBestEfficiency() throws Exception {
        BenchmarkReport report = ChartReports.profiled();
        ModelSummary qwen = report.models().get(0);
        ModelSummary llama = report.models().get(1);
        double median = (qwen.decodeTokensPerSecond().mean() + llama.decodeTokensPerSecond().mean()) / 2;
        boolean qwenFaster = qwen.decodeTokensPerSecond().mean() > llama.decodeTokensPerSecond().mean();
        ModelSummary faster = qwenFaster ? qwen : llama;
        boolean qwenQuicker = qwen.ttft().p50() < llama.ttft().p50();
        ModelSummary quicker = qwenQuicker ? qwen : llama;

        Document doc = write(report);

        assertThat(doc.select("#kpi-models .kpi-value").text()).isEqualTo("3");
        assertThat(doc.select("#kpi-fastest-decode .kpi-value").text())
                .isEqualTo(PdfReportWriter.number(faster.decodeTokensPerSecond().mean()) + " tok/s");
        assertThat(doc.select("#kpi-fastest-decode .kpi-detail").text()).isEqualTo(faster.model().id());
        assertThat(doc.select("#kpi-median-decode .kpi-value").text())
                .isEqualTo(PdfReportWriter.number(median) + " tok/s");
        assertThat(doc.select("#kpi-median-decode .kpi-detail").text()).isEqualTo("over 2 model(s)");
        assertThat(doc.select("#kpi-best-ttft .kpi-value").text())
                .isEqualTo(PdfReportWriter.number(quicker.ttft().p50()) + " s");
        assertThat(doc.select("#kpi-best-efficiency .kpi-value").text()).isEqualTo("3.74 tok/s per GB VRAM");
        assertThat(doc.select("#kpi-best-efficiency .kpi-detail").text()).isEqualTo(qwen.model().id());
    }

    @Test
    void theEmbeddedDataHoldsEveryModelInResultsJsonShapeAndTheRequestSamples() throws Exception {
        BenchmarkReport report = ChartReports.profiled();

        JsonNode data = data(write(report));

        assertThat(data.get("schema_version").asInt()).isEqualTo(ReportWriters.SCHEMA_VERSION);
        assertThat(data.at("/run/run_id").asText()).isEqualTo("20261125-144630-1a2b");
        assertThat(data.at("/hardware/cpu_model").asText()).isEqualTo("Fake Ryzen 9 7950X");
        assertThat(data.get("models")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            ModelSummary m = report.models().get(i);
            JsonNode node = data.get("models").get(i);
            JsonNode expected = new ObjectMapper().readTree(Html.scriptJson(JsonMapping.modelSummary(m)));
            expected.fieldNames().forEachRemaining(f -> assertThat(node.get(f)).as(f).isEqualTo(expected.get(f)));
            assertThat(node.get("label").asText()).isEqualTo(m.model().id());
        }
        assertThat(data.at("/models/0/distributions/decode_toks_per_s/mean").decimalValue())
                .isEqualByComparingTo(JsonMapping.plain(report.models().get(0).decodeTokensPerSecond().mean()));
        assertThat(data.at("/models/0/vram_max_gb").asDouble()).isEqualTo(7.812345678);
        assertThat(data.at("/models/0/hardware_samples")).hasSize(20);
        assertThat(data.at("/models/2/distributions/decode_toks_per_s/mean").isNull()).isTrue();

        // the streamed requests, with every token chunk's arrival
        List<dev.lmsbench.core.model.RequestResult> streamed = report.requests().stream()
                .filter(r -> r.mode() == dev.lmsbench.core.model.RunMode.STREAM).toList();
        JsonNode requests = data.get("requests");
        assertThat(requests).hasSize(streamed.size());
        for (int i = 0; i < streamed.size(); i++) {
            dev.lmsbench.core.model.RequestResult r = streamed.get(i);
            JsonNode node = requests.get(i);
            assertThat(node.get("m").asInt()).isEqualTo(r.model().equals(SampleReports.QWEN.id()) ? 0 : 1);
            assertThat(node.get("warmup").asBoolean()).isEqualTo(r.warmup());
            assertThat(node.get("ttft_s").asDouble()).isEqualTo(r.ttftSeconds());
            long[] tokens = r.timings().tokenNanos();
            assertThat(node.get("token_s")).hasSize(tokens.length);
            assertThat(node.get("token_s").get(tokens.length - 1).asDouble())
                    .isCloseTo(tokens[tokens.length - 1] / 1e9, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void everyChartWithDataHasAnElementAndTheOthersANoDataNote() throws Exception {
        Document doc = write(ChartReports.profiled());

        assertThat(doc.select(".chart").eachAttr("id")).containsExactly("chart-decode", "chart-ttft", "chart-vram",
                "chart-size", "chart-heatmap", "chart-timeline", "chart-server", "chart-hardware");
        assertThat(doc.select(".no-data")).isEmpty();
        assertThat(doc.select("#chart-timeline-model")).hasSize(1);

        Document failed = write(ChartReports.allFailed());

        assertThat(failed.select(".chart")).isEmpty();
        assertThat(failed.select(".no-data")).hasSize(HtmlReportWriter.Chart.values().length);
        assertThat(failed.getElementById("chart-hardware-box").text()).contains("No data", "--profile");
    }

    @Test
    void withoutHardwareSamplesTheHardwareChartSaysWhyItIsMissing() throws Exception {
        Document doc = write(SampleReports.completed());

        assertThat(doc.select(".chart").eachAttr("id")).doesNotContain("chart-hardware")
                .contains("chart-decode", "chart-ttft", "chart-vram", "chart-size", "chart-server");
        assertThat(doc.getElementById("chart-hardware-box").select(".no-data").text())
                .isEqualTo("No data: no hardware samples (--profile records them).");
        assertThat(doc.getElementById("fact-machine").text()).startsWith("not known");
    }

    @Test
    void loadsNothingFromOutsideTheFile() throws Exception {
        Document doc = write(ChartReports.profiled());

        assertThat(doc.select("script[src], link, img, iframe, object, embed, video, audio, source, [srcset]"))
                .isEmpty();
        assertThat(doc.select("[href], [src], [action], [formaction], [poster], [data]")).isEmpty();
        assertThat(doc.select("style").html()).doesNotContain("url(", "@import");
        assertThat(doc.select("meta[http-equiv=Content-Security-Policy]").attr("content"))
                .startsWith("default-src 'none';").doesNotContain("http");
        // ECharts itself is inlined
        assertThat(doc.select("script:not([type])").get(0).data()).contains("echarts").hasSizeGreaterThan(500_000);
    }

    @Test
    void aHostileModelIdStaysText() throws Exception {
        BenchmarkReport report = HtmlReports.hostile();
        new HtmlReportWriter().write(report, dir);
        String html = Files.readString(dir.resolve(ReportWriters.REPORT_HTML), StandardCharsets.UTF_8);
        Document doc = Jsoup.parse(html);

        // one data block, one ECharts script, one page script: the id closed nothing and opened nothing
        assertThat(doc.select("script")).hasSize(3);
        assertThat(doc.select("img")).isEmpty();
        assertThat(doc.select("[onerror]")).isEmpty();
        assertThat(doc.select("b, i")).isEmpty();
        Document markup = doc.clone();
        markup.select("script").remove();
        assertThat(markup.outerHtml()).doesNotContain("<img", "<b>pub", "<i>Q4");
        assertThat(html.toLowerCase(Locale.ROOT).split("</script", -1)).hasSize(4);
        String id = HtmlReports.HOSTILE_ID;
        assertThat(tableRows(doc).get(3).get(1)).isEqualTo(id);
        assertThat(doc.select("#notes li").eachText()).noneMatch(t -> t.contains("<img") && !t.contains(id));
        // the data keeps the id intact for the page's script, which shows it as text
        String block = doc.getElementById("report-data").data();
        assertThat(block).doesNotContain("<", ">", "&");
        assertThat(data(doc).at("/models/3/model/id").asText()).isEqualTo(JsonMapping.safe(HtmlReports.HOSTILE_ID));
        assertThat(data(doc).at("/models/3/model/quantization").asText()).isEqualTo("<i>Q4</i>");
    }

    @Test
    void escapesMarkupAndRemovesControlCharacters() {
        assertThat(Html.escape("<a href=\"x\">&'\u001b[31m\u0000</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
        assertThat(Html.escape(null)).isEmpty();
    }

    @Test
    void keepsNothingInTheChartScriptThatWouldCloseItsElement() {
        assertThat(HtmlReportWriter.Assets.scriptSafe("a='</script>'; b='</SCRIPT'; c='<!--'"))
                .isEqualTo("a='<\\/script>'; b='<\\/SCRIPT'; c='<\\!--'");
        assertThat(HtmlReportWriter.Assets.ECHARTS.toLowerCase(Locale.ROOT)).doesNotContain("</script", "<!--");
    }

    @Test
    void aLargeReportKeepsEveryModelInTheTableAndTheData() throws Exception {
        BenchmarkReport report = HtmlReports.many(200);

        Document doc = write(report);

        assertThat(tableRows(doc)).hasSize(200);
        assertThat(doc.getElementById("ranking-table").attr("data-page-size")).isEqualTo("50");
        assertThat(data(doc).get("models")).hasSize(200);
        assertThat(data(doc).at("/models/199/label").asText()).isEqualTo("org12/model-199-instruct-gguf");
        assertThat(tableRows(doc).get(199).get(1)).isEqualTo("org12/model-199-instruct-gguf");
    }
}
