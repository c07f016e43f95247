package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator's own backend for a fake {@code lms} ({@code /__sim/lms/load}, {@code /__sim/lms/unload}), and
 * what its loads carry: GPU offload (a slower decode rate) and an idle TTL.
 */
class LmsEndpointsTest {

    private static final String CHAT = "/v1/chat/completions";
    /** 100 tok/s on the GPU, 20 on the CPU; loads in 100 ms and takes 1 GB. */
    private static final SimModel MODEL = SimModel.of("sim/lms-model@q4_k_m", 5, 100, 12).withLoadMs(100)
            .withMemoryBytes(1_000_000_000L).withCpuTokensPerSecond(20);
    private static final SimModel SECOND = SimModel.of("sim/second", 5, 1_000, 4).withLoadMs(0);
    /** At most 4096 tokens of context. */
    private static final SimModel LIMITED = new SimModel("sim/limited", "llm", "", "", "", -1, 4_096, 5, 1_000, 0, 0,
            0, 4, true).withLoadMs(0);

    private static SimServer start() {
        return SimServer.start(SimConfig.defaults().withModels(List.of(MODEL, SECOND, LIMITED)));
    }

    private static String load(String extra) {
        return "{\"model\":\"" + MODEL.id() + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void loadAnswersWhenTheLoadFinishesWithTheIdentifierAndTheInstanceConfig() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply reply = client.post(LmsEndpoints.LOAD, load("\"context_length\":2048,\"parallel\":3,"
                    + "\"gpu\":0.5,\"ttl\":600,\"identifier\":\"bench-1\""));

            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.elapsedNanos()).isGreaterThanOrEqualTo(MODEL.loadMs() * 1_000_000);
            assertThat(reply.json()).isEqualTo(TestClient.parse("{\"identifier\":\"bench-1\",\"load_time_seconds\":0.1,"
                    + "\"config\":{\"context_length\":2048,\"parallel\":3,\"gpu_offload\":0.5,\"ttl_seconds\":600}}"));
            assertThat(sim.loadedModels()).singleElement().satisfies(m -> {
                assertThat(m.instanceId()).isEqualTo("bench-1");
                assertThat(m.modelId()).isEqualTo(MODEL.id());
                assertThat(m.jit()).isFalse();
                assertThat(m.loading()).isFalse();
                assertThat(m.config().contextLength()).isEqualTo(2048);
                assertThat(m.parallel()).isEqualTo(3);
                assertThat(m.gpuOffload()).isEqualTo(0.5);
                assertThat(m.ttlSeconds()).isEqualTo(600);
            });
            JsonNode listed = client.get("/api/v1/models").json().path("models").get(0).path("loaded_instances");
            assertThat(listed.get(0).path("id").asText()).isEqualTo("bench-1");
            assertThat(listed.get(0).at("/config/parallel").asInt()).isEqualTo(3);
            // the instance answers by its identifier
            assertThat(client.post(CHAT, TestClient.chat("bench-1", false, "")).json().path("model").asText())
                    .isEqualTo("bench-1");

            JsonNode plain = client.post(LmsEndpoints.LOAD, load("")).json();
            assertThat(plain).isEqualTo(TestClient.parse("{\"identifier\":\"" + MODEL.id() + "\","
                    + "\"load_time_seconds\":0.1,\"config\":{\"context_length\":" + MODEL.defaultContextLength()
                    + ",\"parallel\":4,\"gpu_offload\":1.0,\"ttl_seconds\":null}}"));
            JsonNode taken = client.post(LmsEndpoints.LOAD, load("\"identifier\":\"bench-1\"")).json();
            assertThat(taken.path("identifier").asText()).as("a taken identifier falls back to LM Studio's names")
                    .isEqualTo(MODEL.id() + ":2");

            TestClient.Reply unloaded = client.post(LmsEndpoints.UNLOAD, "{\"identifier\":\"bench-1\"}");
            assertThat(unloaded.status()).isEqualTo(200);
            assertThat(unloaded.json()).isEqualTo(TestClient.parse("{\"identifier\":\"bench-1\"}"));
            assertThat(sim.loadedModels()).extracting(LoadedModel::instanceId)
                    .containsExactly(MODEL.id(), MODEL.id() + ":2");
            TestClient.Reply again = client.post(LmsEndpoints.UNLOAD, "{\"identifier\":\"bench-1\"}");
            assertThat(again.status()).isEqualTo(404);
            assertThat(again.json().at("/error/type").asText()).isEqualTo("model_not_found");
        }
    }

    @Test
    void loadRefusesUnknownModelsBadFieldsTooLongContextsAndTooLittleMemoryInTheV1ErrorShape() {
        SimConfig small = SimConfig.defaults().withModels(List.of(MODEL, LIMITED)).withMemoryBytes(1_500_000_000L);
        try (SimServer sim = SimServer.start(small); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply unknown = client.post(LmsEndpoints.LOAD, "{\"model\":\"sim/nope\"}");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().at("/error/type").asText()).isEqualTo("model_not_found");
            for (String bad : List.of("\"parallel\":0", "\"gpu\":1.5", "\"ttl\":-1", "\"identifier\":\"\"",
                    "\"gpu_layers\":3")) {
                TestClient.Reply refused = client.post(LmsEndpoints.LOAD, load(bad));
                assertThat(refused.status()).as(bad).isEqualTo(400);
                assertThat(refused.json().at("/error/type").asText()).isEqualTo("invalid_request");
            }
            TestClient.Reply tooLong = client.post(LmsEndpoints.LOAD, "{\"model\":\"" + LIMITED.id()
                    + "\",\"context_length\":8192}");
            assertThat(tooLong.status()).isEqualTo(400);
            assertThat(tooLong.json().at("/error/code").asText()).isEqualTo("invalid_load_config");
            assertThat(tooLong.json().at("/error/param").asText()).isEqualTo("context_length");
            assertThat(sim.loadedModels()).isEmpty();

            assertThat(client.post(LmsEndpoints.LOAD, load("")).status()).isEqualTo(200);
            TestClient.Reply full = client.post(LmsEndpoints.LOAD, load(""));
            assertThat(full.status()).isEqualTo(400);
            assertThat(full.json().at("/error/code").asText()).isEqualTo("model_load_failed");
            assertThat(full.json().at("/error/message").asText()).contains("insufficient system resources");
            assertThat(client.get("/__sim/lms/load").status()).as("POST only").isEqualTo(405);
        }
    }

    @Test
    void theLmsEndpointsNeedTheApiTokenLikeEveryOtherEndpoint() {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)).withApiToken("s3cret"));
                TestClient anonymous = new TestClient(sim.baseUrl());
                TestClient right = new TestClient(sim.baseUrl()).withToken("s3cret")) {
            assertThat(anonymous.post(LmsEndpoints.LOAD, load("")).status()).isEqualTo(401);
            assertThat(sim.loadedModels()).isEmpty();
            assertThat(right.post(LmsEndpoints.LOAD, load("")).status()).isEqualTo(200);
        }
    }

    // ---------------------------------------------------------------- GPU offload

    @Test
    void aPartialGpuOffloadDecodesAtTheMixedRateAndStatsReportIt() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            client.post(LmsEndpoints.LOAD, load("\"gpu\":0.5"));

            JsonNode body = client.post("/api/v0/chat/completions", TestClient.chat(MODEL.id(), false, "")).json();

            // half the layers at 100 tok/s, half at 20: 1 / (0.5 / 100 + 0.5 / 20) = 33.3 tok/s
            double rate = 1 / (0.5 / 100 + 0.5 / 20);
            assertThat(MODEL.decodeRate(0.5)).isCloseTo(rate, within(1e-9));
            assertThat(body.at("/stats/tokens_per_second").asDouble()).isCloseTo(rate, within(1e-9));
            assertThat(body.at("/stats/generation_time").asDouble()).isCloseTo(12 / rate, within(1e-9));
            long[] at = sim.sendLog().getLast().scheduledNanos();
            assertThat((at[at.length - 1] - at[0]) / 1e9).isCloseTo(11 / rate, within(1e-8));
            JsonNode v1 = client.post("/api/v1/chat", "{\"model\":\"" + MODEL.id() + "\",\"input\":\"Hi\"}").json();
            assertThat(v1.at("/stats/tokens_per_second").asDouble()).isCloseTo(rate, within(1e-9));
            assertThat(client.get("/api/ps").json().at("/models/0/size_vram").asLong()).isEqualTo(500_000_000L);
        }
    }

    @Test
    void allOnTheGpuDecodesAtTheModelsRateAndNoneAtTheCpuRateWhichDefaultsToAFifth() {
        assertThat(MODEL.decodeRate(1.0)).isEqualTo(100.0);
        assertThat(MODEL.decodeRate(0.0)).isEqualTo(20.0);
        assertThat(SECOND.cpuDecodeRate()).isEqualTo(200.0);
        assertThat(SECOND.withTokensPerSecond(50).cpuDecodeRate()).as("derived from the current rate").isEqualTo(10.0);
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            client.post(LmsEndpoints.LOAD, load("\"gpu\":0"));

            JsonNode body = client.post("/api/v0/chat/completions", TestClient.chat(MODEL.id(), false, "")).json();

            assertThat(body.at("/stats/tokens_per_second").asDouble()).isEqualTo(20.0);
            long[] at = sim.sendLog().getLast().scheduledNanos();
            assertThat(at[1] - at[0]).isEqualTo(50_000_000L);
        }
    }

    // ---------------------------------------------------------------- TTL

    /** Waits until nothing of {@code instanceId} is loaded; returns when that was seen. */
    private static long awaitUnloaded(SimServer sim, String instanceId) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (sim.loadedModels().stream().noneMatch(m -> m.instanceId().equals(instanceId))) {
                return System.nanoTime();
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(instanceId + " was not unloaded within 10 s");
    }

    @Test
    void anIdleInstanceIsUnloadedOnceItsTtlPassedButNotWhileARequestIsInFlight() {
        // 60 tokens at 20 tok/s: the answer takes 3 s, longer than the TTL of 2 s
        SimModel slow = SimModel.of("sim/slow@q4_k_m", 5, 20, 60).withLoadMs(0);
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(slow)));
                TestClient client = new TestClient(sim.baseUrl())) {
            client.post(LmsEndpoints.LOAD, "{\"model\":\"" + slow.id() + "\",\"ttl\":2}");

            TestClient.Reply answer = client.post(CHAT, TestClient.chat(slow.id(), false, ""));
            long answered = System.nanoTime();

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.elapsedNanos()).isGreaterThan(2_000_000_000L);
            assertThat(sim.loadedModels()).as("the request in flight kept it loaded").hasSize(1);
            long gone = awaitUnloaded(sim, slow.id());
            long[] planned = sim.sendLog().getLast().scheduledNanos();
            assertThat(gone - planned[planned.length - 1]).as("idle for the TTL after the answer's end")
                    .isGreaterThan(2_000_000_000L);
            assertThat(gone - answered).isLessThan(8_000_000_000L);
            assertThat(sim.memoryUsedBytes()).isZero();
        }
    }

    @Test
    void aJitLoadTakesTheRequestsTtlOrLmStudiosSixtyMinutes() {
        try (SimServer sim = start(); TestClient client = new TestClient(sim.baseUrl())) {
            client.post(CHAT, TestClient.chat(SECOND.id(), false, ""));
            assertThat(sim.loadedModels()).singleElement()
                    .satisfies(m -> assertThat(m.ttlSeconds()).isEqualTo(3_600));

            long sent = System.nanoTime();
            TestClient.Reply jit = client.post("/api/v0/chat/completions", TestClient.chat(MODEL.id(), false,
                    "\"ttl\":1"));

            assertThat(jit.status()).isEqualTo(200);
            assertThat(sim.loadedModels()).extracting(LoadedModel::ttlSeconds).containsExactly(1L);
            assertThat(awaitUnloaded(sim, MODEL.id()) - sent).isGreaterThanOrEqualTo(1_000_000_000L);
            assertThat(client.post("/api/v1/chat", "{\"model\":\"" + SECOND.id() + "\",\"input\":\"Hi\",\"ttl\":7}")
                    .status()).isEqualTo(200);
            assertThat(sim.loadedModels()).extracting(LoadedModel::ttlSeconds).containsExactly(7L);
            assertThat(client.post(CHAT, TestClient.chat(SECOND.id(), false, "\"ttl\":0")).status())
                    .isEqualTo(400);
            assertThat(client.post("/api/v1/chat", "{\"model\":\"" + SECOND.id() + "\",\"input\":\"Hi\",\"ttl\":\"x\"}")
                    .status()).isEqualTo(400);
        }
    }
}
