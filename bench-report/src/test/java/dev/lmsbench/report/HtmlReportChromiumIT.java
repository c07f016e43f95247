package dev.lmsbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.model.BenchmarkReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens {@code report.html} in real headless Chromium ({@link HeadlessChromium}): no request but the file itself, no
 * failed load, no exception or console error, every chart drawn with the data of every model, the table paged, a
 * screenshot saved under {@code target/chromium/}. Without Chromium the tests are skipped, except under CI
 * ({@code CI=true}), where they fail: CI installs the Debian {@code chromium} package.
 */
class HtmlReportChromiumIT {

    /** Where the reports and screenshots are kept for a reader to look at. */
    static final Path OUT = Path.of(System.getProperty("basedir", ".")).resolve("target/chromium");

    private static final Duration LOAD = Duration.ofSeconds(30);

    /** What the page must do for a reader of 200 models: opened, and every chart drawn, within this. */
    private static final long LARGE_PAGE_BUDGET_MS = 2000;

    /** Fresh opens of the 200-model page at most; the fastest counts. */
    private static final int LOAD_ATTEMPTS = 3;

    /** Every chart element: its instance, series (type and number of data points), and painted pixels. */
    private static final String CHARTS = """
            (() => {
              const out = {};
              document.querySelectorAll('.chart').forEach(el => {
                const chart = echarts.getInstanceByDom(el);
                if (!chart) { out[el.id] = null; return; }
                let painted = 0;
                el.querySelectorAll('canvas').forEach(c => {
                  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let i = 3; i < px.length; i += 4 * 7) { if (px[i] > 0) { painted++; } }
                });
                out[el.id] = {
                  series: chart.getOption().series.map(s => ({ type: s.type, name: s.name,
                    n: (s.data || []).length })),
                  width: el.clientWidth, height: el.clientHeight, painted: painted
                };
              });
              return out;
            })()""";

    private static final String LOADED_MS = """
            new Promise(resolve => {
              const check = () => {
                const nav = performance.getEntriesByType('navigation')[0];
                if (nav && nav.loadEventEnd > 0) { resolve(nav.loadEventEnd); } else { setTimeout(check, 10); }
              };
              check();
            })""";

    private static final java.util.concurrent.atomic.AtomicInteger LAUNCHES =
            new java.util.concurrent.atomic.AtomicInteger();

    private static Path binary;

    @TempDir
    Path profile;

    @BeforeAll
    static void findChromium() throws IOException {
        binary = HeadlessChromium.find().orElse(null);
        if (binary == null) {
            String how = "no Chromium: install the Debian chromium package (or set " + HeadlessChromium.ENV
                    + " to a Chromium or Chrome binary)";
            if ("true".equals(System.getenv("CI"))) {
                fail(how + " (CI must run this test)");
            }
            assumeTrue(false, how);
        }
        Files.createDirectories(OUT);
    }

    /** The page as a reader opened it. */
    private record Opened(HeadlessChromium browser, String url) {
    }

    private Opened open(BenchmarkReport report, String name, int width, int height) throws IOException {
        Path dir = OUT.resolve(name);
        new HtmlReportWriter().write(report, dir);
        String url = dir.resolve(ReportWriters.REPORT_HTML).toAbsolutePath().toUri().toString();
        HeadlessChromium browser = HeadlessChromium.launch(binary, profile.resolve("chromium-" + name + "-" + LAUNCHES.incrementAndGet()));
        try {
            browser.send("Network.enable");
            browser.send("Runtime.enable");
            browser.send("Log.enable");
            browser.send("Page.enable");
            browser.viewport(width, height, width < 600);
            browser.navigate(url, LOAD);
            return new Opened(browser, url);
        } catch (IOException | RuntimeException e) {
            browser.close();
            throw e;
        }
    }

    /** Nothing fetched but the file, nothing failed, nothing thrown or logged as an error. */
    private static void assertCleanLoad(Opened page) {
        HeadlessChromium b = page.browser();
        assertThat(b.events("Network.requestWillBeSent")).extracting(e -> e.at("/request/url").asText())
                .as("requests the page made").containsExactly(page.url());
        assertThat(b.events("Network.loadingFailed")).as("failed loads").isEmpty();
        assertThat(b.events("Runtime.exceptionThrown")).as("exceptions thrown").isEmpty();
        assertThat(b.events("Runtime.consoleAPICalled"))
                .filteredOn(e -> e.path("type").asText().equals("error") || e.path("type").asText().equals("assert"))
                .as("console errors").isEmpty();
        assertThat(b.events("Log.entryAdded")).filteredOn(e -> e.at("/entry/level").asText().equals("error"))
                .as("logged errors").isEmpty();
    }

    /** Every chart element has an ECharts instance with data, sized and painted. */
    private static JsonNode assertChartsDrawn(HeadlessChromium b, int models) throws IOException {
        JsonNode charts = b.evaluate(CHARTS);
        List<String> ids = new ArrayList<>();
        charts.fieldNames().forEachRemaining(ids::add);
        assertThat(ids).as("chart elements").isNotEmpty();
        for (String id : ids) {
            JsonNode c = charts.get(id);
            assertThat(c.isNull()).as("%s has an ECharts instance", id).isFalse();
            assertThat(c.get("series")).as("%s series", id).isNotEmpty();
            assertThat(c.get("width").asInt()).as("%s width", id).isGreaterThan(200);
            assertThat(c.get("height").asInt()).as("%s height", id).isGreaterThan(200);
            assertThat(c.get("painted").asInt()).as("%s painted pixels", id).isGreaterThan(100);
        }
        assertThat(charts.at("/chart-decode/series/0/type").asText()).isEqualTo("bar");
        assertThat(charts.at("/chart-decode/series/0/n").asInt()).as("bars").isEqualTo(models);
        assertThat(b.evaluate("lmsbenchReport.drawn.length").asInt()).isEqualTo(ids.size());
        return charts;
    }

    /** Where the page's time went, for docs/performance.md: navigation, page script start, each chart. */
    private static String timings(HeadlessChromium b) throws IOException {
        b.evaluate(LOADED_MS);
        return b.evaluate("""
                (n => JSON.stringify({response_end: Math.round(n.responseEnd),
                  page_script_start: Math.round(lmsbenchReport.scriptStartMs),
                  charts_drawn: Math.round(lmsbenchReport.drawnMs), load_event_end: Math.round(n.loadEventEnd),
                  chart_ms: lmsbenchReport.timings}))(performance.getEntriesByType('navigation')[0])""").asText()
                + "\n";
    }

    private static int rows(HeadlessChromium b) throws IOException {
        return b.evaluate("document.querySelectorAll('#ranking-table tbody tr').length").asInt();
    }

    private static void screenshot(HeadlessChromium b, String file) throws IOException {
        byte[] png = b.screenshot(true);
        assertThat(png).hasSizeGreaterThan(10_000);
        Files.write(OUT.resolve(file), png);
    }

    @Test
    void theSampleReportOpensOfflineWithoutErrorsAndDrawsEveryChart() throws Exception {
        BenchmarkReport report = ChartReports.profiled();
        Opened page = open(report, "sample", 1280, 900);
        try (HeadlessChromium b = page.browser()) {
            assertCleanLoad(page);
            Files.writeString(OUT.resolve("sample-load-ms.txt"), timings(b));
            JsonNode charts = assertChartsDrawn(b, 3);

            assertThat(charts.size()).isEqualTo(HtmlReportWriter.Chart.values().length);
            // one box and the samples of each model that has measured streaming requests: qwen and llama
            assertThat(charts.at("/chart-ttft/series/0/type").asText()).isEqualTo("boxplot");
            assertThat(charts.at("/chart-ttft/series/0/n").asInt()).isEqualTo(2);
            // the timeline of the first model: a line per streamed request (2 warmups, 4 measured) and the TTFTs
            assertThat(charts.at("/chart-timeline/series")).hasSize(7);
            assertThat(charts.at("/chart-timeline/series/6/n").asInt()).isEqualTo(6);
            assertThat(charts.at("/chart-server/series/1/n").asInt()).isEqualTo(1);
            assertThat(rows(b)).isEqualTo(3);
            assertThat(b.evaluate("document.getElementById('pager').hidden").asBoolean()).isTrue();
            screenshot(b, "report-sample.png");

            b.colorScheme("dark");
            assertThat(b.evaluate("getComputedStyle(document.body).backgroundColor").asText())
                    .isEqualTo("rgb(21, 24, 30)");
            assertChartsDrawn(b, 3);
            screenshot(b, "report-sample-dark.png");

            b.viewport(390, 844, true);
            b.evaluate("dispatchEvent(new Event('resize')), true");
            screenshot(b, "report-sample-phone.png");
            assertCleanLoad(page);
        }
    }

    @Test
    void aHostileModelIdRunsNothingInTheBrowser() throws Exception {
        Opened page = open(HtmlReports.hostile(), "hostile", 1280, 900);
        try (HeadlessChromium b = page.browser()) {
            assertCleanLoad(page);
            assertThat(b.events("Page.javascriptDialogOpening")).as("alert() called").isEmpty();
            assertThat(b.evaluate("document.querySelectorAll('img, [onerror]').length").asInt()).isZero();
            assertThat(b.evaluate("document.scripts.length").asInt()).isEqualTo(3);
            assertThat(b.evaluate("document.querySelector('#ranking-table tbody tr:nth-child(4) th').textContent")
                    .asText()).isEqualTo(HtmlReports.HOSTILE_ID);
            // the id is a timeline choice as text, and its charts draw
            assertThat(b.evaluate("[...document.querySelectorAll('#chart-timeline-model option')]"
                    + ".map(o => o.textContent).includes(" + quoted(JsonMapping.safe(HtmlReports.HOSTILE_ID)) + ")")
                    .asBoolean()).isTrue();
            assertChartsDrawn(b, 4);
        }
    }

    private static String quoted(String s) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
    }

    @Test
    void choosingAnotherModelRedrawsItsTimeline() throws Exception {
        Opened page = open(ChartReports.profiled(), "timeline", 1280, 900);
        try (HeadlessChromium b = page.browser()) {
            JsonNode before = b.evaluate(CHARTS).get("chart-timeline");
            b.evaluate("""
                    (() => { const s = document.getElementById('chart-timeline-model'); s.value = '1';
                      s.dispatchEvent(new Event('change')); return true; })()""");
            JsonNode after = b.evaluate(CHARTS).get("chart-timeline");

            // qwen: 2 warmups + 4 measured streams; llama: 1 warmup + 2 measured, plus the TTFT marks
            assertThat(before.get("series")).hasSize(7);
            assertThat(after.get("series")).hasSize(4);
            assertThat(after.at("/series/3/n").asInt()).isEqualTo(3);
            assertCleanLoad(page);
        }
    }

    @Test
    void a200ModelReportOpensInUnderTwoSecondsPagedAndSortable() throws Exception {
        BenchmarkReport report = HtmlReports.many(200);
        // Each attempt is a fresh browser opening the file for the first time; the best of up to three keeps a
        // neighbour's build on the shared cores from deciding the figure.
        StringBuilder attempts = new StringBuilder();
        Opened page = null;
        long pageMs = Long.MAX_VALUE;
        for (int attempt = 1; attempt <= LOAD_ATTEMPTS && pageMs >= LARGE_PAGE_BUDGET_MS; attempt++) {
            if (page != null) {
                page.browser().close();
            }
            page = open(report, "large", 1280, 900);
            double loaded = page.browser().evaluate(LOADED_MS).asDouble();
            double drawn = page.browser().evaluate("lmsbenchReport.drawnMs").asDouble();
            pageMs = Math.min(pageMs, Math.round(Math.max(loaded, drawn)));
            attempts.append(timings(page.browser()));
        }
        Files.writeString(OUT.resolve("large-load-ms.txt"), attempts);
        try (HeadlessChromium b = page.browser()) {
            assertCleanLoad(page);
            JsonNode charts = assertChartsDrawn(b, 200);
            assertThat(charts.at("/chart-ttft/series/0/n").asInt()).isEqualTo(200);
            assertThat(rows(b)).isEqualTo(HtmlReportWriter.PAGE_SIZE);
            assertThat(pageMs).as("navigation start to load event and every chart drawn (ms)")
                    .isLessThan(LARGE_PAGE_BUDGET_MS);
            screenshot(b, "report-200.png");

            // the next page shows models 51 to 100
            b.evaluate("[...document.querySelectorAll('#pager button')].find(x => x.textContent === '2').click()");
            assertThat(b.evaluate("document.querySelector('#ranking-table tbody tr td').textContent").asText())
                    .isEqualTo("51");
            // sorting by load time, lowest first: 1.0 s models (every ninth) lead
            b.evaluate("[...document.querySelectorAll('#ranking-table thead th')]"
                    + ".find(x => x.textContent === 'Load (s)').click()");
            b.evaluate("[...document.querySelectorAll('#ranking-table thead th')]"
                    + ".find(x => x.textContent === 'Load (s)').click()");
            assertThat(b.evaluate("[...document.querySelectorAll('#ranking-table tbody tr')]"
                    + ".map(r => r.cells[14].textContent).slice(0, 3).join(',')").asText())
                    .isEqualTo("1.00,1.00,1.00");
            assertThat(rows(b)).isEqualTo(HtmlReportWriter.PAGE_SIZE);
            // all rows on one page
            b.evaluate("(s => { s.value = '0'; s.dispatchEvent(new Event('change')); })"
                    + "(document.querySelector('#pager select'))");
            assertThat(rows(b)).isEqualTo(200);
            assertCleanLoad(page);
        }
    }
}
