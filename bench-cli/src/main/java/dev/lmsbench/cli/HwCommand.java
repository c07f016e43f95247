package dev.lmsbench.cli;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.hardware.HardwareMonitors;
import dev.lmsbench.report.ReportWriters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code lmsbench hw}: what hardware monitoring detected, which backend is used and why, and one live sample. */
@Command(name = "hw", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = {"Prints the detected CPU, RAM and GPUs, which GPU backend is used and why each other one is "
                + "not, and one live sample (see docs/hardware.md)."})
final class HwCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON for machines instead of text.")
    boolean json;

    @Option(names = "--disable-gtt", description = "Leave AMD GTT memory out of the sample.")
    boolean disableGtt;

    @Option(names = "--gpu-backend", paramLabel = "NAME", description = {
            "GPU backend to try: auto (default, every backend by priority), none, or one backend's name "
                    + "(nvml, nvidia-smi, rocm-smi, rocm-smi-cli, sysfs, intel_gpu_top)."})
    String gpuBackend = HardwareMonitors.AUTO;

    @Option(names = "--sample-ms", paramLabel = "MS", description = {
            "Time between the two samples that measure CPU load (default: 500)."})
    int sampleMs = 500;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ProfilingSetup.checkGpuBackend(gpuBackend);
        if (sampleMs < 0) {
            throw CliException.usage("--sample-ms must not be negative, got " + sampleMs);
        }
        try (HardwareMonitor monitor = MonitorFactory.DETECT.create(!disableGtt, gpuBackend)) {
            HardwareInfo info = monitor.describe();
            // CPU load is the difference between two samples; the kernel counts CPU time in 10 ms ticks, so two
            // back-to-back samples would see none and report the load as unknown
            monitor.sample();
            Thread.sleep(sampleMs);
            HardwareSample sample = monitor.sample();
            if (json) {
                out.print(ReportWriters.hardwareJson(info, sample));
                out.flush();
                return ExitCodes.OK;
            }
            out.println("OS:          " + info.os());
            out.println("CPU:         " + info.cpuModel() + " (" + info.physicalCores() + " cores, "
                    + info.logicalCores() + " threads)");
            out.println("RAM:         " + gb(sample.ramUsedBytes()) + " used of " + gb(info.ramTotalBytes())
                    + ", process " + gb(sample.processRssBytes()) + ", CPU load " + pct(sample.cpuLoad()));
            out.println("GPU backend: " + info.gpuBackend() + (info.driver().isEmpty() ? "" : ", driver "
                    + info.driver()));
            for (GpuSample g : sample.gpus()) {
                out.println("GPU " + g.index() + ":       " + g.name() + ": VRAM " + gb(g.vramUsedBytes()) + " of "
                        + gb(g.vramTotalBytes()) + (g.gttUsedBytes() >= 0 ? ", GTT " + gb(g.gttUsedBytes()) : "")
                        + ", util " + pct(g.gpuUtilization()) + ", " + Durations.num(g.powerWatts(), 1) + " W of "
                        + Durations.num(g.powerLimitWatts(), 1) + " W, " + Durations.num(g.temperatureCelsius(), 0)
                        + " °C" + (g.pcieGeneration() > 0 && g.pcieWidth() > 0
                        ? ", PCIe gen" + g.pcieGeneration() + " x" + g.pcieWidth() : ""));
            }
            out.println("Backends tried:");
            for (String note : info.notes()) {
                out.println("  " + note);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static String gb(long bytes) {
        return bytes < 0 ? "unknown" : Durations.num(bytes / 1e9, 2) + " GB";
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "unknown" : Durations.num(v, 0) + "%";
    }
}
