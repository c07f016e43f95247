package dev.lmsbench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What this machine can give a model, for the resource check before loading. Until the bench-hardware module reads
 * GPU memory (NVML, ROCm SMI), the budget is known only on machines without a GPU: there it is the RAM available now
 * ({@code MemAvailable} in {@code /proc/meminfo}). With a GPU the budget is unknown (-1) and only the server's own
 * refusal skips a model, because part of the model may live in VRAM.
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
