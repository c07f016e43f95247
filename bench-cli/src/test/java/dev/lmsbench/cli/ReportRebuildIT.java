package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's "--export-only and lmsbench report reproduce the same JSON as the original run": a profiled sim run,
 * then its reports rebuilt from its results.json, from its run id in the database and by {@code --export-only}, all
 * compared byte for byte with the original's (results.json has no generation time: the whole file must match).
 */
class ReportRebuildIT {

    private static final String[] FILES = {"results.json", "summary.csv", "requests.csv"};

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("cache.db");
    }

    /** A fake monitor whose samples vary (CPU load, VRAM, power, a NaN utilization now and then). */
    private static MainTest.Outcome profiledRun(String... args) {
        ProfilingRunIT.FakeMonitor monitor = new ProfilingRunIT.FakeMonitor(n -> new HardwareSample(System.nanoTime(),
                20.0 + n % 7 * 1.25, 12_000_000_000L + n * 1_000_003L, 32_000_000_000L, 0, 300_000_000L + n,
                List.of(new GpuSample(0, "Fake RTX", 6_000_000_000L + n * 4_096L, 24_000_000_000L, -1,
                        n % 5 == 0 ? Double.NaN : 80.0 + n % 3, Double.NaN, 150.0 + n % 11 / 3.0, 350.0,
                        60.0 + n % 4, -1, -1))));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true),
                (gtt, backend) -> monitor);
        return new MainTest.Outcome(code, out.toString(), err.toString());
    }

    private String[] runArgs(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "--sim", "--sim-load-ms", "50", "--runs", "2", "--warmup",
                "1", "--max-tokens", "24",
                "--limit", "2", "--enable-profiling", "--profile-interval-ms", "5", "--format", "json,csv",
                "--output-dir", out.toString(), "--db", db().toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static void assertSameFiles(Path original, Path rebuilt) throws Exception {
        for (String f : FILES) {
            assertThat(Files.readString(rebuilt.resolve(f))).as("%s rebuilt in %s", f, rebuilt)
                    .isEqualTo(Files.readString(original.resolve(f)));
            assertThat(Files.readAllBytes(rebuilt.resolve(f))).isEqualTo(Files.readAllBytes(original.resolve(f)));
        }
    }

    private static String runId(Path out) throws Exception {
        return new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("run").path("run_id").asText();
    }

    @Test
    void reportFromTheFileFromTheRunIdAndExportOnlyWriteTheOriginalRunsFilesByteForByte() throws Exception {
        Path a = dir.resolve("a");
        MainTest.Outcome run = profiledRun(runArgs(a));
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(a.resolve("results.json").toFile());
        assertThat(json.path("hardware").path("gpu_backend").asText()).isEqualTo("fake-nvml");
        assertThat(json.path("models").get(0).path("hardware_samples").size()).as("hardware samples").isPositive();
        assertThat(json.path("requests").findValues("run_mode").stream().map(JsonNode::asText).distinct())
                .containsExactlyInAnyOrder("stream", "nonstream");

        Path b = dir.resolve("b");
        MainTest.Outcome fromFile = MainTest.run("report", a.resolve("results.json").toString(), "--output-dir",
                b.toString());
        assertThat(fromFile.code()).as(fromFile.err()).isZero();
        assertSameFiles(a, b);

        Path c = dir.resolve("c");
        MainTest.Outcome fromDb = MainTest.run("report", runId(a), "--db", db().toString(), "--output-dir",
                c.toString());
        assertThat(fromDb.code()).as(fromDb.err()).isZero();
        assertThat(fromDb.err()).contains("Rebuilding the reports of run " + runId(a));
        assertSameFiles(a, c);

        Path e = dir.resolve("e");
        MainTest.Outcome export = MainTest.run("run", "--export-only", "--db", db().toString(), "--output-dir",
                e.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.err()).contains("Exporting run " + runId(a));
        assertSameFiles(a, e);

        // --compare-with and --rank-by as after a run: the comparison is shown, results.json stays the run's
        Path f = dir.resolve("f");
        MainTest.Outcome compared = MainTest.run("report", runId(a), "--db", db().toString(), "--compare-with",
                a.toString(), "--rank-by", "ttft", "--output-dir", f.toString());
        assertThat(compared.code()).as(compared.err()).isZero();
        assertThat(compared.out()).contains("Comparison with " + runId(a));
        assertThat(Files.readString(f.resolve("results.json"))).isEqualTo(Files.readString(a.resolve("results.json")));

        // a directory holding a results.json is a source too
        Path d = dir.resolve("d");
        assertThat(MainTest.run("report", a.toString(), "--output-dir", d.toString(), "--format", "md").code())
                .isZero();
        assertThat(d.resolve("report.md")).exists();
        assertThat(d.resolve("results.json")).doesNotExist();
    }

    @Test
    void aRunWhoseModelsAllCameFromTheCacheIsRebuiltFromItsRunIdWithItsCachedModels() throws Exception {
        Path first = dir.resolve("first");
        assertThat(profiledRun(runArgs(first)).code()).isZero();
        Path second = dir.resolve("second");
        MainTest.Outcome cached = profiledRun(runArgs(second));
        assertThat(cached.code()).as(cached.err()).isZero();
        assertThat(cached.err()).contains("[cached]");
        assertThat(runId(second)).isNotEqualTo(runId(first));

        Path rebuilt = dir.resolve("rebuilt");
        MainTest.Outcome o = MainTest.run("report", runId(second), "--db", db().toString(), "--output-dir",
                rebuilt.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertSameFiles(second, rebuilt);
    }

    @Test
    void resultsOfSeveralRunsExportUnderTheNewestRunsHeaderWithANote() throws Exception {
        Path first = dir.resolve("first");
        assertThat(profiledRun(runArgs(first, "--limit", "1")).code()).isZero();
        Path second = dir.resolve("second");
        MainTest.Outcome o2 = profiledRun(runArgs(second, "--limit", "2", "--retest", "--exclude-models",
                "^" + java.util.regex.Pattern.quote(firstModel(first)) + "$"));
        assertThat(o2.code()).as(o2.err()).isZero();

        Path e = dir.resolve("e");
        MainTest.Outcome export = MainTest.run("run", "--export-only", "--db", db().toString(), "--output-dir",
                e.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.err()).contains("they come from 2 runs").contains("newest run's, " + runId(second));
        JsonNode json = new ObjectMapper().readTree(e.resolve("results.json").toFile());
        assertThat(json.path("run").path("run_id").asText()).isEqualTo(runId(second));
        assertThat(json.path("models").size()).as("one model of the first run, two of the second").isEqualTo(3);
    }

    private static String firstModel(Path out) throws Exception {
        return new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("models").get(0).path("model")
                .path("id").asText();
    }

    @Test
    void aTruncatedOrHostileResultsFileIsAOneLineUsageError() throws Exception {
        Path a = dir.resolve("a");
        assertThat(profiledRun(runArgs(a, "--limit", "1")).code()).isZero();
        String json = Files.readString(a.resolve("results.json"));

        Path truncated = Files.writeString(dir.resolve("truncated.json"), json.substring(0, json.length() / 3));
        assertOneLineUsageError(MainTest.run("report", truncated.toString(), "--output-dir", dir.resolve("x")
                .toString()), truncated + ": not valid JSON");

        Path hostile = Files.writeString(dir.resolve("hostile.json"),
                json.replaceFirst("\"chunk_count\": \\d+", "\"chunk_count\": \"\\\\u001b[31mlots\""));
        assertOneLineUsageError(MainTest.run("report", hostile.toString(), "--output-dir", dir.resolve("x")
                .toString()), hostile + ": requests[0]: field 'chunk_count' is not an integer");

        Path deep = Files.writeString(dir.resolve("deep.json"), "[".repeat(5000));
        assertOneLineUsageError(MainTest.run("report", deep.toString(), "--output-dir", dir.resolve("x").toString()),
                "not valid JSON");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void aMissingFileAnUnknownRunIdAndAnUnknownFormatAreOneLineUsageErrors() throws Exception {
        Path a = dir.resolve("a");
        assertThat(profiledRun(runArgs(a, "--limit", "1")).code()).isZero();
        assertOneLineUsageError(MainTest.run("report", dir.resolve("nope/results.json").toString()),
                "no such file: " + dir.resolve("nope/results.json"));
        assertOneLineUsageError(MainTest.run("report", "20990101-000000-beef", "--db", db().toString()),
                "'20990101-000000-beef' is neither a results file nor a run id in " + db());
        assertOneLineUsageError(MainTest.run("report", a.toString(), "--format", "json,xlsx"),
                "--format: unknown format 'xlsx'; valid: json, csv, md, png, pdf, html");
        assertOneLineUsageError(MainTest.run("report", dir.toString()), "no results.json in directory " + dir);
        assertOneLineUsageError(MainTest.run("report", a.toString(), "--save-responses"),
                "--save-responses: lmsbench report has no answers to save");
        assertOneLineUsageError(MainTest.run("report", a.toString(), "--paper", "A5"), "--paper");
        Path noDb = dir.resolve("none.db");
        assertOneLineUsageError(MainTest.run("report", "20990101-000000-beef", "--db", noDb.toString()),
                "'20990101-000000-beef' is not a file, and there is no results database at " + noDb);
        assertThat(noDb).as("a lookup never creates a database").doesNotExist();
    }

    private static void assertOneLineUsageError(MainTest.Outcome o, String expected) {
        assertThat(o.code()).as(o.err()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n").contains(expected).startsWith("lmsbench: ");
        assertThat(o.err()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("\u001b");
    }
}
