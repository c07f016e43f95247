package dev.lmsbench.cli;

import picocli.CommandLine.Command;

/** The top-level {@code lmsbench} command. */
@Command(name = "lmsbench",
        mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        versionProvider = VersionProvider.class,
        subcommands = {RunCommand.class, SweepCommand.class, LoadCommand.class, SuiteCommand.class, SimCommand.class, PerfCommand.class, ConfigCommand.class, RecommendCommand.class, HwCommand.class,
                DoctorCommand.class,
                BenchCommand.class, CompareCommand.class, ReportCommand.class, TrayCommand.class, WebCommand.class,
                picocli.CommandLine.HelpCommand.class},
        description = {
                "Benchmarks local LLM servers: LM Studio and any OpenAI-compatible server (llama.cpp, vLLM, Ollama).",
                "",
                "Without a subcommand, arguments are passed to 'run'.",
                "Try: lmsbench run --sim"},
        footer = {"", "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error, 130 interrupted.",
                "Documentation: docs/getting-started.md, docs/cli.md"})
final class LmsBenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
