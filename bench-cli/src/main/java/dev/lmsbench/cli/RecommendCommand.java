package dev.lmsbench.cli;

import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmStudioClient;
import dev.lmsbench.core.engine.MemoryFit;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.hardware.HardwareMonitors;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lmsbench recommend}: which discovered models fit this machine's memory at a context length. */
@Command(name = "recommend", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true, sortOptions = false,
        description = {"Lists the server's models by whether they fit in memory at a context length, best first: "
                + "fitting models (largest first), tight ones, too large ones, then models of unknown size.",
                "The estimate (weights + KV cache + 10%) is explained in docs/cli.md. Needs model sizes, which "
                        + "LM Studio's native API reports."})
final class RecommendCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RecommendCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--base-url", paramLabel = "URL", order = 1,
            description = "LM Studio server (default: http://localhost:1234).")
    String baseUrl = "http://localhost:1234";

    @Option(names = "--context", paramLabel = "TOKENS", order = 2,
            description = "Context length to judge at (default: ${DEFAULT-VALUE}).")
    int context = 4096;

    @Option(names = "--memory-gb", paramLabel = "GB", order = 3, description = {
            "Memory the model may use, in GB (10^9 bytes): your VRAM for GPU offload, or RAM. Default: the RAM "
                    + "available now (MemAvailable in /proc/meminfo)."})
    Double memoryGb;

    @Option(names = "--api-token", paramLabel = "TOKEN", order = 4, description = "Bearer token.")
    String apiToken;

    @Option(names = "--sim", order = 5, description = "Ask the built-in simulator instead (its default models).")
    boolean sim;

    @Override
    public Integer call() {
        if (context < 0) {
            throw CliException.usage("--context must be >= 0, got " + context);
        }
        if (memoryGb != null && !(memoryGb > 0)) {
            throw CliException.usage("--memory-gb must be > 0, got " + memoryGb);
        }
        long budget;
        String budgetSource;
        if (memoryGb != null) {
            budget = (long) (memoryGb * 1e9);
            budgetSource = "";
        } else {
            long vram = freeVram();
            budget = vram > 0 ? vram : availableRam();
            budgetSource = vram > 0 ? " (free VRAM now, for full GPU offload; pass --memory-gb to judge otherwise)"
                    : " (RAM available now; pass --memory-gb for your VRAM)";
        }
        List<ModelInfo> models;
        SimServer simServer = sim ? SimServer.start(SimConfig.defaults()) : null;
        String url = sim ? simServer.baseUrl() : baseUrl;
        try (LmStudioClient client = LmStudioClient.create(new ClientConfig(url, apiToken, Duration.ofSeconds(10)))) {
            models = client.listModels();
        } catch (BackendException e) {
            throw CliException.failure("cannot list models at " + url + " through LM Studio's native API: "
                    + Main.oneLine(e.getMessage()) + ". Is LM Studio's server running? Try --sim.", e);
        } finally {
            if (simServer != null) {
                simServer.close();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Memory budget %.1f GB%s, context %d tokens%n", budget / 1e9, budgetSource,
                context);
        TextTable t = new TextTable("Model", "Params", "Quant", "Size GB", "Needs GB", "Fit");
        for (MemoryFit.Fit f : MemoryFit.rank(models, context, budget)) {
            ModelInfo m = f.model();
            t.row(m.id(), m.params().isEmpty() ? "-" : m.params(), m.quantization().isEmpty() ? "-" : m.quantization(),
                    m.sizeBytes() < 0 ? "-" : Durations.num(m.sizeBytes() / 1e9, 2),
                    f.neededBytes() < 0 ? "-" : Durations.num(f.neededBytes() / 1e9, 2),
                    f.verdict().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        t.print(out);
        return ExitCodes.OK;
    }

    /** The free VRAM of the GPUs hardware detection finds (bench-hardware), or -1 without one. Never throws. */
    private static long freeVram() {
        try (HardwareMonitor monitor = MonitorFactory.DETECT.create(true, HardwareMonitors.AUTO)) {
            return LocalMemory.freeVram(monitor.sample());
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("GPU detection for the memory budget failed", e);
            return -1;
        }
    }

    /** MemAvailable from /proc/meminfo (Linux); a usage error elsewhere, asking for --memory-gb. */
    static long availableRam() {
        long ram = LocalMemory.system().availableRam();
        if (ram <= 0) {
            throw CliException.usage("cannot read the available memory on this system; pass --memory-gb");
        }
        return ram;
    }
}
