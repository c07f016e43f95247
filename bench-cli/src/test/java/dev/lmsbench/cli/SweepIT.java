package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.spi.StoredResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code lmsbench sweep} end to end against bench-sim: the done-when of issue 14. */
class SweepIT {

    @TempDir
    Path dir;

    private Path simConfig(String json) throws IOException {
        Path config = dir.resolve("sim-" + Math.abs(json.hashCode()) + ".json");
        Files.writeString(config, json);
        return config;
    }

    /** A CSV file as rows of column name to cell (no quoted commas in these files' cells). */
    static List<Map<String, String>> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.getFirst().split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length && i < cells.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    static List<String> header(Path file) throws IOException {
        return List.of(Files.readAllLines(file).getFirst().split(",", -1));
    }

    private static final String FAST_MODEL = """
            {"id": "sim/fast-model@q4_k_m", "tokens_per_second": 400, "ttft_ms": 5, "response_tokens": 12,
             "max_context_length": 8192, "load_ms": 50}""";

    @Test
    void aSweepWritesRequestsSummaryAndLoadTimesWithTheSeedColumnsAndFlagsWarmupRows() throws Exception {
        Path out = dir.resolve("out");
        Path db = dir.resolve("r.db");
        MainTest.Outcome o = MainTest.run("sweep", "--sim", "--sim-config",
                simConfig("{\"models\": [" + FAST_MODEL + "]}").toString(), "--ctx", "1024,4096", "--par", "1,4",
                "--runs", "3", "--output-dir", out.toString(), "--db", db.toString());
        assertThat(o.code()).as(o.err()).isZero();

        // seed 004's requests.csv: two rows per recorded request, warmup rows flagged
        assertThat(header(out.resolve("requests.csv"))).contains("model", "ctx", "par", "idx", "run_mode",
                "warmup_run", "wall_s", "ttft_s", "completion_toks_per_s", "completion_tokens_reasoning",
                "completion_tokens_visible", "completion_toks_per_s_reasoning", "completion_toks_per_s_visible",
                "prefill_toks_per_s", "decode_toks_per_s", "prompt_tokens", "completion_tokens");
        List<Map<String, String>> requests = csv(out.resolve("requests.csv"));
        // per job: 3 warmups + 3 runs x par x (stream + nonstream)
        assertThat(requests).hasSize(2 * (3 + 3 * 2) + 2 * (3 + 3 * 4 * 2));
        assertThat(requests).filteredOn(r -> r.get("warmup_run").equals("true")).hasSize(4 * 3)
                .allSatisfy(r -> assertThat(r.get("run_mode")).isEqualTo("stream"));
        assertThat(requests).filteredOn(r -> r.get("warmup_run").equals("false"))
                .extracting(r -> r.get("run_mode")).containsOnly("stream", "nonstream");
        for (String ctx : List.of("1024", "4096")) {
            assertThat(requests).filteredOn(r -> r.get("ctx").equals(ctx) && r.get("par").equals("4")
                    && r.get("warmup_run").equals("false") && r.get("run_mode").equals("nonstream")).hasSize(12);
        }

        // seed 004's summary.csv: one row per (model x ctx x par)
        assertThat(header(out.resolve("summary.csv"))).contains("model", "ctx", "par", "request_count",
                "success_count", "stream_toks_per_s_total", "nonstream_toks_per_s_total",
                "completion_toks_per_s_total", "prefill_toks_per_s_mean", "ttft_s_mean", "ttft_s_stdev",
                "ttft_s_p50", "ttft_s_p90", "completion_toks_per_s_mean", "completion_toks_per_s_stdev",
                "completion_toks_per_s_p50", "completion_toks_per_s_p90", "warmup_ttft_first_s",
                "warmup_ttft_avg_s", "warmup_load_est_s", "completion_tokens_reasoning",
                "completion_tokens_visible");
        List<Map<String, String>> summary = csv(out.resolve("summary.csv"));
        assertThat(summary).extracting(r -> r.get("ctx") + "x" + r.get("par"))
                .containsExactly("1024x1", "1024x4", "4096x1", "4096x4");
        assertThat(summary).extracting(r -> r.get("request_count")).containsExactly("3", "12", "3", "12");
        assertThat(summary).extracting(r -> r.get("success_count")).containsExactly("3", "12", "3", "12");

        // each job stored as it finished
        try (SqliteResultStore store = SqliteResultStore.open(db)) {
            assertThat(store.list()).hasSize(4);
        }
        JsonNode state = new ObjectMapper().readTree(out.resolve(SweepCommand.STATE_FILE).toFile());
        assertThat(state.path("status").asText()).isEqualTo("finished");
        assertThat(o.err()).contains("ctx 1024 par 1").contains("ctx 4096 par 4").contains("ETA");
    }

    @Test
    void prefillAndTheLoadEstimateMatchTheSimulatorsPromptRateAndPerLoadDelay() throws Exception {
        Path out = dir.resolve("prefill");
        Path config = simConfig("""
                {"models": [{"id": "sim/prefill-model@q4_k_m", "tokens_per_second": 500, "ttft_ms": 0,
                             "prompt_tokens_per_second": 4000, "first_request_delay_ms": 300,
                             "response_tokens": 8, "max_context_length": 16384, "load_ms": 20}]}""");
        MainTest.Outcome o = MainTest.run("sweep", "--sim", "--sim-config", config.toString(), "--ctx", "8192",
                "--par", "1", "--runs", "3", "--target-prompt-tokens", "2000", "--max-tokens", "8",
                "--output-dir", out.toString(), "--db", dir.resolve("p.db").toString());
        assertThat(o.code()).as(o.err()).isZero();

        Map<String, String> job = csv(out.resolve("summary.csv")).getFirst();
        assertThat(Double.parseDouble(job.get("prefill_toks_per_s_mean"))).isCloseTo(4000, within(200.0));
        assertThat(Double.parseDouble(job.get("warmup_load_est_s"))).isCloseTo(0.300, within(0.050));
        // the measured prompts were sized to the target
        List<Map<String, String>> measured = csv(out.resolve("requests.csv")).stream()
                .filter(r -> r.get("warmup_run").equals("false")).toList();
        assertThat(measured).allSatisfy(r -> assertThat(Integer.parseInt(r.get("prompt_tokens")))
                .isBetween(1800, 2200));
    }

    @Test
    void withParallelFourAgainstTwoSlotsTheQueueingShowsInTtftAndTheTotalIsTheSimulatorsCapacity()
            throws Exception {
        Path out = dir.resolve("queue");
        // 10 ms to the first token, 50 tokens at 100 tok/s: 0.51 s per request, at most 2 at once
        Path config = simConfig("""
                {"max_concurrent_requests": 2,
                 "models": [{"id": "sim/two-slot-model@q4_k_m", "tokens_per_second": 100, "ttft_ms": 10,
                             "response_tokens": 50, "max_context_length": 8192, "load_ms": 20}]}""");
        MainTest.Outcome o = MainTest.run("sweep", "--sim", "--sim-config", config.toString(), "--ctx", "2048",
                "--par", "4", "--runs", "2", "--max-tokens", "50", "--output-dir", out.toString(), "--db",
                dir.resolve("q.db").toString());
        assertThat(o.code()).as(o.err()).isZero();

        Map<String, String> job = csv(out.resolve("summary.csv")).getFirst();
        assertThat(job.get("success_count")).isEqualTo("8");
        double capacity = 2 * 50 / (0.010 + 50 / 100.0);
        assertThat(Double.parseDouble(job.get("completion_toks_per_s_total"))).isCloseTo(capacity,
                within(capacity * 0.05));
        // two of every four streams waited for a slot: their TTFT holds a whole request
        List<Double> ttfts = csv(out.resolve("requests.csv")).stream()
                .filter(r -> r.get("warmup_run").equals("false") && r.get("run_mode").equals("stream"))
                .map(r -> Double.parseDouble(r.get("ttft_s"))).sorted().toList();
        assertThat(ttfts).hasSize(8);
        assertThat(ttfts.subList(0, 4)).allSatisfy(t -> assertThat(t).isLessThan(0.2));
        assertThat(ttfts.subList(4, 8)).allSatisfy(t -> assertThat(t).isGreaterThan(0.45));
    }

    @Test
    void transientFailuresAreRetriedWithTheSeedsBackoffAndTheJobCompletes() throws Exception {
        Path out = dir.resolve("retry");
        // after the 3 warmups, the next 2 calls fail: the first measured call succeeds on its third try
        Path config = simConfig("{\"faults\": {\"fail_next\": 2, \"after\": 3}, \"models\": [" + FAST_MODEL + "]}");
        long start = System.nanoTime();
        MainTest.Outcome o = MainTest.run("sweep", "--sim", "--sim-config", config.toString(), "--ctx", "1024",
                "--par", "1", "--runs", "2", "--output-dir", out.toString(), "--db", dir.resolve("t.db").toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("retry 1 in 1.0 s").contains("retry 2 in 5.0 s");
        assertThat(seconds).isGreaterThanOrEqualTo(6.0);
        Map<String, String> job = csv(out.resolve("summary.csv")).getFirst();
        assertThat(job.get("success_count")).isEqualTo("2");
        assertThat(job.get("status")).isEqualTo("completed");
    }

    @Test
    void aPermanentFailureIsRecordedAsErrorFinalWithoutAbortingTheSweep() throws Exception {
        Path out = dir.resolve("final");
        // after the warmups, 5 calls fail: the first measured call and its 4 retries; then all is well
        Path config = simConfig("{\"faults\": {\"fail_next\": 5, \"after\": 3, \"status\": 500}, \"models\": ["
                + FAST_MODEL + "]}");
        MainTest.Outcome o = MainTest.run("sweep", "--sim", "--sim-config", config.toString(), "--ctx", "1024,2048",
                "--par", "1", "--runs", "2", "--retry-backoff", "0.05,0.05,0.05,0.05", "--output-dir", out.toString(),
                "--db", dir.resolve("f.db").toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("error_final after 5 calls");
        List<Map<String, String>> summary = csv(out.resolve("summary.csv"));
        assertThat(summary).extracting(r -> r.get("status")).containsExactly("completed", "completed");
        assertThat(summary).extracting(r -> r.get("success_count")).containsExactly("1", "2");
        assertThat(summary).extracting(r -> r.get("error_count")).containsExactly("1", "0");
    }

    @Test
    void aSweepKilledMidwayResumesWithoutMeasuringItsFinishedJobsAgain() throws Exception {
        Path out = dir.resolve("resume");
        Path db = dir.resolve("resume.db");
        // about 1.5 s per job: 3 warmups + 2 x (stream + nonstream) of 40 tokens at 100 tok/s
        Path config = simConfig("""
                {"models": [{"id": "sim/slow-model@q4_k_m", "tokens_per_second": 100, "ttft_ms": 5,
                             "response_tokens": 20, "max_context_length": 8192, "load_ms": 20}]}""");
        String[] args = {"sweep", "--sim", "--sim-config", config.toString(), "--ctx", "1024,2048,3072,4096",
                "--par", "1", "--runs", "2", "--output-dir", out.toString(), "--db", db.toString()};
        JarProcess p = JarProcess.start(dir, args);
        try {
            // kill -9 once the first job is stored
            p.awaitStderr(e -> e.contains("ctx 1024 par 1  done"), Duration.ofSeconds(60));
        } finally {
            p.signal("KILL");
        }
        p.waitFor(Duration.ofSeconds(30));
        Instant killed = Instant.now();
        String runId;
        List<String> before;
        try (SqliteResultStore store = SqliteResultStore.open(db)) {
            List<StoredResult> stored = store.list();
            assertThat(stored).isNotEmpty().hasSizeLessThan(4);
            runId = stored.getFirst().run().runId();
            before = stored.stream().map(r -> r.summary().contextLength() + "@" + r.summary().finishedAt()).toList();
        }
        assertThat(new ObjectMapper().readTree(out.resolve(SweepCommand.STATE_FILE).toFile()).path("status")
                .asText()).isEqualTo("running");

        List<String> resumed = new ArrayList<>(List.of(args));
        resumed.add("--resume");
        MainTest.Outcome o = MainTest.run(resumed.toArray(String[]::new));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("[resume] sweep " + runId + ": " + before.size() + " of 4 jobs already finished");

        try (SqliteResultStore store = SqliteResultStore.open(db)) {
            List<StoredResult> stored = store.list();
            // every job once, all in the one run; the finished ones as they were before the kill
            assertThat(stored).hasSize(4).allSatisfy(r -> assertThat(r.run().runId()).isEqualTo(runId));
            assertThat(stored.stream().map(r -> r.summary().contextLength() + "@" + r.summary().finishedAt())
                    .toList()).containsAll(before);
            assertThat(stored.stream().filter(r -> !before.contains(r.summary().contextLength() + "@"
                    + r.summary().finishedAt()))).allSatisfy(r -> assertThat(r.summary().startedAt())
                    .isAfter(killed.minusSeconds(1)));
        }
        List<Map<String, String>> summary = csv(out.resolve("summary.csv"));
        assertThat(summary).extracting(r -> r.get("ctx")).containsExactly("1024", "2048", "3072", "4096");
        List<Map<String, String>> requests = csv(out.resolve("requests.csv"));
        Set<String> keys = new HashSet<>();
        for (Map<String, String> r : requests) {
            assertThat(keys.add(r.get("ctx") + "/" + r.get("idx") + "/" + r.get("run_mode") + "/"
                    + r.get("warmup_run"))).as("each request once: " + r).isTrue();
        }
        assertThat(requests).hasSize(4 * (3 + 2 * 2));
        assertThat(new ObjectMapper().readTree(out.resolve(SweepCommand.STATE_FILE).toFile()).path("status")
                .asText()).isEqualTo("finished");
    }
}
