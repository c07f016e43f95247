package dev.lmsbench.cli;

import dev.lmsbench.cache.ResultStorePaths;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.report.RunComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lmsbench compare A B}: a noise-aware comparison of two runs, each a results.json or a stored run id. */
@Command(name = "compare", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        versionProvider = VersionProvider.class,
        description = {"Compares two runs per model: each headline figure's medians, the change and a verdict"
                + " (better / worse / unchanged) from a bootstrap interval on the request-level samples.",
                "A and B are results.json files (or directories holding one) or run ids in the results database."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASELINE", description = "The earlier run: results.json path or run id.")
    String baseline;

    @Parameters(index = "1", paramLabel = "CURRENT", description = "The later run: results.json path or run id.")
    String current;

    @Option(names = "--db", paramLabel = "FILE", description = {
            "SQLite results database for run ids (default: $XDG_DATA_HOME/lm-studio-bench/results/"
                    + "benchmark_cache.db)."})
    Path db;

    @Option(names = "--rank-by", paramLabel = "METRIC", description = {
            "Order the models by the current run's figure: decode, ttft, total, prefill, load, vram (default: the"
                    + " current run's order)."})
    String rankBy;

    @Override
    public Integer call() {
        Comparisons.checkMetric(rankBy);
        Path dbPath = db != null ? db : ResultStorePaths.defaultDatabase();
        BenchmarkReport before = Comparisons.load(baseline, dbPath);
        BenchmarkReport after = Comparisons.load(current, dbPath);
        Comparisons.print(Comparisons.ranked(RunComparison.of(before, after), rankBy), spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
