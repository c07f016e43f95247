package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    private static void assertOneLineUsageError(Outcome o, String expected) {
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n").contains(expected).startsWith("lmsbench: ");
        assertThat(o.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void trayWithoutADesktopSaysNoTrayIsAvailableAndABadUrlIsAUsageError() {
        // the tests run headless (no DISPLAY for this JVM's AWT): no tray, one line, exit 1
        Outcome o = run("tray", "--url", "http://127.0.0.1:9");
        assertThat(o.code()).as(o.err()).isEqualTo(1);
        assertThat(o.err().strip()).doesNotContain("\n").startsWith("lmsbench: no system tray available: ");
        assertOneLineUsageError(run("tray", "--url", "ftp://example.org"), "--url");
        assertOneLineUsageError(run("tray", "--poll-interval-ms", "0"), "--poll-interval-ms must be positive");
    }

    @Test
    void anUnknownPaperIsAUsageErrorNamingTheValidOnes() {
        assertOneLineUsageError(run("run", "--paper", "A5", "--output-dir", dir.toString()), "A4, LETTER");
    }

    @Test
    void profilingFlagsThatNeedEnableProfilingAreAUsageError() {
        assertOneLineUsageError(run("run", "--disable-gtt", "--output-dir", dir.toString()),
                "--disable-gtt need --enable-profiling");
        assertOneLineUsageError(run("run", "--profile-interval-ms", "100", "--output-dir", dir.toString()),
                "--profile-interval-ms need --enable-profiling");
        assertOneLineUsageError(run("run", "--enable-profiling", "--profile-interval-ms", "0", "--output-dir",
                dir.toString()), "--profile-interval-ms must be positive");
        assertOneLineUsageError(run("run", "--max-temp", "-5", "--output-dir", dir.toString()),
                "--max-temp must be a positive temperature");
    }

    @Test
    void runsZeroIsAOneLineUsageError() {
        assertOneLineUsageError(run("run", "--runs", "0", "--output-dir", dir.toString()),
                "--runs: expected an integer between 1 and 100000, got 0");
    }

    @Test
    void runsThatIsNotANumberIsAOneLineUsageError() {
        assertOneLineUsageError(run("run", "--runs", "abc"), "'abc' is not an int");
    }

    @Test
    void anUnknownFlagIsAOneLineUsageError() {
        assertOneLineUsageError(run("run", "--frobnicate"), "Unknown option: '--frobnicate'");
    }

    @Test
    void anInvalidRegexIsAUsageErrorNamingTheFlag() {
        assertOneLineUsageError(run("run", "--include-models", "(", "--output-dir", dir.toString()),
                "--include-models: invalid regular expression");
    }

    @Test
    void simulatorFlagsWithoutSimAreAUsageError() {
        assertOneLineUsageError(run("run", "--sim-ttft-ms", "20", "--output-dir", dir.toString()), "need --sim");
    }

    @Test
    void flagsWithoutASubcommandMeanRun() {
        assertThat(Main.withDefaultSubcommand(new String[]{"--runs", "2"})).containsExactly("run", "--runs", "2");
        assertThat(Main.withDefaultSubcommand(new String[]{"sim", "--port", "0"})).containsExactly("sim", "--port",
                "0");
        assertOneLineUsageError(run("--runs", "0", "--output-dir", dir.toString()), "--runs: expected an integer");
    }

    @Test
    void flagsOfFeaturesNotBuiltYetSaySoInsteadOfBeingIgnored() {
        assertOneLineUsageError(run("run", "--unified-kv-cache"), "lms load has no flag for it");
    }

    @Test
    void aCompareWithSourceThatIsNeitherAFileNorAStoredRunIsAUsageErrorBeforeTheRun() {
        assertOneLineUsageError(run("run", "--sim", "--compare-with", "no-such-run", "--db",
                dir.resolve("none.db").toString(), "--output-dir", dir.resolve("out").toString()),
                "'no-such-run' is neither a results file nor a run id");
    }

    @Test
    void anUnknownRankByMetricNamesTheValidOnes() {
        assertOneLineUsageError(run("run", "--rank-by", "speed"),
                "--rank-by: unknown metric 'speed'; valid: decode, ttft, total, prefill, load, vram");
        assertOneLineUsageError(run("compare", "a", "b", "--rank-by", "speed"), "valid: decode, ttft");
    }

    @Test
    void compareWithAMissingSourceIsAUsageErrorAndAnUnreadableFileIsNamed() throws java.io.IOException {
        assertOneLineUsageError(run("compare", "nope-a", "nope-b", "--db", dir.resolve("none.db").toString()),
                "'nope-a' is neither a results file nor a run id");
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad.json"), "not json");
        assertOneLineUsageError(run("compare", bad.toString(), bad.toString()), bad + ": not valid JSON");
    }

    @Test
    void anUnknownPresetIsAUsageErrorListingTheKnownOnes() {
        assertOneLineUsageError(run("run", "--preset", "nope", "--output-dir", dir.toString()),
                "unknown preset 'nope'");
    }

    @Test
    void aBadKvCacheQuantNamesTheFlagAndTheChoices() {
        assertOneLineUsageError(run("run", "--kv-cache-quant", "q3", "--output-dir", dir.toString()),
                "--kv-cache-quant: expected one of f32, f16");
    }

    @Test
    void hwSaysWhichBackendsWereTriedAndWhyAndSamplesCpuAndRam() throws Exception {
        Outcome o = run("hw");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("GPU backend:").contains("Backends tried:").contains("nvml:")
                .contains("rocm-smi:");
        assertThat(o.out()).containsPattern("RAM: +[0-9.]+ GB used of [0-9.]+ GB")
                .as("CPU load is measured between two samples 500 ms apart").containsPattern("CPU load [0-9]+%");
        Outcome json = run("hw", "--json");
        assertThat(json.code()).isZero();
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.path("schema_version").asInt()).isEqualTo(1);
        assertThat(doc.at("/hardware/gpu_backend").asText()).isEqualTo(
                o.out().lines().filter(l -> l.startsWith("GPU backend:")).findFirst().orElseThrow()
                        .substring("GPU backend:".length()).strip().split(",")[0]);
        assertThat(doc.at("/hardware/ram_total_bytes").asLong()).isPositive();
        assertThat(doc.at("/hardware/notes").size()).isGreaterThan(2);
        assertThat(doc.at("/sample/ram_used_bytes").asLong()).isPositive();
        assertThat(doc.at("/sample/cpu_load_pct").isNumber()).as("measured over 500 ms").isTrue();
    }

    @Test
    void hwWithGpuBackendNoneTriesNoGpuBackendAndAnUnknownOneIsAUsageError() {
        Outcome none = run("hw", "--gpu-backend", "none", "--sample-ms", "20");
        assertThat(none.code()).as(none.err()).isZero();
        assertThat(none.out()).contains("GPU backend: none").contains("nvml: not tried, --gpu-backend none");
        assertOneLineUsageError(run("hw", "--gpu-backend", "cuda"), "--gpu-backend must be one of auto, none, nvml");
    }

    @Test
    void versionNamesTheTool() {
        Outcome o = run("--version");
        assertThat(o.code()).isZero();
        assertThat(o.out()).startsWith("lmsbench ");
    }

    @Test
    void runHelpListsEverySeedArgumentUnderItsSeedGroup() {
        String help = run("run", "--help").out();
        java.util.Map<String, List<String>> groups = new java.util.LinkedHashMap<>();
        groups.put("Basic:", List.of("--runs", "--context", "--prompt", "--limit", "--dev-mode"));
        groups.put("Presets:", List.of("--list-presets", "--preset"));
        groups.put("Filters:", List.of("--only-vision", "--only-tools", "--quants", "--arch", "--params",
                "--min-context", "--max-size", "--include-models", "--exclude-models"));
        groups.put("Cache:", List.of("--retest", "--list-cache", "--export-cache", "--export-only"));
        groups.put("Profiling", List.of("--enable-profiling", "--max-temp", "--max-power", "--disable-gtt"));
        groups.put("Inference:", List.of("--temperature", "--top-k", "--top-p", "--min-p", "--repeat-penalty",
                "--max-tokens"));
        groups.put("Load config", List.of("--n-gpu-layers", "--n-batch", "--n-threads", "--flash-attention",
                "--rope-freq-base", "--rope-freq-scale", "--use-mmap", "--use-mlock", "--kv-cache-quant"));
        groups.put("REST API", List.of("--use-rest-api", "--api-token", "--n-parallel", "--unified-kv-cache"));
        groups.put("Comparison", List.of("--compare-with", "--rank-by"));
        List<String> sections = List.of(help.split("\n\n"));
        int count = 0;
        for (var g : groups.entrySet()) {
            String section = sections.stream().filter(x -> x.startsWith(g.getKey())).findFirst()
                    .orElseThrow(() -> new AssertionError("no help section " + g.getKey() + " in\n" + help));
            for (String flag : g.getValue()) {
                assertThat(section).as("%s lists %s", g.getKey(), flag)
                        .containsPattern("--(\\[no-])?" + java.util.regex.Pattern.quote(flag.substring(2)) + "\\b");
                count++;
            }
        }
        assertThat(count).isEqualTo(45);
    }

    @Test
    void runHelpListsTheIssueFlags() {
        Outcome o = run("run", "--help");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("--base-url", "--sim", "--runs", "--warmup", "--prompt", "--max-tokens",
                "--context", "--limit", "--include-models", "--exclude-models", "--output-dir", "--db",
                "--list-cache", "--export-cache", "--api-token", "--verbose", "--model", "--sim-tokens-per-second",
                "--sim-ttft-ms");
    }

    @Test
    void listingAMissingDatabaseIsARuntimeFailureNamingIt() {
        Outcome o = run("run", "--list-cache", "--db", dir.resolve("none.db").toString());
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err().strip()).contains("no results database at").contains("none.db").doesNotContain("\n");
    }
}
