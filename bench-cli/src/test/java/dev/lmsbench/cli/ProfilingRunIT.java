package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.hardware.HardwareSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lmsbench run --sim --enable-profiling} end to end, in process, with a fake or the real monitor. */
class ProfilingRunIT {

    @TempDir
    Path dir;

    /** A monitor that answers what the test tells it; one GPU. */
    static final class FakeMonitor implements HardwareMonitor {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();
        final IntFunction<HardwareSample> script;

        FakeMonitor(IntFunction<HardwareSample> script) {
            this.script = script;
        }

        static HardwareSample sample(long vram, double watts, double celsius) {
            return new HardwareSample(System.nanoTime(), 25.0, 12_000_000_000L, 32_000_000_000L, 0, 300_000_000L,
                    List.of(new GpuSample(0, "Fake RTX", vram, 24_000_000_000L, -1, 80.0, Double.NaN, watts,
                            350.0, celsius, -1, -1)));
        }

        @Override
        public HardwareInfo describe() {
            return new HardwareInfo("FakeOS", "Fake CPU", 8, 16, 32_000_000_000L, "fake-nvml", "555.0", List.of(),
                    List.of("fake-nvml: scripted by the test"));
        }

        @Override
        public HardwareSample sample() {
            return script.apply(calls.getAndIncrement());
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static MainTest.Outcome run(MonitorFactory monitors, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), monitors);
        return new MainTest.Outcome(code, out.toString(), err.toString());
    }

    private String[] args(Path out, String... more) {
        // loads of 50 ms, not the default 4 s a run: nothing here is about load time
        List<String> a = new ArrayList<>(List.of("run", "--sim", "--sim-load-ms", "50", "--runs", "1", "--warmup",
                "0", "--max-tokens", "16", "--output-dir", out.toString(), "--db",
                dir.resolve("cache.db").toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** The cells of one CSV column (simple rows: the simulator's models have no commas or quotes). */
    private static List<String> csvColumn(Path csv, String column) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.getFirst().split(",", -1));
        int i = header.indexOf(column);
        assertThat(i).as(column).isNotNegative();
        List<String> cells = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            assertThat(line).doesNotContain("\"");
            cells.add(line.split(",", -1)[i]);
        }
        return cells;
    }

    private List<String> dbRows(String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cache.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    @Test
    void reportsWhatTheMonitorReturnedInResultsJsonSummaryCsvAndTheDatabase() throws Exception {
        FakeMonitor monitor = new FakeMonitor(n -> FakeMonitor.sample(6_500_000_000L, 180.0, 66.0));
        Path out = dir.resolve("out");
        MainTest.Outcome o = run((gtt, backend) -> monitor, args(out, "--enable-profiling", "--profile-interval-ms", "5"));

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("Hardware profiling every 5 ms: GPU backend fake-nvml");
        assertThat(monitor.closed).as("the CLI closes the monitor").isTrue();
        JsonNode models = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("models");
        assertThat(models.size()).isGreaterThanOrEqualTo(1);
        for (JsonNode model : models) {
            List<String> metrics = new ArrayList<>();
            for (JsonNode m : model.path("hardware")) {
                metrics.add(m.path("name").asText() + " " + m.path("aggregation").asText() + " "
                        + m.path("value").asDouble() + " " + m.path("unit").asText());
            }
            assertThat(metrics).contains("gpu.vram.used max 6.5E9 bytes", "gpu.vram.used mean 6.5E9 bytes",
                    "gpu.vram.model delta 0.0 bytes", "gpu.power mean 180.0 W", "gpu.power max 180.0 W",
                    "gpu.temp max 66.0 °C", "cpu.load mean 25.0 %");
            assertThat(metrics).anySatisfy(m -> assertThat(m).startsWith("efficiency.toks_per_joule ratio"));
        }
        assertThat(csvColumn(out.resolve("summary.csv"), "vram_peak_gb")).isNotEmpty().containsOnly("6.5");
        assertThat(csvColumn(out.resolve("summary.csv"), "power_mean_w")).containsOnly("180");
        assertThat(csvColumn(out.resolve("summary.csv"), "temp_peak_c")).containsOnly("66");
        assertThat(dbRows("SELECT vram_peak_gb || ' ' || power_mean_w || ' ' || temp_peak_c FROM model_results"))
                .hasSize(models.size()).containsOnly("6.5 180.0 66.0");
        // the terminal's hardware table: VRAM peak, VRAM taken by the model, GPU util, power, temperature, CPU
        assertThat(o.out()).contains("VRAM peak GB").contains("tok/J")
                .containsPattern("sim/\\S+ +6\\.50 +0\\.00 +80 +180\\.0 +66 +25 ");
    }

    @Test
    void withoutProfilingThereIsNoHardwareTable() {
        MainTest.Outcome o = run((gtt, backend) -> {
            throw new AssertionError("no monitor without --enable-profiling");
        }, args(dir.resolve("out")));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("Decode tok/s (mean ± sd)").doesNotContain("VRAM peak GB");
    }

    @Test
    void maxTempPausesWithAVisibleLineUntilTheGpuIsCoolerAndRecordsIt() throws Exception {
        AtomicInteger hot = new AtomicInteger(4);
        FakeMonitor monitor = new FakeMonitor(n -> FakeMonitor.sample(1_000_000_000L, 100.0,
                n >= 2 && hot.getAndDecrement() > 0 ? 92.0 : 60.0));
        Path out = dir.resolve("out");
        MainTest.Outcome o = run((gtt, backend) -> monitor, args(out, "--max-temp", "85", "--profile-interval-ms", "2"));

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("pausing between runs above max 85.0 °C")
                .contains("pausing: GPU temperature 92.0 °C is above the limit 85.0 °C")
                .contains("resumed after");
        JsonNode hardware = new ObjectMapper().readTree(out.resolve("results.json").toFile())
                .at("/models/0/hardware");
        List<String> names = new ArrayList<>();
        hardware.forEach(m -> names.add(m.path("name").asText() + " " + m.path("unit").asText()));
        assertThat(names).contains("guard.pause s");
    }

    @Test
    void aMonitorThatCannotBeCreatedDoesNotStopTheBenchmark() {
        Path out = dir.resolve("out");
        MainTest.Outcome o = run((gtt, backend) -> {
            throw new UnsatisfiedLinkError("libnvidia-ml.so.1: cannot open shared object file");
        }, args(out, "--enable-profiling"));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("Hardware profiling unavailable").contains("libnvidia-ml.so.1");
        assertThat(out.resolve("results.json")).isRegularFile();
    }

    @Test
    void disableGttReachesTheMonitorFactory() {
        AtomicBoolean includeGtt = new AtomicBoolean(true);
        Path out = dir.resolve("out");
        MainTest.Outcome o = run((gtt, backend) -> {
            includeGtt.set(gtt);
            return new FakeMonitor(n -> FakeMonitor.sample(1, 1, 1));
        }, args(out, "--enable-profiling", "--disable-gtt"));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(includeGtt.get()).isFalse();
    }

    @Test
    void gpuBackendReachesTheMonitorFactory() {
        AtomicReference<String> chosen = new AtomicReference<>();
        Path out = dir.resolve("out");
        MainTest.Outcome o = run((gtt, backend) -> {
            chosen.set(backend);
            return new FakeMonitor(n -> FakeMonitor.sample(1, 1, 1));
        }, args(out, "--enable-profiling", "--gpu-backend", "rocm-smi"));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(chosen.get()).isEqualTo("rocm-smi");
    }

    @Test
    void anUnknownGpuBackendIsAUsageErrorNamingTheChoices() {
        MainTest.Outcome o = run((gtt, backend) -> {
            throw new AssertionError("no monitor for a usage error");
        }, args(dir.resolve("out"), "--enable-profiling", "--gpu-backend", "cuda"));
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n")
                .contains("--gpu-backend must be one of auto, none, nvml").contains("got 'cuda'");
    }

    @Test
    void withTheRealDetectionOnThisMachineAProfiledRunCompletesWithCpuAndRamFigures() throws Exception {
        Path out = dir.resolve("out");
        MainTest.Outcome o = run(MonitorFactory.DETECT, args(out, "--enable-profiling", "--profile-interval-ms",
                "20"));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("Hardware profiling every 20 ms: GPU backend");
        JsonNode hardware = new ObjectMapper().readTree(out.resolve("results.json").toFile())
                .at("/models/0/hardware");
        List<String> names = new ArrayList<>();
        hardware.forEach(m -> names.add(m.path("name").asText()));
        assertThat(names).contains("ram.used", "process.rss");
        assertThat(csvColumn(out.resolve("summary.csv"), "ram_peak_gb").getFirst()).isNotEmpty();
    }
}
