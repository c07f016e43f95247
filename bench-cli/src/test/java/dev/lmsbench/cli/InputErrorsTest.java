package dev.lmsbench.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input is a one-line usage error (exit 2) saying what is wrong, never an internal error or a stack trace. */
class InputErrorsTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearProperties() {
        System.clearProperty("lmsbench.user.config");
    }

    private static void assertUsageError(MainTest.Outcome o, String expected) {
        assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err().strip()).startsWith("lmsbench: ").doesNotContain("\n").contains(expected)
                .doesNotContain("internal error").doesNotContain("Exception");
    }

    @ParameterizedTest(name = "--base-url ''{0}''")
    @CsvSource(delimiter = '|', value = {
            "localhost:1234|must start with http:// or https:// (did you mean http://localhost:1234?)",
            "http://h:99999|the port must be from 1 to 65535, got 99999",
            "http://h:0|the port must be from 1 to 65535, got 0",
            "''|--base-url must not be empty",
            "ftp://h:21|must start with http:// or https://",
            "http://|is not a valid URL",
            "http://h:12ab|the port must be a number from 1 to 65535, got '12ab'",
            "http://h:1234/v1?x=1|must not have a query",
            "http://user:pw@h:1234|must not carry a user name or password",
            "http://h h:1234|is not a valid URL"})
    void aMalformedBaseUrlIsAUsageErrorSayingWhatIsWrong(String url, String expected) {
        MainTest.Outcome o = MainTest.run("run", "--base-url", url, "--output-dir", dir.resolve("o").toString());
        assertUsageError(o, expected);
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void aMissingTokenizerFileIsAUsageErrorNamingIt() {
        Path missing = dir.resolve("no-such-tokenizer.json");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--tokenizer", missing.toString(), "--output-dir",
                dir.resolve("o").toString(), "--db", dir.resolve("c.db").toString());
        assertUsageError(o, "--tokenizer (config tokenizer_file): " + missing + " does not exist");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void aMalformedTokenizerFileIsAUsageErrorNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nope\"}");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--tokenizer", file.toString(), "--output-dir",
                dir.resolve("o").toString(), "--db", dir.resolve("c.db").toString());
        assertUsageError(o, "--tokenizer (config tokenizer_file): " + file + " is not a tokenizer.json");
    }

    @Test
    void aTokenizerFileFromTheConfigIsCheckedLikeTheFlag() throws IOException {
        Path user = Files.createDirectories(dir.resolve("user"));
        Files.writeString(user.resolve("defaults.json"), "{\"tokenizer_file\": \""
                + dir.resolve("gone.json").toString().replace("\\", "\\\\") + "\"}");
        System.setProperty("lmsbench.user.config", user.toString());
        MainTest.Outcome o = MainTest.run("run", "--sim", "--output-dir", dir.resolve("o").toString(), "--db",
                dir.resolve("c.db").toString());
        assertUsageError(o, "gone.json does not exist");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--limit|-1|--limit must be between 0 (all models) and 100000, got -1",
            "--max-size|NaN|--max-size must be a size in GB between 0 (no limit) and 1000000, got NaN",
            "--max-size|-2|--max-size must be a size in GB",
            "--max-size|Infinity|--max-size must be a size in GB",
            "--n-parallel|100000|--n-parallel must be between 1 and 1024, got 100000",
            "--n-parallel|0|--n-parallel must be between 1 and 1024, got 0",
            "--min-context|-5|--min-context must be 0 or more, got -5"})
    void aFlagOutsideItsRangeIsAUsageError(String flag, String value, String expected) {
        assertUsageError(MainTest.run("run", "--sim", flag, value, "--output-dir", dir.resolve("o").toString()),
                expected);
    }

    @Test
    void aJsonSyntaxErrorInAConfigFileNamesTheFileLineAndColumn() throws IOException {
        Path user = dir.resolve("user");
        Files.createDirectories(user);
        Files.writeString(user.resolve("defaults.json"), "{\n  \"num_runs\": 3,\n  \"warmup_runs\": 1,\n}\n");
        System.setProperty("lmsbench.user.config", user.toString());
        MainTest.Outcome o = MainTest.run("config", "show");
        assertUsageError(o, user.resolve("defaults.json") + ": not valid JSON at line 4, column 1");
    }

    @Test
    void aConfigFileNestedTooDeeplyIsAConfigurationErrorNotACrash() throws IOException {
        Path user = dir.resolve("user");
        Files.createDirectories(user);
        Files.writeString(user.resolve("defaults.json"), "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        System.setProperty("lmsbench.user.config", user.toString());
        assertUsageError(MainTest.run("config", "show"), "not valid JSON");
    }

    @Test
    void aRunThatNeverReachedAServerLeavesNoOutputFolderBehind() {
        Path out = dir.resolve("never");
        MainTest.Outcome o = MainTest.run("run", "--base-url", "http://127.0.0.1:9", "--output-dir", out.toString(),
                "--db", dir.resolve("cache.db").toString());
        assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(o.err().strip()).doesNotContain("\n").contains("cannot list models at http://127.0.0.1:9");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOutputFolderThatCannotBeCreatedSaysWhy() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--output-dir", file.resolve("sub").toString(),
                "--db", dir.resolve("cache.db").toString());
        assertThat(o.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(o.err().strip()).doesNotContain("\n")
                .contains("cannot create output directory " + file.resolve("sub") + ": Not a directory");
    }

    @Test
    void forcingLlamaCppOnAnotherServerSaysWhatAnswersInstead() {
        try (dev.lmsbench.sim.SimServer sim = dev.lmsbench.sim.SimServer.start(dev.lmsbench.sim.SimConfig.defaults())) {
            MainTest.Outcome o = MainTest.run("run", "--base-url", sim.baseUrl(), "--backend", "llamacpp",
                    "--model", "sim/qwen3-8b@q8_0", "--output-dir", dir.resolve("o").toString(),
                    "--db", dir.resolve("cache.db").toString());
            assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.FAILURE);
            assertThat(o.err().strip()).doesNotContain("\n").contains("--backend llamacpp: ")
                    .contains("is not llama.cpp's server").contains("LM Studio's native REST API answers there");
        }
    }

    @Test
    void fileErrorsSayTheReasonTheJdkLeavesOutOfTheMessage() {
        assertThat(IoErrors.reason(new AccessDeniedException("/srv/results")))
                .isEqualTo("permission denied (/srv/results)");
    }
}
