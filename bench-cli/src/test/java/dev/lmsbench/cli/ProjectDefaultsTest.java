package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectDefaultsTest {

    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        Path f = dir.resolve("defaults.json");
        Files.writeString(f, json);
        return f;
    }

    private static String defaultOf(ProjectDefaults d, String option) {
        CommandLine.Model.OptionSpec spec = CommandLine.Model.OptionSpec.builder(option).type(String.class).build();
        return d.defaultValue(spec);
    }

    @Test
    void mapsSeedKeysOntoFlags() throws IOException {
        ProjectDefaults d = ProjectDefaults.read(file("""
                {"num_runs": 5, "context_length": 8192, "prompt": "Hi",
                 "lmstudio": {"host": "gpu-box", "ports": [1235, 1234], "api_token": "t"},
                 "inference": {"temperature": 0.7, "max_tokens": 64}}"""));
        assertThat(defaultOf(d, "--runs")).isEqualTo("5");
        assertThat(defaultOf(d, "--context")).isEqualTo("8192");
        assertThat(defaultOf(d, "--prompt")).isEqualTo("Hi");
        assertThat(defaultOf(d, "--base-url")).isEqualTo("http://gpu-box:1235");
        assertThat(defaultOf(d, "--api-token")).isEqualTo("t");
        assertThat(defaultOf(d, "--temperature")).isEqualTo("0.7");
        assertThat(defaultOf(d, "--max-tokens")).isEqualTo("64");
    }

    @Test
    void nullValuesAreSkipped() throws IOException {
        ProjectDefaults d = ProjectDefaults.read(file("{\"num_runs\": null, \"lmstudio\": {\"api_token\": null}}"));
        assertThat(defaultOf(d, "--runs")).isNull();
        assertThat(defaultOf(d, "--api-token")).isNull();
    }

    @Test
    void aBadValueNamesTheFileAndTheKey() throws IOException {
        Path f = file("{\"inference\": {\"max_tokens\": \"lots\"}}");
        assertThatThrownBy(() -> ProjectDefaults.read(f))
                .isInstanceOf(CliException.class)
                .hasMessage(f + ": key 'inference.max_tokens': expected an integer >= 1, got \"lots\"");
    }

    @Test
    void malformedJsonIsAUsageErrorNamingTheFile() throws IOException {
        Path f = file("{\"num_runs\": 3,,}");
        assertThatThrownBy(() -> ProjectDefaults.read(f))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith(f + ": not valid JSON")
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(2));
    }

    @Test
    void theShippedDefaultsFileIsValid() {
        ProjectDefaults d = ProjectDefaults.read(Path.of("..", "config", "defaults.json"));
        assertThat(defaultOf(d, "--runs")).isEqualTo("3");
        assertThat(defaultOf(d, "--base-url")).isEqualTo("http://localhost:1234");
    }
}
