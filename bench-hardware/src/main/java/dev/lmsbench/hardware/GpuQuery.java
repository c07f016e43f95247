package dev.lmsbench.hardware;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend-independent query skeleton: init once, read each figure in its own try so one failing call costs only
 * that figure (a sentinel: -1 or NaN), shut down exactly once in {@link #close()} or, if opening fails after init, in
 * a finally. Never throws from {@link #sample()}.
 *
 * <p>The library stays initialized between samples: {@code nvmlInit} can take a noticeable time without the
 * persistence daemon, too slow to repeat every 250 ms. Thread-safe: calls into the library are serialized.
 */
final class GpuQuery implements GpuSource {

    private static final Logger LOG = LoggerFactory.getLogger(GpuQuery.class);

    private final GpuDriver driver;
    private final boolean includeGtt;
    private final int deviceCount;
    private final String driverVersion;
    private final List<HardwareInfo.Gpu> gpus;
    private final List<String> names;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private boolean closed;

    private GpuQuery(GpuDriver driver, boolean includeGtt, int deviceCount) {
        this.driver = driver;
        this.includeGtt = includeGtt;
        this.deviceCount = deviceCount;
        this.driverVersion = read("driver version", -1, driver::driverVersion, "");
        List<HardwareInfo.Gpu> detected = new ArrayList<>();
        List<String> deviceNames = new ArrayList<>();
        for (int i = 0; i < deviceCount; i++) {
            int device = i;
            String name = read("name", device, () -> driver.name(device), "");
            deviceNames.add(name);
            detected.add(new HardwareInfo.Gpu(device, name, read("uuid", device, () -> driver.uuid(device), ""),
                    bytes("vram total", device, () -> driver.vramTotalBytes(device))));
        }
        this.gpus = List.copyOf(detected);
        this.names = List.copyOf(deviceNames);
    }

    /**
     * Initializes the library and counts the devices.
     *
     * @throws NativeStatusException if init or the device count fails; the library is then shut down again
     */
    static GpuQuery open(GpuDriver driver, boolean includeGtt) throws NativeStatusException {
        driver.init();
        boolean opened = false;
        try {
            GpuQuery query = new GpuQuery(driver, includeGtt, driver.deviceCount());
            opened = true;
            return query;
        } finally {
            if (!opened) {
                shutdownQuietly(driver);
            }
        }
    }

    @Override
    public String backend() {
        return driver.backend();
    }

    String library() {
        return driver.library();
    }

    int deviceCount() {
        return deviceCount;
    }

    @Override
    public String driverVersion() {
        return driverVersion;
    }

    @Override
    public List<HardwareInfo.Gpu> gpus() {
        return gpus;
    }

    /** One sample per device; after {@link #close()} an empty list. Never throws. */
    @Override
    public synchronized List<GpuSample> sample() {
        if (closed) {
            return List.of();
        }
        List<GpuSample> samples = new ArrayList<>(deviceCount);
        if (!read("sample", -1, () -> {
            driver.refresh();
            return true;
        }, false)) {
            for (int d = 0; d < deviceCount; d++) {
                samples.add(GpuSample.unavailable(d, names.get(d)));
            }
            return samples;
        }
        for (int d = 0; d < deviceCount; d++) {
            int device = d;
            samples.add(new GpuSample(device, names.get(device),
                    bytes("vram used", device, () -> driver.vramUsedBytes(device)),
                    bytes("vram total", device, () -> driver.vramTotalBytes(device)),
                    includeGtt ? bytes("gtt used", device, () -> driver.gttUsedBytes(device)) : -1,
                    ratio("gpu utilization", device, () -> driver.gpuUtilizationPercent(device)),
                    ratio("memory utilization", device, () -> driver.memoryUtilizationPercent(device)),
                    ratio("power", device, () -> driver.powerWatts(device)),
                    ratio("power limit", device, () -> driver.powerLimitWatts(device)),
                    ratio("temperature", device, () -> driver.temperatureCelsius(device)),
                    read("core clock", device, () -> positiveOr(driver.coreClockMhz(device)), -1),
                    read("memory clock", device, () -> positiveOr(driver.memoryClockMhz(device)), -1),
                    read("pcie generation", device, () -> linkOr(driver.pcieGeneration(device)), -1),
                    read("pcie width", device, () -> linkOr(driver.pcieWidth(device)), -1)));
        }
        return samples;
    }

    /** Shuts the library down once. Never throws. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            shutdownQuietly(driver);
        }
    }

    private static void shutdownQuietly(GpuDriver driver) {
        try {
            driver.shutdown();
        } catch (NativeStatusException | RuntimeException | LinkageError e) {
            LOG.debug("{}: shutdown failed: {}", driver.backend(), e.getMessage());
        }
    }

    /** A PCIe link of generation or width 0 is not a link: unknown. */
    private static int linkOr(int value) {
        return value <= 0 ? -1 : value;
    }

    private static int positiveOr(int value) {
        return value < 0 ? -1 : value;
    }

    /** One native read that must not stop the others. */
    @FunctionalInterface
    private interface Call<T> {
        T get() throws NativeStatusException;
    }

    private long bytes(String figure, int device, Call<Long> call) {
        long value = read(figure, device, call, -1L);
        return value < 0 ? -1 : value; // an unsigned value past 2^63 is not a real memory size
    }

    private double ratio(String figure, int device, Call<Double> call) {
        double value = read(figure, device, call, Double.NaN);
        return value < 0 ? Double.NaN : value;
    }

    private <T> T read(String figure, int device, Call<T> call, T sentinel) {
        try {
            return call.get();
        } catch (NativeStatusException | RuntimeException | LinkageError e) {
            // LinkageError: an older library may lack a function; that costs the figure, not the monitor.
            // Logged once per figure so a sampler at 250 ms does not flood the log.
            if (reported.add(figure + "#" + device)) {
                LOG.debug("{}: {} of device {} unavailable: {}", driver.backend(), figure, device, e.getMessage());
            }
            return sentinel;
        }
    }
}
