package dev.lmsbench.cli;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.stats.MedianComparison.Verdict;
import dev.lmsbench.report.ResultsJsonReader;
import dev.lmsbench.report.RunComparison;
import dev.lmsbench.report.RunComparison.Figure;
import dev.lmsbench.report.RunComparison.FigureComparison;
import dev.lmsbench.report.RunComparison.ModelComparison;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The done-when check of the comparison: two simulator runs where one model decodes 20 % slower flag exactly that
 * model as worse in decode tok/s, and runs with the same settings (different simulator seeds) flag nothing, over 10
 * repetitions. The simulator's models are the defaults, sped up so the test stays short, with their 5 % jitter.
 */
class CompareRunsIT {

    private static final String SLOWED = "sim/qwen3-8b@q8_0";

    @TempDir
    Path dir;

    /**
     * The default models, 10x faster in decode, with their own TTFT (60 to 150 ms); {@code slowed} decodes at 80 % of
     * that. The TTFT stays long because the client's own share of it (about 1 ms, shrinking as this JVM's JIT warms
     * up over the runs) must stay well under the 3 % run-to-run floor: at a quarter of it (15 ms) the fastest model's
     * TTFT once came out 3.5 % "better" between two unchanged runs. The same holds for decode: at 20x (about 0.5 ms
     * between tokens) the client's per-chunk cost, shrinking as the JIT warms up, once made the tenth unchanged run's
     * decode 4 % "better" than the ninth's in CI; at 10x its share is half that.
     */
    private static SimConfig config(long seed, boolean slowed) {
        List<SimModel> models = SimConfig.defaultModels().stream()
                .map(m -> m.withTokensPerSecond(m.tokensPerSecond() * 10
                        * (slowed && m.id().equals(SLOWED) ? 0.8 : 1.0)))
                .toList();
        // loads take 50 ms, not the default 4 s a run: load time has no verdict, and the 13 runs spent 50 s loading
        return SimConfig.defaults().withModels(models).withSeed(seed).withLoadMs(50);
    }

    private MainTest.Outcome run(String out, SimConfig config, String... extra) {
        return runs(out, config, "10", extra);
    }

    private MainTest.Outcome runs(String out, SimConfig config, String runs, String... extra) {
        try (dev.lmsbench.sim.SimServer sim = dev.lmsbench.sim.SimServer.start(config)) {
            List<String> args = new ArrayList<>(List.of("run", "--base-url", sim.baseUrl(), "--no-use-rest-api",
                    "--runs", runs, "--warmup", "0", "--stream-only", "--max-tokens", "32", "--retest",
                    "--output-dir", dir.resolve(out).toString(), "--db", dir.resolve("results.db").toString()));
            args.addAll(List.of(extra));
            MainTest.Outcome o = MainTest.run(args.toArray(String[]::new));
            assertThat(o.code()).as(o.err()).isZero();
            return o;
        }
    }

    private BenchmarkReport report(String out) throws Exception {
        return ResultsJsonReader.read(dir.resolve(out).resolve("results.json"));
    }

    private static List<String> flagged(RunComparison c) {
        List<String> out = new ArrayList<>();
        for (ModelComparison m : c.models()) {
            for (FigureComparison f : m.figures()) {
                if (f.comparison().changed()) {
                    out.add(m.modelId() + " " + f.figure() + " " + f.comparison().verdict() + " "
                            + f.comparison());
                }
            }
        }
        return out;
    }

    @Test
    void aTwentyPercentSlowerDecodeIsFlaggedForThatModelOnlyAndSameSettingsFlagNothing() throws Exception {
        // a first, discarded run warms this JVM up: every real run starts its own JVM, alike, but in one test
        // JVM the first run's client code is still interpreted, which alone makes its TTFT look slower
        runs("jit", config(99, false), "3");
        run("r0", config(100, false));
        MainTest.Outcome slowed = run("slowed", config(200, true), "--compare-with",
                dir.resolve("r0").resolve("results.json").toString(), "--rank-by", "decode", "--format", "json,csv,md");
        RunComparison changed = RunComparison.of(report("r0"), report("slowed"));
        assertThat(changed.models()).hasSize(3);
        assertThat(changed.onlyBaseline()).isEmpty();
        assertThat(changed.onlyCurrent()).isEmpty();
        for (ModelComparison m : changed.models()) {
            Verdict decode = m.figure(Figure.DECODE).comparison().verdict();
            assertThat(decode).as(m.modelId() + " " + m.figure(Figure.DECODE).comparison())
                    .isEqualTo(m.modelId().equals(SLOWED) ? Verdict.WORSE
                    : Verdict.UNCHANGED);
            assertThat(m.figure(Figure.TTFT).comparison().verdict()).as(m.modelId()).isEqualTo(Verdict.UNCHANGED);
            assertThat(m.figure(Figure.PREFILL).comparison().verdict()).as(m.modelId())
                    .isEqualTo(Verdict.UNCHANGED);
        }
        assertThat(changed.models().stream().filter(m -> m.modelId().equals(SLOWED)).findFirst().orElseThrow()
                .figure(Figure.DECODE).comparison().percent()).isBetween(-25.0, -15.0);
        // the run printed the same comparison under its table: one worse line, for that model's decode tok/s
        List<String> worse = slowed.out().lines().filter(l -> l.endsWith(" worse")).toList();
        assertThat(worse).anyMatch(l -> l.startsWith(SLOWED) && l.contains("decode tok/s"));
        assertThat(worse).allMatch(l -> l.startsWith(SLOWED));
        assertThat(slowed.out()).contains("Comparison with ");
        // and so did the report files: comparison.json holds the same verdicts, report.md its table
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("slowed").resolve("comparison.json").toFile());
        List<String> worseInFile = new ArrayList<>();
        doc.get("models").forEach(m -> m.get("figures").forEach(f -> {
            if (f.get("verdict").asText().equals("worse") || f.get("verdict").asText().equals("better")) {
                worseInFile.add(m.get("model").asText() + " " + f.get("figure").asText() + " "
                        + f.get("verdict").asText());
            }
        }));
        assertThat(worseInFile).contains(SLOWED + " decode worse").allMatch(l -> l.startsWith(SLOWED + " ")
                && l.endsWith(" worse"));
        assertThat(java.nio.file.Files.readString(dir.resolve("slowed").resolve("report.md")))
                .contains("## Comparison", "| decode tok/s |", "| worse |");

        // lmsbench compare prints it too, from the files and from the run ids in the database
        MainTest.Outcome files = MainTest.run("compare", dir.resolve("r0").toString(),
                dir.resolve("slowed").resolve("results.json").toString());
        assertThat(files.code()).as(files.err()).isZero();
        assertThat(files.out().lines().filter(l -> l.endsWith(" worse")).toList()).isEqualTo(worse);
        MainTest.Outcome ids = MainTest.run("compare", report("r0").run().runId(), report("slowed").run().runId(),
                "--db", dir.resolve("results.db").toString());
        assertThat(ids.code()).as(ids.err()).isZero();
        assertThat(ids.out().lines().filter(l -> l.endsWith(" worse")).toList()).isEqualTo(worse);

        // same settings, other seeds: consecutive runs compared, 10 repetitions, nothing flagged
        List<String> falseFlags = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            run("r" + i, config(100 + i, false));
            RunComparison same = RunComparison.of(report("r" + (i - 1)), report("r" + i));
            assertThat(same.models()).hasSize(3);
            String rep = "r" + i + ": ";
            falseFlags.addAll(flagged(same).stream().map(f -> rep + f).toList());
        }
        assertThat(falseFlags).isEmpty();
    }
}
