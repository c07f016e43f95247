package dev.lmsbench.core.engine;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.hardware.FakeMonitor;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.SideMetric.Aggregation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BenchmarkEngineProfilingTest {

    private static final ModelInfo MODEL = ModelInfo.named("a");
    private static final Duration INTERVAL = Duration.ofMillis(2);

    private final FakeBackend backend = new FakeBackend();
    private final List<BenchmarkEvent> events = Collections.synchronizedList(new ArrayList<>());

    private BenchmarkEngine.Builder engine(FakeMonitor monitor) {
        return BenchmarkEngine.builder().backend(backend).monitor(monitor, INTERVAL).listener(events::add);
    }

    private static RunInfo run(BenchmarkSettings s) {
        return RunInfo.start("fake://", s, "test");
    }

    /** Makes every measured request wait until the sampler has sampled at least {@code n} times in all. */
    private void requestsWaitForSamples(AtomicInteger sampled, int n) {
        backend.failWith = r -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sampled.get() < n && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return null;
        };
    }

    private static double value(ModelSummary s, String name, Aggregation a) {
        return SideMetric.find(s.sideMetrics(), name, a).orElseThrow(() -> new AssertionError(
                "no " + name + " " + a + " in " + s.sideMetrics())).value();
    }

    @Test
    void attachesHardwareAggregatesAndModelVramToTheSummary() {
        // call 0 is the sample before loading: 1 GB; every later one: 5 GB, 200 W, 70 °C
        FakeMonitor monitor = new FakeMonitor(n -> n == 0
                ? FakeMonitor.sample(1_000_000_000L, 0, 30, 40)
                : FakeMonitor.sample(5_000_000_000L, 90, 200, 70));
        AtomicInteger sampled = new AtomicInteger();
        requestsWaitForSamples(sampled, 3);
        BenchmarkReport report = engine(monitor).listener(e -> {
            if (e instanceof BenchmarkEvent.HardwareSampled) {
                sampled.incrementAndGet();
            }
        }).build().run(run(BenchmarkSettings.defaults().withRuns(2)), List.of(MODEL));

        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
        ModelSummary s = report.models().getFirst();
        assertThat(value(s, "gpu.vram.model", Aggregation.DELTA)).isEqualTo(4e9);
        assertThat(value(s, "gpu.vram.used", Aggregation.MAX)).isEqualTo(5e9);
        assertThat(value(s, "gpu.power", Aggregation.MEAN)).isEqualTo(200.0);
        assertThat(value(s, "gpu.temp", Aggregation.MAX)).isEqualTo(70.0);
        assertThat(value(s, "efficiency.toks_per_s_per_gb_vram", Aggregation.RATIO))
                .isEqualTo(s.decodeTokensPerSecond().p50() / 5.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(value(s, "efficiency.toks_per_joule", Aggregation.RATIO)).isPositive();
        assertThat(SideMetric.find(s.sideMetrics(), "guard.pause", Aggregation.SUM)).isEmpty();
        assertThat(monitor.calls.get()).isGreaterThanOrEqualTo(5);
        assertThat(monitor.closed).as("the caller owns the monitor").isFalse();
    }

    @Test
    void hardwareSampledEventsComeOnlyWhileTheModelIsLoaded() {
        FakeMonitor monitor = new FakeMonitor(n -> FakeMonitor.sample(1, 1, 1, 1));
        AtomicInteger sampled = new AtomicInteger();
        requestsWaitForSamples(sampled, 2);
        engine(monitor).listener(e -> {
            if (e instanceof BenchmarkEvent.HardwareSampled) {
                sampled.incrementAndGet();
            }
        }).build().run(run(BenchmarkSettings.defaults().withRuns(1)), List.of(MODEL, ModelInfo.named("b")));

        List<String> kinds = new ArrayList<>();
        synchronized (events) {
            for (BenchmarkEvent e : events) {
                kinds.add(e.getClass().getSimpleName());
                if (e instanceof BenchmarkEvent.HardwareSampled h) {
                    assertThat(h.model()).isNotNull();
                }
            }
        }
        String joined = String.join(" ", kinds);
        assertThat(joined).contains("ModelLoaded HardwareSampled");
        // between an unload and the next load, no samples are announced
        assertThat(joined.replaceAll("(HardwareSampled )+", "")).doesNotContain("HardwareSampled ModelLoading");
        assertThat(joined).doesNotContainPattern("ModelUnloaded (\\w+ )*HardwareSampled (\\w+ )*ModelLoading");
        int lastUnload = kinds.lastIndexOf("ModelUnloaded");
        assertThat(kinds.subList(lastUnload, kinds.size())).doesNotContain("HardwareSampled");
    }

    @Test
    void aMonitorThatThrowsDoesNotStopTheRun() {
        FakeMonitor monitor = new FakeMonitor(n -> {
            throw new UnsatisfiedLinkError("libnvidia-ml.so.1: cannot open shared object file");
        });
        BenchmarkReport report = engine(monitor).build().run(run(BenchmarkSettings.defaults().withRuns(2)),
                List.of(MODEL));
        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(report.models().getFirst().successCount()).isEqualTo(2);
        assertThat(report.models().getFirst().sideMetrics()).isEmpty();
    }

    @Test
    void thermalGuardPausesUntilTheGpuIsCoolerAndRecordsThePause() {
        AtomicInteger hotSamplesLeft = new AtomicInteger(Integer.MAX_VALUE);
        FakeMonitor monitor = new FakeMonitor(n -> {
            boolean hot = n >= 2 && hotSamplesLeft.getAndDecrement() > 0;
            return FakeMonitor.sample(1_000_000_000L, 50, 100, hot ? 95 : 60);
        });
        hotSamplesLeft.set(5);
        BenchmarkReport report = engine(monitor).thermalLimits(85, Double.NaN)
                .build().run(run(BenchmarkSettings.defaults().withRuns(1).withWarmupRuns(0)), List.of(MODEL));

        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
        List<BenchmarkEvent> snapshot;
        synchronized (events) {
            snapshot = List.copyOf(events);
        }
        BenchmarkEvent.CoolingDown cooling = snapshot.stream()
                .filter(BenchmarkEvent.CoolingDown.class::isInstance).map(BenchmarkEvent.CoolingDown.class::cast)
                .findFirst().orElseThrow();
        assertThat(cooling.reason()).contains("95.0 °C").contains("85.0 °C");
        BenchmarkEvent.CooledDown cooled = snapshot.stream()
                .filter(BenchmarkEvent.CooledDown.class::isInstance).map(BenchmarkEvent.CooledDown.class::cast)
                .findFirst().orElseThrow();
        assertThat(cooled.timedOut()).isFalse();
        assertThat(hotSamplesLeft.get()).as("waited until the fake reported cooler").isLessThanOrEqualTo(0);
        int cooledAt = snapshot.indexOf(cooled);
        int firstRequest = -1;
        for (int i = 0; i < snapshot.size(); i++) {
            if (snapshot.get(i) instanceof BenchmarkEvent.RequestCompleted) {
                firstRequest = i;
                break;
            }
        }
        assertThat(firstRequest).as("the measured run waits for the pause to end").isGreaterThan(cooledAt);
        ModelSummary s = report.models().getFirst();
        assertThat(value(s, "guard.pause", Aggregation.SUM)).isGreaterThanOrEqualTo(0.0);
        assertThat(SideMetric.find(s.sideMetrics(), "guard.pause", Aggregation.SUM).orElseThrow().unit())
                .isEqualTo("s");
    }

    @Test
    void thermalGuardGivesUpAfterItsDeadlineAndTheRunGoesOn() {
        FakeMonitor monitor = new FakeMonitor(n -> FakeMonitor.sample(1, 50, 400, 60));
        BenchmarkReport report = engine(monitor).thermalLimits(Double.NaN, 300).maxGuardWait(Duration.ofMillis(20))
                .build().run(run(BenchmarkSettings.defaults().withRuns(1).withWarmupRuns(0)), List.of(MODEL));
        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
        List<BenchmarkEvent> snapshot;
        synchronized (events) {
            snapshot = List.copyOf(events);
        }
        assertThat(snapshot).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(BenchmarkEvent.CoolingDown.class,
                c -> assertThat(c.reason()).contains("400.0 W")));
        assertThat(snapshot).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(BenchmarkEvent.CooledDown.class,
                c -> assertThat(c.timedOut()).isTrue()));
        assertThat(value(report.models().getFirst(), "guard.pause", Aggregation.SUM)).isGreaterThanOrEqualTo(0.02);
    }

    @Test
    void withoutAMonitorThereAreNoSideMetrics() {
        BenchmarkReport report = BenchmarkEngine.builder().backend(backend).build()
                .run(run(BenchmarkSettings.defaults().withRuns(1)), List.of(MODEL));
        assertThat(report.models().getFirst().sideMetrics()).isEmpty();
    }

}
