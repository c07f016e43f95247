package dev.lmsbench.client;

import dev.lmsbench.sim.FakeLms;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadDetails;
import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.InferenceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The LM Studio load path: {@code lms load} for what the REST load cannot set, the REST fallback and its notes, the
 * instance read back from {@code GET /api/v1/models}, duplicates, routing and the runtime from {@code lms}. The
 * {@code lms} is a {@link FakeLms} script that loads through {@code POST /__sim/lms/load}; here WireMock answers that
 * endpoint (the simulator's shape, see {@link FakeLms}) and moves a scenario on, so the model list served next shows
 * the instance. The model lists have the shape of https://lmstudio.ai/docs/developer/rest/list, with
 * {@code config.parallel} as newer LM Studio versions list it.
 */
class LmStudioLoadPathTest {

    @RegisterExtension
    static final WireMockExtension SERVER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final String MODEL = "qwen/qwen3-8b";
    private static final String SERVER_STATE = "server";
    private static final String LOADED = "loaded";

    @TempDir
    Path dir;

    private final List<LmStudioClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(LmStudioClient::close);
    }

    // ---- lms load ----

    @Test
    void loadsParallelSlotsThroughLmsAndReadsTheSlotsBackFromTheModelList() throws BackendException {
        FakeLms lms = FakeLms.create(dir);
        modelsIn(Scenario.STARTED);
        lmsLoadAnswers(MODEL, 4096, 4);
        modelsIn(LOADED, instance(MODEL, 4096, 4));

        LoadOutcome outcome = client(lms).load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withParallel(4));

        assertThat(lms.calls()).containsExactly("load " + MODEL + " --yes --parallel 4 --port " + port());
        assertThat(outcome.details()).isEqualTo(new LoadDetails("lms", MODEL, 4096, 4, Double.NaN, -1, List.of(),
                List.of()));
        assertThat(outcome.managed()).isTrue();
        SERVER.verify(postRequestedFor(urlPathEqualTo("/__sim/lms/load"))
                .withRequestBody(equalToJson("{\"model\":\"" + MODEL + "\",\"parallel\":4}")));
        SERVER.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/models/load")));
    }

    @Test
    void passesGpuOffloadTtlAndContextToLmsAndReportsWhatWasAsked() throws BackendException {
        FakeLms lms = FakeLms.create(dir);
        modelsIn(Scenario.STARTED);
        lmsLoadAnswers(MODEL, 8192, 4);
        modelsIn(LOADED, instance(MODEL, 8192, 4));
        LoadConfig config = LoadConfig.ofContext(8192).withGpuOffload(1.0).withTtlSeconds(600);

        LoadDetails details = client(lms).load(ModelInfo.named(MODEL), config).details();

        assertThat(lms.calls()).containsExactly("load " + MODEL + " --yes --context-length 8192 --gpu max --ttl 600"
                + " --port " + port());
        assertThat(details).isEqualTo(new LoadDetails("lms", MODEL, 8192, 4, 1.0, 600, List.of(), List.of()));
    }

    @Test
    void notesWhatTheLoadedInstanceDoesNotHaveAndTheSettingsLmsHasNoFlagFor() throws BackendException {
        FakeLms lms = FakeLms.create(dir);
        modelsIn(Scenario.STARTED);
        lmsLoadAnswers(MODEL, 4096, 2);
        modelsIn(LOADED, instance(MODEL, 4096, 2));
        LoadConfig config = LoadConfig.ofContext(16384).withParallel(4).withTtlSeconds(60);
        config = new LoadConfig(config.contextLength(), null, null, null, true, null, null, null, null, null,
                config.ttlSeconds(), null, null, config.parallel(), null);

        LoadDetails details = client(lms).load(ModelInfo.named(MODEL), config).details();

        assertThat(details.notes()).containsExactly(
                "flash_attention not applied: lms load has no flag for it",
                "parallel 4 asked, the instance has 2 slots",
                "context length 16384 asked, the instance has 4096");
        assertThat(details.parallel()).isEqualTo(2);
    }

    @Test
    void namesTheInstanceItLoadedWhenTheUserHadTheModelLoadedAndSendsMeasuredRequestsToIt() throws BackendException {
        FakeLms lms = FakeLms.create(dir);
        modelsIn(Scenario.STARTED, instance(MODEL, 4096, 4));
        lmsLoadAnswers(MODEL + ":2", 8192, 1);
        modelsIn(LOADED, instance(MODEL, 4096, 4), instance(MODEL + ":2", 8192, 1));
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(MODEL + ":2")))
                .willReturn(okJson(LmStudioStubs.mappings("chat-completions-v0.json").get(0).path("response")
                        .path("jsonBody").toString())));
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/unload")).willReturn(okJson("{}")));
        LmStudioClient client = client(lms);

        LoadDetails details = client.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withParallel(1)).details();
        String answer = client.infer(new InferenceRequest(MODEL, "Say hello", 64, SamplingParams.ofTemperature(0.2),
                false, Duration.ofSeconds(10))).content();
        client.unload(ModelInfo.named(MODEL));

        assertThat(details.instanceId()).isEqualTo(MODEL + ":2");
        assertThat(details.parallel()).isEqualTo(1);
        assertThat(answer).as("the request named the instance this client loaded").isEqualTo("Hello there!");
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/unload")));
        SERVER.verify(postRequestedFor(urlPathEqualTo("/api/v1/models/unload"))
                .withRequestBody(equalToJson("{\"instance_id\":\"" + MODEL + ":2\"}")));
    }

    // ---- the REST fallback ----

    @Test
    void fallsBackToRestWithNotesWhenLmsFailsAndSendsOnlyDocumentedKeys() throws BackendException {
        FakeLms lms = FakeLms.create(dir).failingLoads("Error: LM Studio is not running.");
        modelsIn(Scenario.STARTED);
        restLoadAnswers(MODEL);
        modelsIn(LOADED, instance(MODEL, 4096, 4));

        LoadDetails details = client(lms).load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withParallel(2)).details();

        assertThat(lms.calls()).hasSize(1);
        assertThat(details.method()).isEqualTo("rest");
        assertThat(details.parallel()).as("read back, not what was asked").isEqualTo(4);
        assertThat(details.notes()).containsExactly(
                "loaded through LM Studio's REST API instead: " + lms.executable() + " load " + MODEL + " --yes"
                        + " --parallel 2 --port " + port() + " failed with exit code 1: Error: LM Studio is not"
                        + " running.",
                "parallel 2 not applied: LM Studio's REST load cannot set it and lms load failed; the instance has 4"
                        + " slots");
        // equalToJson is exact: a parallel key (which LM Studio rejects) would not match
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/load"))
                .withRequestBody(equalToJson("{\"model\":\"" + MODEL + "\",\"echo_load_config\":true}")));
    }

    @Test
    void withoutLmsLoadsThroughRestAndNotesTheSlotsTheInstanceReallyHas() throws BackendException {
        modelsIn(Scenario.STARTED);
        restLoadAnswers(MODEL);
        modelsIn(LOADED, instance(MODEL, 4096, 4));
        LmStudioClient client = track(LmStudioClient.create(SERVER.baseUrl()));

        LoadDetails details = client.load(ModelInfo.named(MODEL),
                LoadConfig.DEFAULT.withParallel(2).withGpuOffload(0.5).withTtlSeconds(600)).details();

        assertThat(details).isEqualTo(new LoadDetails("rest", MODEL, 4096, 4, 0.5, 600, List.of(
                "parallel 2 not applied: LM Studio's REST load cannot set it and lms is not installed; the instance"
                        + " has 4 slots",
                "GPU offload 0.5 not applied: LM Studio's REST load cannot set it and lms is not installed",
                "TTL 600 s not applied: LM Studio's REST load cannot set it and lms is not installed"), List.of()));
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/load"))
                .withRequestBody(equalToJson("{\"model\":\"" + MODEL + "\",\"echo_load_config\":true}")));
    }

    @Test
    void loadsAContextOnlyConfigurationThroughRestWithoutRunningLms() throws BackendException {
        FakeLms lms = FakeLms.create(dir);
        modelsIn(Scenario.STARTED);
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load")).inScenario(SERVER_STATE)
                .withRequestBody(equalToJson("{\"model\":\"" + MODEL + "\",\"context_length\":8192,"
                        + "\"echo_load_config\":true}"))
                .willSetStateTo(LOADED).willReturn(okJson(loadAnswer(MODEL))));
        modelsIn(LOADED, instance(MODEL, 8192, 4));

        LoadDetails details = client(lms).load(ModelInfo.named(MODEL), LoadConfig.ofContext(8192)).details();

        assertThat(lms.calls()).isEmpty();
        assertThat(details).isEqualTo(new LoadDetails("rest", MODEL, 8192, 4, Double.NaN, -1, List.of(), List.of()));
    }

    @Test
    void unloadsWhatLmsLoadedInsteadOfTheModelAndLoadsTheModelThroughRest() throws BackendException {
        // lms matches the key fuzzily: here it loaded another model whose path also matched
        FakeLms lms = FakeLms.create(dir);
        modelsIn(Scenario.STARTED);
        SERVER.stubFor(post(urlPathEqualTo("/__sim/lms/load")).inScenario(SERVER_STATE)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("stray")
                .willReturn(okJson(lmsAnswer(MODEL + "-instruct", 4096, 4))));
        modelsIn("stray");
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/unload")).willReturn(okJson("{}")));
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load")).inScenario(SERVER_STATE)
                .whenScenarioStateIs("stray").willSetStateTo(LOADED).willReturn(okJson(loadAnswer(MODEL))));
        modelsIn(LOADED, instance(MODEL, 4096, 4));

        LoadDetails details = client(lms).load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withTtlSeconds(60))
                .details();

        assertThat(details.method()).isEqualTo("rest");
        assertThat(details.notes()).containsExactly(
                "lms load " + MODEL + " loaded " + MODEL + "-instruct instead (lms matches the key fuzzily); it was"
                        + " unloaded again",
                "TTL 60 s not applied: LM Studio's REST load cannot set it and lms load did not load it");
        SERVER.verify(postRequestedFor(urlPathEqualTo("/api/v1/models/unload"))
                .withRequestBody(equalToJson("{\"instance_id\":\"" + MODEL + "-instruct\"}")));
    }

    @Test
    void aCancelledLmsLoadLeavesNothingLoadedThatUnloadDoesNotRemove() throws Exception {
        FakeLms lms = FakeLms.create(dir).hangingAfterLoad();
        modelsIn(Scenario.STARTED);
        lmsLoadAnswers(MODEL, 4096, 4);
        modelsIn(LOADED, instance(MODEL, 4096, 4));
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/unload")).willReturn(okJson("{}")));
        LmStudioClient client = client(lms);
        CompletableFuture<BackendException> load = CompletableFuture.supplyAsync(() -> catchThrowableOfType(
                BackendException.class, () -> client.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withParallel(4))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (SERVER.findAll(postRequestedFor(urlPathEqualTo("/__sim/lms/load"))).isEmpty()
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        client.cancelInFlight();
        BackendException cancelled = load.get(20, TimeUnit.SECONDS);
        client.unload(ModelInfo.named(MODEL));

        assertThat(cancelled.kind()).isEqualTo(BackendException.Kind.CANCELLED);
        SERVER.verify(postRequestedFor(urlPathEqualTo("/api/v1/models/unload"))
                .withRequestBody(equalToJson("{\"instance_id\":\"" + MODEL + "\"}")));
    }

    // ---- servers before 0.4 ----

    @Test
    void readsTheLoadedContextLengthFromTheV0ModelListOnServersBefore04() throws BackendException {
        FakeLms lms = FakeLms.create(dir);
        SERVER.stubFor(get(urlPathEqualTo("/api/v1/models")).willReturn(aResponse().withStatus(404)));
        SERVER.stubFor(get(urlPathEqualTo("/api/v0/models")).inScenario(SERVER_STATE)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(okJson(v0Models("not-loaded", null))));
        lmsLoadAnswers(MODEL, 4096, 4);
        SERVER.stubFor(get(urlPathEqualTo("/api/v0/models")).inScenario(SERVER_STATE)
                .whenScenarioStateIs(LOADED).willReturn(okJson(v0Models("loaded", 4096))));

        LoadDetails details = client(lms).load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withTtlSeconds(300))
                .details();

        assertThat(details).isEqualTo(new LoadDetails("lms", MODEL, 4096, -1, Double.NaN, 300, List.of(),
                List.of()));
    }

    // ---- duplicates ----

    @Test
    void findsTheInstancesLmStudioLoadedAgainWhileMeasuringAndUnloadsThemWithItsOwn() throws BackendException {
        // The user had the model loaded; this client loads key:2; LM Studio then loads key:3 just in time.
        modelsIn(Scenario.STARTED, instance(MODEL, 4096, 4));
        restLoadAnswers(MODEL + ":2");
        modelsIn(LOADED, instance(MODEL, 4096, 4), instance(MODEL + ":2", 4096, 4));
        modelsIn("jit", instance(MODEL, 4096, 4), instance(MODEL + ":2", 4096, 4), instance(MODEL + ":3", 4096, 4));
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/unload")).willReturn(okJson("{}")));
        LmStudioClient client = track(LmStudioClient.create(SERVER.baseUrl()));
        client.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT);
        assertThat(client.duplicateInstances(ModelInfo.named(MODEL))).as("none yet").isEmpty();
        SERVER.setScenarioState(SERVER_STATE, "jit");

        List<String> duplicates = client.duplicateInstances(ModelInfo.named(MODEL));
        client.unload(ModelInfo.named(MODEL));

        assertThat(duplicates).containsExactly(MODEL + ":3");
        assertThat(SERVER.findAll(postRequestedFor(urlPathEqualTo("/api/v1/models/unload"))))
                .extracting(r -> r.getBodyAsString().replace(" ", ""))
                .containsExactly("{\"instance_id\":\"" + MODEL + ":2\"}", "{\"instance_id\":\"" + MODEL + ":3\"}");
    }

    @Test
    void knowsOfNoDuplicatesWhenTheModelListCannotBeReadOrItDidNotLoadTheModel() throws BackendException {
        modelsIn(Scenario.STARTED);
        restLoadAnswers(MODEL);
        SERVER.stubFor(get(urlPathEqualTo("/api/v1/models")).inScenario(SERVER_STATE).whenScenarioStateIs(LOADED)
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"boom\"}")));
        LmStudioClient client = track(LmStudioClient.create(SERVER.baseUrl()));
        assertThat(client.duplicateInstances(ModelInfo.named(MODEL))).as("not loaded by this client").isEmpty();
        client.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT);

        assertThat(client.duplicateInstances(ModelInfo.named(MODEL))).isEmpty();
    }

    // ---- runtime ----

    @Test
    void asksLmsForTheRuntimeOnceSoItIsKnownBeforeTheFirstChat() {
        FakeLms lms = FakeLms.create(dir).runtimeOutput("""
                [{"name":"llama.cpp-linux-x86_64-nvidia-cuda-avx2","version":"1.50.0",
                  "supportedModelFormatNames":["GGUF"],"selectedModelFormatNames":["GGUF"]}]""", "");
        LmStudioClient client = client(lms);

        String first = client.server().runtime();
        String second = client.server().runtime();

        assertThat(first).isEqualTo("llama.cpp-linux-x86_64-nvidia-cuda-avx2 1.50.0");
        assertThat(second).isEqualTo(first);
        assertThat(lms.calls()).containsExactly("runtime ls --json --port " + port());
    }

    @Test
    void passesTheHostOfAServerOnAnotherMachineToLms() throws Exception {
        // nothing answers there: only the command line matters
        FakeLms lms = FakeLms.create(dir).runtimeOutput("[]", "");
        LmStudioClient client = track(LmStudioClient.builder(ClientConfig.of("http://192.0.2.10:1234")).lms(TestLms.cli(lms))
                .build());

        assertThat(client.server().runtime()).isEmpty();
        assertThat(lms.calls()).containsExactly("runtime ls --json --host 192.0.2.10 --port 1234");
    }

    // ---- helpers ----

    private int port() {
        return URI.create(SERVER.baseUrl()).getPort();
    }

    private LmStudioClient client(FakeLms lms) {
        return track(LmStudioClient.builder(ClientConfig.of(SERVER.baseUrl())).lms(TestLms.cli(lms))
                .loadTimeout(Duration.ofSeconds(30)).build());
    }

    private LmStudioClient track(LmStudioClient client) {
        clients.add(client);
        return client;
    }

    /** {@code GET /api/v1/models} in a scenario state: the model with these loaded instances. */
    private static void modelsIn(String state, String... instances) {
        SERVER.stubFor(get(urlPathEqualTo("/api/v1/models")).inScenario(SERVER_STATE).whenScenarioStateIs(state)
                .willReturn(okJson(v1Models(instances))));
    }

    /** {@code POST /__sim/lms/load} answers a load of {@code identifier} and moves the scenario to {@code loaded}. */
    private static void lmsLoadAnswers(String identifier, int contextLength, int parallel) {
        SERVER.stubFor(post(urlPathEqualTo("/__sim/lms/load")).inScenario(SERVER_STATE)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo(LOADED)
                .willReturn(okJson(lmsAnswer(identifier, contextLength, parallel))));
    }

    /** {@code POST /api/v1/models/load} answers a load of {@code instanceId} and moves the scenario on. */
    private static void restLoadAnswers(String instanceId) {
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load")).inScenario(SERVER_STATE)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo(LOADED)
                .willReturn(okJson(loadAnswer(instanceId))));
    }

    /** The simulator's answer to {@code POST /__sim/lms/load}. */
    private static String lmsAnswer(String identifier, int contextLength, int parallel) {
        return "{\"identifier\":\"" + identifier + "\",\"load_time_seconds\":0.5,\"config\":{\"context_length\":"
                + contextLength + ",\"parallel\":" + parallel + ",\"gpu_offload\":1.0,\"ttl_seconds\":null}}";
    }

    /** The answer of {@code POST /api/v1/models/load} (https://lmstudio.ai/docs/developer/rest/load). */
    private static String loadAnswer(String instanceId) {
        return "{\"type\":\"llm\",\"instance_id\":\"" + instanceId + "\",\"load_time_seconds\":1.25,"
                + "\"status\":\"loaded\"}";
    }

    /** One {@code loaded_instances} entry. */
    private static String instance(String id, int contextLength, int parallel) {
        return "{\"id\":\"" + id + "\",\"config\":{\"context_length\":" + contextLength + ",\"eval_batch_size\":512,"
                + "\"flash_attention\":true,\"offload_kv_cache_to_gpu\":true,\"parallel\":" + parallel + "}}";
    }

    /** {@code GET /api/v1/models} with the model and another one (https://lmstudio.ai/docs/developer/rest/list). */
    private static String v1Models(String... instances) {
        return "{\"models\":[" + v1Model(MODEL, Arrays.stream(instances).collect(Collectors.joining(","))) + ","
                + v1Model(MODEL + "-instruct", "") + "]}";
    }

    private static String v1Model(String key, String instances) {
        return "{\"type\":\"llm\",\"publisher\":\"qwen\",\"key\":\"" + key + "\",\"display_name\":\"Qwen3 8B\","
                + "\"architecture\":\"qwen3\",\"quantization\":{\"name\":\"Q4_K_M\",\"bits_per_weight\":4},"
                + "\"size_bytes\":5027783488,\"params_string\":\"8B\",\"loaded_instances\":[" + instances + "],"
                + "\"max_context_length\":40960,\"format\":\"gguf\",\"capabilities\":{\"vision\":false,"
                + "\"trained_for_tool_use\":true},\"description\":null}";
    }

    /** {@code GET /api/v0/models} (https://lmstudio.ai/docs/developer/rest/endpoints) with the model. */
    private static String v0Models(String state, Integer loadedContextLength) {
        return "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\",\"type\":\"llm\","
                + "\"publisher\":\"qwen\",\"arch\":\"qwen3\",\"compatibility_type\":\"gguf\",\"quantization\":"
                + "\"Q4_K_M\",\"state\":\"" + state + "\",\"max_context_length\":40960"
                + (loadedContextLength == null ? "" : ",\"loaded_context_length\":" + loadedContextLength) + "}]}";
    }
}
