package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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

    @Test
    void anUnreadableMeminfoMeansUnknown() {
        assertThat(new LocalMemory(root).budgetBytes()).isEqualTo(-1);
    }
}
