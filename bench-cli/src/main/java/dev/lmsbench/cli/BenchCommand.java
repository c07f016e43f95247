package dev.lmsbench.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lmsbench bench}: benchmarks of the tool itself (its own overhead), one subcommand per bench. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true, subcommands = {BenchHardwareCommand.class},
        description = {"Benchmarks of lmsbench's own overhead (see docs/performance.md).",
                "Try: lmsbench bench hardware"})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
