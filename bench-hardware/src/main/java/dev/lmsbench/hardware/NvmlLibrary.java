package dev.lmsbench.hardware;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw JNA binding of the NVIDIA Management Library ({@code nvml.h}). Not API: names and signatures mirror the C
 * functions one to one so a reader can check them against NVIDIA's reference. C {@code unsigned int} is a Java
 * {@code int} read with {@link Integer#toUnsignedLong}; {@code unsigned long long} is a {@code long}.
 */
interface NvmlLibrary extends Library {

    int NVML_SUCCESS = 0;
    int NVML_TEMPERATURE_GPU = 0;
    int NVML_CLOCK_GRAPHICS = 0;
    int NVML_CLOCK_MEM = 2;
    /** NVML_DEVICE_NAME_V2_BUFFER_SIZE, large enough for every NVML string we read. */
    int BUFFER_SIZE = 96;

    int nvmlInit_v2();

    int nvmlShutdown();

    int nvmlSystemGetDriverVersion(byte[] version, int length);

    int nvmlDeviceGetCount_v2(IntByReference deviceCount);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    int nvmlDeviceGetMemoryInfo(Pointer device, NvmlMemory memory);

    int nvmlDeviceGetUtilizationRates(Pointer device, NvmlUtilization utilization);

    /** Milliwatts. */
    int nvmlDeviceGetPowerUsage(Pointer device, IntByReference power);

    /** Milliwatts. */
    int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference limit);

    int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference temp);

    int nvmlDeviceGetClockInfo(Pointer device, int clockType, IntByReference clock);

    /** {@code nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t, unsigned int *currLinkGen)}. */
    int nvmlDeviceGetCurrPcieLinkGeneration(Pointer device, IntByReference generation);

    /** {@code nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t, unsigned int *currLinkWidth)}. */
    int nvmlDeviceGetCurrPcieLinkWidth(Pointer device, IntByReference width);

    /** {@code nvmlMemory_t}: bytes, as {@code unsigned long long}. */
    @Structure.FieldOrder({"total", "free", "used"})
    class NvmlMemory extends Structure {
        public long total;
        public long free;
        public long used;
    }

    /** {@code nvmlUtilization_t}: percent over the driver's last sample period, as {@code unsigned int}. */
    @Structure.FieldOrder({"gpu", "memory"})
    class NvmlUtilization extends Structure {
        public int gpu;
        public int memory;
    }
}
