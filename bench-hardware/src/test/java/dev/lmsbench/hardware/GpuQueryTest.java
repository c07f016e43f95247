package dev.lmsbench.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lmsbench.core.hardware.GpuSample;
import org.junit.jupiter.api.Test;

/** The query skeleton against a Java fake driver: failures of every kind become sentinels, never exceptions. */
class GpuQueryTest {

    /** Answers every figure with a fixed value; a figure can be made to fail in a chosen way. */
    private static final class ScriptedDriver implements GpuDriver {
        int inits;
        int shutdowns;
        boolean failInit;
        boolean powerThrowsRuntime;
        boolean temperatureMissingSymbol;
        long vramUsed = 1_000;

        @Override
        public String backend() {
            return "scripted";
        }

        @Override
        public String library() {
            return "libscripted.so";
        }

        @Override
        public void init() throws NativeStatusException {
            if (failInit) {
                throw new NativeStatusException("scripted_init", 9, "SCRIPTED_ERROR");
            }
            inits++;
        }

        @Override
        public void shutdown() {
            shutdowns++;
        }

        @Override
        public String driverVersion() throws NativeStatusException {
            throw new NativeStatusException("scripted_driver", 3, "NOT_SUPPORTED");
        }

        @Override
        public int deviceCount() {
            return 1;
        }

        @Override
        public String name(int device) {
            return "Scripted GPU";
        }

        @Override
        public String uuid(int device) {
            return "u-1";
        }

        @Override
        public long vramTotalBytes(int device) {
            return 2_000;
        }

        @Override
        public long vramUsedBytes(int device) {
            return vramUsed;
        }

        @Override
        public long gttUsedBytes(int device) {
            return 300;
        }

        @Override
        public double gpuUtilizationPercent(int device) {
            return 50;
        }

        @Override
        public double memoryUtilizationPercent(int device) {
            return 25;
        }

        @Override
        public double powerWatts(int device) {
            if (powerThrowsRuntime) {
                throw new IllegalStateException("JNA could not convert the result");
            }
            return 100;
        }

        @Override
        public double powerLimitWatts(int device) {
            return 200;
        }

        @Override
        public double temperatureCelsius(int device) {
            if (temperatureMissingSymbol) {
                throw new UnsatisfiedLinkError("Error looking up function 'scripted_temperature'");
            }
            return 60;
        }

        @Override
        public int coreClockMhz(int device) {
            return 1500;
        }

        @Override
        public int memoryClockMhz(int device) {
            return 9000;
        }
    }

    @Test
    void anyFailureOfOneFigureBecomesItsSentinelAndNothingElseChanges() throws Exception {
        ScriptedDriver driver = new ScriptedDriver();
        driver.powerThrowsRuntime = true;
        driver.temperatureMissingSymbol = true;
        try (GpuQuery query = GpuQuery.open(driver, true)) {
            GpuSample gpu = query.sample().getFirst();

            assertThat(gpu.powerWatts()).isNaN();
            assertThat(gpu.temperatureCelsius()).isNaN();
            assertThat(gpu).isEqualTo(new GpuSample(0, "Scripted GPU", 1_000, 2_000, 300, 50, 25, Double.NaN, 200,
                    Double.NaN, 1500, 9000));
        }
    }

    @Test
    void anUnreadableDriverVersionIsEmpty() throws Exception {
        try (GpuQuery query = GpuQuery.open(new ScriptedDriver(), true)) {
            assertThat(query.driverVersion()).isEmpty();
        }
    }

    @Test
    void anUnsignedValuePastLongMaxIsASentinelRatherThanANegativeSize() throws Exception {
        ScriptedDriver driver = new ScriptedDriver();
        driver.vramUsed = -5;
        try (GpuQuery query = GpuQuery.open(driver, true)) {
            assertThat(query.sample().getFirst().vramUsedBytes()).isEqualTo(-1);
        }
    }

    @Test
    void gttIsASentinelWhenExcluded() throws Exception {
        try (GpuQuery query = GpuQuery.open(new ScriptedDriver(), false)) {
            assertThat(query.sample().getFirst().gttUsedBytes()).isEqualTo(-1);
        }
    }

    @Test
    void aFailedInitIsReportedAndNeverShutDown() {
        ScriptedDriver driver = new ScriptedDriver();
        driver.failInit = true;

        assertThatThrownBy(() -> GpuQuery.open(driver, true))
                .isInstanceOf(NativeStatusException.class)
                .hasMessage("scripted_init returned 9 (SCRIPTED_ERROR)");
        assertThat(driver.shutdowns).isZero();
    }

    @Test
    void closeShutsDownOnceAndLaterSamplesAreEmpty() throws Exception {
        ScriptedDriver driver = new ScriptedDriver();
        GpuQuery query = GpuQuery.open(driver, true);

        query.close();
        query.close();

        assertThat(driver.inits).isEqualTo(1);
        assertThat(driver.shutdowns).isEqualTo(1);
        assertThat(query.sample()).isEmpty();
    }
}
