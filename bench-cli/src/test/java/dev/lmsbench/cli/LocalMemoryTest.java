package dev.lmsbench.cli;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalMemoryTest {

    @TempDir
    Path root;

    private void meminfo() throws Exception {
        Files.createDirectories(root.resolve("proc"));
        // captured from a Linux machine
        Files.writeString(root.resolve("proc/meminfo"), """
                MemTotal:       24570292 kB
                MemFree:         1843216 kB
                MemAvailable:   19753472 kB
                Buffers:          204104 kB
                """);
    }

    @Test
    void withoutAGpuTheBudgetIsTheRamAvailableNow() throws Exception {
        meminfo();
        assertThat(new LocalMemory(root).budgetBytes()).isEqualTo(19753472L * 1024);
    }

    @Test
    void withAnNvidiaOrAmdGpuTheBudgetIsUnknown() throws Exception {
        meminfo();
        Files.createDirectories(root.resolve("sys/class/drm/card0/device"));
        Files.writeString(root.resolve("sys/class/drm/card0/device/mem_info_vram_total"), "17163091968\n");
        assertThat(new LocalMemory(root).budgetBytes()).isEqualTo(-1);
        Path other = Files.createDirectories(root.resolve("other"));
        Files.createDirectories(other.resolve("dev"));
        Files.writeString(other.resolve("dev/nvidia0"), "");
        assertThat(new LocalMemory(other).hasGpu()).isTrue();
    }

    private static HardwareSample sample(GpuSample... gpus) {
        return new HardwareSample(0, Double.NaN, -1, -1, -1, -1, List.of(gpus));
    }

    private static GpuSample gpu(long used, long total) {
        return new GpuSample(0, "gpu", used, total, -1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                -1, -1);
    }

    @Test
    void withAGpuSampleTheBudgetIsTheFreeVramOfEveryGpuPlusTheAvailableRam() throws Exception {
        meminfo();
        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/nvidia0"), "");
        LocalMemory memory = new LocalMemory(root);

        assertThat(memory.budgetBytes(sample(gpu(8_000_000_000L, 24_000_000_000L), gpu(1_000_000_000L,
                12_000_000_000L)))).isEqualTo(16_000_000_000L + 11_000_000_000L + 19753472L * 1024);
        assertThat(LocalMemory.freeVram(sample(gpu(8_000_000_000L, 24_000_000_000L)))).isEqualTo(16_000_000_000L);
    }

    @Test
    void aGpuWithoutMemoryFiguresOrASampleWithoutGpusLeavesTheBudgetAsWithoutASample() throws Exception {
        meminfo();
        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/nvidia0"), "");
        LocalMemory memory = new LocalMemory(root);

        assertThat(memory.budgetBytes(sample(gpu(-1, 24_000_000_000L)))).isEqualTo(-1);
        assertThat(memory.budgetBytes(sample())).isEqualTo(-1);
        assertThat(memory.budgetBytes(null)).isEqualTo(-1);
        assertThat(LocalMemory.freeVram(sample())).isEqualTo(-1);
    }

    @Test
    void anUnreadableMeminfoMeansUnknown() {
        assertThat(new LocalMemory(root).budgetBytes()).isEqualTo(-1);
    }
}
