package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.cache.ResultStorePaths;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmsCli;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.config.ConfigKeys;
import dev.lmsbench.core.config.ResolvedConfig;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.text.SafeText;
import dev.lmsbench.hardware.HardwareMonitors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code lmsbench doctor}: on one screen, what the install script checks (the JDK, LM Studio's {@code lms}, the GPUs
 * and the backend that reads each, the servers on the configured ports, the data directories), each line a status,
 * a subject, what was found and, for a warning or a failure, one fix. Exit 1 when a check failed; warnings do not.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = {"Checks the installation on one screen: the JDK, LM Studio's lms, the GPUs and their "
                + "backends, the servers on the configured ports, and that the data directories are writable; "
                + "says how to fix each warning and failure. Exit 1 when a check failed (see docs/cli.md)."})
final class DoctorCommand implements Callable<Integer> {

    /** How long each server has to answer its model list: a local server answers at once. */
    static final Duration SERVER_TIMEOUT = Duration.ofSeconds(2);
    /** The fix when neither {@code lms} nor {@code llmster} is found. */
    static final String INSTALL_LM_STUDIO = "install LM Studio: https://lmstudio.ai/download (or use --sim)";
    /** The fix when nothing listens at a server's URL. */
    static final String START_SERVER = "start LM Studio (lms server start) or pass --url";

    /** The longest detail or fix printed (characters): one screen, one line per check. */
    private static final int MAX_TEXT = 160;
    /** The largest sysfs file read for a PCI device's class or vendor (bytes). */
    private static final int MAX_SYSFS_BYTES = 64;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A check's outcome. */
    enum Status {
        OK, WARN, FAIL;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One line of the report.
     *
     * @param check   which check ({@code jdk}, {@code lmstudio}, {@code gpu}, {@code server}, {@code data-dir},
     *                {@code config})
     * @param status  ok, warn or fail
     * @param subject what was checked (a GPU, a URL, a directory's role)
     * @param detail  what was found
     * @param fix     what to do about a warning or failure; {@code ""} when ok
     */
    record Check(String check, Status status, String subject, String detail, String fix) {
        /** Sanitizes: a detail may carry a server's words, a driver's GPU name or a path from the environment. */
        Check {
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(status, "status");
            subject = SafeText.oneLine(subject, MAX_TEXT);
            detail = SafeText.oneLine(detail, MAX_TEXT);
            fix = SafeText.oneLine(fix, MAX_TEXT);
        }

        static Check ok(String check, String subject, String detail) {
            return new Check(check, Status.OK, subject, detail, "");
        }
    }

    /**
     * What the checks read from the machine, so tests can hand in their own.
     *
     * @param env        environment variables ({@code PATH}, {@code XDG_DATA_HOME}, {@code XDG_CONFIG_HOME})
     * @param home       the user's home directory
     * @param workDir    the working directory (where {@code run} writes {@code results/})
     * @param pciDevices the directory of PCI devices ({@code /sys/bus/pci/devices}), to see GPUs no backend reads
     * @param monitors   the hardware detection
     */
    record Environment(Map<String, String> env, Path home, Path workDir, Path pciDevices, MonitorFactory monitors) {
        Environment {
            env = Map.copyOf(env);
        }

        static Environment system() {
            return new Environment(System.getenv(), Path.of(System.getProperty("user.home")),
                    Path.of("").toAbsolutePath(),
                    Path.of(System.getProperty(HardwareMonitors.SYSFS_PCI_PROPERTY, "/sys/bus/pci/devices")),
                    MonitorFactory.DETECT);
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", description = {
            "A server to check (repeatable); replaces the configured lmstudio.host and lmstudio.ports "
                    + "(default http://localhost:1234 and :1235)."})
    List<String> urls = new ArrayList<>();

    @Option(names = "--json", description = "Print a JSON array of {check, status, subject, detail, fix} instead.")
    boolean json;

    private final Environment environment;

    DoctorCommand() {
        this(Environment.system());
    }

    DoctorCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        List<String> given = urls.stream().map(ServerDiscovery::checkBaseUrl).toList(); // a bad URL is exit 2
        ConfigPaths paths = ConfigPaths.detect(environment.env(), environment.home(), environment.workDir());
        List<Check> checks = new ArrayList<>();
        checks.add(jdk());
        checks.add(lmStudio());
        checks.addAll(gpus());
        checks.addAll(servers(paths, given));
        checks.addAll(dataDirs(paths));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(checks, out);
        } else {
            printText(checks, out);
        }
        out.flush();
        return checks.stream().anyMatch(c -> c.status() == Status.FAIL) ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    // ---- the checks ----

    static Check jdk() {
        Runtime.Version version = Runtime.version();
        String detail = version + " (" + System.getProperty("java.vendor", "unknown vendor") + "), "
                + System.getProperty("java.home", "");
        return version.feature() >= 21 ? Check.ok("jdk", "JDK", detail)
                : new Check("jdk", Status.FAIL, "JDK", detail, "install JDK 21 or newer (e.g. Temurin 21)");
    }

    /** {@code lms} where {@code run} looks for it (PATH, ~/.lmstudio/bin, ...), else {@code llmster} on PATH. */
    Check lmStudio() {
        Optional<LmsCli> lms = LmsCli.locate(environment.env(), environment.home());
        if (lms.isPresent()) {
            return Check.ok("lmstudio", "LM Studio", "lms at " + lms.get().executable());
        }
        Optional<Path> llmster = onPath("llmster");
        if (llmster.isPresent()) {
            return Check.ok("lmstudio", "LM Studio", "llmster at " + llmster.get() + " (no lms)");
        }
        return new Check("lmstudio", Status.WARN, "LM Studio", "no lms or llmster on PATH, none in "
                + environment.home().resolve(".lmstudio").resolve("bin"), INSTALL_LM_STUDIO);
    }

    private Optional<Path> onPath(String name) {
        for (String dir : environment.env().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * One line per GPU the hardware detection reads, naming its backend (no sample is taken: detection only). When it
     * reads none, the PCI bus says whether there are GPUs it cannot read, and which driver or tool would.
     */
    List<Check> gpus() {
        HardwareInfo info;
        try (HardwareMonitor monitor = environment.monitors().create(true, HardwareMonitors.AUTO)) {
            info = monitor.describe();
        }
        List<Check> checks = new ArrayList<>();
        String backend = backendName(info.gpuBackend());
        for (HardwareInfo.Gpu g : info.gpus()) {
            String vram = g.vramTotalBytes() < 0 ? "" : ", " + Durations.num(g.vramTotalBytes() / 1e9, 1) + " GB";
            checks.add(Check.ok("gpu", "GPU " + g.index(), g.name() + vram + ", read by " + backend
                    + (info.driver().isEmpty() ? "" : " (driver " + info.driver() + ")")));
        }
        if (!checks.isEmpty()) {
            return checks;
        }
        for (Map.Entry<String, String> gpu : pciGpus(environment.pciDevices()).entrySet()) {
            String vendor = gpu.getValue();
            checks.add(new Check("gpu", Status.WARN, "GPU " + gpu.getKey(), vendorName(vendor)
                    + " GPU, but no backend reads it: hw sees CPU and RAM only", vendorFix(vendor)));
        }
        if (checks.isEmpty()) {
            checks.add(Check.ok("gpu", "GPU", "no GPU: hw reads CPU and RAM only"));
        }
        return checks;
    }

    /** The display controllers (PCI class 0x03xxxx) on the bus: address to vendor id, sorted by address. */
    static Map<String, String> pciGpus(Path pciDevices) {
        Map<String, String> gpus = new TreeMap<>();
        if (!Files.isDirectory(pciDevices)) {
            return gpus; // not Linux, or a container without sysfs
        }
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(pciDevices)) {
            for (Path device : devices) {
                if (readSmall(device.resolve("class")).startsWith("0x03")) {
                    gpus.put(device.getFileName().toString(), readSmall(device.resolve("vendor")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable bus is no GPU seen: the check must not fail the doctor
        }
        return gpus;
    }

    private static String readSmall(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_SYSFS_BYTES), StandardCharsets.US_ASCII).strip()
                    .toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "";
        }
    }

    private static String vendorName(String vendorId) {
        return switch (vendorId) {
            case "0x10de" -> "NVIDIA";
            case "0x1002" -> "AMD";
            case "0x8086" -> "Intel";
            default -> "a " + vendorId;
        };
    }

    private static String vendorFix(String vendorId) {
        return switch (vendorId) {
            case "0x10de" -> "install the NVIDIA driver (it brings NVML and nvidia-smi)";
            case "0x1002" -> "install ROCm (rocm-smi) or load the amdgpu driver";
            case "0x8086" -> "install intel-gpu-tools (intel_gpu_top)";
            default -> "no backend reads this vendor's GPUs (docs/hardware.md)";
        };
    }

    private static String backendName(String backend) {
        return switch (backend) {
            case "nvml" -> "NVML";
            case "rocm-smi" -> "ROCm SMI";
            case "rocm-smi-cli" -> "rocm-smi";
            case "sysfs" -> "amdgpu sysfs";
            default -> backend;
        };
    }

    /** Each {@code --url}, else each configured port on the configured host: does it list models? */
    List<Check> servers(ConfigPaths paths, List<String> given) {
        List<Check> checks = new ArrayList<>();
        ResolvedConfig config;
        try {
            RunCommand run = new RunCommand();
            new CommandLine(run).parseArgs();
            config = run.resolveConfig(paths, new Presets(paths));
        } catch (CliException e) {
            checks.add(new Check("config", Status.FAIL, "config", e.getMessage(),
                    "fix the file it names, or remove it (lmsbench config show)"));
            config = ResolvedConfig.resolve(List.of());
        }
        List<String> targets = new ArrayList<>(given);
        if (targets.isEmpty()) {
            String host = config.get(ConfigKeys.HOST);
            for (int port : config.get(ConfigKeys.PORTS)) {
                String url = "http://" + host + ":" + port;
                try {
                    targets.add(ServerDiscovery.checkBaseUrl(url));
                } catch (CliException e) {
                    checks.add(new Check("config", Status.FAIL, "config", "lmstudio.host '" + host
                            + "' does not form a valid URL", "set lmstudio.host to a host name, or pass --url"));
                    break;
                }
            }
        }
        for (String url : targets) {
            checks.add(server(url, config.get(ConfigKeys.API_TOKEN)));
        }
        return checks;
    }

    static Check server(String url, String token) {
        try (OpenAiClient client = OpenAiClient.create(new ClientConfig(url, token, SERVER_TIMEOUT)
                .withRequestTimeout(SERVER_TIMEOUT))) {
            int models = client.listModels().size();
            return Check.ok("server", url, "answers, " + models + (models == 1 ? " model" : " models"));
        } catch (BackendException e) {
            String message = SafeText.oneLine(e.getMessage(), 100);
            return switch (e.kind()) {
                case CONNECTION -> new Check("server", Status.WARN, url, "nothing listening", START_SERVER);
                case TIMEOUT -> new Check("server", Status.WARN, url, "no answer within "
                        + SERVER_TIMEOUT.toSeconds() + " s", "restart the server, or pass --url");
                case HTTP_STATUS -> new Check("server", Status.WARN, url, "answers HTTP " + e.httpStatus(),
                        e.httpStatus() == 401 || e.httpStatus() == 403
                                ? "it wants a token: set lmstudio.api_token in defaults.json"
                                : "is it an OpenAI-compatible server? check the URL, or pass --url");
                default -> new Check("server", Status.WARN, url, "answers, but no model list: " + message,
                        "is it an OpenAI-compatible server? check the URL, or pass --url");
            };
        }
    }

    /** The directories a run writes, resolved as {@code run} resolves them. */
    List<Check> dataDirs(ConfigPaths paths) {
        return List.of(
                writable("results", environment.workDir().resolve("results")),
                writable("cache DB", ResultStorePaths.defaultDatabase(environment.env(), environment.home())
                        .getParent()),
                writable("user config", paths.userDir()));
    }

    /**
     * Whether files can be created in {@code dir} (a temporary file, created and deleted: permission bits do not say
     * so for root or on ACLs), or, when it does not exist, in its nearest existing parent.
     */
    static Check writable(String subject, Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return new Check("data-dir", Status.FAIL, subject, dir + ": no part of the path exists",
                    "give an absolute path");
        }
        if (!Files.isDirectory(existing)) {
            String what = existing.equals(dir) ? dir + " is a file, not a directory"
                    : dir + ": " + existing + " is a file, not a directory";
            return new Check("data-dir", Status.FAIL, subject, what, "remove or rename " + existing);
        }
        try {
            Files.delete(Files.createTempFile(existing, ".lmsbench-doctor-", ".tmp"));
        } catch (IOException e) {
            return new Check("data-dir", Status.FAIL, subject, existing + " is not writable: "
                    + IoErrors.reason(e), "make it writable for you (chown or chmod u+w " + existing + ")");
        }
        return Check.ok("data-dir", subject, existing.equals(dir) ? dir + " writable"
                : dir + " will be created");
    }

    // ---- output ----

    private static void printText(List<Check> checks, PrintWriter out) {
        int width = Math.min(24, checks.stream().mapToInt(c -> c.subject().length()).max().orElse(0));
        for (Check c : checks) {
            out.println(String.format(Locale.ROOT, "%-4s  %-" + width + "s  %s", c.status().label(), c.subject(),
                    c.detail()) + (c.fix().isEmpty() ? "" : " -> " + c.fix()));
        }
        long warn = checks.stream().filter(c -> c.status() == Status.WARN).count();
        long fail = checks.stream().filter(c -> c.status() == Status.FAIL).count();
        out.println((checks.size() - warn - fail) + " ok, " + warn + " warn, " + fail + " fail");
    }

    private static void printJson(List<Check> checks, PrintWriter out) throws IOException {
        ArrayNode array = JSON.createArrayNode();
        for (Check c : checks) {
            ObjectNode o = array.addObject();
            o.put("check", c.check());
            o.put("status", c.status().label());
            o.put("subject", c.subject());
            o.put("detail", c.detail());
            o.put("fix", c.fix());
        }
        out.println(JSON.writeValueAsString(array));
    }
}
