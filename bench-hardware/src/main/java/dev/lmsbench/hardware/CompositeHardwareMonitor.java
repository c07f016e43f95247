package dev.lmsbench.hardware;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.hardware.HardwareSample;
import java.util.List;

/** CPU and RAM from OSHI plus at most one GPU backend (absent: CPU-only samples with no GPUs). Thread-safe. */
final class CompositeHardwareMonitor implements HardwareMonitor {

    private final OshiCpuMemory cpu;
    private final GpuSource gpu; // null without a GPU backend
    private final HardwareInfo info;

    CompositeHardwareMonitor(OshiCpuMemory cpu, GpuSource gpu, List<String> notes) {
        this.cpu = cpu;
        this.gpu = gpu;
        this.info = new HardwareInfo(cpu.os(), cpu.cpuModel(), cpu.physicalCores(), cpu.logicalCores(),
                cpu.ramTotalBytes(), gpu == null ? "none" : gpu.backend(), gpu == null ? "" : gpu.driverVersion(),
                gpu == null ? List.of() : gpu.gpus(), notes);
    }

    @Override
    public HardwareInfo describe() {
        return info;
    }

    @Override
    public HardwareSample sample() {
        long now = System.nanoTime();
        OshiCpuMemory.Figures figures = cpu.sample();
        List<GpuSample> gpus = gpu == null ? List.of() : gpu.sample();
        return new HardwareSample(now, figures.cpuLoad(), figures.ramUsedBytes(), figures.ramTotalBytes(),
                figures.swapUsedBytes(), figures.processRssBytes(), gpus);
    }

    @Override
    public void close() {
        if (gpu != null) {
            gpu.close();
        }
    }
}
