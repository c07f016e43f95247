package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A malformed suite file is exit 2 with one line naming the file, the line and the key; nothing runs. */
class SuiteFileTest {

    @TempDir
    Path dir;

    private static final String GOOD = """
            name: s1
            baselines:
              - name: fast
                kind: sim
                sim: {models: [{id: "sim/m@q4", tokens_per_second: 100}]}
              - name: llama
                kind: openai
                url: http://localhost:8080/v1
            workloads:
              - random
              - name: chat
                type: multi-round
                options: {users: 2}
            qps: [1, 2]
            num_requests: 10
            goodput: "ttft:200 tpot:50"
            """;

    private MainTest.Outcome suite(String yaml, String... more) throws Exception {
        Path f = dir.resolve("suite.yaml");
        Files.writeString(f, yaml);
        String[] args = Stream.concat(Stream.of("suite", f.toString(), "--output-dir", dir.resolve("out").toString()),
                Stream.of(more)).toArray(String[]::new);
        return MainTest.run(args);
    }

    private static final class Stream {
        static java.util.stream.Stream<String> of(String... s) {
            return java.util.Arrays.stream(s);
        }

        static java.util.stream.Stream<String> concat(java.util.stream.Stream<String> a,
                                                       java.util.stream.Stream<String> b) {
            return java.util.stream.Stream.concat(a, b);
        }
    }

    @Test
    void aGoodSuiteListsItsCombinationsOnADryRun() throws Exception {
        MainTest.Outcome o = suite(GOOD, "--dry-run");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("fast x random: lmsbench load --sim --sim-config")
                .contains("llama x chat: lmsbench load --base-url http://localhost:8080/v1 --backend openai "
                        + "--workload multi-round --workload-option users=2 --rate 1,2")
                .contains("--tag suite=s1").contains("--tag baseline=llama").contains("--goodput ttft:200 tpot:50");
        assertThat(o.err()).contains("2 baseline(s) x 2 workload(s) x qps 1,2 (4 load tests)");
    }

    @ParameterizedTest(name = "{0}")
    // each row: what to replace | with | the expected message
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "num_requests: 10|num_request: 10|suite.yaml:15: num_request: unknown key",
            "kind: openai|kind: vllm|suite.yaml:7: baselines[1].kind: must be one of sim, lmstudio, openai, ollama, got 'vllm'",
            "url: http://localhost:8080/v1|model: m|suite.yaml:6: baselines[1]: an openai baseline needs its url",
            "options: {users: 2}|options: {userz: 2}|suite.yaml:13: workloads[1].options.userz: unknown option of the multi-round workload",
            "options: {users: 2}|options: {users: -1}|suite.yaml:13: workloads[1].options:",
            "qps: [1, 2]|qps: [1, 0]|suite.yaml:14: qps[1]: a rate must be above 0",
            "goodput: \"ttft:200 tpot:50\"|goodput: \"ttft=200\"|suite.yaml:16: goodput: --goodput: 'ttft=200' is not metric:milliseconds",
            "  - name: llama|  - name: fast|suite.yaml:6: baselines[1].name: the name 'fast' is used twice",
            "sim: {models: [{id: \"sim/m@q4\", tokens_per_second: 100}]}|sim: {models: [{id: \"sim/m@q4\", tokens_per_second: -5}]}|baselines[0].sim:",
            "name: s1|name: s 1|suite.yaml:1: name: a name is 1 to 64 letters",
            "qps: [1, 2]|concurrency: [1, 2]\\nqps: [1]|suite.yaml:14: concurrency: give either qps",
            "num_requests: 10|num_requests: -3|suite.yaml:15: num_requests: must be from 1 to"})
    void aMalformedSuiteNamesTheFileTheLineAndTheKey(String from, String to, String expected) throws Exception {
        String yaml = GOOD.replace(from, to.replace("\\n", "\n"));
        assertThat(yaml).isNotEqualTo(GOOD);
        MainTest.Outcome o = suite(yaml);
        assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err().strip()).startsWith("lmsbench: ").doesNotContain("\n").contains(expected)
                .doesNotContain("Exception");
        assertThat(dir.resolve("out").resolve("s1").resolve("runs")).doesNotExist();
    }

    @Test
    void notYamlAndTooBigAreOneLineErrorsToo() throws Exception {
        MainTest.Outcome o = suite("name: [unclosed\nbaselines: x\n");
        assertThat(o.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err()).contains("suite.yaml:").contains("not valid YAML");
        MainTest.Outcome big = suite("name: x\n" + "# " + "y".repeat(SuiteFile.MAX_FILE_BYTES) + "\n");
        assertThat(big.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(big.err()).contains("at most " + SuiteFile.MAX_FILE_BYTES + " bytes");
        MainTest.Outcome missing = MainTest.run("suite", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("cannot read suite file");
    }

    @Test
    void theShippedTemplateAndExampleAreValidSuites() throws Exception {
        for (String f : new String[] {"TEMPLATE-suite.yaml", "example-sim.yaml"}) {
            MainTest.Outcome o = MainTest.run("suite", Path.of("..", "config", "suites", f).toString(), "--dry-run",
                    "--output-dir", dir.resolve("t").toString());
            assertThat(o.code()).as(f + ": " + o.err()).isZero();
        }
    }
}
