package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Two thousand streams at once, each on its own connection, read by virtual threads over bare sockets. */
class ThousandsOfStreamsTest {

    private static final Pattern CONTENT = Pattern.compile("\"content\":\"(?!\")");

    @Test
    void twoThousandConcurrentStreamsAllCompleteWithTheirTokens() throws Exception {
        // 1.5 s to the first token, then 9 more at 20 tok/s: every stream is still open when the last one starts
        SimModel model = SimModel.of("sim/crowd", 1_500, 20, 10);
        int streams = 2_000;
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(model))
                .withDefaultParallel(streams))) {
            List<Future<String>> bodies = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < streams; i++) {
                    bodies.add(pool.submit(() -> {
                        try (RawStream stream = new RawStream(sim.port(), model.id(), 0)) {
                            return stream.readToDone();
                        }
                    }));
                }
                for (Future<String> body : bodies) {
                    String text = body.get(60, TimeUnit.SECONDS);
                    assertThat(text).contains("data: [DONE]");
                    Matcher content = CONTENT.matcher(text);
                    int tokens = 0;
                    while (content.find()) {
                        tokens++;
                    }
                    assertThat(tokens).as("content chunks of one stream").isEqualTo(10);
                }
            }
            assertThat(sim.awaitLogged(streams, Duration.ofSeconds(10))).isTrue();
            List<SendLogEntry> log = sim.sendLog();
            assertThat(log).hasSize(streams).allSatisfy(e -> {
                assertThat(e.completed()).isTrue();
                assertThat(e.tokensWritten()).isEqualTo(10);
                assertThat(e.queueNanos()).isZero();
            });
            long lastReceived = log.stream().mapToLong(SendLogEntry::receivedNanos).max().orElseThrow();
            long firstEnd = log.stream().mapToLong(SendLogEntry::endNanos).min().orElseThrow();
            assertThat(lastReceived).as("every stream was in flight at once").isLessThan(firstEnd);
        }
    }
}
