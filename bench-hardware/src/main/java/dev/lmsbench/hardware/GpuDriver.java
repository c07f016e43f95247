package dev.lmsbench.hardware;

/**
 * One native GPU library seen through the figures {@link dev.lmsbench.core.hardware.GpuSample} needs, in its units.
 * Each method makes the library calls for one figure and throws {@link NativeStatusException} on an error status, so
 * {@link GpuQuery} can turn exactly that figure into a sentinel. Implementations are not thread-safe; GpuQuery
 * serializes calls.
 */
interface GpuDriver {

    /** The backend name for reports, e.g. {@code nvml}. */
    String backend();

    /** The library name or path that was loaded. */
    String library();

    void init() throws NativeStatusException;

    /**
     * Called once before the figure calls of each sample. Drivers that read a command-line tool run it here, once per
     * sample, and answer the figure calls from that output; library drivers do nothing.
     *
     * @throws NativeStatusException if the sample cannot be taken; every figure of this sample is then a sentinel
     */
    default void refresh() throws NativeStatusException {
    }

    void shutdown() throws NativeStatusException;

    String driverVersion() throws NativeStatusException;

    int deviceCount() throws NativeStatusException;

    String name(int device) throws NativeStatusException;

    /** A stable identifier, or {@code ""}. */
    String uuid(int device) throws NativeStatusException;

    long vramTotalBytes(int device) throws NativeStatusException;

    long vramUsedBytes(int device) throws NativeStatusException;

    /** Shared system memory mapped for the GPU, or -1 where the backend has no such notion. */
    long gttUsedBytes(int device) throws NativeStatusException;

    double gpuUtilizationPercent(int device) throws NativeStatusException;

    double memoryUtilizationPercent(int device) throws NativeStatusException;

    double powerWatts(int device) throws NativeStatusException;

    double powerLimitWatts(int device) throws NativeStatusException;

    double temperatureCelsius(int device) throws NativeStatusException;

    /** MHz, or -1 where the backend does not read it. */
    int coreClockMhz(int device) throws NativeStatusException;

    /** MHz, or -1 where the backend does not read it. */
    int memoryClockMhz(int device) throws NativeStatusException;

    /** The current PCIe link generation (1-6), or -1 where the backend does not read it. */
    default int pcieGeneration(int device) throws NativeStatusException {
        return -1;
    }

    /** The current PCIe link width in lanes, or -1 where the backend does not read it. */
    default int pcieWidth(int device) throws NativeStatusException {
        return -1;
    }
}
