package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lmsbench doctor} in process, against a temporary home, PATH, PCI bus and hardware detection. */
class DoctorCommandTest {

    @TempDir
    Path dir;

    private Path bin;
    private Path pci;
    private HardwareInfo hardware;

    @BeforeEach
    void emptyMachine() throws IOException {
        System.clearProperty("lmsbench.user.config"); // other tests set it; the doctor must resolve from the env
        bin = Files.createDirectories(dir.resolve("bin"));
        pci = Files.createDirectories(dir.resolve("pci"));
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("work"));
        hardware = info("none", List.of());
    }

    record Outcome(int code, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        String line(String subject) {
            return lines().stream().filter(l -> l.matches("^(ok|warn|fail) +" + java.util.regex.Pattern.quote(
                    subject) + " .*")).findFirst().orElseThrow(() -> new AssertionError("no line for " + subject
                    + " in:\n" + out));
        }
    }

    private Outcome doctor(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", bin.toString(),
                "XDG_DATA_HOME", dir.resolve("data").toString(),
                "XDG_CONFIG_HOME", dir.resolve("config").toString()));
        env.putAll(extraEnv);
        DoctorCommand.Environment environment = new DoctorCommand.Environment(env, dir.resolve("home"),
                dir.resolve("work"), pci, (gtt, backend) -> new FixedMonitor(hardware));
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == DoctorCommand.class ? cls.cast(new DoctorCommand(environment))
                        : CommandLine.defaultFactory().create(cls);
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("doctor"));
        all.addAll(List.of(args));
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), factory)
                .execute(all.toArray(String[]::new));
        return new Outcome(code, out.toString(), err.toString());
    }

    private Outcome doctor(String... args) {
        return doctor(Map.of(), args);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRunningServerIsOkWithItsModelCount() {
        SimConfig config = SimConfig.defaults().withModels(SimConfig.defaultModels().subList(0, 2));
        try (SimServer sim = SimServer.start(config)) {
            Outcome o = doctor("--url", sim.baseUrl());
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.line(sim.baseUrl())).startsWith("ok ").endsWith("answers, " + config.models().size()
                    + " models");
        }
    }

    @Test
    void aClosedPortIsAWarnWithTheFixAndDoesNotFailTheDoctor() throws IOException {
        String url = "http://127.0.0.1:" + closedPort();
        Outcome o = doctor("--url", url);
        assertThat(o.line(url)).startsWith("warn ").contains("nothing listening")
                .endsWith("-> " + DoctorCommand.START_SERVER);
        assertThat(o.code()).as("a warning does not fail: " + o.out()).isZero();
    }

    @Test
    void aServerThatWantsATokenIsAWarnSayingSo() {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withApiToken("secret"))) {
            Outcome o = doctor("--url", sim.baseUrl());
            assertThat(o.line(sim.baseUrl())).startsWith("warn ").contains("answers HTTP 401")
                    .contains("lmstudio.api_token");
        }
    }

    @Test
    void withoutUrlTheConfiguredHostAndPortsAreChecked() throws IOException {
        SimConfig config = SimConfig.defaults().withModels(SimConfig.defaultModels().subList(0, 3));
        try (SimServer sim = SimServer.start(config)) {
            int closed = closedPort();
            Path user = Files.createDirectories(dir.resolve("config").resolve("lm-studio-bench"));
            Files.writeString(user.resolve("defaults.json"), "{\"lmstudio\": {\"host\": \"127.0.0.1\", "
                    + "\"ports\": [" + sim.port() + ", " + closed + "]}}");
            Outcome o = doctor();
            assertThat(o.line("http://127.0.0.1:" + sim.port())).startsWith("ok ").endsWith("answers, 3 models");
            assertThat(o.line("http://127.0.0.1:" + closed)).startsWith("warn ").contains("nothing listening");
        }
    }

    @Test
    void anInvalidConfigFileIsAFailNamingIt() throws IOException {
        Path user = Files.createDirectories(dir.resolve("config").resolve("lm-studio-bench"));
        Files.writeString(user.resolve("defaults.json"), "{\"lmstudio\": ");
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(o.line("config")).startsWith("fail ").contains(user.resolve("defaults.json").toString(),
                "not valid JSON").contains("-> fix the file it names");
    }

    @Test
    void everyUrlIsCheckedAndABadOneIsAUsageError() throws IOException {
        String first = "http://127.0.0.1:" + closedPort();
        String second = "http://localhost:" + closedPort();
        Outcome o = doctor("--url", first, "--url", second);
        assertThat(o.line(first)).contains("nothing listening");
        assertThat(o.line(second)).contains("nothing listening");

        Outcome bad = doctor("--url", "localhost:1234");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err().strip()).startsWith("lmsbench: ").doesNotContain("\n").contains("http://");
    }

    @Test
    void aRegularFileWhereTheDataDirShouldBeIsAFailAndExitCode1() throws IOException {
        Path file = Files.writeString(dir.resolve("data-is-a-file"), "x");
        Outcome o = doctor(Map.of("XDG_DATA_HOME", file.toString()), "--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(o.line("cache DB")).startsWith("fail ").contains(file + " is a file, not a directory")
                .endsWith("-> remove or rename " + file);
        assertThat(o.out()).contains("1 fail");

        Path results = Files.writeString(dir.resolve("work").resolve("results"), "x");
        Outcome r = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.line("results")).startsWith("fail ").endsWith("-> remove or rename " + results);
    }

    @Test
    void missingDataDirsWithWritableParentsWillBeCreatedAndAreNotCreatedByTheDoctor() throws IOException {
        Files.createDirectories(dir.resolve("config").resolve("lm-studio-bench"));
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.code()).as(o.out()).isZero();
        assertThat(o.line("results")).startsWith("ok ").endsWith(dir.resolve("work").resolve("results")
                + " will be created");
        assertThat(o.line("cache DB")).startsWith("ok ").endsWith(dir.resolve("data").resolve("lm-studio-bench")
                .resolve("results") + " will be created");
        assertThat(o.line("user config")).startsWith("ok ").endsWith(dir.resolve("config")
                .resolve("lm-studio-bench") + " writable");
        assertThat(dir.resolve("work").resolve("results")).doesNotExist();
        assertThat(dir.resolve("data")).doesNotExist();
        try (var left = Files.list(dir.resolve("config").resolve("lm-studio-bench"))) {
            assertThat(left).as("the probe file is deleted").isEmpty();
        }
    }

    @Test
    void aFakeLmsOnThePathIsFound() throws IOException {
        Path lms = executable(bin.resolve("lms"));
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.line("LM Studio")).startsWith("ok ").endsWith("lms at " + lms);
    }

    @Test
    void llmsterOnThePathIsFoundWhenThereIsNoLms() throws IOException {
        Path llmster = executable(bin.resolve("llmster"));
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.line("LM Studio")).startsWith("ok ").contains("llmster at " + llmster);
    }

    @Test
    void withoutLmsTheFixIsTheDownloadLink() throws IOException {
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.line("LM Studio")).startsWith("warn ").endsWith("-> " + DoctorCommand.INSTALL_LM_STUDIO)
                .contains("https://lmstudio.ai/download");
        assertThat(o.code()).isZero();
    }

    @Test
    void theJdkLineNamesTheRunningVersionVendorAndHome() throws IOException {
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.line("JDK")).startsWith("ok ").contains(Runtime.version().toString(),
                System.getProperty("java.vendor"), System.getProperty("java.home"));
    }

    @Test
    void eachGpuIsOkNamingTheBackendThatReadsIt() throws IOException {
        hardware = info("nvml", List.of(new HardwareInfo.Gpu(0, "RTX Test \u001b[2J0", "", 24_000_000_000L),
                new HardwareInfo.Gpu(1, "RTX Other", "", -1)));
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.line("GPU 0")).startsWith("ok ").contains("RTX Test", "24.0 GB", "read by NVML");
        assertThat(o.line("GPU 1")).startsWith("ok ").contains("RTX Other", "read by NVML");
        assertThat(o.out()).as("a driver's escape sequence never reaches the terminal").doesNotContain("\u001b");
    }

    @Test
    void aGpuOnTheBusThatNoBackendReadsIsAWarnWithTheDriverToInstall() throws IOException {
        pciDevice("0000:01:00.0", "0x030000", "0x10de");
        pciDevice("0000:00:1f.0", "0x060100", "0x8086"); // an ISA bridge: not a GPU
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.line("GPU 0000:01:00.0")).startsWith("warn ").contains("NVIDIA GPU, but no backend reads it")
                .endsWith("-> install the NVIDIA driver (it brings NVML and nvidia-smi)");
        assertThat(o.out()).doesNotContain("0000:00:1f.0");
    }

    @Test
    void noGpuAtAllIsOkSayingHwReadsCpuAndRamOnly() throws IOException {
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.line("GPU")).startsWith("ok ").endsWith("no GPU: hw reads CPU and RAM only");
    }

    @Test
    void jsonParsesAndHasEveryCheckWithItsFiveFields() throws IOException {
        Path file = Files.writeString(dir.resolve("data-is-a-file"), "x");
        Outcome o = doctor(Map.of("XDG_DATA_HOME", file.toString()), "--json", "--url",
                "http://127.0.0.1:" + closedPort());
        assertThat(o.code()).isEqualTo(ExitCodes.FAILURE);
        JsonNode array = new ObjectMapper().readTree(o.out());
        assertThat(array.isArray()).isTrue();
        Set<String> checks = new HashSet<>();
        for (JsonNode c : array) {
            assertThat(c.properties().stream().map(Map.Entry::getKey).toList())
                    .containsExactly("check", "status", "subject", "detail", "fix");
            assertThat(c.get("status").asText()).isIn("ok", "warn", "fail");
            assertThat(c.get("fix").asText().isEmpty()).as(c.toString()).isEqualTo(c.get("status").asText()
                    .equals("ok"));
            checks.add(c.get("check").asText());
        }
        assertThat(checks).containsExactlyInAnyOrder("jdk", "lmstudio", "gpu", "server", "data-dir");
        assertThat(array.findValuesAsText("status")).contains("fail");
    }

    @Test
    void theReportFitsOnOneScreen() throws IOException {
        Outcome o = doctor("--url", "http://127.0.0.1:" + closedPort(), "--url", "http://127.0.0.1:" + closedPort());
        assertThat(o.lines()).hasSizeLessThanOrEqualTo(24).hasSizeGreaterThanOrEqualTo(9);
        assertThat(o.lines().getLast()).matches("\\d+ ok, \\d+ warn, \\d+ fail");
    }

    private static Path executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private void pciDevice(String address, String pciClass, String vendor) throws IOException {
        Path device = Files.createDirectories(pci.resolve(address));
        Files.writeString(device.resolve("class"), pciClass + "\n");
        Files.writeString(device.resolve("vendor"), vendor + "\n");
    }

    private static HardwareInfo info(String backend, List<HardwareInfo.Gpu> gpus) {
        return new HardwareInfo("Linux", "Test CPU", 4, 8, 16_000_000_000L, backend, "", gpus, List.of());
    }

    /** Detection that finds what the test says; the doctor must not sample (it stays cheap). */
    private record FixedMonitor(HardwareInfo info) implements HardwareMonitor {
        @Override
        public HardwareInfo describe() {
            return info;
        }

        @Override
        public HardwareSample sample() {
            throw new AssertionError("the doctor takes no sample");
        }

        @Override
        public void close() {
        }
    }
}
