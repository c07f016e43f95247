package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop reading: their writes block once the socket buffers are full, and that must cost only their own
 * streams. The tolerances are those of the sim's own timing tests, measured with its send log (ground truth).
 */
class SlowReaderTest {

    @Test
    void clientsThatNeverReadDoNotDelayTheTokensOfTwentyOtherStreams() throws Exception {
        // floods: 50,000 tok/s for 4 s, far more bytes than the socket buffers hold; one more flood than there are
        // scheduler threads, so a design writing on the scheduler's threads would stall every other stream
        SimModel flood = SimModel.of("sim/flood", 1, 50_000, 200_000);
        SimModel probe = SimModel.of("sim/probe", 50, 100, 20);
        int floods = SimServer.SCHEDULER_THREADS + 1;
        int probes = 20;
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(flood, probe))
                .withDefaultParallel(50)); TestClient client = new TestClient(sim.baseUrl())) {
            // warm-up of both paths, before any flood
            client.stream("/v1/chat/completions", TestClient.chat(probe.id(), true, ""));
            List<RawStream> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < floods; i++) {
                    stalled.add(new RawStream(sim.port(), flood.id(), 4096));
                }
                // long enough for the floods' writes to fill the buffers and block
                Thread.sleep(1_000);
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<String>> bodies = new ArrayList<>();
                    for (int i = 0; i < probes; i++) {
                        bodies.add(pool.submit(() -> {
                            try (RawStream stream = new RawStream(sim.port(), probe.id(), 0)) {
                                return stream.readToDone();
                            }
                        }));
                    }
                    for (Future<String> body : bodies) {
                        assertThat(body.get(20, TimeUnit.SECONDS)).contains("data: [DONE]");
                    }
                }
                assertThat(sim.awaitLogged(1 + probes, Duration.ofSeconds(5))).isTrue();
                List<SendLogEntry> measured = sim.sendLog().stream().filter(e -> e.model().equals(probe.id()))
                        .skip(1).toList();
                assertThat(measured).hasSize(probes).allSatisfy(e -> {
                    assertThat(e.completed()).isTrue();
                    assertThat(e.tokensWritten()).isEqualTo(20);
                });
                double[] ttftErrorMs = measured.stream()
                        .mapToDouble(e -> (e.actualTtftNanos() - e.scheduledTtftNanos()) / 1e6).sorted().toArray();
                double[] lateMs = measured.stream().flatMapToDouble(e -> {
                    long[] planned = e.scheduledNanos();
                    long[] written = e.tokenNanos();
                    double[] late = new double[written.length];
                    for (int i = 0; i < written.length; i++) {
                        late[i] = (written[i] - planned[i]) / 1e6;
                    }
                    return Arrays.stream(late);
                }).sorted().toArray();
                assertThat(ttftErrorMs[ttftErrorMs.length / 2]).as("median TTFT error, ms").isLessThan(10);
                assertThat(lateMs[lateMs.length / 2]).as("median token lateness, ms").isLessThan(10);
                assertThat(lateMs[lateMs.length - 1]).as("the latest token, ms").isLessThan(250);
                assertThat(sim.sendLog()).as("the floods are still blocked, not finished")
                        .noneMatch(e -> e.model().equals(flood.id()));
            } finally {
                for (RawStream stream : stalled) {
                    stream.close();
                }
            }
        }
    }
}
