package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lmsbench web}, in process, over loopback HTTP: a benchmark started through the API is a real
 * {@code lmsbench run --sim} (reports written, results in the database), and the API's pause and stop reach its
 * engine.
 */
class WebCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private Thread serverThread;
    private final AtomicInteger exit = new AtomicInteger(-1);
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private String url;
    private String csrf;

    private void startWeb() throws Exception {
        startWeb("web");
    }

    /** Starts {@code lmsbench <command> --port 0 --db ... --output-dir ...} and reads the URL it prints. */
    private void startWeb(String command, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(command, "--port", "0",
                "--db", dir.resolve("results.db").toString(), "--output-dir", dir.resolve("results").toString()));
        args.addAll(List.of(more));
        serverThread = Thread.ofPlatform().start(() -> exit.set(Main.execute(args.toArray(String[]::new),
                new PrintWriter(out, true), new PrintWriter(err, true))));
        Pattern printed = Pattern.compile("Dashboard on (http://\\S+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Matcher m = printed.matcher("");
        while (System.nanoTime() < deadline && !(m = printed.matcher(out.toString())).find()) {
            assertThat(serverThread.isAlive()).as(err.toString()).isTrue();
            Thread.sleep(20);
        }
        url = m.group(1);
        csrf = get("/api/session").get("csrf_token").asText();
    }

    @AfterEach
    void shutDown() throws Exception {
        if (serverThread != null && serverThread.isAlive()) {
            post("/api/system/shutdown", "{}");
            serverThread.join(Duration.ofSeconds(60));
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode awaitStatus(String wanted, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode s = get("/api/status");
        while (!s.get("status").asText().equals(wanted) && System.nanoTime() < deadline) {
            Thread.sleep(25);
            s = get("/api/status");
        }
        assertThat(s.get("status").asText()).as(s.toString()).isEqualTo(wanted);
        return s;
    }

    @Test
    void aBenchmarkStartedThroughTheApiIsARealRunWithReportsAndStoredResultsAndShutdownEndsTheCommand()
            throws Exception {
        startWeb();
        HttpResponse<String> started = post("/api/benchmark/start",
                "{\"sim\": true, \"runs\": 2, \"warmup\": 0, \"max_tokens\": 8}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        JsonNode done = awaitStatus("idle", Duration.ofSeconds(60));
        assertThat(done.get("last_status").asText()).isEqualTo("completed");
        assertThat(done.get("run_id").asText()).isNotEmpty();
        assertThat(done.get("progress").get("completed").asInt()).isEqualTo(done.get("progress").get("total")
                .asInt()).isPositive();
        // exactly what lmsbench run writes: the reports in a results/<timestamp> folder, results in the database
        try (var folders = Files.list(dir.resolve("results"))) {
            Path run = folders.findFirst().orElseThrow();
            assertThat(run.resolve("results.json")).isNotEmptyFile();
            assertThat(run.resolve("report.html")).isNotEmptyFile();
            assertThat(JSON.readTree(run.resolve("results.json").toFile()).at("/run/run_id").asText())
                    .isEqualTo(done.get("run_id").asText());
        }
        assertThat(get("/api/results").get("total").asInt()).isEqualTo(3);

        assertThat(post("/api/system/shutdown", "{}").statusCode()).isEqualTo(200);
        serverThread.join(Duration.ofSeconds(30));
        assertThat(serverThread.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
    }

    @Test
    void aSweepStartedThroughTheApiIsARealLmsbenchSweepWithItsSummaryAndRequestCsvsAndOneStoredResultPerJob() throws Exception {
        startWeb("web", "--sim");
        HttpResponse<String> several = post("/api/benchmark/start", "{\"context\": [1024, 2048]}");
        assertThat(several.statusCode()).isEqualTo(400);
        assertThat(several.body()).contains("several are a sweep");
        HttpResponse<String> started = post("/api/benchmark/start", """
                {"sweep": true, "models": ["sim/llama-3.2-3b-instruct@q4_k_m"], "context": [1024, 2048],
                 "par": [1, 2], "runs": 1, "max_tokens": 8, "max_ttft_ms": 5000}""");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        JsonNode done = awaitStatus("idle", Duration.ofSeconds(120));
        assertThat(done.get("last_status").asText()).as(done.toString()).isEqualTo("completed");
        try (var folders = Files.list(dir.resolve("results"))) {
            Path sweep = folders.findFirst().orElseThrow();
            assertThat(Files.readAllLines(sweep.resolve("summary.csv"))).hasSize(5); // a header and four jobs
            assertThat(sweep.resolve("requests.csv")).isNotEmptyFile();
        }
        List<String> cells = new java.util.ArrayList<>();
        for (JsonNode r : get("/api/results").get("results")) {
            cells.add(r.get("context_length").asInt() + "x" + r.get("parallel").asInt());
        }
        assertThat(cells).containsExactlyInAnyOrder("1024x1", "1024x2", "2048x1", "2048x2");
    }

    @Test
    void webSimListsTheSimulatorsModelsPresetsAndConfigRunsItByDefaultAndComparesTwoStoredRuns() throws Exception {
        String before = System.getProperty("lmsbench.home");
        System.setProperty("lmsbench.home", System.getProperty("lmsbench.root", "..")); // the built-in presets
        try {
            webSim();
        } finally {
            if (before == null) {
                System.clearProperty("lmsbench.home");
            } else {
                System.setProperty("lmsbench.home", before);
            }
        }
    }

    private void webSim() throws Exception {
        startWeb("web", "--sim");
        JsonNode models = get("/api/models").get("models");
        assertThat(models).extracting(m -> m.get("id").asText()).containsExactlyInAnyOrder(
                "sim/llama-3.2-3b-instruct@q4_k_m", "sim/qwen3-8b@q8_0", "sim/mistral-7b-instruct-v0.3@q5_k_m");
        assertThat(models).extracting(m -> m.get("quantization").asText()).contains("Q8_0");
        assertThat(get("/api/presets").get("presets")).extracting(p -> p.get("name").asText()).contains("quick", "standard");
        assertThat(get("/api/config").get("entries")).extracting(e -> e.get("key").asText()).contains("num_runs", "lmstudio.host");
        List<String> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) { // no sim, no base_url: the dashboard's own default, the simulator
            HttpResponse<String> started = post("/api/benchmark/start",
                    "{\"runs\": " + (2 + i) + ", \"warmup\": 0, \"max_tokens\": 8,"
                            + " \"models\": [\"sim/qwen3-8b@q8_0\"]}"); // other settings: not the cached result
            assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (get("/api/results").get("total").asInt() < i + 1 && System.nanoTime() < deadline) {
                Thread.sleep(25);
            }
            JsonNode done = awaitStatus("idle", Duration.ofSeconds(60));
            assertThat(done.get("last_status").asText()).as(done.toString()).isEqualTo("completed");
        }
        for (JsonNode r : get("/api/results?sort=finished_at&order=asc").get("results")) {
            runs.add(r.get("run_id").asText());
        }
        assertThat(runs).hasSize(2).doesNotHaveDuplicates();
        // the Run page's log tail: the last run's own output
        assertThat(get("/api/log").get("lines")).extracting(JsonNode::asText)
                .anyMatch(l -> l.contains("sim/qwen3-8b@q8_0"));
        JsonNode compared = get("/api/compare?baseline=" + runs.get(0) + "&current=" + runs.get(1));
        assertThat(compared.get("title").asText()).contains(runs.get(0)).contains(runs.get(1));
        assertThat(compared.get("rows")).isNotEmpty();
        assertThat(compared.get("rows").get(0).get(0).asText()).isEqualTo("sim/qwen3-8b@q8_0");
        JsonNode reports = get("/api/reports").get("reports");
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0).get("files")).extracting(f -> f.get("name").asText()).contains("report.html",
                "results.json");
        String path = reports.get(0).get("files").get(0).get("path").asText();
        HttpResponse<String> file = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/files/" + path)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(file.statusCode()).isEqualTo(200);
        HttpResponse<String> home = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(home.body()).contains("/assets/home.js");
    }

    @Test
    void pauseAndStopFromTheApiReachTheRunsEngineAndABadFlagValueIsA400() throws Exception {
        startWeb();
        HttpResponse<String> bad = post("/api/benchmark/start", "{\"sim\": true, \"base_url\": \"not a url\"}");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        // long enough to be caught running: 40 requests per model at the simulator's own speed
        HttpResponse<String> started = post("/api/benchmark/start",
                "{\"sim\": true, \"runs\": 40, \"warmup\": 0, \"max_tokens\": 32}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        JsonNode running = awaitStatus("running", Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (get("/api/status").path("progress").path("completed").asInt() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(25);
        }
        assertThat(running.get("status").asText()).isEqualTo("running");
        assertThat(post("/api/benchmark/pause", "{}").statusCode()).isEqualTo(200);
        JsonNode paused = awaitStatus("paused", Duration.ofSeconds(1));
        int done = paused.path("progress").path("completed").asInt();
        Thread.sleep(500);
        // at most the request that was in flight finished while paused
        assertThat(get("/api/status").path("progress").path("completed").asInt()).isLessThanOrEqualTo(done + 1);
        assertThat(post("/api/benchmark/stop", "{}").statusCode()).isEqualTo(200);
        JsonNode stopped = awaitStatus("idle", Duration.ofSeconds(30));
        assertThat(stopped.get("last_status").asText()).isEqualTo("cancelled");
    }

    @Test
    void dashWStartsTheDashboardWithTheTrayAndWithoutADesktopSaysSoAndCarriesOn() throws Exception {
        assertThat(Main.withDefaultSubcommand(new String[] {"-w", "--port", "0"}))
                .containsExactly("web", "--tray", "--port", "0");
        assertThat(Main.withDefaultSubcommand(new String[] {"--webapp"})).containsExactly("web", "--tray");
        startWeb("-w"); // the tests run headless: no tray
        assertThat(get("/api/status").get("status").asText()).isEqualTo("idle");
        // the URL is printed first, then AWT is asked for a tray (it can take seconds to load): wait for its line
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!err.toString().contains("no system tray available") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(err.toString()).contains("lmsbench: no system tray available (")
                .contains("the dashboard runs without it");
        assertThat(post("/api/system/shutdown", "{}").statusCode()).isEqualTo(200);
        serverThread.join(Duration.ofSeconds(30));
        assertThat(exit.get()).isZero();
    }
}
