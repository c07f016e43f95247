package dev.lmsbench.hardware;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * AMD GPUs through ROCm SMI. Units converted here: microwatts to watts, millidegrees to degrees Celsius.
 *
 * <p>Clocks and the PCIe link are not read through the library: {@code rsmi_dev_gpu_clk_freq_get} and
 * {@code rsmi_dev_pci_bandwidth_get} fill structs whose layout changed between ROCm releases, and a wrong layout would
 * read garbage that looks real. Instead the device's PCI address ({@code rsmi_dev_pci_id_get}, a plain integer) leads
 * to the amdgpu driver's own files for that device, {@code /sys/bus/pci/devices/<address>/pp_dpm_sclk},
 * {@code pp_dpm_mclk}, {@code current_link_speed} and {@code current_link_width}, which is where ROCm SMI reads them
 * too. {@code lmsbench.sysfs.pci} replaces that directory (tests, containers).
 */
final class RocmSmiDriver implements GpuDriver {

    static final String BACKEND = "rocm-smi";

    // ROCm installs under /opt/rocm and does not always register it with ldconfig
    private static final NativeLibraryHolder<RocmSmiLibrary> HOLDER = new NativeLibraryHolder<>(
            RocmSmiLibrary.class, HardwareMonitors.ROCM_SMI_LIBRARY_PROPERTY,
            List.of("librocm_smi64.so", "/opt/rocm/lib/librocm_smi64.so"));

    /** rsmi_status_t names, indexed by value, from rocm_smi.h. */
    private static final List<String> ERRORS = List.of("RSMI_STATUS_SUCCESS", "RSMI_STATUS_INVALID_ARGS",
            "RSMI_STATUS_NOT_SUPPORTED", "RSMI_STATUS_FILE_ERROR", "RSMI_STATUS_PERMISSION",
            "RSMI_STATUS_OUT_OF_RESOURCES", "RSMI_STATUS_INTERNAL_EXCEPTION", "RSMI_STATUS_INPUT_OUT_OF_BOUNDS",
            "RSMI_STATUS_INIT_ERROR", "RSMI_STATUS_NOT_YET_IMPLEMENTED", "RSMI_STATUS_NOT_FOUND",
            "RSMI_STATUS_INSUFFICIENT_SIZE", "RSMI_STATUS_INTERRUPT", "RSMI_STATUS_UNEXPECTED_SIZE",
            "RSMI_STATUS_NO_DATA", "RSMI_STATUS_UNEXPECTED_DATA", "RSMI_STATUS_BUSY",
            "RSMI_STATUS_REFCOUNT_OVERFLOW", "RSMI_STATUS_SETTING_UNAVAILABLE", "RSMI_STATUS_AMDGPU_RESTART_ERR");

    /** Where the PCI devices' sysfs directories are. */
    static final Path PCI_DEVICES = Path.of("/sys/bus/pci/devices");

    private final RocmSmiLibrary rsmi;
    private final String library;
    private final Path pciDevices;
    private final Map<Integer, Path> pciDirs = new HashMap<>();

    RocmSmiDriver(RocmSmiLibrary rsmi, String library) {
        this.rsmi = rsmi;
        this.library = library;
        this.pciDevices = Path.of(System.getProperty(HardwareMonitors.SYSFS_PCI_PROPERTY, PCI_DEVICES.toString()));
    }

    /**
     * The sysfs directory name of a PCI address as ROCm SMI encodes it, e.g. {@code 0000:03:00.0}.
     *
     * @param bdfid {@code (domain << 32) | (partition << 28) | (bus << 8) | (device << 3) | function}
     * @return the name
     */
    static String pciAddress(long bdfid) {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", (bdfid >>> 32) & 0xffffffffL, (bdfid >>> 8) & 0xff,
                (bdfid >>> 3) & 0x1f, bdfid & 0x7);
    }

    private Path pciDir(int device) throws NativeStatusException {
        Path dir = pciDirs.get(device);
        if (dir == null) {
            LongByReference bdfid = new LongByReference();
            check("rsmi_dev_pci_id_get", rsmi.rsmi_dev_pci_id_get(device, bdfid));
            dir = pciDevices.resolve(pciAddress(bdfid.getValue()));
            pciDirs.put(device, dir);
        }
        return dir;
    }

    /** Loads librocm_smi64 (or the override) lazily. Never throws. */
    static DriverLoad load() {
        return DriverLoad.from(HOLDER.get(), RocmSmiDriver::new);
    }

    static String statusName(int status) {
        if (status >= 0 && status < ERRORS.size()) {
            return ERRORS.get(status);
        }
        return status == -1 ? "RSMI_STATUS_UNKNOWN_ERROR" : "unknown status";
    }

    private static void check(String function, int status) throws NativeStatusException {
        if (status != RocmSmiLibrary.RSMI_STATUS_SUCCESS) {
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
        check("rsmi_init", rsmi.rsmi_init(RocmSmiLibrary.RSMI_INIT_FLAG_NONE));
    }

    @Override
    public void shutdown() throws NativeStatusException {
        check("rsmi_shut_down", rsmi.rsmi_shut_down());
    }

    @Override
    public String driverVersion() throws NativeStatusException {
        byte[] buffer = new byte[RocmSmiLibrary.BUFFER_SIZE];
        check("rsmi_version_str_get",
                rsmi.rsmi_version_str_get(RocmSmiLibrary.RSMI_SW_COMP_DRIVER, buffer, buffer.length));
        return Native.toString(buffer);
    }

    @Override
    public int deviceCount() throws NativeStatusException {
        IntByReference count = new IntByReference();
        check("rsmi_num_monitor_devices", rsmi.rsmi_num_monitor_devices(count));
        return count.getValue();
    }

    @Override
    public String name(int device) throws NativeStatusException {
        byte[] buffer = new byte[RocmSmiLibrary.BUFFER_SIZE];
        check("rsmi_dev_name_get", rsmi.rsmi_dev_name_get(device, buffer, buffer.length));
        return Native.toString(buffer);
    }

    @Override
    public String uuid(int device) throws NativeStatusException {
        LongByReference id = new LongByReference();
        check("rsmi_dev_unique_id_get", rsmi.rsmi_dev_unique_id_get(device, id));
        return String.format("0x%016x", id.getValue());
    }

    @Override
    public long vramTotalBytes(int device) throws NativeStatusException {
        LongByReference bytes = new LongByReference();
        check("rsmi_dev_memory_total_get",
                rsmi.rsmi_dev_memory_total_get(device, RocmSmiLibrary.RSMI_MEM_TYPE_VRAM, bytes));
        return bytes.getValue();
    }

    @Override
    public long vramUsedBytes(int device) throws NativeStatusException {
        return memoryUsed(device, RocmSmiLibrary.RSMI_MEM_TYPE_VRAM);
    }

    @Override
    public long gttUsedBytes(int device) throws NativeStatusException {
        return memoryUsed(device, RocmSmiLibrary.RSMI_MEM_TYPE_GTT);
    }

    private long memoryUsed(int device, int type) throws NativeStatusException {
        LongByReference bytes = new LongByReference();
        check("rsmi_dev_memory_usage_get", rsmi.rsmi_dev_memory_usage_get(device, type, bytes));
        return bytes.getValue();
    }

    @Override
    public double gpuUtilizationPercent(int device) throws NativeStatusException {
        IntByReference percent = new IntByReference();
        check("rsmi_dev_busy_percent_get", rsmi.rsmi_dev_busy_percent_get(device, percent));
        return Integer.toUnsignedLong(percent.getValue());
    }

    @Override
    public double memoryUtilizationPercent(int device) throws NativeStatusException {
        IntByReference percent = new IntByReference();
        check("rsmi_dev_memory_busy_percent_get", rsmi.rsmi_dev_memory_busy_percent_get(device, percent));
        return Integer.toUnsignedLong(percent.getValue());
    }

    @Override
    public double powerWatts(int device) throws NativeStatusException {
        LongByReference microwatts = new LongByReference();
        check("rsmi_dev_power_ave_get", rsmi.rsmi_dev_power_ave_get(device, 0, microwatts));
        return microwatts.getValue() / 1_000_000.0;
    }

    @Override
    public double powerLimitWatts(int device) throws NativeStatusException {
        LongByReference microwatts = new LongByReference();
        check("rsmi_dev_power_cap_get", rsmi.rsmi_dev_power_cap_get(device, 0, microwatts));
        return microwatts.getValue() / 1_000_000.0;
    }

    @Override
    public double temperatureCelsius(int device) throws NativeStatusException {
        LongByReference millidegrees = new LongByReference();
        check("rsmi_dev_temp_metric_get", rsmi.rsmi_dev_temp_metric_get(device, RocmSmiLibrary.RSMI_TEMP_TYPE_EDGE,
                RocmSmiLibrary.RSMI_TEMP_CURRENT, millidegrees));
        return millidegrees.getValue() / 1000.0;
    }

    @Override
    public int coreClockMhz(int device) throws NativeStatusException {
        return SysfsAmdDriver.currentLevel(pciDir(device).resolve("pp_dpm_sclk"));
    }

    @Override
    public int memoryClockMhz(int device) throws NativeStatusException {
        return SysfsAmdDriver.currentLevel(pciDir(device).resolve("pp_dpm_mclk"));
    }

    @Override
    public int pcieGeneration(int device) throws NativeStatusException {
        return SysfsAmdDriver.pcieGenerationOf(SysfsAmdDriver.read(pciDir(device).resolve("current_link_speed")));
    }

    @Override
    public int pcieWidth(int device) throws NativeStatusException {
        return (int) SysfsAmdDriver.readLong(pciDir(device).resolve("current_link_width"));
    }
}
