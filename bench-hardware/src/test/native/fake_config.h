/*
 * Shared by the fake NVML and ROCm SMI libraries: a tiny key=value reader. The tests write the file whose path is in
 * an environment variable; the fakes re-read it at every init, so one JVM can run many scenarios without reloading
 * the library (JNA keeps a loaded library for the life of the process).
 */
#ifndef FAKE_CONFIG_H
#define FAKE_CONFIG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX_ENTRIES 256
#define FAKE_MAX_LEN 256

static char fake_keys[FAKE_MAX_ENTRIES][FAKE_MAX_LEN];
static char fake_values[FAKE_MAX_ENTRIES][FAKE_MAX_LEN];
static int fake_entries;

static void fake_trim(char *s) {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) {
        s[--n] = '\0';
    }
}

/* Loads the file named by env_var; a missing variable or file means an empty configuration (all defaults). */
static void fake_load(const char *env_var) {
    fake_entries = 0;
    const char *path = getenv(env_var);
    if (path == NULL) {
        return;
    }
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return;
    }
    char line[2 * FAKE_MAX_LEN];
    while (fake_entries < FAKE_MAX_ENTRIES && fgets(line, sizeof line, f) != NULL) {
        fake_trim(line);
        char *eq = strchr(line, '=');
        if (line[0] == '#' || eq == NULL) {
            continue;
        }
        *eq = '\0';
        snprintf(fake_keys[fake_entries], FAKE_MAX_LEN, "%.255s", line);
        snprintf(fake_values[fake_entries], FAKE_MAX_LEN, "%.255s", eq + 1);
        fake_entries++;
    }
    fclose(f);
}

static const char *fake_get(const char *key) {
    for (int i = 0; i < fake_entries; i++) {
        if (strcmp(fake_keys[i], key) == 0) {
            return fake_values[i];
        }
    }
    return NULL;
}

static const char *fake_str(const char *key, const char *fallback) {
    const char *v = fake_get(key);
    return v == NULL ? fallback : v;
}

static long long fake_ll(const char *key, long long fallback) {
    const char *v = fake_get(key);
    return v == NULL ? fallback : strtoll(v, NULL, 10);
}

static unsigned long long fake_ull(const char *key, unsigned long long fallback) {
    const char *v = fake_get(key);
    return v == NULL ? fallback : strtoull(v, NULL, 10);
}

/* The per-device key "gpu<index>.<name>". */
static const char *fake_dev_key(char *buf, size_t len, unsigned int index, const char *name) {
    snprintf(buf, len, "gpu%u.%s", index, name);
    return buf;
}

/* The status a function was told to fail with ("error.<function>=<code>"), or 0. */
static int fake_error(const char *function) {
    char key[FAKE_MAX_LEN];
    snprintf(key, sizeof key, "error.%s", function);
    return (int) fake_ll(key, 0);
}

/* Copies value into a caller's buffer of length len; returns 0 or insufficient_size_code. */
static int fake_copy(char *out, size_t len, const char *value, int insufficient_size_code) {
    if (out == NULL || len == 0 || strlen(value) + 1 > len) {
        return insufficient_size_code;
    }
    memcpy(out, value, strlen(value) + 1);
    return 0;
}

#endif
