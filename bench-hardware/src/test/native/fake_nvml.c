/*
 * A fake libnvidia-ml.so.1 for tests: exports the real NVML names and C signatures (nvml.h), returns the values in the
 * file named by FAKE_NVML_CONFIG, re-read at every nvmlInit_v2. Keys (all optional):
 *   init=<nvmlReturn_t>                 what nvmlInit_v2 returns (e.g. 9 = NVML_ERROR_DRIVER_NOT_LOADED)
 *   count=<n>  driver=<version>
 *   gpu<i>.name / .uuid / .mem_total / .mem_used / .util_gpu / .util_mem / .power_mw / .power_limit_mw / .temp
 *   gpu<i>.clock_graphics / .clock_mem / .pcie_gen / .pcie_width
 *   crash_on_init=1                     nvmlInit_v2 dereferences a null pointer (a broken driver install)
 *   hang_on_init=<seconds>              nvmlInit_v2 sleeps that long first (a hung driver)
 *   error.<function>=<nvmlReturn_t>     that function fails with that code (e.g. error.nvmlDeviceGetPowerUsage=3)
 */
#include <stdint.h>
#include <unistd.h>
#include "fake_config.h"

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_INSUFFICIENT_SIZE 7

static int initialized; /* reference count, like the real library */
static int device_count;

/* Test hook, not part of NVML: inits minus shutdowns, so a test can check that every init was shut down. */
int fake_nvml_active_inits(void) { return initialized; }

#define GUARD(fn)                                                     \
    do {                                                              \
        if (initialized <= 0) return NVML_ERROR_UNINITIALIZED;        \
        int forced = fake_error(fn);                                  \
        if (forced != 0) return forced;                               \
    } while (0)

static int dev_index(nvmlDevice_t device) {
    intptr_t i = (intptr_t) device - 1;
    return i >= 0 && i < device_count ? (int) i : -1;
}

#define DEVICE(fn)                                                    \
    GUARD(fn);                                                        \
    int idx = dev_index(device);                                      \
    if (idx < 0) return NVML_ERROR_INVALID_ARGUMENT;                  \
    char key[FAKE_MAX_LEN]

nvmlReturn_t nvmlInit_v2(void) {
    fake_load("FAKE_NVML_CONFIG");
    if (fake_ll("crash_on_init", 0) != 0) {
        volatile int *nowhere = NULL;
        *nowhere = 1; /* SIGSEGV, as a broken vendor library would */
    }
    long long hang = fake_ll("hang_on_init", 0);
    if (hang > 0) sleep((unsigned int) hang);
    int rc = (int) fake_ll("init", 0);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    device_count = (int) fake_ll("count", 1);
    initialized++;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
    if (initialized <= 0) return NVML_ERROR_UNINITIALIZED;
    initialized--;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    GUARD("nvmlSystemGetDriverVersion");
    return fake_copy(version, length, fake_str("driver", "999.99.99"), NVML_ERROR_INSUFFICIENT_SIZE);
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    GUARD("nvmlDeviceGetCount_v2");
    if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *count = (unsigned int) device_count;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    GUARD("nvmlDeviceGetHandleByIndex_v2");
    if (device == NULL || index >= (unsigned int) device_count) return NVML_ERROR_INVALID_ARGUMENT;
    *device = (nvmlDevice_t) (intptr_t) (index + 1);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    DEVICE("nvmlDeviceGetName");
    return fake_copy(name, length, fake_str(fake_dev_key(key, sizeof key, idx, "name"), "Fake GPU"),
                     NVML_ERROR_INSUFFICIENT_SIZE);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    DEVICE("nvmlDeviceGetUUID");
    return fake_copy(uuid, length, fake_str(fake_dev_key(key, sizeof key, idx, "uuid"), "GPU-fake"),
                     NVML_ERROR_INSUFFICIENT_SIZE);
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
    DEVICE("nvmlDeviceGetMemoryInfo");
    if (memory == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    memory->total = fake_ull(fake_dev_key(key, sizeof key, idx, "mem_total"), 0);
    memory->used = fake_ull(fake_dev_key(key, sizeof key, idx, "mem_used"), 0);
    memory->free = memory->total - memory->used;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
    DEVICE("nvmlDeviceGetUtilizationRates");
    if (utilization == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    utilization->gpu = (unsigned int) fake_ull(fake_dev_key(key, sizeof key, idx, "util_gpu"), 0);
    utilization->memory = (unsigned int) fake_ull(fake_dev_key(key, sizeof key, idx, "util_mem"), 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
    DEVICE("nvmlDeviceGetPowerUsage");
    if (power == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *power = (unsigned int) fake_ull(fake_dev_key(key, sizeof key, idx, "power_mw"), 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
    DEVICE("nvmlDeviceGetEnforcedPowerLimit");
    if (limit == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *limit = (unsigned int) fake_ull(fake_dev_key(key, sizeof key, idx, "power_limit_mw"), 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensorType, unsigned int *temp) {
    DEVICE("nvmlDeviceGetTemperature");
    if (temp == NULL || sensorType != 0) return NVML_ERROR_INVALID_ARGUMENT; /* 0 = NVML_TEMPERATURE_GPU */
    *temp = (unsigned int) fake_ull(fake_dev_key(key, sizeof key, idx, "temp"), 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock) {
    DEVICE("nvmlDeviceGetClockInfo");
    if (clock == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    const char *name = type == 0 ? "clock_graphics" : type == 2 ? "clock_mem" : NULL; /* 0 graphics, 2 mem */
    if (name == NULL) return NVML_ERROR_NOT_SUPPORTED;
    *clock = (unsigned int) fake_ull(fake_dev_key(key, sizeof key, idx, name), 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int *gen) {
    DEVICE("nvmlDeviceGetCurrPcieLinkGeneration");
    if (gen == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *gen = (unsigned int) fake_ull(fake_dev_key(key, sizeof key, idx, "pcie_gen"), 0);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int *width) {
    DEVICE("nvmlDeviceGetCurrPcieLinkWidth");
    if (width == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *width = (unsigned int) fake_ull(fake_dev_key(key, sizeof key, idx, "pcie_width"), 0);
    return NVML_SUCCESS;
}
