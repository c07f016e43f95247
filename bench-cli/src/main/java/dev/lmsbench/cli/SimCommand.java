package dev.lmsbench.cli;

import dev.lmsbench.sim.LmStudioQuirks;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import dev.lmsbench.sim.SimServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code lmsbench sim}: runs the built-in simulator as a standalone OpenAI-compatible server. */
@Command(name = "sim", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs the built-in OpenAI-compatible token-streaming simulator until Ctrl-C.",
                "Point any client (or 'lmsbench run --base-url') at it to test without a GPU or LM Studio."})
final class SimCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on, 0 for any free port "
            + "(default: ${DEFAULT-VALUE}).")
    int port = 1234;

    @picocli.CommandLine.ArgGroup(validate = false, heading = "%nSimulated models:%n")
    SimOptions simOptions = new SimOptions();

    @Option(names = "--api-token", paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' on every request.")
    String apiToken;

    @Option(names = {"-v", "--verbose"}, description = "Show debug messages.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Logging.verbose(verbose);
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port must be between 0 and 65535, got " + port);
        }
        SimConfig config = simOptions.config(host, port, apiToken);
        PrintWriter out = spec.commandLine().getOut();
        SimServer server;
        try {
            server = SimServer.start(config);
        } catch (RuntimeException e) {
            throw CliException.failure("cannot start the simulator on " + host + ":" + port + ": "
                    + Main.oneLine(e.getMessage()) + " (is the port in use? choose another with --port)", e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "lmsbench-sim-stop"));
        out.println("lmsbench simulator: " + config.models().size() + " models at " + server.baseUrl() + "/v1"
                + " (Ctrl-C to stop)");
        for (SimModel m : config.models()) {
            out.printf(java.util.Locale.ROOT, "  %-45s %7.1f tok/s  TTFT %6.1f ms%s%n", m.id(), m.tokensPerSecond(),
                    m.ttftMs(), m.reasoningTokens() > 0 ? "  reasoning " + m.reasoningTokens() + " tokens" : "");
        }
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    /** Options shared by {@code sim} and {@code run --sim}. */
    static class SimOptions {
        @Option(names = "--sim-tokens-per-second", paramLabel = "N", order = 1,
                description = "Simulator: decode speed of every simulated model, tokens per second.")
        Double tokensPerSecond;

        @Option(names = "--sim-ttft-ms", paramLabel = "MS", order = 2,
                description = "Simulator: time to first token of every simulated model, milliseconds (exact: no "
                        + "prompt-length term).")
        Double ttftMs;

        @Option(names = "--sim-config", paramLabel = "FILE", order = 3,
                description = "Simulator: JSON file with the simulated models (see docs/simulator.md).")
        Path configFile;

        @Option(names = "--sim-load-ms", paramLabel = "MS", order = 4,
                description = "Simulator: load time of every simulated model, milliseconds (default: a second per "
                        + "4 GB of file, at most 10 s).")
        Long loadMs;

        @Option(names = "--sim-polite", order = 5, description = {
                "Simulator: the polite simulator that follows LM Studio's documentation, without the quirks of the "
                        + "real server (all lmstudio_quirks off; see docs/simulator.md)."})
        boolean polite;

        boolean any() {
            return tokensPerSecond != null || ttftMs != null || loadMs != null || configFile != null || polite;
        }

        SimConfig config(String host, int port, String apiToken) {
            SimConfig c;
            if (configFile != null) {
                try {
                    c = SimConfig.fromJson(configFile);
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("--sim-config: " + Main.oneLine(e.getMessage()));
                }
            } else {
                c = SimConfig.defaults();
            }
            if (tokensPerSecond != null) {
                if (!(tokensPerSecond > 0 && tokensPerSecond <= 100_000)) {
                    throw CliException.usage("--sim-tokens-per-second must be between 0 and 100000, got "
                            + tokensPerSecond);
                }
                c = c.withTokensPerSecond(tokensPerSecond);
            }
            if (ttftMs != null) {
                if (!(ttftMs >= 0 && ttftMs <= 600_000)) {
                    throw CliException.usage("--sim-ttft-ms must be between 0 and 600000, got " + ttftMs);
                }
                c = c.withTtftMs(ttftMs);
            }
            if (loadMs != null) {
                if (!(loadMs >= 0 && loadMs <= 600_000)) {
                    throw CliException.usage("--sim-load-ms must be between 0 and 600000, got " + loadMs);
                }
                c = c.withLoadMs(loadMs);
            }
            if (polite) {
                c = c.withQuirks(LmStudioQuirks.NONE);
            }
            return c.withHost(host).withPort(port).withApiToken(apiToken);
        }
    }
}
