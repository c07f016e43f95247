package dev.lmsbench.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.load.ArrivalPattern;
import dev.lmsbench.core.load.Slo;
import dev.lmsbench.report.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Load page in real headless Chromium against a real server reading load stages from a real SQLite file: one
 * chart group per suite and workload with one line per baseline, the faster baseline's throughput above the slower
 * one's, rates and concurrencies on separate axes, a stage saved while the page is open shown within the poll
 * interval, markup in a tag shown as text. Without Chromium the test is skipped, except under CI ({@code CI=true}),
 * where it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadPageChromiumIT {

    private static final Duration LOAD = Duration.ofSeconds(30);
    private static final String HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    private static final Path SHOTS = Path.of("target", "dashboard-screenshots");

    @TempDir
    static Path dir;

    private SqliteResultStore store;
    private final BenchmarkController controller = new BenchmarkController();
    private BenchWebServer server;
    private HeadlessChromium browser;

    private static Map<String, String> tags(String suite, String baseline) {
        return Map.of("suite", suite, "session", "20261201-1", "workload", "chat", "baseline", baseline);
    }

    private void save(LoadStages.Server s, ArrivalPattern p, String suite, String baseline, long lateMs)
            throws Exception {
        LoadStages.save(store, LoadStages.stage(s, p, lateMs, Slo.parse("ttft:100"), tags(suite, baseline)));
    }

    @BeforeAll
    void seedStartServerAndBrowser() throws Exception {
        Optional<Path> binary = HeadlessChromium.find();
        if (binary.isEmpty()) {
            String how = "no chromium: set " + HeadlessChromium.ENV + " or install Debian's chromium";
            if ("true".equals(System.getenv("CI"))) {
                fail(how + " (CI installs it: .ci/run)");
            }
            assumeTrue(false, how);
        }
        store = SqliteResultStore.open(dir.resolve("results.db"));
        LoadStages.saveOrdinary(store);
        for (double rate : new double[] {1, 2, 4}) {
            save(LoadStages.FAST, new ArrivalPattern.Poisson(rate), "s1", "fast box", 0);
            save(LoadStages.SLOW, new ArrivalPattern.Poisson(rate), "s1", "slow box", rate == 4 ? 30 : 0);
        }
        for (int c : new int[] {1, 4}) {
            save(LoadStages.FAST, new ArrivalPattern.Concurrency(c), "s1", "fast box", 0);
            save(LoadStages.SLOW, new ArrivalPattern.Concurrency(c), "s1", "slow box", 0);
        }
        save(LoadStages.FAST, new ArrivalPattern.MaxThroughput(), "s1", "fast box", 0);
        // a second suite whose tags are markup; untagged stages fall under "load tests" and the workload's name
        save(LoadStages.FAST, new ArrivalPattern.ConstantRate(2), HOSTILE, HOSTILE, 0);
        LoadStages.save(store, LoadStages.stage(LoadStages.SLOW, new ArrivalPattern.ConstantRate(3), 0, Slo.NONE,
                Map.of()));
        server = BenchWebServer.builder().controller(controller)
                .starter(r -> { throw StartRequestException.field("runs", "not in this test"); })
                .results(store).build().start();
        browser = HeadlessChromium.launch(binary.get(), dir.resolve("chromium"));
        browser.send("Network.enable");
        browser.send("Runtime.enable");
        browser.send("Log.enable");
        browser.send("Page.enable");
        browser.viewport(1280, 900, false);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop();
        }
        controller.close();
        if (store != null) {
            store.close();
        }
    }

    private JsonNode js(String expression) throws IOException {
        return browser.evaluate(expression);
    }

    /** The group of a suite: {@code document.querySelector} of its card. */
    private static String group(String suite, String workload) {
        return "[...document.querySelectorAll('.load-group')].find(g => g.dataset.suite === " + quote(suite)
                + " && g.dataset.workload === " + quote(workload) + ")";
    }

    private static String quote(String s) {
        try {
            return Api.JSON.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The points {x: y} of one line of a chart of a group. */
    private JsonNode line(String group, String chart, String axis, String baseline, String metric)
            throws IOException {
        return js("(() => { const s = " + group + ".querySelector('svg[data-chart=\"" + chart + "\"][data-axis=\""
                + axis + "\"]'); const g = [...s.querySelectorAll('g.series')].find(g => g.dataset.baseline === "
                + quote(baseline) + " && g.dataset.metric === '" + metric + "'); if (!g) { return null; }"
                + " const o = {}; g.querySelectorAll('circle').forEach(c => { o[c.dataset.x] = Number(c.dataset.y); });"
                + " return o; })()");
    }

    @Test
    void theLoadPageDrawsAGroupPerSuiteAndWorkloadWithALinePerBaselineAndFollowsNewStages() throws Exception {
        int exceptions = browser.events("Runtime.exceptionThrown").size();
        browser.navigate(server.url() + "/load", LOAD);
        await("the page ready", "document.body.dataset.ready === '1'", LOAD);
        assertThat(js("document.getElementById('alert').hidden").asBoolean()).isTrue();
        assertThat(js("document.querySelector('nav a[aria-current=page]').textContent").asText()).isEqualTo("Load");
        assertThat(js("document.getElementById('l-count').textContent").asText()).isEqualTo("13 stages");
        assertThat(js("document.getElementById('l-updated').textContent").asText())
                .matches("updated \\d\\d:\\d\\d:\\d\\d");

        // one group per (suite, workload): s1 · chat, the hostile suite, the untagged stage's "load tests" · chat
        assertThat(js("document.querySelectorAll('.load-group').length").asInt()).isEqualTo(3);
        String s1 = group("s1", "chat");
        assertThat(js(s1 + ".dataset.stages").asText()).isEqualTo("11");
        assertThat(js("!!" + group("load tests", "chat")).asBoolean()).isTrue();
        // rates and concurrencies each on their own charts, named for their axis
        assertThat(js(s1 + ".querySelectorAll('svg.load-chart').length").asInt()).isEqualTo(4);
        assertThat(js(s1 + ".querySelector('svg[data-axis=rate] [data-axis-name=x]').textContent").asText())
                .isEqualTo("offered load (req/s)");
        assertThat(js(s1 + ".querySelector('svg[data-axis=concurrency] [data-axis-name=x]').textContent").asText())
                .startsWith("concurrency");
        // one line per baseline and metric
        for (String axis : List.of("rate", "concurrency")) {
            assertThat(js("[..." + s1 + ".querySelectorAll('svg[data-chart=throughput][data-axis=" + axis
                    + "] g.series[data-metric=output_tok_s]')].map(g => g.dataset.baseline).sort().join('|')")
                    .asText()).isEqualTo("fast box|slow box");
            assertThat(js("[..." + s1 + ".querySelectorAll('svg[data-chart=latency][data-axis=" + axis
                    + "] g.series')].map(g => g.dataset.metric).sort().join('|')").asText())
                    .isEqualTo("e2e_p50|e2e_p50|ttft_p50|ttft_p50");
        }
        JsonNode fast = line(s1, "throughput", "rate", "fast box", "output_tok_s");
        JsonNode slow = line(s1, "throughput", "rate", "slow box", "output_tok_s");
        assertThat(fast.fieldNames()).toIterable().containsExactly("1", "2", "4");
        assertThat(slow.fieldNames()).toIterable().containsExactly("1", "2", "4");
        for (String x : List.of("1", "2", "4")) {
            assertThat(fast.get(x).asDouble()).as("output tok/s at " + x + "/s").isGreaterThan(slow.get(x).asDouble());
        }
        // drawn above: a smaller SVG y for the larger value
        assertThat(js("(() => { const ys = b => [..." + s1 + ".querySelectorAll('svg[data-chart=throughput][data-axis=rate]"
                + " g.series[data-metric=output_tok_s]')].find(g => g.dataset.baseline === b)"
                + ".querySelectorAll('circle'); const f = ys('fast box'), s = ys('slow box');"
                + " return [...f].every((c, i) => Number(c.getAttribute('cy')) < Number(s[i].getAttribute('cy'))); })()")
                .asBoolean()).isTrue();
        JsonNode fastTtft = line(s1, "latency", "rate", "fast box", "ttft_p50");
        JsonNode slowTtft = line(s1, "latency", "rate", "slow box", "ttft_p50");
        assertThat(fastTtft.get("2").asDouble()).isLessThan(slowTtft.get("2").asDouble());
        assertThat(line(s1, "throughput", "concurrency", "fast box", "req_s").fieldNames()).toIterable()
                .containsExactly("1", "4");

        // the table: every stage of the group, the late one's warning as its title
        assertThat(js(s1 + ".querySelectorAll('table.load-table tbody tr').length").asInt()).isEqualTo(11);
        assertThat(js(s1 + ".querySelectorAll('.gen-warning').length").asInt()).isEqualTo(1);
        assertThat(js(s1 + ".querySelector('.gen-warning').title").asText()).startsWith("client overloaded");
        assertThat(js(s1 + ".querySelector('.gen-warning').closest('tr').cells[1].textContent").asText())
                .isEqualTo("poisson 4/s");

        // markup in tags is text: shown as written, nothing injected, nothing run
        String hostile = group(HOSTILE, "chat");
        assertThat(js(hostile + ".querySelector('h2').textContent").asText()).isEqualTo(HOSTILE + " · chat");
        assertThat(js(hostile + ".querySelector('tbody td').textContent").asText()).isEqualTo(HOSTILE);
        assertThat(js("document.querySelectorAll('main script, main img').length").asInt()).isZero();
        assertThat(browser.events("Page.javascriptDialogOpening")).isEmpty();

        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve("load-stages-desktop.png"), browser.screenshot(true));

        // a stage stored while the page is open appears within the poll interval, no reload
        js("window.__sameDocument = true");
        save(LoadStages.FAST, new ArrivalPattern.Poisson(8), "s1", "fast box", 0);
        await("the new stage", group("s1", "chat") + ".dataset.stages === '12'", Duration.ofSeconds(10));
        assertThat(js("window.__sameDocument === true").asBoolean()).as("no reload").isTrue();
        assertThat(js("document.getElementById('l-count').textContent").asText()).isEqualTo("14 stages");
        assertThat(line(group("s1", "chat"), "throughput", "rate", "fast box", "output_tok_s").fieldNames())
                .toIterable().containsExactly("1", "2", "4", "8");
        assertThat(browser.events("Runtime.exceptionThrown").subList(exceptions,
                browser.events("Runtime.exceptionThrown").size())).isEmpty();
    }

    @Test
    void theLoadPageFitsAPhonesWidth() throws Exception {
        browser.viewport(390, 844, true);
        try {
            browser.navigate(server.url() + "/load", LOAD);
            await("the page ready", "document.body.dataset.ready === '1'", LOAD);
            assertThat(js("document.querySelectorAll('svg.load-chart').length").asInt()).isGreaterThan(0);
            assertThat(js("document.documentElement.scrollWidth <= window.innerWidth + 1").asBoolean())
                    .as("nothing wider than the screen but what scrolls in its own box").isTrue();
            Files.createDirectories(SHOTS);
            Files.write(SHOTS.resolve("load-stages-phone.png"), browser.screenshot(true));
        } finally {
            browser.viewport(1280, 900, false);
        }
    }

    private void await(String what, String condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode v;
            try {
                v = browser.evaluate(condition);
            } catch (IOException e) {
                v = null;
            }
            if (v != null && v.asBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
