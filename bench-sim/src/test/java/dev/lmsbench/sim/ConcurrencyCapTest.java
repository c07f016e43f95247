package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "At most N requests at once": the parallel slots of a REST-loaded instance ({@code default_parallel}) and the
 * global {@code max_concurrent_requests} cap both queue the requests beyond N in arrival order, the wait shows up in
 * their TTFT, and a batch of streams gets N streams' worth of tokens per second. Timing is checked against the send
 * log's exact plan and, with generous margins, against the configured decode rate.
 */
class ConcurrencyCapTest {

    private static final String CHAT = "/v1/chat/completions";
    /** 40 tokens at 40 tok/s after 20 ms: each answer holds its slot for about a second. */
    private static final SimModel MODEL = SimModel.of("sim/capped", 20, 40, 40).withLoadMs(0);
    private static final SimModel OTHER = SimModel.of("sim/other", 20, 40, 40).withLoadMs(0);

    @TempDir
    Path dir;

    /** Streams sent at once, each on its own thread. */
    private static List<TestClient.Stream> streamsAtOnce(List<Supplier<TestClient.Stream>> calls)
            throws Exception {
        // a thread per stream: the common pool may have fewer threads than streams
        try (ExecutorService threads = Executors.newFixedThreadPool(calls.size())) {
            List<CompletableFuture<TestClient.Stream>> futures = new ArrayList<>();
            for (Supplier<TestClient.Stream> call : calls) {
                futures.add(CompletableFuture.supplyAsync(call, threads));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            return futures.stream().map(CompletableFuture::join).toList();
        }
    }

    /** Four OpenAI streams for {@link #MODEL} at once. */
    private static List<TestClient.Stream> fourStreams(TestClient client) throws Exception {
        Supplier<TestClient.Stream> call = () -> client.stream(CHAT, streamBody(MODEL.id()));
        return streamsAtOnce(List.of(call, call, call, call));
    }

    private static String streamBody(String model) {
        return TestClient.chat(model, true, "");
    }

    /** Tokens of the whole batch over the time from the first request sent to the last token received. */
    private static double batchRate(List<TestClient.Stream> streams) {
        long start = streams.stream().mapToLong(TestClient.Stream::sentNanos).min().orElseThrow();
        long end = streams.stream().mapToLong(s -> s.sentNanos() + s.tokens().getLast().atNanos()).max()
                .orElseThrow();
        int tokens = streams.stream().mapToInt(s -> s.tokens().size()).sum();
        return tokens / ((end - start) / 1e9);
    }

    private static List<SendLogEntry> log(SimServer sim, int count) throws InterruptedException {
        assertThat(sim.awaitLogged(count, Duration.ofSeconds(10))).isTrue();
        return sim.sendLog().stream().sorted(Comparator.comparingLong(SendLogEntry::receivedNanos)).toList();
    }

    private static long last(SendLogEntry entry) {
        long[] at = entry.scheduledNanos();
        return at[at.length - 1];
    }

    /** Two answers run at once, the other two start exactly when the first two end, and TTFT includes the wait. */
    private static void assertTwoAtOnce(List<SendLogEntry> log, SimModel model) {
        long ttft = Math.round(model.ttftMs(0) * 1e6);
        List<SendLogEntry> direct = log.stream().filter(e -> e.queueNanos() == 0).toList();
        List<SendLogEntry> queued = log.stream().filter(e -> e.queueNanos() > 0).toList();
        assertThat(direct).as("started at once").hasSize(2);
        assertThat(queued).as("queued").hasSize(2);
        List<Long> ends = direct.stream().map(ConcurrencyCapTest::last).sorted().toList();
        List<Long> starts = queued.stream().map(e -> e.scheduledNanos()[0] - ttft).sorted().toList();
        assertThat(starts).as("a queued answer starts when a running one ends").containsExactlyElementsOf(ends);
        assertThat(queued).allSatisfy(e -> {
            assertThat(e.scheduledTtftNanos()).isEqualTo(e.modelLoadNanos() + e.queueNanos() + ttft);
            // the wait is about one whole answer (a second); the margin absorbs the spread of arrival times
            assertThat(e.queueNanos()).isGreaterThan(Duration.ofMillis(700).toNanos());
        });
        for (SendLogEntry entry : log) {
            long begin = entry.scheduledNanos()[0] - ttft;
            long running = log.stream().filter(o -> o.scheduledNanos()[0] - ttft <= begin && last(o) > begin).count();
            assertThat(running).as("answers running at once").isLessThanOrEqualTo(2);
        }
    }

    /** Four streams of {@code rate} tok/s, two at a time: the batch gets about twice one stream's rate. */
    private static void assertTwiceTheRate(List<TestClient.Stream> streams, double rate) {
        assertThat(streams).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
        double batch = batchRate(streams);
        // 4 x 40 tokens in about 2 x (20 ms + 1 s): 2 x rate with the TTFTs; 1 x rate or 4 x rate would be a bug
        assertThat(batch).as("batch tok/s against 2 x %s", rate).isBetween(1.5 * rate, 2.3 * rate);
        List<Double> ttfts = streams.stream().map(TestClient.Stream::ttftMs).sorted().toList();
        assertThat(ttfts.get(1)).as("two start at once").isLessThan(500);
        assertThat(ttfts.get(2)).as("two wait for a whole answer").isGreaterThan(900);
    }

    @Test
    void aRestLoadedInstanceServesAtMostDefaultParallelRequestsAtOnceOnTheOpenAiSurface() throws Exception {
        Path file = dir.resolve("sim.json");
        Files.writeString(file, """
                {"default_parallel": 2, "lmstudio_quirks": false,
                 "models": [{"id": "sim/capped", "tokens_per_second": 40, "ttft_ms": 20, "response_tokens": 40,
                             "load_ms": 0}]}
                """);
        SimConfig config = SimConfig.fromJson(file);
        assertThat(config.defaultParallel()).isEqualTo(2);
        try (SimServer sim = SimServer.start(config); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply loaded = client.post("/api/v1/models/load", "{\"model\":\"sim/capped\"}");
            assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);
            assertThat(sim.loadedModels()).singleElement().satisfies(m -> assertThat(m.parallel()).isEqualTo(2));

            List<TestClient.Stream> streams = fourStreams(client);

            assertTwiceTheRate(streams, MODEL.tokensPerSecond());
            assertTwoAtOnce(log(sim, 4), MODEL);
        }
    }

    @Test
    void maxConcurrentRequestsCapsTheServerWhateverTheSlotsOfTheInstance() throws Exception {
        Path file = dir.resolve("sim.json");
        Files.writeString(file, """
                {"max_concurrent_requests": 2,
                 "models": [{"id": "sim/capped", "tokens_per_second": 40, "ttft_ms": 20, "response_tokens": 40,
                             "load_ms": 0}]}
                """);
        SimConfig config = SimConfig.fromJson(file);
        assertThat(config.maxConcurrentRequests()).isEqualTo(2);
        try (SimServer sim = SimServer.start(config); TestClient client = new TestClient(sim.baseUrl())) {
            // the instance has 4 slots (as a sweep loading for par=4 asks), the server still runs 2 at once
            TestClient.Reply loaded = client.post(LmsEndpoints.LOAD, "{\"model\":\"sim/capped\",\"parallel\":4}");
            assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);

            List<TestClient.Stream> streams = fourStreams(client);

            assertTwiceTheRate(streams, MODEL.tokensPerSecond());
            assertTwoAtOnce(log(sim, 4), MODEL);
        }
    }

    @Test
    void maxConcurrentRequestsCountsEveryModelAndSurfaceStreamingOrNot() throws Exception {
        SimConfig config = SimConfig.defaults().withModels(List.of(MODEL, OTHER)).withMaxConcurrentRequests(2)
                .withJitAutoEvict(false);
        try (SimServer sim = SimServer.start(config); TestClient client = new TestClient(sim.baseUrl())) {
            // JIT loads without an explicit load: each model gets 4 slots of its own, the cap is global
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            replies.add(send(client, CHAT, TestClient.chat(MODEL.id(), true, "")));
            replies.add(send(client, "/api/v0/chat/completions", TestClient.chat(OTHER.id(), false, "")));
            replies.add(send(client, "/api/v1/chat", "{\"model\":\"" + MODEL.id() + "\",\"input\":\"Hi\"}"));
            replies.add(send(client, "/api/chat", "{\"model\":\"" + OTHER.id()
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true}"));
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(replies).allSatisfy(r -> assertThat(r.join().statusCode()).as(r.join().body()).isEqualTo(200));

            assertTwoAtOnce(log(sim, 4), MODEL);
        }
    }

    private static CompletableFuture<HttpResponse<String>> send(TestClient client, String path, String body) {
        HttpRequest request = client.chatRequest(path, body);
        return client.http().sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutACapAllFourRunAtOnceOnFourSlots() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)));
                TestClient client = new TestClient(sim.baseUrl())) {
            List<TestClient.Stream> streams = fourStreams(client);

            assertThat(log(sim, 4)).allSatisfy(e -> assertThat(e.queueNanos()).isZero());
            assertThat(batchRate(streams)).isGreaterThan(3 * MODEL.tokensPerSecond());
        }
    }
}
