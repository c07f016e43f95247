package dev.lmsbench.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.report.HeadlessChromium;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard pages in real headless Chromium against a real server running real benchmarks on the simulator:
 * every page at desktop and phone width loads with no request but to the server, no failed load, no exception and
 * no console error, with a screenshot under {@code target/dashboard-screenshots/}; the Home chart shows one bar per
 * model up to ten; a run started from the Run page streams its progress and ends in the Results table; pause and stop
 * from the page reach the engine; the Compare buttons open the model's history; the pages work from the keyboard.
 * Without Chromium the tests are skipped, except under CI ({@code CI=true}), where they fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardPagesChromiumIT {

    private static final Path SHOTS = Path.of("target", "dashboard-screenshots");
    private static final Duration LOAD = Duration.ofSeconds(30);
    /**
     * Each model's load time: nothing here checks one, and the default (a quarter of a second per GB) made the two
     * seeded runs over twelve models of 1 to 11 GB spend 35 s loading.
     */
    private static final long FAST_LOAD_MS = 20;
    /** Twelve models (so the top-10 chart is capped) and one whose id is markup. */
    private static final String HOSTILE = "sim/\"><img src=x onerror=alert(1)>@q4_0";
    /** The pages; Comparison as a Compare button opens it, and with a second model chosen. */
    private static final List<String> PAGES = List.of("/", "/run", "/results", "/load",
            "/comparison?model=sim%2Fmodel-k%40q8_0&model=sim%2Fmodel-a%40q4_k_m", "/settings");

    @TempDir
    static Path dir;

    private SimRig rig;
    private HeadlessChromium browser;
    private final AtomicInteger launches = new AtomicInteger();
    private final List<String> seededRuns = new ArrayList<>();

    @BeforeAll
    void startServerSeedResultsAndBrowser() throws Exception {
        Optional<Path> binary = HeadlessChromium.find();
        if (binary.isEmpty()) {
            String how = "no chromium: set " + HeadlessChromium.ENV + " or install Debian's chromium";
            if ("true".equals(System.getenv("CI"))) {
                fail(how + " (CI installs it: .ci/run)");
            }
            assumeTrue(false, how);
        }
        List<SimModel> models = new ArrayList<>();
        String[] quants = {"Q4_K_M", "Q8_0", "Q5_K_M"};
        String[] archs = {"llama", "qwen3", "mistral", "gemma3"};
        for (int i = 0; i < 11; i++) {
            String q = quants[i % quants.length];
            models.add(new SimModel("sim/model-" + (char) ('a' + i) + "@" + q.toLowerCase(java.util.Locale.ROOT), "llm",
                    "sim", archs[i % archs.length], q, 1_000_000_000L * (i + 1), 32_768, 15, 300 + 40 * i, 2_000,
                    0.02, 0, 12, true).withLoadMs(FAST_LOAD_MS));
        }
        models.add(new SimModel(HOSTILE, "llm", "sim", "llama", "Q4_0", 3_000_000_000L, 8_192, 15, 250, 2_000, 0.02,
                0, 12, true).withLoadMs(FAST_LOAD_MS));
        Files.createDirectories(dir.resolve("out"));
        rig = new SimRig(dir, SimConfig.defaults().withModels(models), b -> b.outputDir(dir.resolve("out"))
                .config(() -> dev.lmsbench.core.config.ResolvedConfig.resolve(List.of()))
                .presets(() -> java.util.Map.of("quick", java.util.Map.of("num_runs", 1, "max_tokens", 64)))
                .logTail(() -> List.of("Benchmarking 12 models", "<b>not markup</b>")));
        Files.writeString(dir.resolve("out").resolve("report.md"), "# a report\n");
        for (int i = 0; i < 2; i++) { // two runs to compare
            seededRuns.add(rig.controller.start(rig.prepare(StartRequest.empty().withRuns(3))));
            assertThat(rig.controller.awaitIdle(Duration.ofSeconds(60))).isTrue();
        }
        Files.createDirectories(SHOTS);
        browser = launch();
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (rig != null) {
            rig.controller.stop();
            rig.controller.awaitIdle(Duration.ofSeconds(30));
            rig.close();
        }
    }

    private HeadlessChromium launch() throws IOException {
        HeadlessChromium b = HeadlessChromium.launch(HeadlessChromium.find().orElseThrow(),
                dir.resolve("chromium-" + launches.incrementAndGet()));
        b.send("Network.enable");
        b.send("Runtime.enable");
        b.send("Log.enable");
        b.send("Page.enable");
        return b;
    }

    @Test
    void everyPageLoadsCleanlyAtDesktopAndPhoneWidthAndIsScreenshotted() throws Exception {
        for (boolean phone : new boolean[] {false, true}) {
            browser.viewport(phone ? 390 : 1280, phone ? 844 : 900, phone);
            for (String page : PAGES) {
                Mark mark = open(page);
                assertClean(mark, page);
                if (phone) {
                    // nothing wider than the screen but what scrolls inside its own box (tables, charts)
                    assertThat(browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
                            .asBoolean()).as(page + " fits a phone's width").isTrue();
                }
                String path = page.replaceFirst("\\?.*", "");
                String name = (path.equals("/") ? "home" : path.substring(1)) + (phone ? "-phone" : "-desktop");
                Files.write(SHOTS.resolve(name + ".png"), browser.screenshot(true));
            }
        }
        assertThat(browser.events("Page.javascriptDialogOpening")).as("alert() from the hostile model id").isEmpty();
    }

    @Test
    void homeShowsTheKpisOneBarPerModelUpToTenAndTheQuantizationDonut() throws Exception {
        browser.viewport(1280, 900, false);
        assertClean(open("/"), "/");
        assertThat(text("kpi-models")).isEqualTo("12");
        assertThat(text("kpi-quant")).isEqualTo("4");
        assertThat(text("kpi-arch")).isEqualTo("4");
        assertThat(browser.evaluate("LB.charts['chart-top'].getOption().series[0].data.length").asInt())
                .as("bars").isEqualTo(10);
        assertThat(browser.evaluate("LB.charts['chart-quant'].getOption().series[0].data.length").asInt())
                .as("donut slices").isEqualTo(4);
        // the fastest first, in the table as in the chart's top bar
        assertThat(browser.evaluate("document.querySelector('#top-table tbody td.id').textContent").asText())
                .isEqualTo("sim/model-k@q8_0");
        assertThat(browser.evaluate("document.querySelectorAll('#top-table tbody tr').length").asInt()).isEqualTo(10);
        // the hostile id is text, never markup
        assertThat(browser.evaluate("document.querySelectorAll('img').length").asInt()).isZero();
    }

    @Test
    void aRunStartedFromTheRunPageStreamsProgressAndEndsInTheResultsTable() throws Exception {
        browser.viewport(1280, 900, false);
        assertClean(open("/run"), "/run");
        assertThat(browser.evaluate("document.querySelectorAll('#model-list input').length").asInt()).isEqualTo(12);
        // the seed's filters narrow the list; the ticked models are the run's
        browser.evaluate("(() => { const q = document.getElementById('m-quants'); q.value = 'Q8_0';"
                + " q.dispatchEvent(new Event('input')); })()");
        assertThat(browser.evaluate("document.querySelectorAll('#model-list input').length").asInt()).isEqualTo(4);
        browser.evaluate("(() => { document.getElementById('f-runs').value = '2';"
                + " document.getElementById('btn-start').click(); })()");
        awaitPage("the run ended on the page", "document.getElementById('run-state').textContent === 'idle'"
                + " && document.getElementById('log').textContent.includes('completed')", Duration.ofSeconds(60));
        BenchmarkController.Status s = rig.controller.status();
        assertThat(s.lastStatus()).isNotNull();
        String runId = s.runId();
        assertThat(browser.evaluate("document.getElementById('run-id').textContent").asText()).isEqualTo(runId);
        assertThat(browser.evaluate("document.getElementById('run-requests').textContent").asText())
                .isEqualTo("8 / 8");
        awaitPage("the run's output tail", "document.getElementById('run-output').textContent"
                + " === 'Benchmarking 12 models\\n<b>not markup</b>'", Duration.ofSeconds(5));
        // the live chart redraws at most four times a second: its last redraw shows every measured request
        awaitPage("8 points in the live chart", "(() => { const c = LB.charts['chart-live'].getOption();"
                + " return c.series.filter(x => x.type === 'line').reduce((n, x) => n + x.data.length, 0); })() === 8",
                Duration.ofSeconds(2));

        assertClean(open("/results"), "/results");
        assertThat(browser.evaluate("[...document.querySelectorAll('#results-table tbody tr')].filter(r =>"
                + " r.textContent.includes('" + runId + "')).length").asInt()).as("rows of the new run").isEqualTo(4);
        // the charts share the table's data: one scatter point per result with a decode speed
        int measured = 0;
        for (JsonNode r : new Api(rig.server.url()).get("/api/results?limit=1000").body().path("results")) {
            measured += r.at("/decode_toks_per_s/count").asInt() > 0 ? 1 : 0;
        }
        assertThat(browser.evaluate("LB.charts['chart-scatter'].getOption().series.reduce((n, x) => n"
                + " + x.data.length, 0)").asInt()).as("scatter points").isEqualTo(measured).isGreaterThanOrEqualTo(28);
    }

    @Test
    void aSweepStartedFromTheRunPageFillsTheLiveJobsTableAndResultsShowsItsHeatmapAndBestSettings()
            throws Exception {
        browser.viewport(1280, 900, false);
        assertClean(open("/run"), "/run");
        assertThat(browser.evaluate("document.getElementById('f-ctx-list').offsetParent === null").asBoolean())
                .as("the sweep's fields not shown before the toggle").isTrue();
        browser.evaluate("(() => { const q = document.getElementById('m-include'); q.value = 'model-b@';"
                + " q.dispatchEvent(new Event('input')); document.getElementById('f-sweep').click(); })()");
        assertThat(browser.evaluate("document.getElementById('f-ctx-list').offsetParent !== null").asBoolean())
                .as("the sweep's fields shown").isTrue();
        assertThat(browser.evaluate("document.getElementById('f-context').offsetParent === null"
                + " && document.getElementById('f-parallel').offsetParent === null").asBoolean())
                .as("the run's single context and parallelism not shown").isTrue();
        // every state a row shows, as the table redraws; the first call fails once and is retried after 2 s
        browser.evaluate("(() => { window.seenStates = new Set(); window.seenRetry = [];"
                + " new MutationObserver(() => document.querySelectorAll('#jobs-table tbody tr').forEach(r => {"
                + " seenStates.add(r.dataset.state); if (r.dataset.state === 'retrying') {"
                + " seenRetry.push(r.cells[3].textContent); } }))"
                + ".observe(document.querySelector('#jobs-table tbody'), { childList: true, subtree: true }); })()");
        rig.sim.replaceFaultPlan(dev.lmsbench.sim.FaultPlan.failNext(1));
        browser.evaluate("(() => { document.getElementById('f-ctx-list').value = '1024, 2048';"
                + " document.getElementById('f-par').value = '1, 2'; document.getElementById('f-runs').value = '1';"
                + " document.getElementById('btn-start').click(); })()");
        awaitPage("four jobs in the table", "document.querySelectorAll('#jobs-table tbody tr').length === 4",
                Duration.ofSeconds(20));
        awaitPage("the retry's countdown", "document.querySelector('#jobs-table tbody tr').cells[3].textContent"
                + ".startsWith('retrying in')", Duration.ofSeconds(10));
        Files.write(SHOTS.resolve("run-sweep-live-desktop.png"), browser.screenshot(true));
        awaitPage("every job done", "[...document.querySelectorAll('#jobs-table tbody tr')]"
                + ".every(r => r.dataset.state === 'done')", Duration.ofSeconds(60));
        awaitPage("the sweep ended", "document.getElementById('run-state').textContent === 'idle'",
                Duration.ofSeconds(30));
        String runId = rig.controller.status().runId();
        JsonNode cells = browser.evaluate("[...document.querySelectorAll('#jobs-table tbody tr')].map(r =>"
                + " [...r.cells].map(c => c.textContent))");
        List<String> jobs = new ArrayList<>();
        for (JsonNode row : cells) {
            assertThat(row).hasSize(14);
            assertThat(row.get(0).asText()).isEqualTo("sim/model-b@q8_0");
            assertThat(row.get(3).asText()).isEqualTo("done");
            int par = row.get(2).asInt();
            assertThat(row.get(4).asText()).as("Reqs").isEqualTo(par + "/" + par);
            for (int c : new int[] {7, 8, 9, 11}) { // live est, stream, total tok/s, TTFT
                assertThat(row.get(c).asText()).as("column " + c + " of " + row).isNotEqualTo("–");
            }
            assertThat(row.get(12).asText()).as("errors").isEqualTo("0");
            jobs.add(row.get(1).asText() + "x" + par);
        }
        assertThat(jobs).containsExactly("1024x1", "1024x2", "2048x1", "2048x2");
        assertThat(text("run-jobs")).isEqualTo("4 / 4 done");
        assertThat(browser.evaluate("[...seenStates].join(',')").asText().split(","))
                .as("the rows came queued from run_started, then went on live").contains("queued", "retrying", "done");
        assertThat(browser.evaluate("seenRetry.join('|')").asText()).as("the countdown")
                .containsPattern("retrying in [12] s \\(attempt 1\\)");
        assertThat(rig.sim.faultPlanFailures()).isEqualTo(1);
        Files.write(SHOTS.resolve("run-sweep-desktop.png"), browser.screenshot(true));

        // the best settings by the API's own rows of the sweep
        JsonNode best = null;
        for (JsonNode r : new Api(rig.server.url()).get("/api/results?limit=1000").body().path("results")) {
            if (r.get("run_id").asText().equals(runId) && (best == null || r.get("completion_toks_per_s_total")
                    .asDouble() > best.get("completion_toks_per_s_total").asDouble())) {
                best = r;
            }
        }
        assertThat(best).isNotNull();
        assertClean(open("/results"), "/results");
        assertThat(browser.evaluate("document.getElementById('sweeps-card').offsetParent !== null").asBoolean())
                .as("the sweeps shown").isTrue();
        String row = "[...document.querySelectorAll('#best-table tbody tr')].find(r => r.textContent.includes('"
                + runId + "'))";
        assertThat(browser.evaluate(row + ".querySelector('.best-ctx').textContent").asText())
                .isEqualTo(best.get("context_length").asText());
        assertThat(browser.evaluate(row + ".querySelector('.best-par').textContent").asText())
                .isEqualTo(best.get("parallel").asText());
        assertThat(browser.evaluate(row + ".querySelector('.largest-ctx').textContent").asText())
                .as("no TTFT limit: the largest context measured").isEqualTo("2048");
        browser.evaluate("(() => { const i = document.getElementById('best-ttft-ms'); i.value = '1';"
                + " i.dispatchEvent(new Event('input')); })()");
        assertThat(browser.evaluate(row + ".querySelector('.largest-ctx').textContent").asText())
                .as("a 1 ms limit, below the simulator's TTFT").isEqualTo("none within the limit");
        browser.evaluate("(() => { const i = document.getElementById('best-ttft-ms'); i.value = '60000';"
                + " i.dispatchEvent(new Event('input')); })()");
        assertThat(browser.evaluate(row + ".querySelector('.largest-ctx').textContent").asText()).isEqualTo("2048");
        // the heatmap of the sweep: 2 x 2 cells, drawn on a canvas that is not blank
        String chart = "LB.charts[[...document.querySelectorAll('#sweeps section')].find(s =>"
                + " s.textContent.includes('" + runId + "')).querySelector('.chart').id]";
        assertThat(browser.evaluate(chart + ".getOption().series[0].data.length").asInt()).isEqualTo(4);
        assertThat(browser.evaluate(chart + ".getOption().xAxis[0].data.join(',')").asText()).isEqualTo("1,2");
        assertThat(browser.evaluate(chart + ".getOption().yAxis[0].data.join(',')").asText()).isEqualTo("1024,2048");
        awaitPage("a painted heatmap", "(() => { const c = " + chart + ".getDom().querySelector('canvas');"
                + " if (!c) { return false; } const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } } return n > 2000; })()",
                Duration.ofSeconds(5));
        browser.evaluate("document.getElementById('sweeps-card').scrollIntoView()");
        Files.write(SHOTS.resolve("results-sweep-desktop.png"), browser.screenshot(true));
    }

    @Test
    void pauseResumeAndStopFromTheRunPageReachTheEngineAndShowWithinASecond() throws Exception {
        browser.viewport(1280, 900, false);
        assertClean(open("/run"), "/run");
        browser.evaluate("(() => { document.getElementById('f-runs').value = '300';"
                + " document.getElementById('btn-start').click(); })()");
        awaitPage("running", "document.getElementById('run-state').textContent === 'running'"
                + " && !document.getElementById('btn-pause').disabled", Duration.ofSeconds(20));
        browser.evaluate("document.getElementById('btn-pause').click()");
        awaitPage("paused within a second", "document.getElementById('run-state').textContent === 'paused'",
                Duration.ofSeconds(1));
        assertThat(rig.controller.status().state()).isEqualTo(BenchmarkController.State.PAUSED);
        assertThat(browser.evaluate("document.getElementById('btn-resume').disabled").asBoolean()).isFalse();
        browser.evaluate("document.getElementById('btn-resume').click()");
        awaitPage("running again", "document.getElementById('run-state').textContent === 'running'",
                Duration.ofSeconds(2));
        browser.evaluate("document.getElementById('btn-stop').click()");
        awaitPage("stopped", "document.getElementById('run-state').textContent === 'idle'", Duration.ofSeconds(30));
        assertThat(String.valueOf(rig.controller.status().lastStatus())).isEqualToIgnoringCase("cancelled");
        assertThat(browser.evaluate("document.getElementById('btn-start').disabled").asBoolean()).isFalse();
    }

    @Test
    void aCompareButtonOpensTheModelsHistoryAndTheTwoLatestRunsCompared() throws Exception {
        browser.viewport(1280, 900, false);
        assertClean(open("/results"), "/results");
        String model = browser.evaluate("document.querySelector('#results-table tbody td.id').textContent").asText();
        browser.evaluate("document.querySelector('#results-table tbody a[aria-label^=\"Compare\"]').click()");
        awaitPage("the comparison page", "location.pathname === '/comparison' && document.body.dataset.ready === '1'",
                LOAD);
        assertThat(browser.evaluate("[...document.getElementById('c-models').selectedOptions].map(o => o.value)"
                + ".join('|')").asText()).isEqualTo(model);
        assertThat(browser.evaluate("document.querySelectorAll('#history-table tbody tr').length").asInt())
                .isGreaterThanOrEqualTo(2);
        assertThat(browser.evaluate("LB.charts['chart-history'].getOption().series[0].data.length").asInt())
                .isGreaterThanOrEqualTo(2);
        assertThat(browser.evaluate("document.querySelectorAll('#runs-table tbody tr').length").asInt())
                .as("rows of the two runs' comparison").isPositive();
        assertThat(browser.evaluate("document.getElementById('runs-title-line').textContent").asText())
                .contains("bootstrap");
    }

    @Test
    void settingsShowEveryConfigurationKeyWithItsSourceAndThePresets() throws Exception {
        browser.viewport(1280, 900, false);
        assertClean(open("/settings"), "/settings");
        int keys = dev.lmsbench.core.config.ConfigKeys.ALL.size();
        assertThat(browser.evaluate("document.querySelectorAll('#config-table tbody tr').length").asInt())
                .isEqualTo(keys);
        assertThat(browser.evaluate("[...document.querySelectorAll('#config-table tbody tr td:nth-child(3)')]"
                + ".every(td => td.textContent === 'built-in default')").asBoolean()).isTrue();
        assertThat(browser.evaluate("document.querySelector('#presets h3').textContent").asText()).isEqualTo("quick");
        assertThat(browser.evaluate("document.querySelectorAll('#presets tbody tr').length").asInt()).isEqualTo(2);
    }

    @Test
    void theKeyboardReachesTheNavigationAndTheRunControls() throws Exception {
        browser.viewport(1280, 900, false);
        assertClean(open("/"), "/");
        List<String> focused = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            key("Tab", 9);
            focused.add(browser.evaluate("document.activeElement.textContent.trim()").asText());
        }
        assertThat(focused).containsExactly("Skip to content", "LM Studio Bench", "Home", "Run");
        key("Enter", 13);
        awaitPage("the Run page by keyboard", "location.pathname === '/run' && document.body.dataset.ready === '1'",
                LOAD);
        // every control is a native one: tabbing forward reaches the Start button
        boolean reached = false;
        for (int i = 0; i < 80 && !reached; i++) {
            key("Tab", 9);
            reached = browser.evaluate("document.activeElement.id === 'btn-start'").asBoolean();
        }
        assertThat(reached).as("Tab reaches Start").isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private record Mark(int requests, int failed, int exceptions, int console, int log, String url) {
    }

    private Mark open(String page) throws IOException, InterruptedException {
        Mark m = new Mark(browser.events("Network.requestWillBeSent").size(),
                browser.events("Network.loadingFailed").size(), browser.events("Runtime.exceptionThrown").size(),
                browser.events("Runtime.consoleAPICalled").size(), browser.events("Log.entryAdded").size(),
                rig.server.url() + page);
        browser.navigate(m.url(), LOAD);
        awaitPage(page + " ready", "document.body.dataset.ready === '1'", LOAD);
        return m;
    }

    /** Nothing requested but from the server, nothing failed, thrown or logged as an error, no error banner. */
    private void assertClean(Mark m, String page) throws IOException {
        String origin = rig.server.url() + "/";
        assertThat(since("Network.requestWillBeSent", m.requests())).extracting(e -> e.at("/request/url").asText())
                .as(page + ": requests").allMatch(u -> u.startsWith(origin) || u.startsWith("data:"));
        assertThat(since("Network.loadingFailed", m.failed()))
                .filteredOn(e -> !e.path("canceled").asBoolean()) // the previous page's event stream, closed
                .as(page + ": failed loads").isEmpty();
        assertThat(since("Runtime.exceptionThrown", m.exceptions())).as(page + ": exceptions").isEmpty();
        assertThat(since("Runtime.consoleAPICalled", m.console()))
                .filteredOn(e -> e.path("type").asText().equals("error") || e.path("type").asText().equals("assert"))
                .as(page + ": console errors").isEmpty();
        assertThat(since("Log.entryAdded", m.log())).filteredOn(e -> e.at("/entry/level").asText().equals("error"))
                .as(page + ": logged errors").isEmpty();
        assertThat(browser.evaluate("document.getElementById('alert').hidden").asBoolean())
                .as(page + ": error banner " + browser.evaluate("document.getElementById('alert').textContent"))
                .isTrue();
    }

    private List<JsonNode> since(String method, int from) {
        List<JsonNode> all = browser.events(method);
        return all.subList(Math.min(from, all.size()), all.size());
    }

    private String text(String id) throws IOException {
        return browser.evaluate("document.getElementById('" + id + "').textContent").asText();
    }

    private void key(String key, int code) throws IOException {
        for (String type : new String[] {"keyDown", "keyUp"}) {
            browser.send("Input.dispatchKeyEvent", HeadlessChromium.params().put("type", type).put("key", key)
                    .put("code", key).put("windowsVirtualKeyCode", code).put("nativeVirtualKeyCode", code));
        }
    }

    private void awaitPage(String what, String condition, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode v;
            try {
                v = browser.evaluate(condition);
            } catch (IOException e) {
                v = null; // the page is navigating
            }
            if (v != null && v.asBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + timeout);
            }
            Thread.sleep(25);
        }
    }
}
