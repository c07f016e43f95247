package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Parallel prediction slots: an instance runs at most {@code parallel} requests at once; the next waits for the slot
 * that frees first, and its time to first token includes that wait. Checked against the send log, whose planned
 * times are exact.
 */
class ParallelSlotsTest {

    private static final String CHAT = "/v1/chat/completions";
    /** 20 tokens at 20 tok/s after 20 ms: each answer holds its slot for about a second. */
    private static final SimModel MODEL = SimModel.of("sim/slotted", 20, 20, 20).withLoadMs(0);

    private static List<SendLogEntry> concurrently(SimServer sim, TestClient client, int requests) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            replies.add(client.http().sendAsync(client.chatRequest(CHAT, TestClient.chat(MODEL.id(), true, "")),
                    HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(replies).allSatisfy(r -> assertThat(r.join().statusCode()).isEqualTo(200));
        assertThat(sim.awaitLogged(requests, Duration.ofSeconds(5))).isTrue();
        return sim.sendLog().stream().sorted(Comparator.comparingLong(SendLogEntry::receivedNanos)).toList();
    }

    private static long last(SendLogEntry entry) {
        long[] at = entry.scheduledNanos();
        return at[at.length - 1];
    }

    @Test
    void aRequestBeyondTheSlotsWaitsForTheSlotThatFreesFirstAndItsTtftIncludesTheWait() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)));
                TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply loaded = client.post(LmsEndpoints.LOAD, "{\"model\":\"" + MODEL.id()
                    + "\",\"parallel\":2}");
            assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);

            List<SendLogEntry> log = concurrently(sim, client, 4);

            long ttft = Math.round(MODEL.ttftMs(0) * 1e6);
            List<SendLogEntry> queued = log.stream().filter(e -> e.queueNanos() > 0).toList();
            List<SendLogEntry> direct = log.stream().filter(e -> e.queueNanos() == 0).toList();
            assertThat(direct).as("two slots").hasSize(2);
            assertThat(queued).hasSize(2);
            // each queued request starts when a slot's planned end comes, in order: the first waits for the
            // earlier of the two running answers, the second for the later
            List<Long> ends = direct.stream().map(ParallelSlotsTest::last).sorted().toList();
            List<Long> starts = queued.stream().map(e -> e.scheduledNanos()[0] - ttft).sorted().toList();
            assertThat(starts).containsExactlyElementsOf(ends);
            assertThat(queued).allSatisfy(e -> {
                assertThat(e.scheduledTtftNanos()).isEqualTo(e.queueNanos() + ttft);
                assertThat(e.actualTtftNanos()).isGreaterThanOrEqualTo(e.queueNanos());
                assertThat(e.modelLoadNanos()).isZero();
            });
            assertThat(direct).allSatisfy(e -> assertThat(e.scheduledTtftNanos()).isEqualTo(ttft));
            for (SendLogEntry entry : log) {
                long inFlight = log.stream().filter(o -> o.scheduledNanos()[0] - ttft <= entry.scheduledNanos()[0] - ttft
                        && last(o) > entry.scheduledNanos()[0] - ttft).count();
                assertThat(inFlight).as("answers running at once").isLessThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aJitLoadedInstanceHasFourSlotsAndDefaultParallelChangesThem() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)));
                TestClient client = new TestClient(sim.baseUrl())) {
            client.post(CHAT, TestClient.chat(MODEL.id(), false, "\"max_tokens\":1"));
            assertThat(sim.loadedModels()).singleElement().satisfies(m -> assertThat(m.parallel()).isEqualTo(4));

            List<SendLogEntry> log = concurrently(sim, client, 6).subList(1, 7);

            assertThat(log.stream().filter(e -> e.queueNanos() > 0)).hasSize(2);
            assertThat(client.get("/api/v1/models").json().at("/models/0/loaded_instances/0/config/parallel").asInt())
                    .isEqualTo(4);
        }
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)).withDefaultParallel(6));
                TestClient client = new TestClient(sim.baseUrl())) {
            List<SendLogEntry> log = concurrently(sim, client, 6);

            assertThat(log).allSatisfy(e -> assertThat(e.queueNanos()).isZero());
            assertThat(sim.loadedModels()).singleElement().satisfies(m -> assertThat(m.parallel()).isEqualTo(6));
        }
    }
}
