package dev.lmsbench.cli;

import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.report.ResponseFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --format} and {@code --save-responses} on {@code lmsbench run --sim}, end to end, in process. */
class ReportFormatsIT {

    @TempDir
    Path dir;

    @Test
    void onlyTheChosenFormatsAreWrittenAndExportOnlyHonoursThem() throws Exception {
        Path out = dir.resolve("out");
        Path db = dir.resolve("cache.db");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-load-ms", "50",
                "--runs", "1", "--warmup", "0", "--max-tokens", "8",
                "--limit", "2", "--format", "MD,json", "--output-dir", out.toString(), "--db", db.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(names(out)).contains("results.json", "report.md").doesNotContain("summary.csv", "requests.csv");
        assertThat(o.out()).contains("Reports (json, md)");
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("| model | quant | size | params | ctx | par | test | t/s |").contains("| tg |");

        Path export = dir.resolve("export");
        MainTest.Outcome e = MainTest.run("run", "--export-only", "--format", "csv", "--output-dir", export.toString(),
                "--db", db.toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(names(export)).contains("summary.csv", "requests.csv")
                .doesNotContain("results.json", "report.md");
    }

    @Test
    void anUnknownFormatIsAOneLineUsageErrorNamingTheValidOnes() {
        MainTest.Outcome o = MainTest.run("run", "--sim", "--format", "json,xlsx", "--output-dir",
                dir.resolve("x").toString(), "--db", dir.resolve("cache.db").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n")
                .contains("--format: unknown format 'xlsx'; valid: json, csv, md, png, pdf, html");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void saveResponsesWritesOneFilePerSuccessfulRequestNamedAfterItsRow() throws Exception {
        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-load-ms", "50",
                "--runs", "2", "--warmup", "1", "--max-tokens", "40",
                "--limit", "2", "--save-responses", "--output-dir", out.toString(), "--db",
                dir.resolve("cache.db").toString());
        assertThat(o.code()).as(o.err()).isZero();

        List<String> rows = Files.readAllLines(out.resolve("requests.csv"));
        List<String> header = List.of(rows.getFirst().split(","));
        int model = header.indexOf("model");
        int ctx = header.indexOf("ctx");
        int par = header.indexOf("par");
        int idx = header.indexOf("idx");
        int mode = header.indexOf("run_mode");
        int warmup = header.indexOf("warmup_run");
        int ok = header.indexOf("ok");
        int expected = 0;
        int answers = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",", -1);
            assertThat(c[ok]).as(row).isEqualTo("true");
            RequestResult r = new RequestResult(c[model], Integer.parseInt(c[ctx]), Integer.parseInt(c[par]),
                    Integer.parseInt(c[idx]), Boolean.parseBoolean(c[warmup]), RunMode.valueOf(c[mode].toUpperCase(
                    java.util.Locale.ROOT)), Instant.EPOCH, RequestTimings.failed(0, 0), TokenUsage.reported(1, 1, 0), "",
                    "");
            Path file = out.resolve(ResponseFiles.relativePath(r));
            assertThat(file).as(row).isRegularFile();
            String text = Files.readString(file);
            assertThat(text).contains("- model: " + c[model]).contains("## Answer\n\n");
            // a reasoning model may spend every token of max_tokens on reasoning: then the answer is empty
            String answer = text.substring(text.indexOf("## Answer\n\n") + 11);
            String reasoning = text.contains("## Reasoning\n\n")
                    ? text.substring(text.indexOf("## Reasoning\n\n") + 14, text.indexOf("## Answer")) : "";
            assertThat(answer + reasoning).as(file.toString()).isNotBlank();
            answers += answer.isBlank() ? 0 : 1;
            expected++;
        }
        try (Stream<Path> files = Files.walk(out.resolve("responses"))) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(expected);
        }
        assertThat(expected).isEqualTo(2 * (1 + 2 * 2));
        assertThat(answers).isPositive();
    }

    private static List<String> names(Path d) throws Exception {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    /**
     * The done-when of the reports issue, end to end: a simulator run writes every format, and its report.html opens
     * in real headless Chromium without any request but the file itself, without an error, with every chart drawn
     * (skipped without Chromium, failed under {@code CI=true}).
     */
    @Test
    void aSimRunWritesEveryFormatAndItsHtmlOpensOfflineInChromiumWithEveryChartDrawn() throws Exception {
        Path out = dir.resolve("all");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-load-ms", "50",
                "--runs", "2", "--warmup", "0", "--max-tokens", "16",
                "--format", "json,csv,html,pdf,md,png", "--output-dir", out.toString(), "--db",
                dir.resolve("cache.db").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(names(out)).contains("results.json", "summary.csv", "requests.csv", "report.html", "report.pdf",
                "report.md", "charts");
        assertThat(names(out.resolve("charts"))).contains("decode_toks_per_s.png", "ttft_s.png");

        java.util.Optional<Path> chromium = dev.lmsbench.report.HeadlessChromium.find();
        if (chromium.isEmpty()) {
            assertThat(System.getenv("CI")).as("no Chromium, and CI=true: CI installs the chromium package")
                    .isNotEqualTo("true");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no Chromium (Debian chromium package)");
        }
        String url = out.resolve("report.html").toAbsolutePath().toUri().toString();
        try (dev.lmsbench.report.HeadlessChromium b = dev.lmsbench.report.HeadlessChromium.launch(chromium.get(),
                dir.resolve("profile"))) {
            b.send("Network.enable");
            b.send("Runtime.enable");
            b.send("Log.enable");
            b.send("Page.enable");
            b.viewport(1280, 900, false);
            b.navigate(url, java.time.Duration.ofSeconds(30));
            com.fasterxml.jackson.databind.JsonNode charts = b.evaluate("""
                    (() => Array.from(document.querySelectorAll('.chart')).map(el => {
                      const c = echarts.getInstanceByDom(el);
                      return c ? c.getOption().series.map(s => (s.data || []).length) : null;
                    }))()""");
            assertThat(b.events("Network.requestWillBeSent")).extracting(e -> e.at("/request/url").asText())
                    .containsExactly(url);
            assertThat(b.events("Network.loadingFailed")).isEmpty();
            assertThat(b.events("Runtime.exceptionThrown")).isEmpty();
            assertThat(b.events("Runtime.consoleAPICalled")).filteredOn(e -> e.path("type").asText().equals("error"))
                    .isEmpty();
            assertThat(b.events("Log.entryAdded")).filteredOn(e -> e.at("/entry/level").asText().equals("error"))
                    .isEmpty();
            assertThat(charts.size()).as("charts on the page").isGreaterThanOrEqualTo(4);
            charts.forEach(c -> assertThat(c.isNull()).as("every chart element has its chart").isFalse());
            // the decode bar chart has one bar per model of the run
            assertThat(b.evaluate("echarts.getInstanceByDom(document.getElementById('chart-decode'))"
                    + ".getOption().series[0].data.length").asInt()).isEqualTo(3);
            Files.createDirectories(Path.of("target", "chromium"));
            Files.write(Path.of("target", "chromium", "sim-run-report.png"), b.screenshot(true));
        }
    }
}
