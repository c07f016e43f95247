package dev.lmsbench.cli;

import dev.lmsbench.cli.RunOptions.Profiling;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.hardware.HardwareMonitors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Hardware profiling for {@code lmsbench run}: checks the profiling flags and opens the hardware monitor a run
 * samples with, announcing what it detected and the thermal limits it will enforce.
 */
final class ProfilingSetup {

    /** Logs under {@link RunCommand}'s name, as the run log always has. */
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    private ProfilingSetup() {
    }

    /** Profiling flags that make no sense alone or out of range are usage errors, not silently ignored. */
    static void check(Profiling profiling) {
        if (!profiling.requested()) {
            List<String> alone = new ArrayList<>();
            if (profiling.intervalMs != null) {
                alone.add("--profile-interval-ms");
            }
            if (profiling.disableGtt) {
                alone.add("--disable-gtt");
            }
            if (profiling.gpuBackend != null) {
                alone.add("--gpu-backend");
            }
            if (!alone.isEmpty()) {
                throw CliException.usage(String.join(", ", alone) + " need --enable-profiling");
            }
        }
        if (profiling.gpuBackend != null) {
            checkGpuBackend(profiling.gpuBackend);
        }
        if (profiling.intervalMs != null && profiling.intervalMs <= 0) {
            throw CliException.usage("--profile-interval-ms must be positive, got " + profiling.intervalMs);
        }
        if (profiling.maxTemp != null && !(profiling.maxTemp > 0)) {
            throw CliException.usage("--max-temp must be a positive temperature in °C, got " + profiling.maxTemp);
        }
        if (profiling.maxPower != null && !(profiling.maxPower > 0)) {
            throw CliException.usage("--max-power must be a positive power in W, got " + profiling.maxPower);
        }
    }

    /** A {@code --gpu-backend} that names no backend is a usage error listing the choices. */
    static void checkGpuBackend(String backend) {
        List<String> choices = new ArrayList<>(List.of(HardwareMonitors.AUTO, HardwareMonitors.NONE));
        choices.addAll(HardwareMonitors.backendNames());
        if (!choices.contains(backend)) {
            throw CliException.usage("--gpu-backend must be one of " + String.join(", ", choices) + ", got '"
                    + backend + "'");
        }
    }

    /** The monitor for this run, or null without profiling; announces what it detected. */
    static HardwareMonitor openMonitor(Profiling profiling, MonitorFactory monitors, PrintWriter err) {
        if (!profiling.requested()) {
            return null;
        }
        HardwareMonitor monitor;
        HardwareInfo info;
        try {
            monitor = monitors.create(!profiling.disableGtt, profiling.backend());
            info = monitor.describe();
        } catch (RuntimeException | LinkageError e) {
            // a broken native library must never stop a benchmark: measure without profiling
            LOG.info("hardware detection failed: {}", e.toString());
            LOG.debug("hardware detection failure", e);
            err.println("Hardware profiling unavailable (" + e + "); benchmarking without it");
            err.flush();
            return null;
        }
        err.println("Hardware profiling every " + profiling.interval().toMillis() + " ms: GPU backend "
                + info.gpuBackend() + ("none".equals(info.gpuBackend()) ? " (CPU and RAM only)" : "")
                + limits(profiling));
        if ("none".equals(info.gpuBackend())) {
            // say why each GPU backend is unavailable, so "no GPU data" is never a silent zero
            info.notes().stream().filter(n -> !n.startsWith("oshi:") && !n.startsWith("none:"))
                    .forEach(n -> err.println("  GPU data unavailable: " + n));
        }
        err.flush();
        info.notes().forEach(note -> LOG.info("hardware: {}", note));
        return monitor;
    }

    private static String limits(Profiling profiling) {
        List<String> l = new ArrayList<>();
        if (profiling.maxTemp != null) {
            l.add("max " + Durations.num(profiling.maxTemp, 1) + " °C");
        }
        if (profiling.maxPower != null) {
            l.add("max " + Durations.num(profiling.maxPower, 1) + " W");
        }
        return l.isEmpty() ? "" : "; pausing between runs above " + String.join(", ", l);
    }
}
