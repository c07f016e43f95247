package dev.lmsbench.client;

import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.UsageCheck;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import dev.lmsbench.sim.SimServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the clients check in every answer, against the simulator: the answering model (instance ids such as
 * {@code model:2}), LM Studio's "not loaded" answers with JIT loading off, the usage against the streamed chunks.
 */
class SimAnswerChecksTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final SimModel A = SimModel.of("sim/a", 5, 2000, 12);
    private static final SimModel B = SimModel.of("sim/b", 5, 2000, 12);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    @Test
    void acceptsTheSecondInstanceOfTheModelAskedForOnEveryEndpoint() throws BackendException {
        SimServer sim = sim(SimConfig.defaults().withModels(List.of(A, B)).withJitLoading(false));
        LmStudioClient first = lmStudio(sim);
        LmStudioClient second = lmStudio(sim);
        first.load(ModelInfo.named("sim/a"), LoadConfig.DEFAULT);
        second.load(ModelInfo.named("sim/a"), LoadConfig.DEFAULT);
        assertThat(second.loadedByUs()).containsExactly("sim/a:2");
        first.unload(ModelInfo.named("sim/a"));

        // the sim answers a chat for the key with the instance it ran on
        ChatReply reply = second.chat("sim/a", "Hi");
        InferenceResult v0 = second.infer(request("sim/a:2", true));
        InferenceResult openAi = openAi(sim).infer(request("sim/a:2", true));

        assertThat(reply.modelInstanceId()).isEqualTo("sim/a:2");
        assertThat(v0.content()).isNotEmpty();
        assertThat(openAi.content()).isNotEmpty();
    }

    @Test
    void theModelLmStudioHasLoadedAnsweringForAnotherIsAWrongModelFailureNamingBoth() throws BackendException {
        // LM Studio as it is (jit_serves_loaded_model): one explicitly loaded model answers any name
        SimServer sim = sim(SimConfig.defaults().withModels(List.of(A, B)));
        LmStudioClient client = lmStudio(sim);
        client.load(ModelInfo.named("sim/a"), LoadConfig.DEFAULT);

        for (boolean stream : new boolean[] {true, false}) {
            LmStudioException wrong = catchThrowableOfType(LmStudioException.class,
                    () -> client.infer(request("sim/b", stream)));
            assertThat(wrong.kind()).as("stream=%s", stream).isEqualTo(Kind.WRONG_MODEL);
            assertThat(wrong.getMessage()).contains("asked for 'sim/b'").contains("'sim/a' answered");
        }
        BackendException openAi = catchThrowableOfType(BackendException.class,
                () -> openAi(sim).infer(request("sim/b", true)));
        assertThat(openAi.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(sim.sendLog()).extracting(e -> e.answeredBy()).containsOnly("sim/a");
    }

    @Test
    void reportsNoModelsLoadedAndAModelNotLoadedWithJitOffAsModelNotLoaded() throws BackendException {
        // polite: with the jit_serves_loaded_model quirk the loaded sim/a would answer for sim/b (a wrong_model
        // failure, tested on its own); here the server's refusal is under test
        SimServer sim = sim(SimConfig.defaults().withModels(List.of(A, B)).withJitLoading(false)
                .withQuirks(dev.lmsbench.sim.LmStudioQuirks.NONE));
        LmStudioClient client = lmStudio(sim);

        LmStudioException none = catchThrowableOfType(LmStudioException.class,
                () -> client.infer(request("sim/a", true)));
        client.load(ModelInfo.named("sim/a"), LoadConfig.DEFAULT);
        LmStudioException other = catchThrowableOfType(LmStudioException.class,
                () -> client.infer(request("sim/b", false)));
        LmStudioException chat = catchThrowableOfType(LmStudioException.class, () -> client.chat("sim/b", "Hi"));
        BackendException openAi = catchThrowableOfType(BackendException.class,
                () -> openAi(sim).infer(request("sim/b", true)));

        assertThat(List.of(none, other, chat, openAi)).extracting(BackendException::kind)
                .containsOnly(Kind.MODEL_NOT_LOADED);
        assertThat(none.getMessage()).contains("No models loaded").endsWith(LmStudioException.NOT_LOADED_HINT);
        assertThat(other.getMessage()).contains("is not loaded and JIT loading is off");
        assertThat(client.reloadsAfterUnload()).isZero();
    }

    @Test
    void aStreamOfOneTokenPerChunkAgreesWithItsUsage() throws BackendException {
        SimServer sim = sim(SimConfig.defaults().withModels(List.of(A)));

        InferenceResult v0 = lmStudio(sim).infer(request("sim/a", true));
        InferenceResult openAi = openAi(sim).infer(request("sim/a", true));
        InferenceResult unstreamed = lmStudio(sim).infer(request("sim/a", false));

        assertThat(v0.usageCheck()).isEqualTo(new UsageCheck(UsageCheck.Verdict.AGREE, 12, 12));
        assertThat(openAi.usageCheck()).isEqualTo(new UsageCheck(UsageCheck.Verdict.AGREE, 12, 12));
        assertThat(unstreamed.usageCheck()).isEqualTo(UsageCheck.NOT_CHECKED);
    }

    @Test
    void seesTheServersPromptProcessingLastAboutItsConfiguredTimeToFirstToken() throws BackendException {
        // the sim sends prompt_processing.start when the model is ready and .end with the first token, which it
        // schedules exactly ttft_ms after reading the request
        SimModel slow = SimModel.of("sim/slow", 300, 2000, 4);
        SimServer sim = sim(SimConfig.defaults().withModels(List.of(slow)));
        LmStudioClient client = lmStudio(sim);
        client.load(ModelInfo.named("sim/slow"), LoadConfig.DEFAULT);

        ChatReply reply = client.session(ChatOptions.defaults().withStream(true)).chat("sim/slow", "Hi");

        assertThat(reply.promptProcessingSeconds()).isCloseTo(0.300, org.assertj.core.data.Offset.offset(0.100));
        assertThat(reply.promptProcessingSeconds()).isLessThanOrEqualTo(reply.timings().ttftSeconds());
    }

    @Test
    void readsTheModelLoadTimeOfAJustInTimeLoad() throws BackendException {
        SimServer sim = sim(SimConfig.defaults().withModels(List.of(A.withLoadMs(150))));

        ChatReply jit = lmStudio(sim).session(ChatOptions.defaults().withStream(true)).chat("sim/a", "Hi");
        ChatReply loaded = lmStudio(sim).chat("sim/a", "Hi");

        assertThat(jit.modelLoadSeconds()).isEqualTo(0.150);
        assertThat(loaded.modelLoadSeconds()).as("already loaded").isNaN();
    }

    private SimServer sim(SimConfig config) {
        SimServer sim = SimServer.start(config);
        resources.add(sim);
        return sim;
    }

    private LmStudioClient lmStudio(SimServer sim) {
        LmStudioClient client = LmStudioClient.create(sim.baseUrl());
        resources.add(client);
        return client;
    }

    private OpenAiClient openAi(SimServer sim) {
        OpenAiClient client = OpenAiClient.create(sim.baseUrl());
        resources.add(client);
        return client;
    }

    private static InferenceRequest request(String model, boolean stream) {
        return new InferenceRequest(model, "Say hello", 64, 0.0, stream, TIMEOUT);
    }
}
