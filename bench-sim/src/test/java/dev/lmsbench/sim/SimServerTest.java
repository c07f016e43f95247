package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class SimServerTest {

    private static final String CHAT = "/v1/chat/completions";

    @Test
    void bindsAFreeLoopbackPortAndReportsItsUrls() {
        try (SimServer sim = SimServer.start(SimConfig.defaults())) {
            assertThat(sim.port()).isPositive();
            assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port());
            assertThat(sim.apiBaseUrl()).isEqualTo(sim.baseUrl() + "/v1");
            assertThat(sim.config()).isEqualTo(SimConfig.defaults());
        }
    }

    @Test
    void failsWithTheAddressWhenThePortIsTaken() {
        try (SimServer first = SimServer.start(SimConfig.defaults())) {
            assertThatThrownBy(() -> SimServer.start(SimConfig.defaults().withPort(first.port())))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port());
        }
    }

    @Test
    void closeStopsServingAndReleasesWaiters() throws Exception {
        SimServer sim = SimServer.start(SimConfig.defaults());
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            try {
                sim.awaitClose();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(client.get("/v1/models").status()).isEqualTo(200);
            assertThat(waiter).isNotDone();

            sim.close();
            sim.close();

            waiter.get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> client.get("/v1/models")).hasCauseInstanceOf(ConnectException.class);
        }
    }

    @Test
    void streamsTwoHundredConcurrentRequestsWithoutAPlatformThreadPerStream() throws Exception {
        // 300 ms to the first token, then 29 more at 25 tok/s: each stream lasts about 1.5 s, so they overlap
        SimModel model = SimModel.of("sim/crowd", 300, 25, 30);
        int streams = 200;
        // a slot per stream: this is about the scheduler, not LM Studio's 4 parallel slots, which would queue them
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(model))
                .withDefaultParallel(streams)); TestClient client = new TestClient(sim.baseUrl())) {
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                replies.add(client.http().sendAsync(client.chatRequest(CHAT, TestClient.chat(model.id(), true, "")),
                        HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(25, TimeUnit.SECONDS);

            for (CompletableFuture<HttpResponse<String>> reply : replies) {
                String body = reply.join().body();
                List<String> events = Arrays.stream(body.split("\n\n")).map(e -> e.substring("data: ".length()))
                        .toList();
                assertThat(events).hasSize(1 + 30 + 1 + 1);
                assertThat(events.getLast()).isEqualTo("[DONE]");
                assertThat(events.subList(1, 31)).allSatisfy(e -> assertThat(e).contains("\"content\":\""));
            }
            assertThat(sim.awaitLogged(streams, Duration.ofSeconds(5))).isTrue();
            List<SendLogEntry> log = sim.sendLog();
            assertThat(log).hasSize(streams).allSatisfy(entry -> {
                assertThat(entry.completed()).isTrue();
                assertThat(entry.completionTokens()).isEqualTo(30);
                assertThat(entry.tokensWritten()).isEqualTo(30);
                assertThat(entry.queueNanos()).as("no stream waited for a slot").isZero();
            });
            assertThat(log).extracting(SendLogEntry::sequence).doesNotHaveDuplicates();
            assertThat(peakConcurrency(log)).as("streams in flight at once").isGreaterThan(streams / 2);
            String prefix = "lmsbench-sim-" + sim.port() + "-";
            // getAllStackTraces lists platform threads only: the streams' and requests' virtual threads are not
            // among them, so the sim's platform threads are the scheduler's few
            List<String> simThreads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(name -> name.startsWith(prefix)).toList();
            assertThat(simThreads).allSatisfy(name -> assertThat(name).contains("-timer-"))
                    .hasSizeLessThanOrEqualTo(SimServer.SCHEDULER_THREADS);
        } catch (TimeoutException e) {
            throw new AssertionError("200 streams did not finish in time", e);
        } catch (ExecutionException e) {
            throw new AssertionError("a stream failed", e.getCause());
        }
    }

    /** The most streams that were between request and last token at the same instant. */
    private static int peakConcurrency(List<SendLogEntry> log) {
        long[][] edges = new long[log.size() * 2][];
        int i = 0;
        for (SendLogEntry entry : log) {
            edges[i++] = new long[] {entry.receivedNanos(), +1};
            edges[i++] = new long[] {entry.endNanos(), -1};
        }
        Arrays.sort(edges, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int current = 0;
        int peak = 0;
        for (long[] edge : edges) {
            current += (int) edge[1];
            peak = Math.max(peak, current);
        }
        return peak;
    }
}
