package dev.lmsbench.hardware;

import com.sun.jna.Library;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;

/**
 * Raw JNA binding of the ROCm System Management Interface library ({@code rocm_smi.h}). Not API: names and
 * signatures mirror the C functions. {@code uint32_t} is an {@code int}, {@code uint64_t}/{@code int64_t} and
 * {@code size_t} are {@code long} (ROCm exists only on 64-bit Linux, where {@code size_t} is 64 bits).
 */
interface RocmSmiLibrary extends Library {

    int RSMI_STATUS_SUCCESS = 0;
    long RSMI_INIT_FLAG_NONE = 0L;
    int RSMI_MEM_TYPE_VRAM = 0;
    int RSMI_MEM_TYPE_GTT = 2;
    int RSMI_TEMP_TYPE_EDGE = 0;
    int RSMI_TEMP_CURRENT = 0;
    int RSMI_SW_COMP_DRIVER = 0;
    int BUFFER_SIZE = 256;

    int rsmi_init(long initFlags);

    int rsmi_shut_down();

    int rsmi_version_str_get(int component, byte[] verStr, int len);

    int rsmi_num_monitor_devices(IntByReference numDevices);

    int rsmi_dev_name_get(int dvInd, byte[] name, long len);

    int rsmi_dev_unique_id_get(int dvInd, LongByReference id);

    /** Bytes. */
    int rsmi_dev_memory_total_get(int dvInd, int memType, LongByReference total);

    /** Bytes. */
    int rsmi_dev_memory_usage_get(int dvInd, int memType, LongByReference used);

    /** Percent. */
    int rsmi_dev_busy_percent_get(int dvInd, IntByReference busyPercent);

    /** Percent of the memory controller. */
    int rsmi_dev_memory_busy_percent_get(int dvInd, IntByReference busyPercent);

    /** Microwatts. */
    int rsmi_dev_power_ave_get(int dvInd, int sensorInd, LongByReference power);

    /** Microwatts. */
    int rsmi_dev_power_cap_get(int dvInd, int sensorInd, LongByReference cap);

    /** Millidegrees Celsius. */
    int rsmi_dev_temp_metric_get(int dvInd, int sensorType, int metric, LongByReference temperature);

    /**
     * The PCI address: {@code (domain << 32) | (partition << 28) | (bus << 8) | (device << 3) | function}.
     * A plain {@code uint64_t}, stable across releases (unlike the frequency and bandwidth structs).
     */
    int rsmi_dev_pci_id_get(int dvInd, LongByReference bdfid);
}
