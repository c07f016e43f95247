package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimConfigTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("sim.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void defaultsServeThreeModelsOfDifferentSpeedSizeAndQuantizationOnLoopback() {
        SimConfig config = SimConfig.defaults();
        List<SimModel> models = config.models();

        assertThat(models).hasSizeGreaterThanOrEqualTo(3);
        assertThat(models).extracting(SimModel::tokensPerSecond).doesNotHaveDuplicates();
        assertThat(models).extracting(SimModel::sizeBytes).doesNotHaveDuplicates();
        assertThat(models).extracting(SimModel::quantization).doesNotHaveDuplicates();
        assertThat(models).anySatisfy(m -> assertThat(m.reasoningTokens()).isPositive());
        assertThat(models).allSatisfy(m -> assertThat(m.responseTokens()).isBetween(64, 120));
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isZero();
        assertThat(config.pathPrefix()).isEqualTo("/v1");
        assertThat(config.requiresAuth()).isFalse();
    }

    @Test
    void overridesTheDecodeRateOfEveryModel() {
        assertThat(SimConfig.defaults().withTokensPerSecond(400).models())
                .allSatisfy(m -> assertThat(m.tokensPerSecond()).isEqualTo(400.0));
    }

    @Test
    void overridesTheTtftOfEveryModelExactlyWhateverThePrompt() {
        assertThat(SimConfig.defaults().withTtftMs(20).models())
                .allSatisfy(m -> assertThat(m.ttftMs(10_000)).isEqualTo(20.0));
    }

    @Test
    void rejectsDuplicateIdsAnEmptyModelListAndABadPrefix() {
        SimModel model = SimModel.of("sim/a", 1, 1, 1);
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.defaults().withModels(List.of(model, model)))
                .withMessageContaining("sim/a");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.defaults().withModels(List.of()))
                .withMessageStartingWith("models");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.defaults().withPathPrefix("v1/"))
                .withMessageStartingWith("pathPrefix");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.defaults().withPort(70_000))
                .withMessageStartingWith("port");
    }

    @Test
    void normalizesANullTokenToNoAuthentication() {
        assertThat(SimConfig.defaults().withApiToken(null).requiresAuth()).isFalse();
        assertThat(SimConfig.defaults().withApiToken("t").requiresAuth()).isTrue();
    }

    @Test
    void masksTheTokenWhenPrinted() {
        assertThat(SimConfig.defaults().withApiToken("s3cret").toString()).doesNotContain("s3cret").contains("***");
    }

    @Test
    void readsEveryKeyOfAJsonFile() throws IOException {
        Path file = write("""
                {
                  "host": "0.0.0.0", "port": 1234, "seed": 7, "api_token": "tok", "path_prefix": "",
                  "models": [
                    { "id": "sim/my-model@q4_k_m", "type": "vlm", "publisher": "me", "architecture": "llama",
                      "quantization": "Q4_K_M", "size_bytes": 4200000000, "max_context_length": 8192,
                      "ttft_ms": 90, "tokens_per_second": 80, "prompt_tokens_per_second": 1500, "jitter_fraction": 0.1,
                      "reasoning_tokens": 8, "response_tokens": 40, "sends_usage": false }
                  ]
                }
                """);

        SimConfig config = SimConfig.fromJson(file);

        assertThat(config).isEqualTo(new SimConfig("0.0.0.0", 1234, List.of(new SimModel("sim/my-model@q4_k_m",
                "vlm", "me", "llama", "Q4_K_M", 4_200_000_000L, 8_192, 90, 80, 1_500, 0.1, 8, 40, false)),
                7, "tok", ""));
    }

    @Test
    void fillsAbsentJsonKeysWithDocumentedDefaults() throws IOException {
        SimConfig config = SimConfig.fromJson(write("""
                {"models": [{"id": "sim/x", "tokens_per_second": 50}]}
                """));

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isZero();
        assertThat(config.seed()).isEqualTo(SimConfig.DEFAULT_SEED);
        assertThat(config.pathPrefix()).isEqualTo("/v1");
        assertThat(config.models()).containsExactly(
                new SimModel("sim/x", "llm", "", "", "", -1, -1, 100, 50, 0, 0, 0, 96, true));
    }

    @Test
    void namesTheFileAndTheKeyOfAnUnknownKey() throws IOException {
        Path file = write("""
                {"models": [{"id": "sim/x", "tokens_per_second": 50, "tokens_per_sec": 3}]}
                """);

        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(file))
                .withMessageStartingWith("sim config " + file + ": models[0].tokens_per_sec: unknown key")
                .withMessageNotContaining("\n");
    }

    @Test
    void namesTheKeyOfAValueOfTheWrongType() throws IOException {
        Path file = write("""
                {"port": "1234", "models": [{"id": "sim/x", "tokens_per_second": 50}]}
                """);

        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(file))
                .withMessage("sim config " + file + ": port: expected an integer, got \"1234\"");
    }

    @Test
    void namesTheModelKeyOfAnOutOfRangeValue() throws IOException {
        Path file = write("""
                {"models": [{"id": "sim/a", "tokens_per_second": 50}, {"id": "sim/b", "tokens_per_second": -3}]}
                """);

        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(file))
                .withMessageStartingWith("sim config " + file + ": models[1].tokens_per_second must be");
    }

    @Test
    void namesMissingRequiredKeys() throws IOException {
        Path noModels = write("{\"port\": 1}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(noModels))
                .withMessageContaining(": models: missing");

        Path noRate = write("{\"models\": [{\"id\": \"sim/x\"}]}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(noRate))
                .withMessageContaining(": models[0].tokens_per_second: missing");
    }

    @Test
    void reportsInvalidJsonWithItsLineOnOneLine() throws IOException {
        Path file = write("{\n  \"models\": [\n    {\"id\": \"sim/x\",,}\n  ]\n}\n");

        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(file))
                .withMessageStartingWith("sim config " + file + ": invalid JSON at line 3")
                .withMessageNotContaining("\n");
    }

    @Test
    void reportsAFileThatCannotBeRead() {
        Path missing = dir.resolve("missing.json");

        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(missing))
                .withMessage("sim config " + missing + ": cannot read the file (NoSuchFileException)");
    }

    @Test
    void defaultModelsCarryParamsFormatsAndCapabilitiesAndFitTheDefaultMemoryTogether() {
        SimConfig config = SimConfig.defaults();
        List<SimModel> models = config.models();

        assertThat(models).extracting(SimModel::paramsString).containsExactly("3B", "8B", "7B");
        assertThat(models).allSatisfy(m -> assertThat(m.format()).isEqualTo("gguf"));
        assertThat(models).anySatisfy(m -> {
            assertThat(m.type()).isEqualTo("vlm");
            assertThat(m.vision()).isTrue();
        });
        assertThat(models).anySatisfy(m -> assertThat(m.trainedForToolUse()).isTrue());
        assertThat(models).allSatisfy(m -> assertThat(m.loadMs()).isBetween(1L, 3_000L));
        long all = models.stream().mapToLong(m -> m.memoryBytes(m.defaultContextLength())).sum();
        assertThat(all).isLessThan(config.memoryBytes());
        assertThat(config.jitLoading()).isTrue();
        assertThat(config.jitAutoEvict()).isTrue();
        assertThat(config.memoryBytes()).isEqualTo(SimConfig.DEFAULT_MEMORY_BYTES);
    }

    @Test
    void readsTheLmStudioStateKeys() throws IOException {
        SimConfig config = SimConfig.fromJson(write("""
                {
                  "jit_loading": false, "jit_auto_evict": false, "memory_bytes": 16000000000,
                  "download_ms": 500, "download_size_bytes": 1000,
                  "models": [
                    { "id": "sim/a", "tokens_per_second": 50, "compatibility_type": "mlx", "params_string": "4B",
                      "vision": true, "trained_for_tool_use": true, "load_ms": 250, "memory_bytes": 3000000000,
                      "fail_first_requests_with_model_unloaded": 2 },
                    { "id": "sim/b", "tokens_per_second": 50, "format": "gguf", "size_bytes": 8000000000 }
                  ]
                }
                """));

        assertThat(config.jitLoading()).isFalse();
        assertThat(config.jitAutoEvict()).isFalse();
        assertThat(config.memoryBytes()).isEqualTo(16_000_000_000L);
        assertThat(config.downloadMs()).isEqualTo(500);
        assertThat(config.downloadSizeBytes()).isEqualTo(1_000);
        SimModel a = config.models().get(0);
        assertThat(a.format()).isEqualTo("mlx");
        assertThat(a.paramsString()).isEqualTo("4B");
        assertThat(a.vision()).isTrue();
        assertThat(a.trainedForToolUse()).isTrue();
        assertThat(a.loadMs()).isEqualTo(250);
        assertThat(a.memoryBytes(4_096)).isEqualTo(3_000_000_000L);
        assertThat(a.failFirstRequestsWithModelUnloaded()).isEqualTo(2);
        SimModel b = config.models().get(1);
        assertThat(b.loadMs()).as("derived from the size").isEqualTo(2_000);
        assertThat(b.memoryBytes()).isEqualTo(-1);
    }

    @Test
    void rejectsBothFormatKeysAndANegativeLoadTime() throws IOException {
        Path both = write("""
                {"models": [{"id": "sim/x", "tokens_per_second": 50, "format": "gguf", "compatibility_type": "mlx"}]}
                """);
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(both))
                .withMessageContaining("models[0].format: give either");
        Path negative = write("""
                {"models": [{"id": "sim/x", "tokens_per_second": 50, "load_ms": -5}]}
                """);
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(negative))
                .withMessageContaining("models[0].load_ms must be >= 0");
        Path budget = write("""
                {"memory_bytes": 0, "models": [{"id": "sim/x", "tokens_per_second": 50}]}
                """);
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(budget))
                .withMessageContaining(": memory_bytes must be > 0");
    }

    // ---------------------------------------------------------------- quirks, slots, offload, draft

    private static final String ONE_MODEL = "\"models\": [{\"id\": \"sim/x\", \"tokens_per_second\": 50}]";

    @Test
    void lmStudioQuirksAreAllOnUnlessTheFileSwitchesThemOffAllOrByName() throws IOException {
        assertThat(SimConfig.fromJson(write("{" + ONE_MODEL + "}")).quirks()).isEqualTo(LmStudioQuirks.ALL);
        assertThat(SimConfig.fromJson(write("{\"lmstudio_quirks\": true, " + ONE_MODEL + "}")).quirks())
                .isEqualTo(LmStudioQuirks.ALL);
        assertThat(SimConfig.fromJson(write("{\"lmstudio_quirks\": false, " + ONE_MODEL + "}")).quirks())
                .isEqualTo(LmStudioQuirks.NONE);

        LmStudioQuirks some = SimConfig.fromJson(write("""
                {"lmstudio_quirks": {"usage_off_by_one": false, "unknown_endpoint_200": false,
                                     "no_v0_stream_stats": true}, %s}
                """.formatted(ONE_MODEL))).quirks();

        assertThat(some).isEqualTo(LmStudioQuirks.ALL.with("usage_off_by_one", false)
                .with("unknown_endpoint_200", false));
        assertThat(SimConfig.defaults().withQuirks(LmStudioQuirks.NONE).quirks()).isEqualTo(LmStudioQuirks.NONE);
        assertThat(new SimConfig("h", 0, SimConfig.defaultModels(), 1, "", "/v1", true, true, 1, 0, 1, false, null, 4)
                .quirks()).as("null is the default").isEqualTo(LmStudioQuirks.ALL);
    }

    @Test
    void anUnknownQuirkAValueThatIsNoBooleanAndAWrongTypeAreConfigErrorsNamingTheKey() throws IOException {
        Path unknown = write("{\"lmstudio_quirks\": {\"usage_of_by_one\": false}, " + ONE_MODEL + "}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(unknown))
                .withMessageStartingWith("sim config " + unknown + ": lmstudio_quirks.usage_of_by_one: unknown key")
                .withMessageContaining("usage_off_by_one");
        Path notBoolean = write("{\"lmstudio_quirks\": {\"usage_off_by_one\": \"no\"}, " + ONE_MODEL + "}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(notBoolean))
                .withMessage("sim config " + notBoolean + ": lmstudio_quirks.usage_off_by_one: expected true or false,"
                        + " got \"no\"");
        Path wrongType = write("{\"lmstudio_quirks\": \"all\", " + ONE_MODEL + "}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(wrongType))
                .withMessageStartingWith("sim config " + wrongType + ": lmstudio_quirks: expected true, false or an"
                        + " object");
        Path list = write("{\"lmstudio_quirks\": [\"usage_off_by_one\"], " + ONE_MODEL + "}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(list))
                .withMessageContaining(": lmstudio_quirks: expected");
    }

    @Test
    void readsDefaultParallelAndTheModelsCpuRateAndDraftAcceptance() throws IOException {
        SimConfig config = SimConfig.fromJson(write("""
                {"default_parallel": 8,
                 "models": [{"id": "sim/a", "tokens_per_second": 50, "cpu_tokens_per_second": 7,
                             "draft_acceptance_rate": 0.5},
                            {"id": "sim/b", "tokens_per_second": 50}]}
                """));

        assertThat(config.defaultParallel()).isEqualTo(8);
        assertThat(SimConfig.defaults().defaultParallel()).isEqualTo(SimConfig.DEFAULT_PARALLEL).isEqualTo(4);
        SimModel a = config.models().get(0);
        assertThat(a.cpuDecodeRate()).isEqualTo(7.0);
        assertThat(a.draftAcceptanceRate()).isEqualTo(0.5);
        SimModel b = config.models().get(1);
        assertThat(b.cpuDecodeRate()).isEqualTo(10.0);
        assertThat(b.draftAcceptanceRate()).isEqualTo(SimModel.DEFAULT_DRAFT_ACCEPTANCE_RATE);
    }

    @Test
    void rejectsNoParallelSlotsAZeroCpuRateAndAnAcceptanceRateAboveOne() throws IOException {
        Path slots = write("{\"default_parallel\": 0, " + ONE_MODEL + "}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(slots))
                .withMessage("sim config " + slots + ": default_parallel must be >= 1, got 0");
        Path cpu = write("""
                {"models": [{"id": "sim/x", "tokens_per_second": 50, "cpu_tokens_per_second": 0}]}
                """);
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(cpu))
                .withMessageContaining(": models[0].cpu_tokens_per_second must be > 0");
        Path rate = write("""
                {"models": [{"id": "sim/x", "tokens_per_second": 50, "draft_acceptance_rate": 1.5}]}
                """);
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(rate))
                .withMessageContaining(": models[0].draft_acceptance_rate must be in [0, 1]");
    }
}
