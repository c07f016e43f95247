package dev.lmsbench.client;

import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.BackendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class LmsCliTest {

    @TempDir
    Path dir;

    /** Output shape of `lms ls --json`: the LM Studio SDK's downloaded-model fields, after a "Waking up" line. */
    private static final String LS = """
            Waking up LM Studio service...
            [{"type":"llm","modelKey":"qwen/qwen3-8b","format":"gguf","displayName":"Qwen3 8B",
              "path":"qwen/qwen3-8b/Qwen3-8B-Q4_K_M.gguf","sizeBytes":5027783488,"paramsString":"8B",
              "architecture":"qwen3","vision":false,"trainedForToolUse":true,"maxContextLength":40960},
             {"type":"embedding","modelKey":"text-embedding-nomic-embed-text-v1.5","format":"gguf",
              "sizeBytes":84106624,"architecture":"nomic-bert","maxContextLength":2048},
             {"type":"llm","modelKey":"google/gemma-3-4b","sizeBytes":3340000000,"paramsString":"4B",
              "architecture":"gemma3","vision":true,"trainedForToolUse":false,"maxContextLength":131072}]
            """;

    private Path fakeLms(String script) throws Exception {
        Path f = dir.resolve("bin").resolve("lms");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void parsesLmsLsJsonIntoModelsWithMetadata() throws Exception {
        List<ModelInfo> models = LmsCli.parse(LS, "lms ls --json");
        assertThat(models).hasSize(3);
        ModelInfo qwen = models.get(0);
        assertThat(qwen.id()).isEqualTo("qwen/qwen3-8b");
        assertThat(qwen.params()).isEqualTo("8B");
        assertThat(qwen.architecture()).isEqualTo("qwen3");
        assertThat(qwen.sizeBytes()).isEqualTo(5027783488L);
        assertThat(qwen.maxContextLength()).isEqualTo(40960);
        assertThat(qwen.capabilities()).containsExactly(Capability.TOOL_USE);
        assertThat(models.get(1).type()).isEqualTo("embeddings");
        assertThat(models.get(2).capabilities()).containsExactly(Capability.VISION);
    }

    @Test
    void sanitizesModelKeysAndMetadataAndSkipsKeysMadeOnlyOfGarbage() throws Exception {
        List<ModelInfo> models = LmsCli.parse("[{\"modelKey\":\"qwen\\u001b[2J3-8b\",\"publisher\":\"q\\u0007\"},"
                + "{\"modelKey\":\"\\u001b]0;x\\u0007\"}]", "lms ls --json");

        assertThat(models).extracting(ModelInfo::id).containsExactly("qwen3-8b");
        assertThat(models.get(0).publisher()).isEqualTo("q");
    }

    @Test
    void isFoundOnThePathAndRunsLsThroughTheRealProcess() throws Exception {
        Path lms = fakeLms("[ \"$1 $2\" = \"ls --json\" ] || exit 3\ncat <<'EOF'\n" + LS + "EOF\n");
        LmsCli cli = LmsCli.locate(Map.of("PATH", lms.getParent().toString()), dir).orElseThrow();
        assertThat(cli.executable()).isEqualTo(lms);
        assertThat(cli.listModels()).extracting(ModelInfo::id).contains("qwen/qwen3-8b", "google/gemma-3-4b");
    }

    @Test
    void isFoundInLmStudiosInstallDirectoryWhenNotOnThePath() throws Exception {
        Path lms = dir.resolve(".lmstudio").resolve("bin").resolve("lms");
        Files.createDirectories(lms.getParent());
        Files.writeString(lms, "#!/bin/sh\n");
        Files.setPosixFilePermissions(lms, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(LmsCli.locate(Map.of("PATH", "/nonexistent"), dir)).hasValueSatisfying(
                c -> assertThat(c.executable()).isEqualTo(lms));
        assertThat(LmsCli.locate(Map.of("PATH", "/nonexistent"), dir.resolve("nohome"))).isEmpty();
    }

    @Test
    void aFailingCommandIsAOneLineErrorWithItsLastOutputLine() throws Exception {
        Path lms = fakeLms("echo 'Error: LM Studio is not installed' >&2\nexit 1\n");
        LmsCli cli = LmsCli.locate(Map.of("PATH", lms.getParent().toString()), dir).orElseThrow();
        assertThatThrownBy(() -> cli.startServer(1234, Duration.ofSeconds(10)))
                .isInstanceOf(BackendException.class)
                .hasMessage(lms + " server start --port 1234 failed with exit code 1: Error: LM Studio is not "
                        + "installed");
    }

    // ---- lms load ----

    /** What lms load.ts prints after a load (its logger.info lines), here for an instance named key:2. */
    private static final String LOADED = """
            Loading qwen/qwen3-8b/Qwen3-8B-Q4_K_M.gguf
            Model loaded successfully in 4.21s. (5.03 GB)
            To use the model in the API/SDK, use the identifier "qwen/qwen3-8b:2".
            """;

    private Path argsLoggingLms(String output) throws Exception {
        return fakeLms("printf '%s\\n' \"$*\" >> " + dir.resolve("args") + "\ncat <<'EOF'\n" + output + "EOF\n");
    }

    private List<String> loggedArgs() throws Exception {
        Path args = dir.resolve("args");
        return Files.exists(args) ? Files.readAllLines(args) : List.of();
    }

    private LmsCli cli(Path lms) {
        return LmsCli.locate(Map.of("PATH", lms.getParent().toString()), dir).orElseThrow();
    }

    @Test
    void loadPassesEverySetFlagInItsDocumentedOrderAndReturnsTheIdentifierLmsPrinted() throws Exception {
        LmsCli cli = cli(argsLoggingLms(LOADED));
        LmsLoad options = new LmsLoad(8192, 0.5, 600, 4, "bench-1", "192.168.1.20", 1234);

        String identifier = cli.load("qwen/qwen3-8b", options, Duration.ofSeconds(10));

        assertThat(loggedArgs()).containsExactly("load qwen/qwen3-8b --yes --context-length 8192 --gpu 0.5 --ttl 600"
                + " --parallel 4 --identifier bench-1 --host 192.168.1.20 --port 1234");
        assertThat(identifier).isEqualTo("qwen/qwen3-8b:2");
    }

    @Test
    void loadPassesOnlyTheKeyAndYesWhenNothingIsSet() throws Exception {
        LmsCli cli = cli(argsLoggingLms("Model loaded successfully in 1.00s.\n"));

        String identifier = cli.load("qwen/qwen3-8b", LmsLoad.DEFAULT, Duration.ofSeconds(10));

        assertThat(loggedArgs()).containsExactly("load qwen/qwen3-8b --yes");
        assertThat(identifier).as("lms printed no identifier").isEmpty();
    }

    @Test
    void takesTheFlagsLmsHasFromALoadConfigurationAndNothingElse() {
        LoadConfig config = new LoadConfig(4096, -1, 256, 8, true, null, null, true, null, "q8_0", 300, 4, true, 2,
                1.0);

        assertThat(LmsLoad.of(config).withServer("", 1234).arguments("m")).containsExactly("load", "m", "--yes",
                "--context-length", "4096", "--gpu", "max", "--ttl", "300", "--parallel", "2", "--port", "1234");
    }

    @Test
    void passesGpuOffloadAsOffMaxOrTheRatio() {
        assertThat(LmsLoad.gpu(0.0)).isEqualTo("off");
        assertThat(LmsLoad.gpu(1.0)).isEqualTo("max");
        assertThat(LmsLoad.gpu(0.25)).isEqualTo("0.25");
        assertThat(LmsLoad.gpu(0.5)).isEqualTo("0.5");
    }

    @Test
    void refusesValuesLmsWouldReadAsAnotherOptionOrCannotTake() {
        assertThatThrownBy(() -> LmsLoad.DEFAULT.withIdentifier("--gpu")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LmsLoad.DEFAULT.withServer("::1", 1234)).as("lms refuses a host with a colon")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LmsLoad.DEFAULT.withServer("http://h", 1234))
                .isInstanceOf(IllegalArgumentException.class);
        LmsCli cli = LmsCli.locate(Map.of("LMSBENCH_LMS", "/bin/true"), dir).orElseThrow();
        assertThatThrownBy(() -> cli.load("--estimate-only", LmsLoad.DEFAULT, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailedLoadIsAnErrorWithTheLastMeaningfulLineSanitized() throws Exception {
        Path lms = fakeLms("""
                printf 'Loading qwen/qwen3-8b\\n'
                printf '\\033[31mError: Model loading was stopped due to insufficient system resources.\\033[0m\\n'
                printf '\\342\\224\\202  Try a smaller context length.  \\342\\224\\202\\n'
                printf '\\342\\224\\224\\342\\224\\200\\342\\224\\200\\342\\224\\230\\n'
                exit 1
                """);

        BackendException e = catchThrowableOfType(BackendException.class,
                () -> cli(lms).load("qwen/qwen3-8b", LmsLoad.DEFAULT, Duration.ofSeconds(10)));

        assertThat(e.kind()).isEqualTo(BackendException.Kind.PROTOCOL);
        assertThat(e.getMessage()).isEqualTo(lms + " load qwen/qwen3-8b --yes failed with exit code 1: Error: Model"
                + " loading was stopped due to insufficient system resources.");
    }

    @Test
    void withoutAnErrorLineTheLastLineWithWordsIsShownWithoutItsBorder() {
        assertThat(LmsCli.lastMeaningfulLine("a\n\u2502 No model found that matches path \"x\". \u2502\n"
                + "\u2514\u2500\u2500\u2518\n")).isEqualTo("No model found that matches path \"x\".");
        assertThat(LmsCli.lastMeaningfulLine("Error\nModel not found\n")).as("a lone Error title says nothing")
                .isEqualTo("Model not found");
    }

    @Test
    void aLoadThatOutlivesItsTimeoutIsKilledAndReportedAsATimeout() throws Exception {
        Path lms = fakeLms("exec sleep 60\n");
        long start = System.nanoTime();

        BackendException e = catchThrowableOfType(BackendException.class,
                () -> cli(lms).load("m", LmsLoad.DEFAULT, Duration.ofMillis(300)));

        assertThat(e.kind()).isEqualTo(BackendException.Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void cancellingKillsARunningLoadAndReportsItCancelled() throws Exception {
        Path started = dir.resolve("started");
        LmsCli cli = cli(fakeLms("touch " + started + "\nexec sleep 60\n"));
        CompletableFuture<BackendException> failure = CompletableFuture.supplyAsync(() -> catchThrowableOfType(
                BackendException.class, () -> cli.load("m", LmsLoad.DEFAULT, Duration.ofSeconds(50))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(started) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(started).exists();

        cli.cancelRunning();

        assertThat(failure.get(20, TimeUnit.SECONDS).kind()).isEqualTo(BackendException.Kind.CANCELLED);
    }

    @Test
    void keepsOnlyTheTailOfAnOutputBeyondTheLimit() throws Exception {
        Path lms = fakeLms("head -c " + (LmsCli.MAX_OUTPUT_BYTES + 1024) + " /dev/zero | tr '\\0' 'x'\n"
                + "printf '\\nError: out of memory\\n'\nexit 1\n");

        BackendException failed = catchThrowableOfType(BackendException.class,
                () -> cli(lms).load("m", LmsLoad.DEFAULT, Duration.ofSeconds(30)));
        BackendException listed = catchThrowableOfType(BackendException.class, () -> cli(fakeLms(
                "head -c " + (LmsCli.MAX_OUTPUT_BYTES + 1024) + " /dev/zero | tr '\\0' ' '\n")).listModels());

        assertThat(failed.getMessage()).endsWith(": Error: out of memory").hasSizeLessThan(400);
        assertThat(listed.kind()).as("a list cut short is not a list").isEqualTo(BackendException.Kind.TOO_LARGE);
    }

    // ---- lms runtime ls ----

    @Test
    void readsTheSelectedRuntimeFromRuntimeLsJson() throws Exception {
        Path lms = argsLoggingLms("""
                [{"name":"llama.cpp-linux-x86_64-avx2","version":"1.49.0","supportedModelFormatNames":["GGUF"],
                  "selectedModelFormatNames":[]},
                 {"name":"llama.cpp-linux-x86_64-nvidia-cuda-avx2","version":"1.50.0",
                  "supportedModelFormatNames":["GGUF"],"selectedModelFormatNames":["GGUF"]}]
                """);

        assertThat(cli(lms).runtime("", 1234)).isEqualTo("llama.cpp-linux-x86_64-nvidia-cuda-avx2 1.50.0");
        assertThat(loggedArgs()).containsExactly("runtime ls --json --port 1234");
    }

    @Test
    void readsTheRuntimeJsonShapesItAssumes() {
        assertThat(LmsCli.parseRuntimeJson("Waking up LM Studio service...\n{\"runtimes\":[{\"engine\":"
                + "\"mlx-engine@0.20.0\",\"selected\":true}]}")).contains("mlx-engine 0.20.0");
        assertThat(LmsCli.parseRuntimeJson("[{\"specifier\":{\"name\":\"a\",\"version\":\"1\"},\"isSelected\""
                + ":true}]")).contains("a 1");
        assertThat(LmsCli.parseRuntimeJson("[{\"name\":\"a\",\"version\":\"1\",\"selected\":\"\u2713\"}]"))
                .contains("a 1");
        assertThat(LmsCli.parseRuntimeJson("{\"llama\":{\"name\":\"b\",\"version\":\"2\",\"active\":true}}"))
                .contains("b 2");
        assertThat(LmsCli.parseRuntimeJson("[{\"name\":\"a\",\"version\":\"1\",\"selected\":false}]"))
                .as("none selected").contains("");
        assertThat(LmsCli.parseRuntimeJson("LLM ENGINE  SELECTED")).as("no JSON at all").isEqualTo(Optional.empty());
        assertThat(LmsCli.parseRuntimeJson("[{\"name\":\"a\\u001b[2J\",\"version\":\"1\",\"selected\":true}]"))
                .as("sanitized").contains("a 1");
    }

    @Test
    void readsTheRuntimeTableWhenLmsRejectsJson() throws Exception {
        Path lms = fakeLms("printf '%s\\n' \"$*\" >> " + dir.resolve("args") + "\n"
                + "if [ \"$3\" = --json ]; then echo \"error: unknown option '--json'\"; exit 1; fi\n"
                + "cat <<'EOF'\n" + """
                LLM ENGINE                                        SELECTED    MODEL FORMAT
                llama.cpp-linux-x86_64-avx2@1.49.0                              GGUF
                llama.cpp-linux-x86_64-nvidia-cuda-avx2@1.50.0       \u2713          GGUF
                """ + "EOF\n");

        assertThat(cli(lms).runtime()).isEqualTo("llama.cpp-linux-x86_64-nvidia-cuda-avx2 1.50.0");
        assertThat(loggedArgs()).containsExactly("runtime ls --json", "runtime ls");
    }

    @Test
    void aRuntimeTableWithoutASelectionNamesNone() {
        assertThat(LmsCli.parseRuntimeTable("LLM ENGINE    SELECTED    MODEL FORMAT\n"
                + "llama.cpp-linux-x86_64-avx2@1.49.0              GGUF\n")).isEmpty();
    }
}
