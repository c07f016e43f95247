/*
 * A fake librocm_smi64.so for tests: exports the real ROCm SMI names and C signatures (rocm_smi.h), returns the values
 * in the file named by FAKE_ROCM_SMI_CONFIG, re-read at every rsmi_init. Keys (all optional):
 *   init=<rsmi_status_t>                what rsmi_init returns (e.g. 8 = RSMI_STATUS_INIT_ERROR)
 *   count=<n>  driver=<version>
 *   gpu<i>.name / .unique_id / .vram_total / .vram_used / .gtt_total / .gtt_used / .busy / .mem_busy
 *   gpu<i>.power_uw / .power_cap_uw / .temp_mdeg   (microwatts, millidegrees Celsius, as the real library)
 *   gpu<i>.bdfid                        the PCI address as rsmi_dev_pci_id_get encodes it (decimal)
 *   error.<function>=<rsmi_status_t>    that function fails with that code
 */
#include <stdint.h>
#include "fake_config.h"

typedef int rsmi_status_t;

#define RSMI_STATUS_SUCCESS 0
#define RSMI_STATUS_INVALID_ARGS 1
#define RSMI_STATUS_NOT_SUPPORTED 2
#define RSMI_STATUS_INIT_ERROR 8
#define RSMI_STATUS_INSUFFICIENT_SIZE 11

static int initialized;
static uint32_t device_count;

/* Test hook, not part of ROCm SMI: inits minus shutdowns. */
int fake_rsmi_active_inits(void) { return initialized; }

#define GUARD(fn)                                                     \
    do {                                                              \
        if (initialized <= 0) return RSMI_STATUS_INIT_ERROR;          \
        int forced = fake_error(fn);                                  \
        if (forced != 0) return forced;                               \
    } while (0)

#define DEVICE(fn, out)                                               \
    GUARD(fn);                                                        \
    if (dv_ind >= device_count) return RSMI_STATUS_INVALID_ARGS;      \
    if ((out) == NULL) return RSMI_STATUS_INVALID_ARGS;               \
    char key[FAKE_MAX_LEN]

rsmi_status_t rsmi_init(uint64_t init_flags) {
    (void) init_flags;
    fake_load("FAKE_ROCM_SMI_CONFIG");
    int rc = (int) fake_ll("init", 0);
    if (rc != RSMI_STATUS_SUCCESS) {
        return rc;
    }
    device_count = (uint32_t) fake_ll("count", 1);
    initialized++;
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_shut_down(void) {
    if (initialized <= 0) return RSMI_STATUS_INIT_ERROR;
    initialized--;
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_version_str_get(int component, char *ver_str, uint32_t len) {
    GUARD("rsmi_version_str_get");
    if (component != 0) return RSMI_STATUS_INVALID_ARGS; /* 0 = RSMI_SW_COMP_DRIVER */
    return fake_copy(ver_str, len, fake_str("driver", "6.10.5"), RSMI_STATUS_INSUFFICIENT_SIZE);
}

rsmi_status_t rsmi_num_monitor_devices(uint32_t *num_devices) {
    GUARD("rsmi_num_monitor_devices");
    if (num_devices == NULL) return RSMI_STATUS_INVALID_ARGS;
    *num_devices = device_count;
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_name_get(uint32_t dv_ind, char *name, size_t len) {
    DEVICE("rsmi_dev_name_get", name);
    return fake_copy(name, len, fake_str(fake_dev_key(key, sizeof key, dv_ind, "name"), "Fake Radeon"),
                     RSMI_STATUS_INSUFFICIENT_SIZE);
}

rsmi_status_t rsmi_dev_pci_id_get(uint32_t dv_ind, uint64_t *bdfid) {
    DEVICE("rsmi_dev_pci_id_get", bdfid);
    *bdfid = fake_ull(fake_dev_key(key, sizeof key, dv_ind, "bdfid"), 0);
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_unique_id_get(uint32_t dv_ind, uint64_t *id) {
    DEVICE("rsmi_dev_unique_id_get", id);
    *id = fake_ull(fake_dev_key(key, sizeof key, dv_ind, "unique_id"), 0);
    return RSMI_STATUS_SUCCESS;
}

/* 0 = RSMI_MEM_TYPE_VRAM, 1 = RSMI_MEM_TYPE_VIS_VRAM, 2 = RSMI_MEM_TYPE_GTT */
static const char *mem_key(int mem_type, int total) {
    switch (mem_type) {
        case 0: return total ? "vram_total" : "vram_used";
        case 2: return total ? "gtt_total" : "gtt_used";
        default: return NULL;
    }
}

rsmi_status_t rsmi_dev_memory_total_get(uint32_t dv_ind, int mem_type, uint64_t *total) {
    DEVICE("rsmi_dev_memory_total_get", total);
    const char *name = mem_key(mem_type, 1);
    if (name == NULL) return RSMI_STATUS_NOT_SUPPORTED;
    *total = fake_ull(fake_dev_key(key, sizeof key, dv_ind, name), 0);
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_memory_usage_get(uint32_t dv_ind, int mem_type, uint64_t *used) {
    DEVICE("rsmi_dev_memory_usage_get", used);
    const char *name = mem_key(mem_type, 0);
    if (name == NULL) return RSMI_STATUS_NOT_SUPPORTED;
    *used = fake_ull(fake_dev_key(key, sizeof key, dv_ind, name), 0);
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_busy_percent_get(uint32_t dv_ind, uint32_t *busy_percent) {
    DEVICE("rsmi_dev_busy_percent_get", busy_percent);
    *busy_percent = (uint32_t) fake_ull(fake_dev_key(key, sizeof key, dv_ind, "busy"), 0);
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_memory_busy_percent_get(uint32_t dv_ind, uint32_t *busy_percent) {
    DEVICE("rsmi_dev_memory_busy_percent_get", busy_percent);
    *busy_percent = (uint32_t) fake_ull(fake_dev_key(key, sizeof key, dv_ind, "mem_busy"), 0);
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_power_ave_get(uint32_t dv_ind, uint32_t sensor_ind, uint64_t *power) {
    DEVICE("rsmi_dev_power_ave_get", power);
    if (sensor_ind != 0) return RSMI_STATUS_INVALID_ARGS;
    *power = fake_ull(fake_dev_key(key, sizeof key, dv_ind, "power_uw"), 0);
    return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_power_cap_get(uint32_t dv_ind, uint32_t sensor_ind, uint64_t *cap) {
    DEVICE("rsmi_dev_power_cap_get", cap);
    if (sensor_ind != 0) return RSMI_STATUS_INVALID_ARGS;
    *cap = fake_ull(fake_dev_key(key, sizeof key, dv_ind, "power_cap_uw"), 0);
    return RSMI_STATUS_SUCCESS;
}

/* sensor_type 0 = RSMI_TEMP_TYPE_EDGE; metric 0 = RSMI_TEMP_CURRENT */
rsmi_status_t rsmi_dev_temp_metric_get(uint32_t dv_ind, uint32_t sensor_type, int metric, int64_t *temperature) {
    DEVICE("rsmi_dev_temp_metric_get", temperature);
    if (sensor_type != 0 || metric != 0) return RSMI_STATUS_NOT_SUPPORTED;
    *temperature = fake_ll(fake_dev_key(key, sizeof key, dv_ind, "temp_mdeg"), 0);
    return RSMI_STATUS_SUCCESS;
}
