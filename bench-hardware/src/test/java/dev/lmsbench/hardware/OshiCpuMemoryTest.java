package dev.lmsbench.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.hardware.HardwareSample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CPU and RAM through OSHI on this machine: plausible values, not exact ones. */
class OshiCpuMemoryTest {

    @AfterEach
    void reset() {
        FakeGpuLibraries.reset();
    }

    @Test
    void readsPlausibleMemoryFiguresOfThisMachine() {
        OshiCpuMemory.Figures figures = new OshiCpuMemory().sample();

        assertThat(figures.ramTotalBytes()).isPositive();
        assertThat(figures.ramUsedBytes()).isPositive().isLessThanOrEqualTo(figures.ramTotalBytes());
        assertThat(figures.swapUsedBytes()).isGreaterThanOrEqualTo(0);
        assertThat(figures.processRssBytes()).isPositive().isLessThan(figures.ramTotalBytes());
    }

    @Test
    void cpuLoadIsNanOnTheFirstSampleAndAPercentOrNanAfterwards() {
        OshiCpuMemory cpu = new OshiCpuMemory();

        assertThat(cpu.sample().cpuLoad()).isNaN();
        double load = cpu.sample().cpuLoad();

        // NaN when no clock tick passed between the two samples, which is likely this quickly
        assertThat(Double.isNaN(load) || (load >= 0 && load <= 100)).as("load %s", load).isTrue();
    }

    @Test
    void samplesLessThanOshisDefaultCacheTimeApartStillMeasureTheCpuLoad() throws InterruptedException {
        OshiCpuMemory cpu = new OshiCpuMemory();
        cpu.sample();

        for (int i = 0; i < 4; i++) {
            Thread.sleep(120); // at 100 kernel ticks per second per CPU, at least 12 ticks pass; OSHI caches 300 ms
            double load = cpu.sample().cpuLoad();
            assertThat(load).as("sample %d, 120 ms after the previous one", i + 1).isBetween(0.0, 100.0);
        }
    }

    @Test
    void aSampleRightAfterAnotherHasNoLoadAndTheNextMeasuresFromTheEarlierBaseline() throws InterruptedException {
        OshiCpuMemory cpu = new OshiCpuMemory();
        cpu.sample();
        Thread.sleep(120);
        assertThat(cpu.sample().cpuLoad()).isBetween(0.0, 100.0);

        // 1-2 ms later: one kernel tick or none, which would read as 0% or 100%; not a measurement
        assertThat(cpu.sample().cpuLoad()).isNaN();
        Thread.sleep(60);
        assertThat(cpu.sample().cpuLoad()).as("measured over the 60 ms since the last real baseline")
                .isBetween(0.0, 100.0);
    }

    @Test
    void describesTheCpuAndOperatingSystem() {
        FakeGpuLibraries.useNone();
        try (HardwareMonitor monitor = HardwareMonitors.detect()) {
            HardwareInfo info = monitor.describe();

            assertThat(info.cpuModel()).isNotBlank();
            assertThat(info.os()).isNotBlank();
            assertThat(info.logicalCores()).isPositive();
            assertThat(info.physicalCores()).isPositive().isLessThanOrEqualTo(info.logicalCores());
            assertThat(info.ramTotalBytes()).isPositive();
            assertThat(info.notes()).first().asString().startsWith("oshi: ");
        }
    }

    @Test
    void aCpuOnlyMonitorSamplesCpuAndRamWithNoGpus() {
        FakeGpuLibraries.useNone();
        try (HardwareMonitor monitor = HardwareMonitors.detect()) {
            long before = System.nanoTime();
            HardwareSample sample = monitor.sample();

            assertThat(sample.nanoTime()).isGreaterThanOrEqualTo(before);
            assertThat(sample.gpus()).isEmpty();
            assertThat(sample.ramTotalBytes()).isEqualTo(monitor.describe().ramTotalBytes());
            assertThat(sample.processRssBytes()).isPositive();
        }
    }
}
