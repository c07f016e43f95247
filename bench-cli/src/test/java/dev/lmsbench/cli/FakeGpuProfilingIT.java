package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.model.SideMetric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 5's first check, as a user runs it: {@code run --sim --enable-profiling} against the fake NVML library that
 * bench-hardware's test build compiles with gcc, loaded through JNA exactly as the real one; the VRAM, power and
 * temperature the fake was told to return reach results.json, summary.csv and the database.
 */
class FakeGpuProfilingIT {

    @TempDir
    Path dir;

    @Test
    void aProfiledSimRunReportsWhatTheFakeNvmlLibraryReturns() throws Exception {
        Path lib = fakeLibrary("libnvidia-ml.so.1");
        assertThat(lib).as("built by bench-hardware's test phase, which runs before this module").isRegularFile();
        Path config = dir.resolve("nvml.conf");
        Files.writeString(config, """
                count=1
                gpu0.name=NVIDIA GeForce RTX 4090
                gpu0.mem_total=25769803776
                gpu0.mem_used=9663676416
                gpu0.power_mw=312500
                gpu0.power_limit_mw=450000
                gpu0.temp=71
                """);
        Path out = dir.resolve("out");
        JarProcess p = JarProcess.start(dir, Map.of("FAKE_NVML_CONFIG", config.toString()),
                List.of("-Dlmsbench.nvml.library=" + lib), "run", "--sim", "--enable-profiling",
                "--profile-interval-ms", "50", "--sim-tokens-per-second", "200", "--sim-ttft-ms", "5", "--runs", "2",
                "--warmup", "0", "--stream-only", "--max-tokens", "24", "--limit", "1", "--output-dir",
                out.toString(), "--db", dir.resolve("c.db").toString());
        assertThat(p.waitFor(Duration.ofSeconds(120))).as(p.err()).isZero();
        assertThat(p.err()).contains("nvml");

        JsonNode hw = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("models").get(0)
                .path("hardware");
        assertThat(metric(hw, "gpu.vram.used", "max")).isEqualTo(9663676416.0);
        assertThat(metric(hw, "gpu.vram.used", "mean")).isEqualTo(9663676416.0);
        assertThat(metric(hw, "gpu.power", "max")).isCloseTo(312.5, within(1e-9));
        assertThat(metric(hw, "gpu.power", "mean")).isCloseTo(312.5, within(1e-9));
        assertThat(metric(hw, "gpu.temp", "max")).isEqualTo(71.0);
        JsonNode detected = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("hardware");
        assertThat(detected.path("gpu_backend").asText()).isEqualTo("nvml");
        assertThat(detected.path("gpus").get(0).path("name").asText()).isEqualTo("NVIDIA GeForce RTX 4090");

        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        List<String> header = List.of(csv.get(0).split(","));
        String[] row = csv.get(1).split(",", -1);
        assertThat(row[header.indexOf("vram_peak_gb")]).isEqualTo("9.663676");
        assertThat(row[header.indexOf("power_mean_w")]).isEqualTo("312.5");
        assertThat(row[header.indexOf("temp_peak_c")]).isEqualTo("71");

        JsonNode samples = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("models").get(0)
                .path("hardware_samples");
        assertThat(samples.size()).as("raw samples every 50 ms").isGreaterThanOrEqualTo(2);
        assertThat(samples.get(0).path("t_s").asDouble()).isZero();
        for (JsonNode sample : samples) {
            JsonNode gpu = sample.path("gpus").get(0);
            assertThat(gpu.path("vram_used_bytes").asLong()).isEqualTo(9663676416L);
            assertThat(gpu.path("power_w").asDouble()).isCloseTo(312.5, within(1e-9));
            assertThat(gpu.path("temp_c").asDouble()).isEqualTo(71.0);
            assertThat(gpu.path("pcie_gen").isNull()).as("the fake was given no PCIe link").isTrue();
        }

        try (SqliteResultStore store = SqliteResultStore.open(dir.resolve("c.db"))) {
            List<SideMetric> stored = store.list().get(0).summary().sideMetrics();
            assertThat(stored).anySatisfy(m -> {
                assertThat(m.name()).isEqualTo("gpu.power");
                assertThat(m.value()).isCloseTo(312.5, within(1e-9));
            });
            assertThat(store.listHardwareSamples(store.list().get(0).id())).hasSize(samples.size())
                    .allSatisfy(h -> assertThat(h.gpus().getFirst().vramUsedBytes()).isEqualTo(9663676416L));
        }

        // the raw samples survive a round trip through the database
        Path exported = dir.resolve("exported");
        JarProcess export = JarProcess.start(dir, Map.of(), List.of(), "run", "--export-only", "--output-dir",
                exported.toString(), "--db", dir.resolve("c.db").toString());
        assertThat(export.waitFor(Duration.ofSeconds(60))).as(export.err()).isZero();
        assertThat(new ObjectMapper().readTree(exported.resolve("results.json").toFile()).path("models").get(0)
                .path("hardware_samples").size()).isEqualTo(samples.size());
    }

    @Test
    void aFakeNvmlThatCrashesInInitDoesNotStopTheRunAndTheOutputSaysWhy() throws Exception {
        Path lib = fakeLibrary("libnvidia-ml.so.1");
        Path config = dir.resolve("crash.conf");
        Files.writeString(config, "crash_on_init=1\n"); // nvmlInit_v2 dereferences a null pointer
        Path out = dir.resolve("out");
        JarProcess p = JarProcess.start(dir, Map.of("FAKE_NVML_CONFIG", config.toString()),
                List.of("-Dlmsbench.nvml.library=" + lib, "-Dlmsbench.rocmsmi.library=/nonexistent/librocm.so"),
                "run", "--sim", "--enable-profiling", "--sim-tokens-per-second", "300", "--runs", "1", "--warmup",
                "0", "--stream-only", "--max-tokens", "8", "--limit", "1", "--output-dir", out.toString(), "--db",
                dir.resolve("c.db").toString());
        assertThat(p.waitFor(Duration.ofSeconds(120))).as(p.err()).isZero();
        assertThat(p.err()).contains("GPU data unavailable: nvml: " + lib + " crashed a probe process during init");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.path("run").path("status").asText()).isEqualTo("completed");
        assertThat(results.path("hardware").path("gpu_backend").asText()).isEqualTo("none");
        assertThat(results.path("hardware").path("notes").toString()).contains("crashed a probe process during init");
        assertThat(metric(results.path("models").get(0).path("hardware"), "ram.used", "max")).isPositive();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err"));
        }
    }

    @Test
    void hwShowsTheFakeNvmlGpuWithItsPcieLinkAndWhyNvmlIsUsed() throws Exception {
        Path lib = fakeLibrary("libnvidia-ml.so.1");
        Path config = dir.resolve("nvml.conf");
        Files.writeString(config, """
                count=1
                driver=550.54.15
                gpu0.name=NVIDIA GeForce RTX 4090
                gpu0.mem_total=25769803776
                gpu0.mem_used=9663676416
                gpu0.power_mw=312500
                gpu0.power_limit_mw=450000
                gpu0.temp=71
                gpu0.pcie_gen=4
                gpu0.pcie_width=16
                """);
        JarProcess p = JarProcess.start(dir, Map.of("FAKE_NVML_CONFIG", config.toString()),
                List.of("-Dlmsbench.nvml.library=" + lib), "hw", "--sample-ms", "50");
        assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.err()).isZero();
        assertThat(p.out()).contains("GPU backend: nvml, driver 550.54.15")
                .contains("NVIDIA GeForce RTX 4090: VRAM 9.66 GB of 25.77 GB")
                .contains("312.5 W of 450.0 W, 71 °C, PCIe gen4 x16")
                .contains("nvml: used (" + lib + ", 1 GPU(s), driver 550.54.15)")
                .contains("nvidia-smi: not tried, nvml has priority");
    }

    @Test
    void recommendJudgesByTheFreeVramOfTheDetectedGpu() throws Exception {
        Path lib = fakeLibrary("libnvidia-ml.so.1");
        Path config = dir.resolve("nvml.conf");
        Files.writeString(config, "count=1\ngpu0.mem_total=24000000000\ngpu0.mem_used=7500000000\n");
        JarProcess p = JarProcess.start(dir, Map.of("FAKE_NVML_CONFIG", config.toString()),
                List.of("-Dlmsbench.nvml.library=" + lib), "recommend", "--sim");
        assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.err()).isZero();
        assertThat(p.out()).contains("Memory budget 16.5 GB (free VRAM now, for full GPU offload");
    }

    @Test
    void theFakeRocmSmiLibraryReportsGttByDefaultAndNotWithDisableGtt() throws Exception {
        Path lib = fakeLibrary("librocm_smi64.so");
        assertThat(lib).isRegularFile();
        Path config = dir.resolve("rocm.conf");
        Files.writeString(config, """
                count=1
                gpu0.name=AMD Radeon RX 7900 XTX
                gpu0.vram_total=25753026560
                gpu0.vram_used=8589934592
                gpu0.gtt_total=33554432000
                gpu0.gtt_used=1073741824
                gpu0.power_uw=250000000
                gpu0.temp_mdeg=65000
                """);
        for (boolean disableGtt : new boolean[]{false, true}) {
            Path out = dir.resolve("out-" + disableGtt);
            List<String> args = new java.util.ArrayList<>(List.of("run", "--sim", "--enable-profiling",
                    "--profile-interval-ms", "50", "--sim-tokens-per-second", "200", "--sim-ttft-ms", "5", "--runs",
                    "1", "--warmup", "0", "--stream-only", "--max-tokens", "16", "--limit", "1", "--output-dir",
                    out.toString(), "--db", dir.resolve("c-" + disableGtt + ".db").toString()));
            if (disableGtt) {
                args.add("--disable-gtt");
            }
            JarProcess p = JarProcess.start(Files.createDirectories(dir.resolve("w-" + disableGtt)),
                    Map.of("FAKE_ROCM_SMI_CONFIG", config.toString()),
                    List.of("-Dlmsbench.rocmsmi.library=" + lib, "-Dlmsbench.nvml.library=/nonexistent/libnvml.so"),
                    args.toArray(String[]::new));
            assertThat(p.waitFor(Duration.ofSeconds(120))).as(p.err()).isZero();
            JsonNode hw = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("models").get(0)
                    .path("hardware");
            assertThat(metric(hw, "gpu.vram.used", "max")).isEqualTo(8589934592.0);
            assertThat(metric(hw, "gpu.power", "mean")).isCloseTo(250.0, within(1e-9));
            assertThat(metric(hw, "gpu.temp", "max")).isEqualTo(65.0);
            boolean hasGtt = false;
            for (JsonNode m : hw) {
                hasGtt |= m.path("name").asText().equals("gpu.gtt.used");
            }
            assertThat(hasGtt).as("GTT reported, --disable-gtt=" + disableGtt).isEqualTo(!disableGtt);
            if (!disableGtt) {
                assertThat(metric(hw, "gpu.gtt.used", "max")).isEqualTo(1073741824.0);
            }
            List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
            String gttCell = csv.get(1).split(",", -1)[List.of(csv.get(0).split(",")).indexOf("gtt_peak_gb")];
            assertThat(gttCell).as("summary.csv gtt_peak_gb, --disable-gtt=" + disableGtt)
                    .isEqualTo(disableGtt ? "" : "1.073742");
            try (SqliteResultStore store = SqliteResultStore.open(dir.resolve("c-" + disableGtt + ".db"))) {
                var stored = store.list().get(0);
                assertThat(stored.summary().sideMetrics()).as("database, --disable-gtt=" + disableGtt)
                        .filteredOn(m -> m.name().equals("gpu.gtt.used")).hasSize(disableGtt ? 0 : 2);
                assertThat(store.listHardwareSamples(stored.id())).isNotEmpty().allSatisfy(h -> assertThat(
                        h.gpus().getFirst().gttUsedBytes()).isEqualTo(disableGtt ? -1 : 1073741824L));
            }
        }
    }

    @Test
    void aFakeNvmlThatFailsInitDoesNotStopTheRunAndTheOutputSaysWhy() throws Exception {
        Path lib = fakeLibrary("libnvidia-ml.so.1");
        Path config = dir.resolve("broken.conf");
        Files.writeString(config, "init=9\n");
        Path out = dir.resolve("out");
        JarProcess p = JarProcess.start(dir, Map.of("FAKE_NVML_CONFIG", config.toString()),
                List.of("-Dlmsbench.nvml.library=" + lib), "run", "--sim", "--enable-profiling",
                "--sim-tokens-per-second", "300", "--runs", "1", "--warmup", "0", "--stream-only", "--max-tokens",
                "8", "--limit", "1", "--output-dir", out.toString(), "--db", dir.resolve("c.db").toString());
        assertThat(p.waitFor(Duration.ofSeconds(120))).as(p.err()).isZero();
        assertThat(p.err()).contains("GPU data unavailable: nvml: nvmlInit_v2 returned 9 "
                + "(NVML_ERROR_DRIVER_NOT_LOADED)");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.path("hardware").path("gpu_backend").asText()).isEqualTo("none");
        assertThat(results.path("hardware").path("notes").toString())
                .contains("nvml: nvmlInit_v2 returned 9 (NVML_ERROR_DRIVER_NOT_LOADED)");
        JsonNode hw = results.path("models").get(0).path("hardware");
        assertThat(metric(hw, "ram.used", "max")).isPositive();
        for (JsonNode m : hw) {
            assertThat(m.path("name").asText()).doesNotStartWith("gpu.");
        }
    }

    /** A fake GPU library bench-hardware's test build compiled with gcc (that module's tests run before these). */
    private static Path fakeLibrary(String fileName) {
        return Path.of(System.getProperty("lmsbench.root"), "bench-hardware", "target", "native", fileName)
                .toAbsolutePath().normalize();
    }

    private static double metric(JsonNode hardware, String name, String aggregation) {
        for (JsonNode m : hardware) {
            if (m.path("name").asText().equals(name) && m.path("aggregation").asText().equals(aggregation)) {
                return m.path("value").asDouble();
            }
        }
        throw new AssertionError("no " + name + " " + aggregation + " in " + hardware);
    }
}
