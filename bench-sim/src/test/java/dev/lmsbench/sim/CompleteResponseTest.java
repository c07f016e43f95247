package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompleteResponseTest {

    @Test
    void answersWhenTheLastTokenIsDue() throws InterruptedException {
        // 100 ms to the first token, then 19 more at 100 tok/s: due 290 ms after the request was read
        SimModel model = SimModel.of("sim/whole", 100, 100, 20);
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(model)));
                TestClient client = new TestClient(sim.baseUrl())) {
            client.post("/v1/chat/completions", TestClient.chat(model.id(), false, "\"max_tokens\":1"));

            TestClient.Reply reply = client.post("/v1/chat/completions", TestClient.chat(model.id(), false, ""));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.elapsedNanos() / 1e6).as("whole-response latency").isBetween(290.0, 290.0 + 25.0);
            assertThat(sim.awaitLogged(2, Duration.ofSeconds(5))).isTrue();
            SendLogEntry entry = sim.sendLog().getLast();
            assertThat(entry.stream()).isFalse();
            assertThat(entry.roleChunkNanos()).isEqualTo(-1);
            assertThat(entry.tokenNanos()).isEmpty();
            assertThat(entry.scheduledNanos()).hasSize(20);
            long due = entry.scheduledNanos()[19];
            assertThat(due - entry.receivedNanos()).isEqualTo(290_000_000L);
            assertThat(entry.endNanos()).isGreaterThanOrEqualTo(due);
        }
    }
}
