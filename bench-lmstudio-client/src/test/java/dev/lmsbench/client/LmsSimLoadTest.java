package dev.lmsbench.client;

import dev.lmsbench.sim.FakeLms;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadDetails;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.sim.LoadedModel;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load path against the simulator, the independent witness: a {@link FakeLms} loads through the simulator's
 * private {@code POST /__sim/lms/load}, and the client reads the instance back from the simulator's own
 * {@code GET /api/v1/models}; {@link LmStudioLoadPathTest} covers the same behaviour against WireMock.
 */
class LmsSimLoadTest {

    private static final String MODEL = "sim/llama-3.2-3b-instruct@q4_k_m";

    @TempDir
    Path dir;

    private SimServer sim;

    @BeforeEach
    void startSim() throws IOException {
        sim = SimServer.start(SimConfig.defaults());
    }

    @AfterEach
    void stopSim() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void loadsParallelSlotsThroughLmsIntoTheSimulatorAndReadsTheSlotsBackFromIt() throws Exception {
        FakeLms lms = FakeLms.create(dir);
        try (LmStudioClient client = LmStudioClient.builder(ClientConfig.of(sim.baseUrl())).lms(TestLms.cli(lms)).build()) {
            LoadDetails details = client.load(ModelInfo.named(MODEL), LoadConfig.ofContext(4096).withParallel(4))
                    .details();

            assertThat(lms.calls()).containsExactly("load " + MODEL + " --yes --context-length 4096 --parallel 4"
                    + " --port " + sim.port());
            assertThat(details).isEqualTo(new LoadDetails("lms", MODEL, 4096, 4, Double.NaN, -1, List.of(),
                    List.of()));
            assertThat(sim.loadedModels()).hasSize(1);

            client.unload(ModelInfo.named(MODEL));
            assertThat(sim.loadedModels()).as("unloaded through REST").isEmpty();
        }
    }

    @Test
    void withoutLmsTheSimulatorsRestLoadGetsItsDefaultSlotsAndTheNoteSaysHowMany() throws Exception {
        try (LmStudioClient client = LmStudioClient.create(sim.baseUrl())) {
            LoadDetails details = client.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withParallel(1)).details();

            assertThat(details.method()).isEqualTo("rest");
            assertThat(details.parallel()).as("LM Studio's default for REST loads (lmstudio-bug-tracker #2061)")
                    .isEqualTo(4);
            assertThat(details.notes()).containsExactly("parallel 1 not applied: LM Studio's REST load cannot set it"
                    + " and lms is not installed; the instance has 4 slots");
            client.unload(ModelInfo.named(MODEL));
        }
    }

    @Test
    void findsTheInstancesLmStudioLoadedAgainForConcurrentRequestsAndUnloadsThemWithItsOwn() throws Exception {
        sim.close();
        // loads take 300 ms, so concurrent requests arrive while the just-in-time load runs (duplicate_jit_instances)
        sim = SimServer.start(SimConfig.defaults().withModels(SimConfig.defaults().models().stream()
                .map(m -> m.withLoadMs(300)).toList()));
        try (LmStudioClient client = LmStudioClient.create(sim.baseUrl())) {
            client.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT);
            // the instance goes away (TTL, the user), then three requests come at once
            post("/api/v1/models/unload", "{\"instance_id\": \"" + MODEL + "\"}");
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                List<java.util.concurrent.Future<?>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    calls.add(pool.submit(() -> client.infer(new InferenceRequest(MODEL, "Say hello", 8, 0.0, true,
                            Duration.ofSeconds(30)))));
                }
                for (var call : calls) {
                    call.get();
                }
            }
            assertThat(sim.loadedModels()).hasSize(3);

            List<String> duplicates = client.duplicateInstances(ModelInfo.named(MODEL));
            // the first just-in-time instance took the name of ours; the two started beside it are duplicates
            assertThat(duplicates).containsExactly(MODEL + ":2", MODEL + ":3");
            client.unload(ModelInfo.named(MODEL));
            assertThat(sim.loadedModels()).as("the duplicates are unloaded with our own").isEmpty();
        }
    }

    private void post(String path, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(sim.baseUrl() + path).toURL().openConnection();
        try {
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            assertThat(c.getResponseCode()).isEqualTo(200);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void sendsMeasuredRequestsToItsOwnInstanceWhenTheUserHadTheModelLoaded() throws Exception {
        FakeLms lms = FakeLms.create(dir);
        try (LmStudioClient user = LmStudioClient.create(sim.baseUrl());
             LmStudioClient client = LmStudioClient.builder(ClientConfig.of(sim.baseUrl())).lms(TestLms.cli(lms)).build()) {
            user.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT);

            LoadDetails details = client.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withParallel(2)).details();
            client.infer(new InferenceRequest(MODEL, "Say hello", 8, 0.0, false, Duration.ofSeconds(30)));
            client.unload(ModelInfo.named(MODEL));

            assertThat(details.instanceId()).isEqualTo(MODEL + ":2");
            assertThat(details.parallel()).isEqualTo(2);
            // the simulator ran the request on our instance, not the user's
            assertThat(sim.sendLog()).hasSize(1).allSatisfy(e -> assertThat(e.instanceId()).isEqualTo(MODEL + ":2"));
            assertThat(sim.loadedModels()).extracting(LoadedModel::instanceId).as("the user's instance is left")
                    .containsExactly(MODEL);
        }
    }
}
