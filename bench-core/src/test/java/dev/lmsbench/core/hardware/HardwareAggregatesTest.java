package dev.lmsbench.core.hardware;

import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.SideMetric.Aggregation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.lmsbench.core.hardware.FakeMonitor.gpu;
import static dev.lmsbench.core.hardware.FakeMonitor.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HardwareAggregatesTest {

    private static Optional<Double> value(List<SideMetric> metrics, String name, Aggregation a) {
        return SideMetric.find(metrics, name, a).map(SideMetric::value);
    }

    @Test
    void computesPeakAndMeanOverSamplesAndSumsVramAndPowerOverGpus() {
        HardwareSample twoGpus = new HardwareSample(0, 40.0, 10_000_000_000L, -1, -1, 900, List.of(
                gpu(0, 3_000_000_000L, 80, 200, 70), gpu(1, 3_000_000_000L, 60, 150, 75)));
        List<SideMetric> m = HardwareAggregates.of(null, null,
                List.of(sample(2_000_000_000L, 50, 100, 60), twoGpus));
        assertThat(value(m, "gpu.vram.used", Aggregation.MAX)).contains(6e9);
        assertThat(value(m, "gpu.vram.used", Aggregation.MEAN)).contains(4e9);
        assertThat(value(m, "gpu.power", Aggregation.MAX)).contains(350.0);
        assertThat(value(m, "gpu.power", Aggregation.MEAN)).contains(225.0);
        assertThat(value(m, "gpu.temp", Aggregation.MAX)).contains(75.0);
        assertThat(value(m, "gpu.util", Aggregation.MEAN)).contains(60.0);
        assertThat(value(m, "cpu.load", Aggregation.MEAN)).contains(30.0);
        assertThat(value(m, "ram.used", Aggregation.MAX)).contains(10e9);
        assertThat(value(m, "process.rss", Aggregation.MAX)).contains(500_000_000.0);
        assertThat(SideMetric.find(m, "gpu.vram.used", Aggregation.MAX).orElseThrow().unit()).isEqualTo("bytes");
    }

    @Test
    void modelVramIsAfterLoadMinusBeforeLoad() {
        List<SideMetric> m = HardwareAggregates.of(sample(1_000_000_000L, 0, 20, 40),
                sample(5_500_000_000L, 0, 60, 45), List.of(sample(5_500_000_000L, 90, 250, 70)));
        assertThat(value(m, "gpu.vram.model", Aggregation.DELTA)).contains(4.5e9);
    }

    @Test
    void ignoresSentinelsAndLeavesFiguresWithoutValidSamplesAbsent() {
        HardwareSample blind = new HardwareSample(0, Double.NaN, -1, -1, -1, -1, List.of(
                new GpuSample(0, "x", -1, -1, -1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                        -1)));
        HardwareSample partly = new HardwareSample(0, Double.NaN, -1, -1, -1, -1, List.of(
                new GpuSample(0, "x", 2_000_000_000L, -1, -1, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, -1, -1)));
        List<SideMetric> m = HardwareAggregates.of(blind, partly, List.of(blind, partly, blind));
        assertThat(value(m, "gpu.vram.used", Aggregation.MEAN)).contains(2e9);
        assertThat(value(m, "gpu.vram.model", Aggregation.DELTA)).isEmpty();
        assertThat(m).extracting(SideMetric::name).containsOnly("gpu.vram.used");
        assertThat(HardwareAggregates.of(null, null, List.of())).isEmpty();
    }

    @Test
    void efficiencyNeedsVramForTokensPerGbAndPowerForTokensPerJoule() {
        List<SideMetric> hw = HardwareAggregates.of(null, null, List.of(sample(4_000_000_000L, 50, 200, 60)));
        List<SideMetric> eff = HardwareAggregates.efficiency(hw, 40.0, 1000, 2.5);
        assertThat(value(eff, "efficiency.toks_per_s_per_gb_vram", Aggregation.RATIO).orElseThrow())
                .isCloseTo(10.0, within(1e-9));
        assertThat(value(eff, "efficiency.toks_per_joule", Aggregation.RATIO).orElseThrow())
                .isCloseTo(2.0, within(1e-9));
        HardwareSample noPower = new HardwareSample(0, 1, 1, 1, 1, 1, List.of(gpu(0, 4_000_000_000L, 1, Double.NaN,
                50)));
        List<SideMetric> partial = HardwareAggregates.efficiency(
                HardwareAggregates.of(null, null, List.of(noPower)), 40.0, 1000, 2.5);
        assertThat(partial).extracting(SideMetric::name).containsExactly("efficiency.toks_per_s_per_gb_vram");
        assertThat(HardwareAggregates.efficiency(List.of(), 40.0, 1000, 2.5)).isEmpty();
    }
}
