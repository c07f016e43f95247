package dev.lmsbench.cli;

import dev.lmsbench.core.config.ConfigKeys;
import dev.lmsbench.core.config.ResolvedConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lmsbench config}: inspect the layered configuration. */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true, subcommands = {ConfigCommand.Show.class},
        description = "Inspects the configuration (see docs/configuration.md).")
final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code lmsbench config show [run flags]}. */
    @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            usageHelpAutoWidth = true,
            description = {"Prints the merged configuration and where each value came from: built-in default, "
                    + "config/defaults.json, the user's defaults.json, a preset, or a flag.",
                    "Accepts the configuration flags and --preset of 'lmsbench run', e.g. "
                            + "'lmsbench config show --preset thorough --runs 5'."})
    static final class Show implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Unmatched
        List<String> runFlags = new ArrayList<>();

        @Override
        public Integer call() {
            RunCommand run = new RunCommand();
            CommandLine parser = new CommandLine(run);
            try {
                parser.parseArgs(runFlags.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw CliException.usage(Main.oneLine(e.getMessage()) + " (see 'lmsbench run --help')");
            }
            ConfigPaths paths = ConfigPaths.detect();
            ResolvedConfig config = run.resolveConfig(paths, new Presets(paths));
            PrintWriter out = spec.commandLine().getOut();
            TextTable t = new TextTable("Key", "Value", "Source");
            for (ResolvedConfig.Entry e : config.entries()) {
                Object v = e.value();
                String shown = v == null ? "(server default)"
                        : e.key() == ConfigKeys.API_TOKEN ? "<redacted>" : String.valueOf(v);
                t.row(e.key().path(), shown, e.source());
            }
            t.print(out);
            out.println();
            out.println("Project config: " + paths.projectDefaults()
                    + (ConfigPaths.exists(paths.projectDefaults()) ? "" : " (absent)"));
            out.println("User config:    " + paths.userDefaults()
                    + (ConfigPaths.exists(paths.userDefaults()) ? "" : " (absent)"));
            out.flush();
            return ExitCodes.OK;
        }
    }
}
