package dev.lmsbench.cli;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What this machine can give a model, for the resource check before loading. Without a GPU it is the RAM available now
 * ({@code MemAvailable} in {@code /proc/meminfo}). With a GPU it is known only from a hardware sample
 * ({@code --enable-profiling}): the free VRAM of every GPU plus the available RAM, since LM Studio can keep the layers
 * that do not fit in VRAM in RAM. Otherwise it is unknown (-1) and only the server's own refusal skips a model.
 */
final class LocalMemory {

    private final Path root;

    LocalMemory(Path root) {
        this.root = root;
    }

    static LocalMemory system() {
        return new LocalMemory(Path.of("/"));
    }

    /** Bytes a model may use, or -1 when unknown. */
    long budgetBytes() {
        return hasGpu() ? -1 : availableRam();
    }

    /**
     * The budget with a hardware sample: free VRAM (total minus used, summed over the GPUs) plus the available RAM.
     * When the sample has no GPU, or a GPU's memory figures are unavailable, it is {@link #budgetBytes()}.
     *
     * @param sample a sample taken now, or null
     * @return bytes a model may use, or -1 when unknown
     */
    long budgetBytes(HardwareSample sample) {
        long freeVram = sample == null ? -1 : freeVram(sample);
        if (freeVram < 0) {
            return budgetBytes();
        }
        long ram = availableRam();
        return ram < 0 ? -1 : freeVram + ram;
    }

    /**
     * Free VRAM summed over the GPUs of a sample.
     *
     * @param sample the sample
     * @return bytes, or -1 without GPUs or when a GPU's memory figures are unavailable
     */
    static long freeVram(HardwareSample sample) {
        if (sample.gpus().isEmpty()) {
            return -1;
        }
        long free = 0;
        for (GpuSample g : sample.gpus()) {
            if (g.vramTotalBytes() < 0 || g.vramUsedBytes() < 0) {
                return -1;
            }
            free += Math.max(0, g.vramTotalBytes() - g.vramUsedBytes());
        }
        return free;
    }

    boolean hasGpu() {
        if (Files.exists(root.resolve("dev/nvidia0")) || Files.exists(root.resolve("dev/kfd"))) {
            return true;
        }
        Path drm = root.resolve("sys/class/drm");
        if (!Files.isDirectory(drm)) {
            return false;
        }
        try (Stream<Path> cards = Files.list(drm)) {
            return cards.anyMatch(c -> Files.exists(c.resolve("device/mem_info_vram_total")));
        } catch (IOException e) {
            return false;
        }
    }

    /** MemAvailable in bytes, or -1. */
    long availableRam() {
        try {
            for (String line : Files.readAllLines(root.resolve("proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
