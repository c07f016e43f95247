package dev.lmsbench.core.hardware;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HardwareSamplerTest {

    @Test
    void samplesRepeatedlyAtAShortIntervalUntilStopped() throws InterruptedException {
        FakeMonitor monitor = new FakeMonitor(n -> FakeMonitor.sample(n, 1, 1, 1));
        CountDownLatch three = new CountDownLatch(3);
        AtomicInteger callbacks = new AtomicInteger();
        try (HardwareSampler sampler = new HardwareSampler(monitor, Duration.ofMillis(5), s -> {
            callbacks.incrementAndGet();
            three.countDown();
        })) {
            sampler.start();
            assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
            List<HardwareSample> samples = sampler.stop();
            assertThat(samples.size()).isGreaterThanOrEqualTo(3);
            int afterStop = callbacks.get();
            assertThat(afterStop).isEqualTo(samples.size());
            // stopping waits for a sample in progress: nothing arrives afterwards, and the next start starts afresh
            assertThat(sampler.stop()).isEqualTo(samples);
            assertThat(callbacks.get()).isEqualTo(afterStop);
            assertThat(sampler.latest()).isNotNull();
        }
        assertThat(monitor.closed).as("the sampler does not own the monitor").isFalse();
    }

    @Test
    void aMonitorThatThrowsDoesNotEndSampling() throws InterruptedException {
        FakeMonitor monitor = new FakeMonitor(n -> {
            if (n % 2 == 0) {
                throw new IllegalStateException("native library crashed");
            }
            return FakeMonitor.sample(1, 1, 1, 1);
        });
        CountDownLatch good = new CountDownLatch(3);
        try (HardwareSampler sampler = new HardwareSampler(monitor, Duration.ofMillis(2), s -> good.countDown())) {
            assertThat(sampler.sampleNow()).isNull();
            sampler.start();
            assertThat(good.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sampler.stop().size()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aCallbackThatThrowsDoesNotEndSampling() throws InterruptedException {
        FakeMonitor monitor = new FakeMonitor(n -> FakeMonitor.sample(1, 1, 1, 1));
        CountDownLatch calls = new CountDownLatch(3);
        try (HardwareSampler sampler = new HardwareSampler(monitor, Duration.ofMillis(2), s -> {
            calls.countDown();
            throw new IllegalStateException("broken display");
        })) {
            sampler.start();
            assertThat(calls.await(10, TimeUnit.SECONDS)).isTrue();
            sampler.stop();
        }
    }
}
