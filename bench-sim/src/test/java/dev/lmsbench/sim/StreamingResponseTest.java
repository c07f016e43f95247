package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The schedule as a client sees it over loopback. Client and simulator share this JVM's {@link System#nanoTime()},
 * so arrivals are measured from the sim's {@code receivedNanos}: that removes the request's own trip, which is not
 * part of the schedule. Each figure is the median of three streams after a warm-up, so one stall of this shared
 * machine does not decide a test.
 */
class StreamingResponseTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final int RUNS = 5;

    /** One measured stream. */
    private record Measured(double ttftMs, double decodeRate, TestClient.Stream stream, SendLogEntry entry) {
    }

    private static List<Measured> measure(SimModel model, int runs) throws InterruptedException {
        List<Measured> measured = new ArrayList<>();
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(model)));
                TestClient client = new TestClient(sim.baseUrl())) {
            // warm-up: connection, JIT and class loading on both sides; long enough that the scheduler's streaming
            // path is compiled too (a 5-token warm-up left the first measured streams ~5 ms late on a loaded CI box)
            client.stream(CHAT, TestClient.chat(model.id(), true, "\"max_tokens\":60"));
            for (int i = 0; i < runs; i++) {
                TestClient.Stream stream = client.stream(CHAT, TestClient.chat(model.id(), true, ""));
                assertThat(sim.awaitLogged(i + 2, Duration.ofSeconds(5))).isTrue();
                SendLogEntry entry = sim.sendLog().getLast();
                long firstToken = stream.sentNanos() + stream.tokens().getFirst().atNanos();
                measured.add(new Measured((firstToken - entry.receivedNanos()) / 1e6, stream.decodeRate(), stream,
                        entry));
            }
        }
        return measured;
    }

    private static double median(List<Measured> measured, ToDoubleFunction<Measured> figure) {
        double[] values = measured.stream().mapToDouble(figure).sorted().toArray();
        return values[values.length / 2];
    }

    @Test
    void streamsTheFirstTokenAfterTheConfiguredTtftAndDecodesAtTheConfiguredRate() throws InterruptedException {
        List<Measured> measured = measure(SimModel.of("sim/slow", 200, 40, 30), RUNS);

        assertThat(measured).allSatisfy(m -> {
            assertThat(m.stream().tokens()).hasSize(30);
            assertThat(m.stream().ttftMs()).as("TTFT from sending can only be longer").isGreaterThanOrEqualTo(200);
        });
        assertThat(median(measured, Measured::ttftMs)).isCloseTo(200, within(15.0));
        assertThat(median(measured, Measured::decodeRate)).isCloseTo(40, within(40 * 0.05));
    }

    @Test
    void holdsFourHundredTokensPerSecondAfterTwentyMilliseconds() throws InterruptedException {
        List<Measured> measured = measure(SimModel.of("sim/fast", 20, 400, 400), RUNS);

        assertThat(measured).allSatisfy(m -> assertThat(m.stream().tokens()).hasSize(400));
        assertThat(median(measured, Measured::ttftMs)).isCloseTo(20, within(3.0));
        assertThat(median(measured, Measured::decodeRate)).isCloseTo(400, within(400 * 0.02));
    }

    @Test
    void neverWritesATokenBeforeItsScheduledTimeAndLogsTheConfiguredSchedule() throws InterruptedException {
        SimModel model = SimModel.of("sim/fast", 20, 400, 400);
        Measured run = measure(model, 1).getFirst();
        SendLogEntry entry = run.entry();

        assertThat(entry.completed()).isTrue();
        assertThat(entry.tokensWritten()).isEqualTo(400);
        assertThat(entry.roleChunkNanos()).isBetween(entry.receivedNanos(), entry.scheduledNanos()[0]);
        long[] scheduled = entry.scheduledNanos();
        long[] written = entry.tokenNanos();
        for (int i = 0; i < scheduled.length; i++) {
            assertThat(scheduled[i] - entry.receivedNanos()).isEqualTo(Math.round(20e6 + i * 2.5e6));
            assertThat(written[i]).isGreaterThanOrEqualTo(scheduled[i]);
        }
        assertThat(entry.endNanos()).isEqualTo(written[written.length - 1]);
    }

    @Test
    void reproducesTheJitteredScheduleAndTextForTheSameSeed() {
        SimModel jittery = SimModel.of("sim/jitter", 5, 2_000, 40).withJitterFraction(0.4);
        List<long[]> offsets = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (long seed : new long[] {7, 7, 8}) {
            try (SimServer sim = SimServer.start(
                    SimConfig.defaults().withModels(List.of(jittery)).withSeed(seed));
                    TestClient client = new TestClient(sim.baseUrl())) {
                texts.add(client.stream(CHAT, TestClient.chat(jittery.id(), true, "")).content());
                SendLogEntry entry = sim.sendLog().getLast();
                offsets.add(Arrays.stream(entry.scheduledNanos()).map(t -> t - entry.receivedNanos()).toArray());
            }
        }

        assertThat(offsets.get(1)).isEqualTo(offsets.get(0));
        assertThat(texts.get(1)).isEqualTo(texts.get(0));
        assertThat(offsets.get(2)).isNotEqualTo(offsets.get(0));
        assertThat(texts.get(2)).isNotEqualTo(texts.get(0));
    }

    @Test
    void stopsQuietlyAndLogsTheStreamAsAbandonedWhenTheClientHangsUp() throws InterruptedException {
        // 20 s of tokens: the hang-up is noticed long before the stream could end, even on a loaded machine
        SimModel slow = SimModel.of("sim/long", 5, 200, 4000);
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(slow)));
                TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Stream partial = client.stream(CHAT, TestClient.chat(slow.id(), true, ""), 4);
            assertThat(partial.tokens()).hasSize(3);

            assertThat(sim.awaitLogged(1, Duration.ofSeconds(5))).isTrue();
            SendLogEntry entry = sim.sendLog().getFirst();
            assertThat(entry.completed()).isFalse();
            assertThat(entry.tokensWritten()).isBetween(3, 3999);
            assertThat(entry.completionTokens()).isEqualTo(4000);

            assertThat(client.stream(CHAT, TestClient.chat(slow.id(), true, "\"max_tokens\":3")).tokens())
                    .as("the simulator keeps serving").hasSize(3);
        }
    }
}
