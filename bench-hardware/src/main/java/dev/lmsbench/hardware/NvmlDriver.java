package dev.lmsbench.hardware;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.List;

/** NVIDIA GPUs through NVML. Units converted here: milliwatts to watts; everything else is already in ours. */
final class NvmlDriver implements GpuDriver {

    static final String BACKEND = "nvml";

    private static final NativeLibraryHolder<NvmlLibrary> HOLDER = new NativeLibraryHolder<>(NvmlLibrary.class,
            HardwareMonitors.NVML_LIBRARY_PROPERTY,
            Platform.isWindows() ? List.of("nvml") : List.of("libnvidia-ml.so.1", "nvidia-ml"));

    /** nvmlReturn_t names, indexed by value, from nvml.h. */
    private static final List<String> ERRORS = List.of("NVML_SUCCESS", "NVML_ERROR_UNINITIALIZED",
            "NVML_ERROR_INVALID_ARGUMENT", "NVML_ERROR_NOT_SUPPORTED", "NVML_ERROR_NO_PERMISSION",
            "NVML_ERROR_ALREADY_INITIALIZED", "NVML_ERROR_NOT_FOUND", "NVML_ERROR_INSUFFICIENT_SIZE",
            "NVML_ERROR_INSUFFICIENT_POWER", "NVML_ERROR_DRIVER_NOT_LOADED", "NVML_ERROR_TIMEOUT",
            "NVML_ERROR_IRQ_ISSUE", "NVML_ERROR_LIBRARY_NOT_FOUND", "NVML_ERROR_FUNCTION_NOT_FOUND",
            "NVML_ERROR_CORRUPTED_INFOROM", "NVML_ERROR_GPU_IS_LOST", "NVML_ERROR_RESET_REQUIRED",
            "NVML_ERROR_OPERATING_SYSTEM", "NVML_ERROR_LIB_RM_VERSION_MISMATCH", "NVML_ERROR_IN_USE",
            "NVML_ERROR_MEMORY", "NVML_ERROR_NO_DATA", "NVML_ERROR_VGPU_ECC_NOT_SUPPORTED",
            "NVML_ERROR_INSUFFICIENT_RESOURCES", "NVML_ERROR_FREQ_NOT_SUPPORTED",
            "NVML_ERROR_ARGUMENT_VERSION_MISMATCH", "NVML_ERROR_DEPRECATED", "NVML_ERROR_NOT_READY",
            "NVML_ERROR_GPU_NOT_FOUND", "NVML_ERROR_INVALID_STATE");

    private final NvmlLibrary nvml;
    private final String library;

    NvmlDriver(NvmlLibrary nvml, String library) {
        this.nvml = nvml;
        this.library = library;
    }

    /** Loads libnvidia-ml (or the override) lazily. Never throws. */
    static DriverLoad load() {
        return DriverLoad.from(HOLDER.get(), NvmlDriver::new);
    }

    static String statusName(int status) {
        if (status >= 0 && status < ERRORS.size()) {
            return ERRORS.get(status);
        }
        return status == 999 ? "NVML_ERROR_UNKNOWN" : "unknown status";
    }

    private static void check(String function, int status) throws NativeStatusException {
        if (status != NvmlLibrary.NVML_SUCCESS) {
            throw new NativeStatusException(function, status, statusName(status));
        }
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public String library() {
        return library;
    }

    @Override
    public void init() throws NativeStatusException {
        check("nvmlInit_v2", nvml.nvmlInit_v2());
    }

    @Override
    public void shutdown() throws NativeStatusException {
        check("nvmlShutdown", nvml.nvmlShutdown());
    }

    @Override
    public String driverVersion() throws NativeStatusException {
        byte[] buffer = new byte[NvmlLibrary.BUFFER_SIZE];
        check("nvmlSystemGetDriverVersion", nvml.nvmlSystemGetDriverVersion(buffer, buffer.length));
        return Native.toString(buffer);
    }

    @Override
    public int deviceCount() throws NativeStatusException {
        IntByReference count = new IntByReference();
        check("nvmlDeviceGetCount_v2", nvml.nvmlDeviceGetCount_v2(count));
        return count.getValue();
    }

    // Handles are looked up per call: the lookup is a table read in NVML, and a handle cached across a GPU reset
    // would be stale.
    private Pointer handle(int device) throws NativeStatusException {
        PointerByReference handle = new PointerByReference();
        check("nvmlDeviceGetHandleByIndex_v2", nvml.nvmlDeviceGetHandleByIndex_v2(device, handle));
        return handle.getValue();
    }

    @Override
    public String name(int device) throws NativeStatusException {
        byte[] buffer = new byte[NvmlLibrary.BUFFER_SIZE];
        check("nvmlDeviceGetName", nvml.nvmlDeviceGetName(handle(device), buffer, buffer.length));
        return Native.toString(buffer);
    }

    @Override
    public String uuid(int device) throws NativeStatusException {
        byte[] buffer = new byte[NvmlLibrary.BUFFER_SIZE];
        check("nvmlDeviceGetUUID", nvml.nvmlDeviceGetUUID(handle(device), buffer, buffer.length));
        return Native.toString(buffer);
    }

    private NvmlLibrary.NvmlMemory memory(int device) throws NativeStatusException {
        NvmlLibrary.NvmlMemory memory = new NvmlLibrary.NvmlMemory();
        check("nvmlDeviceGetMemoryInfo", nvml.nvmlDeviceGetMemoryInfo(handle(device), memory));
        return memory;
    }

    @Override
    public long vramTotalBytes(int device) throws NativeStatusException {
        return memory(device).total;
    }

    @Override
    public long vramUsedBytes(int device) throws NativeStatusException {
        return memory(device).used;
    }

    @Override
    public long gttUsedBytes(int device) {
        return -1; // NVIDIA has no GTT figure
    }

    private NvmlLibrary.NvmlUtilization utilization(int device) throws NativeStatusException {
        NvmlLibrary.NvmlUtilization utilization = new NvmlLibrary.NvmlUtilization();
        check("nvmlDeviceGetUtilizationRates", nvml.nvmlDeviceGetUtilizationRates(handle(device), utilization));
        return utilization;
    }

    @Override
    public double gpuUtilizationPercent(int device) throws NativeStatusException {
        return Integer.toUnsignedLong(utilization(device).gpu);
    }

    @Override
    public double memoryUtilizationPercent(int device) throws NativeStatusException {
        return Integer.toUnsignedLong(utilization(device).memory);
    }

    @Override
    public double powerWatts(int device) throws NativeStatusException {
        IntByReference milliwatts = new IntByReference();
        check("nvmlDeviceGetPowerUsage", nvml.nvmlDeviceGetPowerUsage(handle(device), milliwatts));
        return Integer.toUnsignedLong(milliwatts.getValue()) / 1000.0;
    }

    @Override
    public double powerLimitWatts(int device) throws NativeStatusException {
        IntByReference milliwatts = new IntByReference();
        check("nvmlDeviceGetEnforcedPowerLimit", nvml.nvmlDeviceGetEnforcedPowerLimit(handle(device), milliwatts));
        return Integer.toUnsignedLong(milliwatts.getValue()) / 1000.0;
    }

    @Override
    public double temperatureCelsius(int device) throws NativeStatusException {
        IntByReference celsius = new IntByReference();
        check("nvmlDeviceGetTemperature",
                nvml.nvmlDeviceGetTemperature(handle(device), NvmlLibrary.NVML_TEMPERATURE_GPU, celsius));
        return Integer.toUnsignedLong(celsius.getValue());
    }

    @Override
    public int coreClockMhz(int device) throws NativeStatusException {
        return clock(device, NvmlLibrary.NVML_CLOCK_GRAPHICS);
    }

    @Override
    public int memoryClockMhz(int device) throws NativeStatusException {
        return clock(device, NvmlLibrary.NVML_CLOCK_MEM);
    }

    @Override
    public int pcieGeneration(int device) throws NativeStatusException {
        IntByReference generation = new IntByReference();
        check("nvmlDeviceGetCurrPcieLinkGeneration", nvml.nvmlDeviceGetCurrPcieLinkGeneration(handle(device),
                generation));
        return generation.getValue();
    }

    @Override
    public int pcieWidth(int device) throws NativeStatusException {
        IntByReference width = new IntByReference();
        check("nvmlDeviceGetCurrPcieLinkWidth", nvml.nvmlDeviceGetCurrPcieLinkWidth(handle(device), width));
        return width.getValue();
    }

    private int clock(int device, int type) throws NativeStatusException {
        IntByReference mhz = new IntByReference();
        check("nvmlDeviceGetClockInfo", nvml.nvmlDeviceGetClockInfo(handle(device), type, mhz));
        return mhz.getValue();
    }
}
