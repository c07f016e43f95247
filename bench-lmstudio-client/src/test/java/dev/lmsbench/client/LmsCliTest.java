package dev.lmsbench.client;

import dev.lmsbench.core.model.Capability;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
