package dev.lmsbench.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.sim.SimConfig;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The done-when benchmark of the live feed (docs/performance.md records the figures): a simulator run at about 200
 * requests/s for {@code -Dsse.seconds} seconds (default 300) while a browser-like client reads {@code /api/events}.
 * Prints events/s delivered, the lag between the engine's event and its arrival at the client (p50, p99, max),
 * events dropped, and the used heap after a GC every 10 s. Not a unit test (its name matches no surefire pattern):
 * {@code ./mvnw -B -o -q verify -pl bench-web -am -Dtest=SseThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsse.seconds=60}. Asserts only that events arrived: a loaded machine must not fail the build.
 */
class SseThroughputBenchmark {

    /** Requests in flight together: one at a time the client and simulator manage about 100/s here. */
    private static final int PARALLEL = Integer.getInteger("sse.parallel", 3);
    private static final int RUN_SECONDS = 30;

    @Test
    void sseKeepsUpWithASimRunAt200RequestsPerSecond() throws Exception {
        run(Integer.getInteger("sse.seconds", 300));
    }

    /** @param args the duration in seconds (default 300) */
    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 300);
    }

    static void run(int seconds) throws Exception {
        // ~5 ms per request: 3 ms to the first token, 8 tokens at 4000 tok/s
        SimConfig sim = SimConfig.defaults().withTokensPerSecond(4000).withTtftMs(3).withJitterFraction(0);
        Path dir = Files.createTempDirectory("sse-bench");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (SimRig rig = new SimRig(dir, sim)) {
            // the emission time of each request event, keyed by run number and completed count; whichever of the
            // engine's tap and the browser sees an event second computes its lag (the tap may run after the stream)
            ConcurrentHashMap<Long, Long> pending = new ConcurrentHashMap<>();
            AtomicLong tapRuns = new AtomicLong();
            AtomicLong clientRuns = new AtomicLong();
            LagHistogram lags = new LagHistogram();
            AutoCloseable tap = rig.controller.subscribe(e -> {
                if (e instanceof BenchmarkEvent.RunStarted) {
                    tapRuns.incrementAndGet();
                } else if (e instanceof BenchmarkEvent.RequestCompleted r) {
                    match(pending, lags, tapRuns.get() * 10_000_000L + r.progress().completedRequests(),
                            System.nanoTime(), true);
                }
            });
            Api api = new Api(rig.server.url());
            AtomicLong received = new AtomicLong();
            try (Api.Stream sse = api.new Stream(false)) {
                Thread consumer = Thread.ofPlatform().name("browser").start(() -> {
                    try {
                        while (true) {
                            Api.Event e = sse.events.take();
                            received.incrementAndGet();
                            if (e.name().equals("run_started")) {
                                clientRuns.incrementAndGet();
                            } else if (e.name().equals("request_completed")) {
                                JsonNode p = e.data().get("progress");
                                match(pending, lags, clientRuns.get() * 10_000_000L + p.get("completed").asInt(),
                                        System.nanoTime(), false);
                            }
                        }
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                });
                long heapBefore = usedAfterGc(memory);
                // back-to-back runs of about 30 s each: the engine keeps a run's requests for its report until the
                // run ends, so one endless run would grow the heap whatever the event stream does
                int runs = RUN_SECONDS * 200 / (3 * PARALLEL);
                String body = "{\"runs\": " + runs + ", \"max_tokens\": 8, \"parallel\": " + PARALLEL + "}";
                long t0 = System.nanoTime();
                long end = t0 + Duration.ofSeconds(seconds).toNanos();
                long nextSample = t0 + Duration.ofSeconds(10).toNanos();
                List<String> heap = new ArrayList<>();
                long requests = 0;
                int runCount = 0;
                long lastTotal = 0;
                while (System.nanoTime() < end) {
                    if (!rig.controller.status().state().active()) {
                        requests += runCount == 0 ? 0 : rig.controller.status().progress().completedRequests();
                        Api.Res start = api.post("/api/benchmark/start", body);
                        if (start.status() != 200) {
                            throw new IllegalStateException(start.raw());
                        }
                        runCount++;
                    }
                    if (System.nanoTime() >= nextSample) {
                        var p = rig.controller.status().progress();
                        int done = p == null ? 0 : p.completedRequests();
                        long total = requests + done;
                        heap.add(String.format(Locale.ROOT, "%ds: %d req/s, heap %.1f MiB",
                                Duration.ofNanos(nextSample - t0).toSeconds(), (total - lastTotal) / 10,
                                usedAfterGc(memory) / 1048576.0));
                        lastTotal = total;
                        nextSample += Duration.ofSeconds(10).toNanos();
                    }
                    Thread.sleep(5);
                }
                rig.controller.stop();
                rig.controller.awaitIdle(Duration.ofSeconds(30));
                requests += rig.controller.status().progress().completedRequests();
                long elapsed = System.nanoTime() - t0;
                Thread.sleep(500); // let the last events arrive
                consumer.interrupt();
                long heapAfter = usedAfterGc(memory);
                long[] fig = rig.server.streamFigures();
                System.out.printf(Locale.ROOT, "SSE benchmark %d s, %d runs: %d requests (%.0f/s), %d events received "
                                + "(%.0f/s), request lag p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d events, "
                                + "dropped %d, heap after GC %.1f MiB before, %.1f MiB after%n",
                        seconds, runCount, requests, requests / (elapsed / 1e9), received.get(),
                        received.get() / (elapsed / 1e9), lags.percentile(0.50), lags.percentile(0.99), lags.maxMs(),
                        lags.count(), fig[2], heapBefore / 1048576.0, heapAfter / 1048576.0);
                heap.forEach(h -> System.out.println("  " + h));
                if (received.get() == 0) {
                    throw new AssertionError("no events arrived");
                }
            } finally {
                tap.close();
            }
        }
    }

    /** Emission times are stored positive, receipt times negative; the second of the two records the lag. */
    private static void match(ConcurrentHashMap<Long, Long> pending, LagHistogram lags, long key, long now,
                              boolean emitted) {
        Long other = pending.remove(key);
        if (other == null) {
            Long raced = pending.putIfAbsent(key, emitted ? now : -now);
            if (raced == null) {
                return;
            }
            pending.remove(key);
            other = raced;
        }
        long emit = emitted ? now : other;
        long receipt = emitted ? -other : now;
        lags.add(Math.max(0, receipt - emit));
    }

    /** Lags in 0.1 ms buckets up to 10 s: constant memory however long the benchmark runs. */
    private static final class LagHistogram {
        private final long[] buckets = new long[100_001];
        private long count;
        private long max;

        synchronized void add(long nanos) {
            buckets[(int) Math.min(buckets.length - 1, nanos / 100_000)]++;
            count++;
            max = Math.max(max, nanos);
        }

        synchronized long count() {
            return count;
        }

        synchronized double maxMs() {
            return max / 1e6;
        }

        synchronized double percentile(double q) {
            long target = (long) Math.ceil(q * count);
            long seen = 0;
            for (int i = 0; i < buckets.length; i++) {
                seen += buckets[i];
                if (seen >= target && count > 0) {
                    return (i + 1) / 10.0;
                }
            }
            return 0;
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

}
