package dev.lmsbench.client;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.DraftStats;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.model.UsageCheck;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * LM Studio's native endpoints against WireMock: model list (v1 and v0), load, unload, download, chat completions
 * with {@code stats}, the OpenAI fallback, the "Model unloaded" reload and the response cache. The stub files in
 * {@code src/test/resources/contracts/lmstudio/} carry the documented shapes and cite their pages.
 */
class LmStudioClientTest {

    @RegisterExtension
    static final WireMockExtension SERVER = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String MODEL = "qwen/qwen3-8b";
    private static final SamplingParams SAMPLING = new SamplingParams(0.2, 40, 0.95, 0.05, 1.1);

    private final List<LmStudioClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(LmStudioClient::close);
    }

    // ---- model list ----

    @Test
    void readsTheV1ModelListWithParamsCapabilitiesAndLoadedInstances() throws BackendException {
        LmStudioStubs.register(SERVER, "models-v1.json");

        List<LmStudioModel> models = client().nativeModels();

        assertThat(models).extracting(LmStudioModel::key)
                .containsExactly(MODEL, "google/gemma-3-4b", "text-embedding-nomic-embed-text-v1.5");
        LmStudioModel qwen = models.get(0);
        assertThat(qwen.displayName()).isEqualTo("Qwen3 8B");
        assertThat(qwen.quantization()).isEqualTo("Q4_K_M");
        assertThat(qwen.format()).isEqualTo("gguf");
        assertThat(qwen.sizeBytes()).isEqualTo(5_027_783_488L);
        assertThat(qwen.params()).isEqualTo("8B");
        assertThat(qwen.toolUse()).isTrue();
        assertThat(qwen.vision()).isFalse();
        assertThat(qwen.loaded()).isTrue();
        assertThat(qwen.loadedInstanceIds()).containsExactly(MODEL, MODEL + ":2");
        assertThat(qwen.loadedInstances()).containsExactly(new LmStudioModel.LoadedInstance(MODEL, 8192, -1),
                new LmStudioModel.LoadedInstance(MODEL + ":2", 4096, -1));
        assertThat(models.get(1).loaded()).isFalse();
        assertThat(models.get(2).params()).isEmpty();
    }

    @Test
    void mapsNativeModelsToCoreModelInfoWithParamsAndCapabilities() throws BackendException {
        LmStudioStubs.register(SERVER, "models-v1.json");

        List<ModelInfo> models = client().listModels();

        assertThat(models.get(0)).isEqualTo(new ModelInfo(MODEL, "llm", "qwen", "qwen3", "Q4_K_M", 5_027_783_488L,
                40960, "8B", Set.of(Capability.TOOL_USE)));
        assertThat(models.get(1).capabilities()).containsExactly(Capability.VISION);
        assertThat(models.get(2).type()).as("v1 'embedding' in the core's spelling").isEqualTo("embeddings");
    }

    @Test
    void fallsBackToTheV0ModelListOn404AndRemembersIt() throws BackendException {
        SERVER.stubFor(get(urlPathEqualTo("/api/v1/models")).willReturn(aResponse().withStatus(404)));
        LmStudioStubs.register(SERVER, "models-v0.json");
        LmStudioClient client = client();

        List<LmStudioModel> first = client.nativeModels();
        client.nativeModels();

        assertThat(first).extracting(LmStudioModel::key)
                .containsExactly("qwen2-vl-2b-instruct", "llama-3.2-3b-instruct", "text-embedding-bge-small");
        assertThat(first.get(0).toModelInfo().capabilities()).as("type vlm").containsExactly(Capability.VISION);
        assertThat(first.get(1).toModelInfo().capabilities()).containsExactly(Capability.TOOL_USE);
        assertThat(first.get(1).loaded()).isTrue();
        assertThat(first.get(1).format()).isEqualTo("gguf");
        assertThat(first.get(1).sizeBytes()).isEqualTo(-1);
        SERVER.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/models")));
        SERVER.verify(2, getRequestedFor(urlPathEqualTo("/api/v0/models")));
    }

    @Test
    void treatsAnUnexpectedEndpointAnswerAsAMissingV1ModelList() throws BackendException {
        // LM Studio before 0.4 answers unknown paths with this error object, status 200.
        SERVER.stubFor(get(urlPathEqualTo("/api/v1/models"))
                .willReturn(okJson("{\"error\":\"Unexpected endpoint or method. (GET /api/v1/models)\"}")));
        LmStudioStubs.register(SERVER, "models-v0.json");

        assertThat(client().nativeModels()).hasSize(3);
    }

    @Test
    void findsNativeEndpointsBesideAV1BaseUrl() throws BackendException {
        LmStudioStubs.register(SERVER, "models-v1.json");
        LmStudioClient client = track(LmStudioClient.create(SERVER.baseUrl() + "/v1"));

        assertThat(client.nativeModels()).hasSize(3);
    }

    // ---- load and unload ----

    @Test
    void loadsWithTheDocumentedFieldsOnlyAndReturnsTheServersLoadTime() throws BackendException {
        LmStudioStubs.register(SERVER, "load.json");
        List<Double> progress = new ArrayList<>();
        // GPU layers and mmap have no documented field on the load endpoint: set here, they must not be sent.
        LoadConfig config = new LoadConfig(16384, -1, 256, null, true, null, null, true, null, null, null);

        LoadOutcome outcome = client().load(ModelInfo.named(MODEL), config, (fraction, status) -> progress.add(fraction));

        assertThat(outcome.seconds()).isEqualTo(4.217);
        assertThat(outcome.details().method()).isEqualTo("rest");
        assertThat(outcome.details().instanceId()).isEqualTo(MODEL);
        assertThat(outcome.details().notes()).containsExactly("n_gpu_layers, use_mmap not applied: neither LM Studio's"
                + " REST load nor lms load can set them; set them in LM Studio's per-model defaults");
        assertThat(progress).containsExactly(0.0, 1.0);
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/load")));
    }

    @Test
    void sendsTheMixtureOfExpertsAndKvOffloadSettingsTheLoadEndpointDocuments() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load"))
                .willReturn(okJson("{\"type\":\"llm\",\"instance_id\":\"moe\",\"status\":\"loaded\"}")));
        LoadConfig config = new LoadConfig(8192, null, null, null, null, null, null, null, null, null, null, 4, false);

        client().load(ModelInfo.named("moe"), config);

        SERVER.verify(postRequestedFor(urlPathEqualTo("/api/v1/models/load")).withRequestBody(equalToJson(
                "{\"model\":\"moe\",\"context_length\":8192,\"num_experts\":4,"
                        + "\"offload_kv_cache_to_gpu\":false,\"echo_load_config\":true}")));
    }

    @Test
    void measuresTheLoadTimeWhenTheServerGivesNone() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load"))
                .willReturn(okJson("{\"type\":\"llm\",\"instance_id\":\"m\",\"status\":\"loaded\"}")));

        LoadOutcome outcome = client().load(ModelInfo.named("m"), LoadConfig.DEFAULT);

        assertThat(outcome.managed()).isTrue();
        assertThat(outcome.seconds()).isBetween(0.0, 10.0);
        SERVER.verify(postRequestedFor(urlPathEqualTo("/api/v1/models/load"))
                .withRequestBody(equalToJson("{\"model\":\"m\",\"echo_load_config\":true}")));
    }

    @Test
    void unloadsOnlyTheInstancesThisClientLoaded() throws BackendException {
        LmStudioStubs.register(SERVER, "load.json");
        LmStudioStubs.register(SERVER, "unload.json");
        LmStudioClient client = client();
        client.load(ModelInfo.named(MODEL), new LoadConfig(16384, null, 256, null, true, null, null, null, null,
                null, null));
        assertThat(client.loadedByUs()).containsExactly(MODEL);

        // Loaded by the user (it is listed as loaded in models-v1.json), never by this client: left alone.
        client.unload(ModelInfo.named("google/gemma-3-4b"));
        client.unload(ModelInfo.named(MODEL));
        client.unload(ModelInfo.named(MODEL));

        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/unload")));
        SERVER.verify(postRequestedFor(urlPathEqualTo("/api/v1/models/unload"))
                .withRequestBody(equalToJson("{\"instance_id\":\"qwen/qwen3-8b\"}")));
        assertThat(client.loadedByUs()).isEmpty();
    }

    @Test
    void reportsALoadRefusedForMemoryAsInsufficientMemory() {
        // Wording of LM Studio's load guardrails: https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/1202
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Model loading was stopped due to insufficient system resources."
                        + "\",\"type\":\"model_load_failed\"}}")));

        LmStudioClient client = client();

        LmStudioException e = catchThrowableOfType(LmStudioException.class,
                () -> client.load(ModelInfo.named("huge"), LoadConfig.DEFAULT));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.serverErrorType()).isEqualTo("model_load_failed");
        assertThat(e.reason()).isEqualTo(LmStudioException.Reason.INSUFFICIENT_MEMORY);
        assertThat(client.loadedByUs()).isEmpty();
    }

    // ---- download ----

    @Test
    void reportsDownloadProgressUntilCompletion() throws BackendException {
        LmStudioStubs.register(SERVER, "download.json");
        LmStudioStubs.register(SERVER, "download-status.json");
        List<DownloadStatus> seen = new ArrayList<>();
        LmStudioClient client = track(LmStudioClient.builder(config()).downloadPollInterval(Duration.ofMillis(1))
                .build());

        DownloadJob job = client.download("ibm/granite-4-micro", seen::add);
        DownloadStatus last = job.waitForCompletion(TIMEOUT);

        assertThat(job.jobId()).isEqualTo("job_5f1c2a9e01");
        assertThat(last.succeeded()).isTrue();
        assertThat(seen).extracting(DownloadStatus::state).containsExactly(DownloadStatus.State.DOWNLOADING,
                DownloadStatus.State.DOWNLOADING, DownloadStatus.State.COMPLETED);
        assertThat(seen).extracting(DownloadStatus::fraction).containsExactly(5.0e-7, 0.5, 1.0);
        assertThat(seen.get(0).bytesPerSecond()).isEqualTo(52428800.5);
        SERVER.verify(2, getRequestedFor(urlPathEqualTo("/api/v1/models/download/status/job_5f1c2a9e01")));
    }

    @Test
    void asksForTheQuantizationToDownloadWhenGivenOne() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/download"))
                .willReturn(okJson("{\"status\":\"already_downloaded\"}")));
        String url = "https://huggingface.co/lmstudio-community/Qwen3-8B-GGUF";

        client().download(url, "Q4_K_M", null);
        client().download(url, null, null);

        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/download")).withRequestBody(
                equalToJson(
                        "{\"model\": \"" + url + "\", \"quantization\": \"Q4_K_M\"}")));
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/download")).withRequestBody(
                equalToJson("{\"model\": \"" + url + "\"}")));
    }

    @Test
    void needsNoPollingForAModelAlreadyDownloaded() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/download"))
                .willReturn(okJson("{\"status\":\"already_downloaded\"}")));

        DownloadJob job = client().download("ibm/granite-4-micro", null);

        assertThat(job.waitForCompletion(TIMEOUT).state()).isEqualTo(DownloadStatus.State.ALREADY_DOWNLOADED);
        assertThat(job.jobId()).isEmpty();
    }

    @Test
    void timesOutWaitingForADownloadThatDoesNotFinish() throws BackendException {
        LmStudioStubs.register(SERVER, "download.json");
        SERVER.stubFor(get(urlPathEqualTo("/api/v1/models/download/status/job_5f1c2a9e01"))
                .willReturn(okJson("{\"job_id\":\"job_5f1c2a9e01\",\"status\":\"paused\"}")));
        LmStudioClient client = track(LmStudioClient.builder(config()).downloadPollInterval(Duration.ofMillis(5))
                .build());
        DownloadJob job = client.download("ibm/granite-4-micro", null);

        BackendException e = catchThrowableOfType(BackendException.class,
                () -> job.waitForCompletion(Duration.ofMillis(60)));

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.getMessage()).contains("job_5f1c2a9e01").contains("paused");
    }

    // ---- chat completions with stats ----

    @Test
    void readsV0StatsIntoServerStatsBesideTheClientTimings() throws BackendException {
        LmStudioStubs.register(SERVER, "chat-completions-v0.json");

        InferenceResult result = client().infer(request(false));

        assertThat(result.content()).isEqualTo("Hello there!");
        assertThat(result.usage()).isEqualTo(TokenUsage.reported(11, 4, 0));
        assertThat(result.serverStats()).isEqualTo(new ServerStats(48.25, 0.134, 0.083, "eosFound",
                "lmstudio.api.v0.stats"));
        assertThat(result.cached()).isFalse();
        assertThat(result.timings().e2eSeconds()).isGreaterThanOrEqualTo(0);
        assertThat(result.timings().tokenChunkCount()).as("not streamed").isZero();
    }

    @Test
    void streamsV0ChunksWithTheSameTimingsAsTheOpenAiClient() throws BackendException {
        LmStudioStubs.register(SERVER, "chat-completions-v0.json");

        InferenceResult result = client().infer(request(true));

        assertThat(result.content()).isEqualTo("Hello there");
        assertThat(result.usage()).isEqualTo(TokenUsage.reported(11, 2, 0));
        assertThat(result.timings().tokenChunkCount()).isEqualTo(2);
        assertThat(result.timings().firstTokenNanos()).isEqualTo(result.timings().tokenNanos()[0]);
        assertThat(result.serverStats()).as("the stream carries no stats").isEqualTo(ServerStats.NONE);
    }

    @Test
    void readsStatsFromAStreamChunkWhenTheServerSendsThem() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                        + "data: {\"choices\":[],\"stats\":{\"tokens_per_second\":30.5,\"time_to_first_token\":0.2}}"
                        + "\n\ndata: [DONE]\n\n")));

        InferenceResult result = client().infer(request(true));

        assertThat(result.serverStats().tokensPerSecond()).isEqualTo(30.5);
        assertThat(result.serverStats().timeToFirstTokenSeconds()).isEqualTo(0.2);
        assertThat(result.serverStats().generationTimeSeconds()).isNaN();
        assertThat(result.serverStats().source()).isEqualTo(LmStudioClient.V0_STATS);
    }

    @Test
    void readsTheDraftFiguresOfSpeculativeDecodingAndKeepsTheStopReasonAsSent() throws BackendException {
        // stats after speculative decoding: LM Studio api-changelog 0.3.10, lmstudio-js LLMPredictionStats.ts
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(okJson(v0Answer().replace(
                "\"stop_reason\":\"eosFound\"", "\"stop_reason\":\"maxPredictedTokensReached\","
                        + "\"draft_model\":\"qwen/qwen3-0.6b\",\"total_draft_tokens_count\":20,"
                        + "\"accepted_draft_tokens_count\":15,\"rejected_draft_tokens_count\":4,"
                        + "\"ignored_draft_tokens_count\":1"))));

        ServerStats stats = client().infer(request(false)).serverStats();

        assertThat(stats.stopReason()).isEqualTo("maxPredictedTokensReached");
        assertThat(stats.draft()).isEqualTo(new DraftStats("qwen/qwen3-0.6b", 20, 15, 4, 1));
        assertThat(stats.draft().acceptanceRate()).isEqualTo(0.75);
        assertThat(stats.tokensPerSecond()).isEqualTo(48.25);
    }

    @Test
    void hasNoDraftFiguresWhenTheStatsGiveNone() throws BackendException {
        LmStudioStubs.register(SERVER, "chat-completions-v0.json");

        assertThat(client().infer(request(false)).serverStats().draft()).isEqualTo(DraftStats.NONE);
    }

    @Test
    void anEmptyStatsObjectInAStreamIsNoStats() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\"stats\":{}}\n\n"
                        + "data: {\"choices\":[],\"stats\":{}}\n\ndata: [DONE]\n\n")));

        assertThat(client().infer(request(true)).serverStats()).isEqualTo(ServerStats.NONE);
    }

    @Test
    void fallsBackToTheOpenAiEndpointWithoutServerStatsWhenV0Answers404() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse().withStatus(404)));
        SERVER.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(okJson(
                Contracts.text("chat-completion.json"))));
        LmStudioClient client = client();

        InferenceResult first = client.infer(request(false));
        client.infer(request(false));

        assertThat(first.content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(first.serverStats()).isEqualTo(ServerStats.NONE);
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v0/chat/completions")));
        SERVER.verify(2, postRequestedFor(urlPathEqualTo("/v1/chat/completions")));
    }

    @Test
    void fallsBackToTheOpenAiEndpointWhenV0AnswersUnexpectedEndpointWithStatus200() throws BackendException {
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");
        SERVER.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream").withBody(Contracts.text("chat-stream-basic.sse")
                        .replace("\"model\":\"qwen3-8b\"", "\"model\":\"qwen/qwen3-8b\""))));
        LmStudioClient client = client();

        InferenceResult streamed = client.infer(request(true));
        InferenceResult again = client.infer(request(true));

        assertThat(streamed.content()).isEqualTo("Hello world");
        assertThat(again.content()).isEqualTo("Hello world");
        assertThat(streamed.serverStats()).isEqualTo(ServerStats.NONE);
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v0/chat/completions")));
    }

    @Test
    void fallsBackOnANonStreamedUnexpectedEndpointAnswerToo() throws BackendException {
        LmStudioStubs.register(SERVER, "unexpected-endpoint.json");
        SERVER.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(okJson(
                Contracts.text("chat-completion.json"))));

        assertThat(client().infer(request(false)).content()).isEqualTo("Hello! How can I assist you today?");
    }

    @Test
    void doesNotFallBackWhenV0SaysTheModelDoesNotExist() {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody(Contracts.text("error-404-model-not-found.json"))));

        LmStudioException e = catchThrowableOfType(LmStudioException.class, () -> client().infer(request(false)));

        assertThat(e.reason()).isEqualTo(LmStudioException.Reason.MODEL_NOT_FOUND);
        assertThat(e.errorCode()).isEqualTo("model_not_found");
        assertThat(e.serverErrorType()).isEqualTo("invalid_request_error");
        SERVER.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat/completions")));
    }

    @Test
    void reportsNoModelsLoadedAsModelNotLoadedWithoutFallingBackOrReloading() {
        LmStudioStubs.register(SERVER, "error-no-models-loaded.json");
        LmStudioClient client = client();

        LmStudioException e = catchThrowableOfType(LmStudioException.class, () -> client.infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_LOADED);
        assertThat(e.errorType()).isEqualTo(dev.lmsbench.core.model.ErrorType.MODEL_NOT_LOADED);
        assertThat(e.reason()).isEqualTo(LmStudioException.Reason.MODEL_NOT_LOADED);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.getMessage()).contains("No models loaded").contains("turn on JIT loading")
                .contains("lms load");
        assertThat(client.reloadsAfterUnload()).isZero();
        SERVER.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat/completions")));
        SERVER.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/models/load")));
    }

    @Test
    void reportsTheSimulatorsPoliteNotLoadedAnswerAsModelNotLoaded() {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Model 'qwen/qwen3-8b' is not loaded and JIT loading is off."
                        + " Load it first.\",\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":null}}")));

        LmStudioException e = catchThrowableOfType(LmStudioException.class, () -> client().infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_LOADED);
        assertThat(e.httpStatus()).isEqualTo(400);
    }

    // ---- ttl and draft model ----

    @Test
    void sendsTheTtlOfTheLastLoadAndTheDraftModelAndReadsTheDraftFigures() throws BackendException {
        LmStudioStubs.register(SERVER, "chat-completions-v0.json");
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load"))
                .willReturn(okJson("{\"type\":\"llm\",\"instance_id\":\"qwen/qwen3-8b\",\"status\":\"loaded\"}")));
        LmStudioClient client = client();
        client.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withTtlSeconds(300));

        // the stub matches only the body with ttl 300 and draft_model: chat-completions-v0.json, third mapping
        InferenceResult r = client.infer(request(false).withDraftModel("qwen/qwen3-0.6b"));

        assertThat(r.serverStats().draft()).isEqualTo(new DraftStats("qwen/qwen3-0.6b", 20, 15, 4, 1));
    }

    @Test
    void sendsTheTtlOfAnInstancesKeyAndTheClientsDefaultOtherwise() throws BackendException {
        // an answer naming no model, so that it answers for both models asked for
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(okJson(v0Answer()
                .replace("\"model\":\"qwen/qwen3-8b\",", ""))));
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load"))
                .willReturn(okJson("{\"type\":\"llm\",\"instance_id\":\"qwen/qwen3-8b\",\"status\":\"loaded\"}")));
        LmStudioClient client = track(LmStudioClient.builder(config()).defaultTtlSeconds(600).build());

        client.infer(request(false).withModel("other/model"));
        client.load(ModelInfo.named(MODEL), LoadConfig.DEFAULT.withTtlSeconds(120));
        client.infer(request(false).withModel(MODEL + ":2"));

        SERVER.verify(postRequestedFor(urlPathEqualTo("/api/v0/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("other/model")))
                .withRequestBody(matchingJsonPath("$.ttl", equalTo("600"))));
        SERVER.verify(postRequestedFor(urlPathEqualTo("/api/v0/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(MODEL + ":2")))
                .withRequestBody(matchingJsonPath("$.ttl", equalTo("120"))));
    }

    @Test
    void sendsTtlAndDraftModelOnTheOpenAiFallbackToo() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse().withStatus(404)));
        SERVER.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(okJson(
                Contracts.text("chat-completion.json"))));
        LmStudioClient client = track(LmStudioClient.builder(config()).defaultTtlSeconds(60).build());

        client.infer(request(false).withDraftModel("qwen/qwen3-0.6b"));

        SERVER.verify(postRequestedFor(urlPathEqualTo("/v1/chat/completions")).withRequestBody(equalToJson(
                "{\"model\":\"qwen/qwen3-8b\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],"
                        + "\"max_tokens\":64,\"temperature\":0.2,\"top_k\":40,\"top_p\":0.95,\"min_p\":0.05,"
                        + "\"repeat_penalty\":1.1,\"stream\":false,\"ttl\":60,\"draft_model\":\"qwen/qwen3-0.6b\"}")));
    }

    @Test
    void refusesATtlBelowOneSecond() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> LmStudioClient.builder(config()).defaultTtlSeconds(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- usage against the stream ----

    @Test
    void correctsLmStudiosOffByOneOnTheNativeAndTheFallbackEndpoint() throws BackendException {
        // LM Studio stopped at max_tokens reports one completion token less than it streamed:
        // https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/2335
        String stream = "data: {\"model\":\"qwen/qwen3-8b\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                + "data: {\"model\":\"qwen/qwen3-8b\",\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n"
                + "data: {\"model\":\"qwen/qwen3-8b\",\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
                + "data: {\"model\":\"qwen/qwen3-8b\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,"
                + "\"completion_tokens\":1,\"total_tokens\":12}}\n\ndata: [DONE]\n\n";
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream").withBody(stream)));
        InferenceRequest atTheLimit = new InferenceRequest(MODEL, "Say hello", 2, SAMPLING, true, TIMEOUT);

        InferenceResult v0 = client().infer(atTheLimit);

        SERVER.resetAll();
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse().withStatus(404)));
        SERVER.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream").withBody(stream)));
        InferenceResult fallback = client().infer(atTheLimit);

        for (InferenceResult r : List.of(v0, fallback)) {
            assertThat(r.usageCheck()).isEqualTo(new UsageCheck(UsageCheck.Verdict.CORRECTED_OFF_BY_ONE, 2, 1));
            assertThat(r.usage()).isEqualTo(TokenUsage.reported(11, 2, 0));
        }
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat/completions")));
    }

    @Test
    void recordsAnyOtherDisagreementAndKeepsTheServersCount() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":5}}\n\n")));

        InferenceResult r = client().infer(request(true));

        assertThat(r.usageCheck()).isEqualTo(new UsageCheck(UsageCheck.Verdict.MISMATCH, 1, 5));
        assertThat(r.usage().completionTokens()).isEqualTo(5);
    }

    // ---- wrong model ----

    @Test
    void failsWithWrongModelWhenLmStudioAnswersWithTheModelItHasLoaded() {
        // LM Studio with one model loaded and JIT loading off answers any request with that model:
        // https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/619
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(okJson(v0Answer()
                .replace("\"model\":\"qwen/qwen3-8b\"", "\"model\":\"google/gemma-3-4b\""))));
        ResponseCache cache = ResponseCache.inMemory();
        LmStudioClient client = track(LmStudioClient.builder(config()).responseCache(cache, false).build());

        LmStudioException e = catchThrowableOfType(LmStudioException.class, () -> client.infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(e.errorType()).isEqualTo(dev.lmsbench.core.model.ErrorType.WRONG_MODEL);
        assertThat(e.reason()).isEqualTo(LmStudioException.Reason.WRONG_MODEL);
        assertThat(e.getMessage()).isEqualTo("asked for 'qwen/qwen3-8b' but 'google/gemma-3-4b' answered ("
                + SERVER.baseUrl() + "/api/v0/chat/completions): LM Studio answered with the model it has loaded;"
                + " load 'qwen/qwen3-8b' or turn on JIT loading");
        assertThat(cache.size()).as("never stored as an answer of the model asked for").isZero();
        assertThat(client.reloadsAfterUnload()).isZero();
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v0/chat/completions")));
    }

    @Test
    void checksEveryModelAStreamNamesNotOnlyTheFirst() {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"model\":\"qwen/qwen3-8b\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                        + "data: {\"model\":\"google/gemma-3-4b\",\"choices\":[{\"delta\":{\"content\":\"!\"}}]}\n\n"
                        + "data: [DONE]\n\n")));

        LmStudioException e = catchThrowableOfType(LmStudioException.class, () -> client().infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(e.getMessage()).startsWith("asked for 'qwen/qwen3-8b' but 'google/gemma-3-4b' answered");
    }

    @Test
    void acceptsAnInstanceOfTheModelAskedForAndTheKeyForAnInstance() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(okJson(v0Answer()
                .replace("\"model\":\"qwen/qwen3-8b\"", "\"model\":\"qwen/qwen3-8b:2\""))));
        LmStudioClient client = client();

        assertThat(client.infer(request(false)).content()).isEqualTo("Hello there!");

        SERVER.resetAll();
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(okJson(v0Answer())));
        assertThat(client.infer(request(false).withModel(MODEL + ":2")).content()).isEqualTo("Hello there!");

        SERVER.resetAll();
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(okJson(v0Answer()
                .replace("\"model\":\"qwen/qwen3-8b\"", "\"model\":\"qwen/qwen3-8b:3\""))));
        LmStudioException e = catchThrowableOfType(LmStudioException.class,
                () -> client.infer(request(false).withModel(MODEL + ":2")));
        assertThat(e.kind()).as("another instance").isEqualTo(Kind.WRONG_MODEL);
    }

    @Test
    void acceptsAnAnswerThatNamesNoModel() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(okJson(v0Answer()
                .replace("\"model\":\"qwen/qwen3-8b\",", ""))));

        assertThat(client().infer(request(false)).content()).isEqualTo("Hello there!");
    }

    @Test
    void checksTheModelOnTheOpenAiFallbackToo() {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse().withStatus(404)));
        SERVER.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(okJson(
                Contracts.text("chat-completion.json").replace("\"model\": \"qwen3-8b\"", "\"model\": \"sim/a\""))));

        LmStudioException e = catchThrowableOfType(LmStudioException.class, () -> client().infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(e.getMessage()).contains("/v1/chat/completions").contains("but 'sim/a' answered");
    }

    // ---- model unloaded ----

    @Test
    void reloadsOnceAndRetriesOnceWhenTheModelWasUnloaded() throws BackendException {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).inScenario("unloaded")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("reloaded")
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"Model unloaded\"}")));
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).inScenario("unloaded")
                .whenScenarioStateIs("reloaded").willReturn(okJson(
                        LmStudioStubs.mappings("chat-completions-v0.json").get(0).path("response").path("jsonBody")
                                .toString())));
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load"))
                .willReturn(okJson("{\"type\":\"llm\",\"instance_id\":\"qwen/qwen3-8b\",\"load_time_seconds\":1.5,"
                        + "\"status\":\"loaded\"}")));
        LmStudioClient client = client();

        InferenceResult result = client.infer(request(false));

        assertThat(result.content()).isEqualTo("Hello there!");
        assertThat(client.reloadsAfterUnload()).isEqualTo(1);
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/load"))
                .withRequestBody(equalToJson("{\"model\":\"qwen/qwen3-8b\",\"echo_load_config\":true}")));
        SERVER.verify(2, postRequestedFor(urlPathEqualTo("/api/v0/chat/completions")));
        assertThat(client.loadedByUs()).as("the reload was this client's").containsExactly(MODEL);
    }

    @Test
    void reloadsWithTheLastLoadConfigurationWhenUnloadedInsideAStream() throws BackendException {
        LmStudioStubs.register(SERVER, "load.json");
        // LM Studio's own wording, "Model is unloaded.": https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/1492
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).inScenario("stream")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("reloaded")
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody("data: {\"error\":{\"message\":\"Model is unloaded.\",\"type\":\"server_error\"}}\n\n")));
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).inScenario("stream")
                .whenScenarioStateIs("reloaded").willReturn(aResponse().withHeader("Content-Type",
                        "text/event-stream").withBody("data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n"
                        + "data: [DONE]\n\n")));
        LmStudioClient client = client();
        LoadConfig config = new LoadConfig(16384, null, 256, null, true, null, null, null, null, null, null);
        client.load(ModelInfo.named(MODEL), config);

        InferenceResult result = client.infer(request(true));

        assertThat(result.content()).isEqualTo("ok");
        assertThat(client.reloadsAfterUnload()).isEqualTo(1);
        // load.json only matches the configuration of the explicit load: the reload used it again.
        SERVER.verify(2, postRequestedFor(urlPathEqualTo("/api/v1/models/load")));
    }

    @Test
    void reportsASecondConsecutiveUnloadedFailure() {
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"Model unloaded\"}")));
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load"))
                .willReturn(okJson("{\"instance_id\":\"qwen/qwen3-8b\",\"status\":\"loaded\"}")));
        LmStudioClient client = client();

        LmStudioException e = catchThrowableOfType(LmStudioException.class, () -> client.infer(request(false)));

        assertThat(e.isModelUnloaded()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(client.reloadsAfterUnload()).isEqualTo(1);
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/load")));
        SERVER.verify(2, postRequestedFor(urlPathEqualTo("/api/v0/chat/completions")));
    }

    @Test
    void reloadsOnceForParallelRequestsThatAllFoundTheModelUnloaded() throws Exception {
        // Until the model is loaded again every chat answers "Model unloaded"; afterwards every chat succeeds.
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).inScenario("parallel")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(500)
                        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"Model unloaded\"}")));
        SERVER.stubFor(post(urlPathEqualTo("/api/v1/models/load")).inScenario("parallel")
                .willSetStateTo("loaded").willReturn(okJson("{\"instance_id\":\"qwen/qwen3-8b\"}")));
        SERVER.stubFor(post(urlPathEqualTo("/api/v0/chat/completions")).inScenario("parallel")
                .whenScenarioStateIs("loaded").willReturn(okJson("{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}")));
        LmStudioClient client = client();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<InferenceResult>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> client.infer(request(false))));
            }
            for (java.util.concurrent.Future<InferenceResult> result : results) {
                assertThat(result.get(10, java.util.concurrent.TimeUnit.SECONDS).content()).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }

        // A second load would have made LM Studio create a second instance of the model.
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/models/load")));
        assertThat(client.reloadsAfterUnload()).isEqualTo(1);
    }

    // ---- response cache ----

    @Test
    void neverAnswersMeasuredRunsFromTheCacheUnlessEnabled() throws BackendException {
        LmStudioStubs.register(SERVER, "chat-completions-v0.json");
        ResponseCache cache = ResponseCache.inMemory();
        LmStudioClient client = track(LmStudioClient.builder(config()).responseCache(cache, false).build());

        InferenceResult first = client.infer(request(false));
        InferenceResult second = client.infer(request(false));

        assertThat(first.cached()).isFalse();
        assertThat(second.cached()).isFalse();
        assertThat(cache.size()).as("answers are stored all the same").isEqualTo(1);
        SERVER.verify(2, postRequestedFor(urlPathEqualTo("/api/v0/chat/completions")));
    }

    @Test
    void answersFromTheCacheMarkedCachedWhenEnabledForMeasuredRuns() throws BackendException {
        LmStudioStubs.register(SERVER, "chat-completions-v0.json");
        LmStudioClient client = track(LmStudioClient.builder(config())
                .responseCache(ResponseCache.inMemory(), true).build());

        InferenceResult fresh = client.infer(request(false));
        InferenceResult cached = client.infer(request(true));

        assertThat(cached.cached()).isTrue();
        assertThat(cached.content()).isEqualTo(fresh.content());
        assertThat(cached.usage()).isEqualTo(fresh.usage());
        assertThat(cached.serverStats()).as("no server measured this").isEqualTo(ServerStats.NONE);
        assertThat(cached.timings().firstTokenNanos()).isEqualTo(-1);
        assertThat(cached.timings().e2eSeconds()).isCloseTo(0.0, within(1.0));
        SERVER.verify(1, postRequestedFor(urlPathEqualTo("/api/v0/chat/completions")));
    }

    /** The documented non-streamed v0 answer (chat-completions-v0.json), as one line of JSON. */
    private static String v0Answer() {
        return LmStudioStubs.mappings("chat-completions-v0.json").get(0).path("response").path("jsonBody").toString();
    }

    private InferenceRequest request(boolean stream) {
        return new InferenceRequest(MODEL, "Say hello", 64, SAMPLING, stream, TIMEOUT);
    }

    private ClientConfig config() {
        return ClientConfig.of(SERVER.baseUrl());
    }

    private LmStudioClient client() {
        return track(LmStudioClient.create(config()));
    }

    private LmStudioClient track(LmStudioClient client) {
        clients.add(client);
        return client;
    }
}
