package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.load.ArrivalPattern;
import dev.lmsbench.core.load.Arrivals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code lmsbench load} end to end against bench-sim: the done-when of issue 15's load command. */
class LoadIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One fast model with 64 parallel slots (so the server keeps up with these rates) whose prefill takes time: a
     * longer prompt has a longer TTFT, which the goodput test needs.
     */
    private static final String FAST = """
            {"default_parallel": 64, "models": [{"id": "sim/load-model@q4_k_m", "tokens_per_second": 400,
             "ttft_ms": 5, "prompt_tokens_per_second": 20000, "response_tokens": 4096, "max_context_length": 32768,
             "load_ms": 20}]}""";

    @TempDir
    Path dir;

    private String simConfig() throws IOException {
        Path config = dir.resolve("sim.json");
        if (!Files.exists(config)) {
            Files.writeString(config, FAST);
        }
        return config.toString();
    }

    private MainTest.Outcome load(String name, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("load", "--sim", "--sim-config", simConfig(), "--output-dir",
                dir.resolve(name).toString(), "--db", dir.resolve(name + ".db").toString()));
        args.addAll(List.of(flags));
        return MainTest.run(args.toArray(String[]::new));
    }

    private JsonNode loadTest(String name) throws IOException {
        JsonNode root = JSON.readTree(dir.resolve(name).resolve("results.json").toFile());
        assertThat(root.path("models")).hasSize(1);
        return root.path("models").get(0).path("load_test");
    }

    @Test
    void aPoissonRandomLoadPrintsTheMetricsTableAndWritesItsFiguresToTheResultsJsonAndTheDatabase()
            throws Exception {
        // through the OpenAI-compatible API, as a llama.cpp or vLLM server is measured: it has a /metrics (and
        // without LM Studio's quirks: its usage is then what was streamed)
        MainTest.Outcome o = load("poisson", "--rate", "20", "--num-requests", "500", "--workload", "random",
                "--input-len", "64", "--output-len", "16", "--backend", "openai", "--sim-polite");
        assertThat(o.code()).as(o.err()).isZero();

        assertThat(o.out()).contains("Pattern", "poisson 20/s", "Req/s", "Out tok/s", "TTFT p50 ms", "Lag p99 ms")
                .contains("Metric (ms)", "TTFT", "TPOT", "ITL", "E2E", "Mean", "Median", "Std", "p50", "p90", "p95",
                        "p99");
        assertThat(o.out()).doesNotContain("WARNING"); // a normal run: the generator kept up
        JsonNode l = loadTest("poisson");
        assertThat(l.path("pattern").path("kind").asText()).isEqualTo("poisson");
        assertThat(l.path("sent").asInt()).isEqualTo(500);
        assertThat(l.path("completed").asInt()).isEqualTo(500);
        assertThat(l.path("workload").path("parameters").path("input_len").asText()).isEqualTo("64");
        assertThat(l.path("generator").path("healthy").asBoolean()).isTrue();
        assertThat(l.path("generator").path("warnings")).isEmpty();
        // open loop: the rate achieved is the one the seeded plan holds (seed 0), whatever the answers took
        Arrivals plan = Arrivals.of(new ArrivalPattern.Poisson(20), 0);
        long last = 0;
        for (int i = 0; i < 500; i++) {
            last = plan.next();
        }
        double planned = 499 / (last / 1e9);
        assertThat(l.path("achieved_rate").asDouble()).isCloseTo(planned, within(planned * 0.01));
        // 16 tokens per answer at the server's 400 tok/s
        assertThat(l.path("output_tokens").asLong()).isEqualTo(500L * 16);
        assertThat(l.path("tpot_ms").path("median").asDouble()).isCloseTo(2.5, within(0.5));
        assertThat(l.path("ttft_ms").path("percentiles").has("p99")).isTrue();
        // the server's own counters, scraped before and after (the sim serves llama.cpp's /metrics)
        assertThat(l.path("server_metrics").has("llamacpp:tokens_predicted_total")).isTrue();
        assertThat(l.path("server_metrics").path("llamacpp:tokens_predicted_total").asDouble())
                .isEqualTo(500.0 * 16);
        try (SqliteResultStore store = SqliteResultStore.open(dir.resolve("poisson.db"))) {
            assertThat(store.list()).singleElement()
                    .satisfies(s -> assertThat(s.summary().load().sent()).isEqualTo(500));
        }
    }

    /** Every field path of a load_test object, its parameters' and metrics' names left out (they vary by design). */
    private static TreeSet<String> shape(JsonNode node, String prefix, TreeSet<String> into) {
        if (node.isObject() && !prefix.endsWith("parameters") && !prefix.endsWith("server_metrics")
                && !prefix.endsWith("errors")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String path = prefix + "/" + e.getKey();
                into.add(path);
                shape(e.getValue(), path, into);
            }
        }
        return into;
    }

    @Test
    void everyWorkloadAndEveryArrivalPatternGivesTheSameShapeOfResults() throws Exception {
        Map<String, String[]> runs = new java.util.LinkedHashMap<>();
        for (String w : List.of("random", "multi-round", "agentic", "sharegpt", "prefix")) {
            runs.put("workload-" + w, new String[] {"--workload", w, "--rate", "40", "--num-requests", "12",
                    "--workload-option", w.equals("sharegpt") ? "max_prompt_len=0" : "seed_note=x"});
        }
        runs.put("synchronous", new String[] {"--pattern", "synchronous", "--num-requests", "6"});
        runs.put("concurrency", new String[] {"--concurrency", "3", "--num-requests", "9"});
        runs.put("constant", new String[] {"--rate", "50", "--pattern", "constant", "--num-requests", "10"});
        runs.put("poisson", new String[] {"--rate", "50", "--num-requests", "10"});
        runs.put("gamma", new String[] {"--rate", "50", "--pattern", "gamma", "--burstiness", "0.5",
                "--num-requests", "10"});
        runs.put("max", new String[] {"--pattern", "max", "--max-concurrency", "4", "--num-requests", "10"});
        TreeSet<String> first = null;
        for (Map.Entry<String, String[]> run : runs.entrySet()) {
            String[] flags = run.getValue();
            if (run.getKey().startsWith("workload-") && !run.getKey().equals("workload-sharegpt")) {
                flags = java.util.Arrays.copyOf(flags, flags.length - 2); // no workload option
            }
            List<String> all = new ArrayList<>(List.of(flags));
            all.addAll(List.of("--output-len", "8"));
            if (run.getKey().equals("workload-multi-round") || run.getKey().equals("workload-agentic")
                    || run.getKey().equals("workload-sharegpt")) {
                all.subList(all.size() - 2, all.size()).clear(); // their answer lengths are their own options
            }
            MainTest.Outcome o = load(run.getKey(), all.toArray(String[]::new));
            assertThat(o.code()).as(run.getKey() + ": " + o.err()).isZero();
            JsonNode l = loadTest(run.getKey());
            assertThat(l.path("completed").asInt()).as(run.getKey()).isEqualTo(l.path("sent").asInt())
                    .isPositive();
            assertThat(l.path("ttft_ms").path("count").asInt()).as(run.getKey()).isEqualTo(l.path("sent").asInt());
            TreeSet<String> s = shape(l, "", new TreeSet<>());
            if (first == null) {
                first = s;
            }
            assertThat(s).as("the fields of %s", run.getKey()).isEqualTo(first);
        }
    }

    @Test
    void goodputOnASeededRunIsTheCountOfRequestsWithinEveryObjectiveComputedByHandFromItsRequests()
            throws Exception {
        // lengths from 32 to 480 tokens: prefill at 20,000 tok/s spreads the TTFTs over ~5-30 ms
        MainTest.Outcome o = load("goodput", "--rate", "30", "--num-requests", "80", "--input-len", "256",
                "--range-ratio", "0.875", "--output-len", "12", "--seed", "7", "--goodput", "ttft:15", "tpot:4");
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode root = JSON.readTree(dir.resolve("goodput").resolve("results.json").toFile());
        int good = 0;
        int completed = 0;
        for (JsonNode r : root.path("requests")) {
            if (!r.path("ok").asBoolean() || r.path("warmup").asBoolean()) {
                continue;
            }
            completed++;
            double ttftMs = r.path("ttft_s").asDouble() * 1000;
            int tokens = r.path("completion_tokens").asInt();
            double tpotMs = tokens > 1 ? (r.path("wall_s").asDouble() - r.path("ttft_s").asDouble()) * 1000
                    / (tokens - 1) : Double.NaN;
            if (ttftMs <= 15 && (Double.isNaN(tpotMs) || tpotMs <= 4)) {
                good++;
            }
        }
        JsonNode l = root.path("models").get(0).path("load_test");
        JsonNode g = l.path("goodput");
        assertThat(completed).isEqualTo(80);
        // some requests meet the objectives and some do not: the count means something
        assertThat(good).isBetween(5, 75);
        assertThat(g.path("good_requests").asInt()).isEqualTo(good);
        assertThat(g.path("requests_per_s").asDouble())
                .isCloseTo(good / l.path("duration_s").asDouble(), within(1e-9));
        assertThat(g.path("good_fraction").asDouble()).isCloseTo(good / 80.0, within(1e-12));
        assertThat(g.path("slo_ms").path("ttft").asDouble()).isEqualTo(15.0);
        assertThat(o.out()).contains("Goodput /s");
    }

    @Test
    void aClientStarvedOfCpuSaysItsFiguresAreTheClientsInEveryOutput() throws Exception {
        int hogs = Runtime.getRuntime().availableProcessors() * 2;
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < hogs; i++) {
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                long x = 0;
                while (!stop.get()) {
                    x += System.nanoTime() % 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            });
            threads.add(t);
        }
        MainTest.Outcome o;
        try {
            o = load("hog", "--rate", "50", "--num-requests", "100", "--output-len", "8");
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode gen = loadTest("hog").path("generator");
        assertThat(gen.path("healthy").asBoolean()).isFalse();
        assertThat(gen.path("warnings").get(0).asText()).contains("overloaded");
        assertThat(gen.path("client_cpu_percent").asDouble()).isGreaterThan(90);
        assertThat(o.out()).contains("WARNING").contains("the figures may be the client's, not the server's");
        assertThat(o.err()).contains("WARNING");
    }
}
