package dev.lmsbench.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.sim.SimConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The API over loopback HTTP against real benchmarks on the simulator, stored in a real SQLite database. */
class BenchWebServerTest {

    /** Slow enough that a run of a few requests lasts while the test acts on it. */
    private static final SimConfig SLOW = SimConfig.defaults().withTokensPerSecond(80).withTtftMs(20)
            .withJitterFraction(0);
    private static final SimConfig FAST = SimConfig.defaults().withTokensPerSecond(2000).withTtftMs(2);

    @TempDir
    Path dir;

    private SimRig rig;
    private Api api;

    @BeforeEach
    void up() throws Exception {
        rig = new SimRig(dir, SLOW);
        api = new Api(rig.server.url());
    }

    @AfterEach
    void down() throws Exception {
        rig.close();
    }

    private String state() {
        try {
            return api.get("/api/status").body().get("status").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int storedCount() {
        try {
            return rig.store.list().size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRunStartedOverTheApiStreamsEventsPausesWithinASecondResumesAndEndsWithItsResultsListed()
            throws Exception {
        Api.Res idle = api.get("/api/status");
        assertThat(idle.status()).isEqualTo(200);
        assertThat(idle.body().get("status").asText()).isEqualTo("idle");
        assertThat(idle.body().get("progress").isNull()).isTrue();
        assertThat(idle.body().get("started_at").isNull()).isTrue();

        try (Api.Stream sse = api.events()) {
            Api.Event first = sse.next("status", Duration.ofSeconds(5));
            assertThat(first).isNotNull();
            assertThat(first.data().get("status").asText()).isEqualTo("idle");

            Api.Res start = api.post("/api/benchmark/start", "{\"runs\": 4, \"max_tokens\": 16}");
            assertThat(start.status()).as(start.raw()).isEqualTo(200);
            String runId = start.body().get("run_id").asText();
            assertThat(runId).isNotBlank();
            assertThat(state()).isIn("running", "paused");

            Api.Event request = sse.next("request_completed", Duration.ofSeconds(20));
            assertThat(request).isNotNull();
            JsonNode d = request.data();
            assertThat(d.get("model").asText()).startsWith("sim/");
            assertThat(d.get("success").asBoolean()).isTrue();
            assertThat(d.get("ttft_s").asDouble()).isPositive();
            assertThat(d.get("decode_toks_per_s").asDouble()).isPositive();
            assertThat(d.get("progress").get("total").asInt()).isEqualTo(12);
            assertThat(d.has("idx")).isTrue();

            long asked = System.nanoTime();
            Api.Res pause = api.post("/api/benchmark/pause", "");
            assertThat(pause.status()).isEqualTo(200);
            assertThat(pause.body().get("status").asText()).isEqualTo("paused");
            assertThat(sse.next("paused", Duration.ofSeconds(1))).isNotNull();
            assertThat((System.nanoTime() - asked) / 1e9).isLessThan(1.0);
            assertThat(state()).isEqualTo("paused");
            JsonNode paused = api.get("/api/status").body();
            assertThat(paused.get("run_id").asText()).isEqualTo(runId);
            assertThat(paused.get("model").asText()).startsWith("sim/");
            assertThat(paused.get("model_count").asInt()).isEqualTo(3);

            assertThat(api.post("/api/benchmark/resume", "{}").body().get("status").asText()).isEqualTo("running");
            assertThat(sse.next("resumed", Duration.ofSeconds(1))).isNotNull();

            assertThat(sse.next("run_completed", Duration.ofSeconds(60))).isNotNull();
            Api.Event after = sse.next("status", Duration.ofSeconds(10));
            assertThat(after).isNotNull();
            assertThat(after.data().get("status").asText()).isEqualTo("idle");
            assertThat(after.data().get("last_status").asText()).isEqualTo("completed");
            assertThat(sse.seen()).extracting(Api.Event::name)
                    .contains("run_started", "model_started", "model_completed");
        }
        JsonNode done = api.get("/api/status").body();
        assertThat(done.get("status").asText()).isEqualTo("idle");
        assertThat(done.get("progress").get("completed").asInt()).isEqualTo(12);
        assertThat(done.get("finished_at").asText()).endsWith("Z");

        JsonNode results = api.get("/api/results").body();
        assertThat(results.get("total").asInt()).isEqualTo(3);
        assertThat(results.get("results")).hasSize(3);
        JsonNode row = results.get("results").get(0);
        assertThat(row.get("status").asText()).isEqualTo("completed");
        assertThat(row.get("decode_toks_per_s").get("p50").asDouble()).isPositive();
    }

    @Test
    void aSweepStartedOverTheApiAnnouncesItsJobsStreamsEachAndStoresOneResultPerContextAndParallelism()
            throws Exception {
        try (Api.Stream sse = api.events()) {
            assertThat(sse.next("status", Duration.ofSeconds(5))).isNotNull();
            Api.Res start = api.post("/api/benchmark/start", """
                    {"sweep": true, "limit": 1, "context": [1024, 2048], "par": [1, 2], "runs": 1, "warmup": 0,
                     "max_tokens": 8}""");
            assertThat(start.status()).as(start.raw()).isEqualTo(200);
            Api.Event started = sse.next("run_started", Duration.ofSeconds(10));
            assertThat(started).isNotNull();
            List<String> jobs = new ArrayList<>();
            for (JsonNode j : started.data().get("jobs")) {
                assertThat(j.get("model").asText()).startsWith("sim/");
                jobs.add(j.get("ctx").asInt() + "x" + j.get("par").asInt());
                assertThat(j.get("requests").asInt()).as("runs x par").isEqualTo(j.get("par").asInt());
                assertThat(j.get("warmup").asInt()).isZero();
            }
            assertThat(started.data().get("calls_per_request").asInt()).as("streaming only").isEqualTo(1);
            assertThat(jobs).containsExactly("1024x1", "1024x2", "2048x1", "2048x2");
            assertThat(started.data().get("total_requests").asInt()).isEqualTo(6);
            Api.Event job = sse.next("job_started", Duration.ofSeconds(10));
            assertThat(job.data().get("ctx").asInt()).isEqualTo(1024);
            assertThat(job.data().get("count").asInt()).isEqualTo(4);
            assertThat(sse.next("run_completed", Duration.ofSeconds(60))).isNotNull();
            assertThat(sse.seen()).filteredOn(e -> e.name().equals("model_completed")).hasSize(4)
                    .extracting(e -> e.data().get("ctx").asInt() + "x" + e.data().get("par").asInt())
                    .containsExactly("1024x1", "1024x2", "2048x1", "2048x2");
        }
        assertThat(Api.await(() -> "idle".equals(state()), Duration.ofSeconds(10))).isTrue();
        JsonNode results = api.get("/api/results?sort=model").body().get("results");
        assertThat(results).hasSize(4);
        List<String> cells = new ArrayList<>();
        for (JsonNode r : results) {
            cells.add(r.get("context_length").asInt() + "x" + r.get("parallel").asInt());
            assertThat(r.get("completion_toks_per_s_total").asDouble()).isPositive();
            assertThat(r.at("/ttft_s/p50").asDouble()).isPositive();
        }
        assertThat(cells).containsExactlyInAnyOrder("1024x1", "1024x2", "2048x1", "2048x2");
    }

    @Test
    void aSecondStartWhileOneRunsAnswers409AndAStopMidRunKeepsWhatWasMeasuredInTheDatabase() throws Exception {
        assertThat(api.post("/api/benchmark/start", "{\"runs\": 3}").status()).isEqualTo(200);
        Api.Res second = api.post("/api/benchmark/start", "{\"runs\": 3}");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.body().get("error").asText()).isEqualTo("a benchmark is already running");

        assertThat(Api.await(() -> storedCount() >= 1, Duration.ofSeconds(30))).isTrue();
        Api.Res stop = api.post("/api/benchmark/stop", "");
        assertThat(stop.status()).isEqualTo(200);
        assertThat(stop.body().get("status").asText()).isIn("stopping", "idle");
        assertThat(Api.await(() -> state().equals("idle"), Duration.ofSeconds(20))).isTrue();
        assertThat(api.get("/api/status").body().get("last_status").asText()).isEqualTo("cancelled");
        int stored = storedCount();
        assertThat(stored).isBetween(1, 2);
        assertThat(api.get("/api/results").body().get("total").asInt()).isEqualTo(stored);
    }

    @Test
    void shutdownAnswers200ThenStopsTheBenchmarkAndClosesThePort() throws Exception {
        List<String> calls = new ArrayList<>();
        rig.close();
        rig = new SimRig(dir, SLOW, b -> b.onShutdown(() -> calls.add("shutdown")));
        api = new Api(rig.server.url());
        assertThat(api.post("/api/benchmark/start", "{\"runs\": 20}").status()).isEqualTo(200);
        Api.Stream sse = api.events();
        assertThat(sse.next("status", Duration.ofSeconds(5))).isNotNull();
        Api.Res r = api.post("/api/system/shutdown", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("shutting_down").asBoolean()).isTrue();
        assertThat(rig.server.awaitShutdown(Duration.ofSeconds(30))).isTrue();
        assertThat(sse.ended(Duration.ofSeconds(10))).as("the open event stream was closed").isTrue();
        sse.close();
        assertThat(rig.controller.status().state()).isEqualTo(BenchmarkController.State.IDLE);
        assertThat(calls).containsExactly("shutdown");
        int port = rig.server.port();
        assertThat(Api.await(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return false;
            } catch (ConnectException e) {
                return true;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void startBodiesAreValidatedFieldByFieldAndMalformedJsonGets400WithAMessage() throws Exception {
        Api.Res bad = api.post("/api/benchmark/start", "{\"runs\": 0, \"max_tokens\": \"many\", \"colour\": 1}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("error").asText()).contains("3 fields");
        assertThat(bad.body().get("fields").get("runs").asText()).contains("1 to 10000");
        assertThat(bad.body().get("fields").get("max_tokens").asText()).contains("whole number");
        assertThat(bad.body().get("fields").get("colour").asText()).isEqualTo("unknown field");

        Api.Res handler = api.post("/api/benchmark/start", "{\"runs\": 13}");
        assertThat(handler.status()).isEqualTo(400);
        assertThat(handler.body().get("fields").get("runs").asText()).isEqualTo("13 is unlucky");

        Api.Res regex = api.post("/api/benchmark/start", "{\"include_models\": \"(\"}");
        assertThat(regex.status()).isEqualTo(400);
        assertThat(regex.body().get("fields").get("include_models").asText()).contains("regular expression");

        Api.Res malformed = api.post("/api/benchmark/start", "{\"runs\": 3,");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().get("error").asText()).startsWith("malformed JSON");
        assertThat(malformed.raw()).doesNotContain("at com.fasterxml").doesNotContain("Exception");

        Api.Res sweepOnly = api.post("/api/benchmark/start", "{\"par\": [1, 2]}");
        assertThat(sweepOnly.status()).isEqualTo(400);
        assertThat(sweepOnly.body().get("fields").get("par").asText()).isEqualTo("only for a sweep (\"sweep\": true)");
        Api.Res badSweep = api.post("/api/benchmark/start", "{\"sweep\": true, \"par\": [300], \"prompt_fill\": 0}");
        assertThat(badSweep.status()).isEqualTo(400);
        assertThat(badSweep.body().get("fields").get("par").asText()).contains("1 to 256");
        assertThat(badSweep.body().get("fields").get("prompt_fill").asText()).contains("above 0");

        Api.Res array = api.post("/api/benchmark/start", "[1, 2]");
        assertThat(array.status()).isEqualTo(400);
        assertThat(array.body().get("error").asText()).isEqualTo("the body must be a JSON object");
        assertThat(state()).isEqualTo("idle");
    }

    @Test
    void anOversizedBodyGets413AndNothingStarts() throws Exception {
        String big = "{\"prompt\": \"" + "x".repeat(BenchWebServer.MAX_BODY_BYTES + 10) + "\"}";
        Api.Res r = api.post("/api/benchmark/start", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body().get("error").asText()).contains("65536");
        assertThat(state()).isEqualTo("idle");
    }

    @Test
    void aCrossOriginPostIsRefusedAndASameOriginOneAccepted() throws Exception {
        Api.Res cross = api.send(api.request("/api/benchmark/start").header("X-CSRF-Token", api.csrf())
                .header("Origin", "http://evil.example").POST(java.net.http.HttpRequest.BodyPublishers
                        .ofString("{}")).build());
        assertThat(cross.status()).isEqualTo(403);
        assertThat(cross.body().get("error").asText()).isEqualTo("cross-origin request refused");
        Api.Res otherPort = api.send(api.request("/api/benchmark/pause").header("X-CSRF-Token", api.csrf())
                .header("Origin", "http://127.0.0.1:1").POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(otherPort.status()).isEqualTo(403);
        Api.Res session = api.send(api.request("/api/session").header("Origin", "http://evil.example").GET()
                .build());
        assertThat(session.status()).isEqualTo(403);
        assertThat(state()).isEqualTo("idle");

        Api.Res same = api.send(api.request("/api/benchmark/pause").header("X-CSRF-Token", api.csrf())
                .header("Origin", rig.server.url()).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(same.status()).isEqualTo(200);
    }

    @Test
    void aMutatingRequestWithoutTheCsrfTokenIsRefused() throws Exception {
        Api.Res none = api.send(api.request("/api/benchmark/start")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.body().get("error").asText()).contains("X-CSRF-Token");
        Api.Res wrong = api.send(api.request("/api/system/shutdown").header("X-CSRF-Token", "guess")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(rig.server.awaitShutdown(Duration.ofMillis(200))).isFalse();
        assertThat(state()).isEqualTo("idle");
    }

    @Test
    void aForeignHostHeaderIsRefusedAndLocalhostAccepted() throws Exception {
        int port = rig.server.port();
        String foreign = Api.raw(port, "GET /api/status HTTP/1.1\r\nHost: rebind.example:" + port
                + "\r\nConnection: close\r\n\r\n");
        assertThat(foreign).startsWith("HTTP/1.1 403").contains("{\"error\":\"forbidden host header\"}");
        String noPort = Api.raw(port, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(noPort).startsWith("HTTP/1.1 403");
        String local = Api.raw(port, "GET /api/status HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nConnection: close\r\n\r\n");
        assertThat(local).startsWith("HTTP/1.1 200").contains("\"status\":\"idle\"");
    }

    @Test
    void pathParametersNeverReachAFileOutsideTheOutputDirectory() throws Exception {
        Path outside = dir.getParent().resolve(dir.getFileName() + "-secret.txt");
        Files.writeString(outside, "secret");
        Files.writeString(dir.resolve("report.md"), "# report");
        try {
            assertThat(api.get("/api/files/report.md").raw()).isEqualTo("# report");
            String name = dir.getFileName() + "-secret.txt";
            for (String path : List.of("/api/files/..%2F" + name, "/api/files/%2E%2E/" + name,
                    "/api/files/../" + name, "/api/files/sub/..%2F..%2F" + name, "/api/files/%2Fetc%2Fpasswd",
                    "/api/comparison/..%2F..%2Fetc%2Fpasswd", "/api/comparison/..")) {
                Api.Res r = api.get(path);
                assertThat(r.status()).as(path).isIn(400, 404);
                assertThat(r.raw()).as(path).doesNotContain("secret").doesNotContain("root:");
                assertThat(r.body().get("error").isTextual()).as(path).isTrue();
            }
            int port = rig.server.port();
            String raw = Api.raw(port, "GET /api/files/../" + name + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(raw).doesNotContain("secret");
        } finally {
            Files.delete(outside);
        }
    }

    @Test
    void resultsFilterSortAndPaginateAndTheDashboardAndComparisonDrawFromTheStore() throws Exception {
        rig.close();
        rig = new SimRig(dir, FAST);
        api = new Api(rig.server.url());
        for (int i = 0; i < 2; i++) {
            assertThat(api.post("/api/benchmark/start", "{\"runs\": 2}").status()).isEqualTo(200);
            assertThat(rig.controller.awaitIdle(Duration.ofSeconds(60))).isTrue();
        }
        JsonNode all = api.get("/api/results?sort=decode_toks_per_s&order=desc&limit=2&offset=1").body();
        assertThat(all.get("total").asInt()).isEqualTo(6);
        assertThat(all.get("results")).hasSize(2);
        assertThat(all.get("results").get(0).get("decode_toks_per_s").get("p50").asDouble())
                .isGreaterThanOrEqualTo(all.get("results").get(1).get("decode_toks_per_s").get("p50").asDouble());
        JsonNode qwen = api.get("/api/results?model=QWEN3").body();
        assertThat(qwen.get("total").asInt()).isEqualTo(2);
        assertThat(qwen.get("results").get(0).get("model").asText()).isEqualTo("sim/qwen3-8b@q8_0");
        assertThat(api.get("/api/results?quantization=q4_k_m").body().get("total").asInt()).isEqualTo(2);
        assertThat(api.get("/api/results?status=failed").body().get("total").asInt()).isZero();
        Api.Res badSort = api.get("/api/results?sort=password");
        assertThat(badSort.status()).isEqualTo(400);
        assertThat(badSort.body().get("fields").get("sort").asText()).isEqualTo("unknown sort field");
        assertThat(api.get("/api/results?limit=0").status()).isEqualTo(400);

        JsonNode stats = api.get("/api/dashboard/stats").body();
        assertThat(stats.get("model_count").asInt()).isEqualTo(3);
        JsonNode speed = stats.get("speed_summary");
        assertThat(speed.get("count").asInt()).isEqualTo(3);
        assertThat(speed.get("min").asDouble()).isLessThanOrEqualTo(speed.get("p50").asDouble());
        assertThat(speed.get("p95").asDouble()).isLessThanOrEqualTo(speed.get("max").asDouble());
        assertThat(stats.get("top_models_extended")).hasSize(3);
        assertThat(stats.get("top_models_extended").get(0).get("decode_toks_per_s").asDouble())
                .isEqualTo(speed.get("max").asDouble());
        assertThat(stats.get("quantization_distribution")).hasSize(3);
        assertThat(stats.get("architecture_distribution").findValuesAsText("architecture"))
                .containsExactlyInAnyOrder("llama", "qwen3", "mistral");
        JsonNode eff = stats.get("efficiency_top");
        assertThat(eff).hasSize(3);
        assertThat(eff.get(0).get("basis").asText()).isEqualTo("size");
        assertThat(eff.get(0).get("toks_per_s_per_gb").asDouble())
                .isGreaterThanOrEqualTo(eff.get(2).get("toks_per_s_per_gb").asDouble());

        JsonNode history = api.get("/api/comparison/sim%2Fqwen3-8b@q8_0").body();
        assertThat(history.get("count").asInt()).as(history.toString()).isEqualTo(2);
        assertThat(history.get("history").get(0).get("run_id").asText())
                .isNotEqualTo(history.get("history").get(1).get("run_id").asText());

        JsonNode models = api.get("/api/models").body().get("models");
        assertThat(models).hasSize(3);
        assertThat(models.get(0).get("id").asText()).startsWith("sim/");
    }

    @Test
    void unknownPathsAnswerJson404AndEveryPageAndAssetIsServedFromTheJarUnderAStrictPolicy() throws Exception {
        Api.Res missing = api.get("/api/nothing");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("error").asText()).isEqualTo("not found");
        for (String page : List.of("/", "/run", "/results", "/load", "/comparison", "/settings")) {
            java.net.http.HttpResponse<String> r = api.http.send(api.request(page).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(page)
                    .hasValue(DashboardPages.CSP);
            assertThat(r.body()).as(page).contains("<nav").contains("src=\"/assets/echarts.min.js\"")
                    .doesNotContain("{{").doesNotContain("http://").doesNotContain("https://");
            String name = page.equals("/") ? "home" : page.substring(1);
            assertThat(r.body()).contains("/assets/" + name + ".js");
        }
        for (String asset : List.of("app.js", "app.css", "echarts.min.js", "run.js", "load.js")) {
            java.net.http.HttpResponse<byte[]> r = api.http.send(api.request("/assets/" + asset).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
            assertThat(r.body().length).as(asset).isPositive();
            String etag = r.headers().firstValue("ETag").orElseThrow();
            java.net.http.HttpResponse<byte[]> again = api.http.send(api.request("/assets/" + asset)
                    .header("If-None-Match", etag).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(again.statusCode()).as(asset + " revalidated").isEqualTo(304);
        }
        assertThat(api.get("/assets/../pom.xml").status()).isIn(400, 404);
        assertThat(api.get("/assets/nothing.js").status()).isEqualTo(404);
        assertThat(api.get("/api/presets").body().get("presets").isArray()).isTrue();
        assertThat(api.get("/api/config").body().get("entries").isArray()).isTrue();
    }
}
