package dev.lmsbench.core.hardware;

import java.util.List;
import java.util.Objects;

/**
 * What a monitor detected, for {@code lmsbench hw} and reports.
 *
 * @param os            operating system and version
 * @param cpuModel      CPU model name
 * @param physicalCores physical cores, or -1
 * @param logicalCores  logical processors, or -1
 * @param ramTotalBytes RAM in all, or -1
 * @param gpuBackend    the GPU backend in use ({@code nvml}, {@code rocm-smi}, {@code sysfs}, {@code none}, ...)
 * @param driver        the GPU driver version, or {@code ""}
 * @param gpus          the GPUs (index, name, total VRAM, UUID where known)
 * @param notes         why each backend that was tried is or is not used, one line each
 */
public record HardwareInfo(String os, String cpuModel, int physicalCores, int logicalCores, long ramTotalBytes,
                           String gpuBackend, String driver, List<Gpu> gpus, List<String> notes) {

    /** Normalizes and copies. */
    public HardwareInfo {
        os = Objects.requireNonNullElse(os, "");
        cpuModel = Objects.requireNonNullElse(cpuModel, "");
        gpuBackend = Objects.requireNonNullElse(gpuBackend, "none");
        driver = Objects.requireNonNullElse(driver, "");
        gpus = List.copyOf(gpus);
        notes = List.copyOf(notes);
    }

    /**
     * One GPU as detected.
     *
     * @param index          device index
     * @param name           device name
     * @param uuid           UUID, or {@code ""}
     * @param vramTotalBytes dedicated memory, or -1
     */
    public record Gpu(int index, String name, String uuid, long vramTotalBytes) {
    }
}
