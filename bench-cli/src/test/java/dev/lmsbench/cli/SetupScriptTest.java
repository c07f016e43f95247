package dev.lmsbench.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * setup.sh end to end: the real script runs with bash in a temporary "repository" whose {@code mvnw} is a stub, with
 * a PATH of stub commands (uname, lspci, the package managers, the GPU tools, lms) and links to only the real tools
 * the script needs, and a fake JDK directory. The stubs record how they were called.
 */
class SetupScriptTest {

    /** The real tools the script (and the stubs) use; each is linked from the real PATH when it exists there. */
    private static final List<String> REAL_TOOLS = List.of("bash", "sh", "cat", "cp", "date", "dirname", "basename",
            "grep", "sed", "awk", "ln", "ls", "mkdir", "readlink", "sort", "tee", "tr", "head", "tail", "chmod",
            "rm", "touch", "timeout", "env", "wc", "cut", "sleep", "id", "mktemp", "pwd", "printf", "mawk", "gawk");

    private static final String NVIDIA = "01:00.0 VGA compatible controller: NVIDIA Corporation AD102 [GeForce RTX 4090] (rev a1)\n"
            + "01:00.1 Audio device: NVIDIA Corporation AD102 High Definition Audio Controller (rev a1)";
    private static final String AMD = "03:00.0 VGA compatible controller: Advanced Micro Devices, Inc. [AMD/ATI] "
            + "Navi 31 [Radeon RX 7900 XT/7900 XTX/7900M] (rev c8)";
    private static final String INTEL = "00:02.0 VGA compatible controller: Intel Corporation Alder Lake-P GT2 "
            + "[Iris Xe Graphics] (rev 0c)";
    /** A virtual machine's display and an Intel audio device: no GPU that lmsbench hw reads. */
    private static final String NO_GPU = "00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)\n"
            + "00:02.0 VGA compatible controller: Red Hat, Inc. Virtio 1.0 GPU (rev 01)\n"
            + "00:1f.3 Audio device: Intel Corporation Cannon Lake PCH cAVS (rev 10)";

    @TempDir
    Path tmp;
    private Path root, home, bin, jvm, libs, sys, record;
    private int mvnwExit = 0;
    private boolean buildMakesCompletion = true;

    @BeforeEach
    void lay() throws IOException {
        root = Files.createDirectories(tmp.resolve("repo"));
        home = Files.createDirectories(tmp.resolve("home"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        jvm = Files.createDirectories(tmp.resolve("jvm"));
        libs = Files.createDirectories(tmp.resolve("libs"));
        sys = Files.createDirectories(tmp.resolve("sys"));
        record = Files.createDirectories(tmp.resolve("record"));
        Files.copy(Path.of("..", "setup.sh"), root.resolve("setup.sh"));
        for (String tool : REAL_TOOLS) {
            findOnPath(tool).ifPresent(real -> {
                try {
                    Files.createSymbolicLink(bin.resolve(tool), real);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        stub("uname", "echo Linux");
        stub("git", "echo 'git version 2.39.5'");
        stub("curl", "echo curl 7.88.1");
    }

    /** The links to the real tools go first: JUnit warns about each link out of its temp dir that it deletes. */
    @AfterEach
    void unlinkRealTools() throws IOException {
        try (var links = Files.list(bin)) {
            for (Path link : links.filter(Files::isSymbolicLink).toList()) {
                Files.delete(link);
            }
        }
    }

    // ------------------------------------------------------------------ arguments and the operating system

    @Test
    void helpPrintsTheUsageAndExitsZeroWithoutALog() throws Exception {
        Run run = run("", "--help");
        assertThat(run.exit).isZero();
        assertThat(run.out).startsWith("Usage: ./setup.sh").contains("--dry-run", "--yes", "--interactive", "--completion");
        assertThat(root.resolve("logs")).doesNotExist();
    }

    @Test
    void anUnknownFlagIsAOneLineErrorWithExitTwo() throws Exception {
        Run run = run("", "--bogus");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err.strip()).isEqualTo("setup.sh: unknown option '--bogus' (see ./setup.sh --help)");
        assertThat(record.resolve("mvnw.args")).doesNotExist();
    }

    @Test
    void anOperatingSystemOtherThanLinuxIsRefusedWithExitOne() throws Exception {
        stub("uname", "echo Darwin");
        packageManager("apt-get");
        Run run = run("", "--yes");
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err.strip()).isEqualTo("setup.sh: only Linux is supported (uname -s says 'Darwin')");
        assertThat(record.resolve("pm.args")).doesNotExist();
        assertThat(record.resolve("mvnw.args")).doesNotExist();
    }

    // ------------------------------------------------------------------ the JDK and the package managers

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "apt-get, apt-get install -y openjdk-21-jdk",
            "dnf, dnf install -y java-21-openjdk-devel",
            "pacman, pacman -S --noconfirm jdk21-openjdk",
            "zypper, zypper --non-interactive install java-21-openjdk-devel",
            "apk, apk add openjdk21"})
    void aMissingJdkIsInstalledWithTheManagersOwnCommandAndNoOptionalPackageIsInstalledUnderYes(
            String manager, String command) throws Exception {
        packageManager(manager);
        lspci(INTEL); // no intel_gpu_top and no tray libraries: two optional installs offered
        Run run = run("", "--yes");
        assertThat(run.exit).as(run.out).isZero();
        List<String> expected = manager.equals("apt-get") ? List.of("apt-get update -q", command) : List.of(command);
        assertThat(recorded("pm.args")).containsExactlyElementsOf(expected);
        assertThat(run.summary("JDK")).contains("[ok  ]", "Java 21", jvm.resolve("installed").toString(), "(installed)");
        assertThat(run.summary("Intel")).startsWith("[warn]");
        assertThat(run.summary("tray libraries")).startsWith("[warn]");
        assertThat(recorded("mvnw.args")).containsExactly(
                "JAVA_HOME=" + jvm.resolve("installed") + " -B -q -DskipTests -pl bench-cli -am package");
    }

    @Test
    void aPresentJdkIsNotReinstalledAndBuildsTheJar() throws Exception {
        packageManager("apt-get");
        Path jdk = jdk("temurin-21", 21);
        tray();
        Run run = run("", "--yes");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(record.resolve("pm.args")).doesNotExist();
        assertThat(run.summary("JDK")).isEqualTo("[ok  ] JDK: Java 21 at " + jdk);
        assertThat(recorded("mvnw.args")).containsExactly(
                "JAVA_HOME=" + jdk + " -B -q -DskipTests -pl bench-cli -am package");
        assertThat(run.summary("build")).isEqualTo("[ok  ] build: " + root.resolve("bench-cli/target/lmsbench.jar"));
    }

    @Test
    void aJdkOlderThan21IsReportedAndANewerOneInstalled() throws Exception {
        packageManager("apt-get");
        jdk("java-17-openjdk-amd64", 17);
        Run run = run("", "--yes");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(run.out).contains("too old or incomplete: " + jvm.resolve("java-17-openjdk-amd64") + " (Java 17)");
        assertThat(recorded("pm.args")).containsExactly("apt-get update -q", "apt-get install -y openjdk-21-jdk");
        assertThat(recorded("mvnw.args").get(0)).startsWith("JAVA_HOME=" + jvm.resolve("installed") + " ");
    }

    @Test
    void withoutOpenJdk21InTheAptSourcesTheNewestOfferedOpenJdkIsInstalled() throws Exception {
        packageManager("apt-get");
        stub("apt-cache", """
                case "$2" in
                  openjdk-21-jdk) printf '%s:\\n  Installed: (none)\\n  Candidate: (none)\\n' "$2" ;;
                  openjdk-25-jdk) printf '%s:\\n  Installed: (none)\\n  Candidate: 25.0.1+8-1\\n' "$2" ;;
                esac""");
        Run run = run("", "--yes");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(recorded("pm.args")).containsExactly("apt-get update -q", "apt-get install -y openjdk-25-jdk");
    }

    @Test
    void onAFreshMachineWithEmptyAptListsTheListsAreFetchedBeforeTheJdkIsChosen() throws Exception {
        packageManager("apt-get");
        // apt-cache knows no package until apt-get update has run (the stub records its calls in pm.args)
        stub("apt-cache", """
                if grep -q 'apt-get update' %s 2>/dev/null; then c=21.0.9+10-1; else c='(none)'; fi
                printf '%%s:\\n  Installed: (none)\\n  Candidate: %%s\\n' "$2" "$c"
                """.formatted(record.resolve("pm.args")));
        Run run = run("", "--yes");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(recorded("pm.args")).containsExactly("apt-get update -q", "apt-get install -y openjdk-21-jdk");
        assertThat(run.summary("JDK")).contains("[ok  ]", "(installed)");
    }

    @Test
    void withNoOpenJdk21OrNewerInTheAptSourcesTheSetupFailsNamingTemurin() throws Exception {
        packageManager("apt-get");
        stub("apt-cache", "printf '%s:\\n  Installed: (none)\\n  Candidate: (none)\\n' \"$2\"");
        Run run = run("", "--yes");
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.out).contains("Temurin 21+ (https://adoptium.net)");
        assertThat(run.summary("JDK")).startsWith("[fail]");
        assertThat(recorded("pm.args")).containsExactly("apt-get update -q"); // the lists were refreshed first
        assertThat(record.resolve("mvnw.args")).doesNotExist();
    }

    @Test
    void withoutATerminalAndWithoutAFlagTheSetupBehavesAsWithYes() throws Exception {
        packageManager("apt-get");
        lspci(INTEL);
        Run run = run("");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(run.out).contains("mode: non-interactive (--yes)");
        assertThat(recorded("pm.args")).containsExactly("apt-get update -q", "apt-get install -y openjdk-21-jdk");
    }

    @Test
    void interactivelyAYesInstallsTheOfferedOptionalPackage() throws Exception {
        packageManager("apt-get");
        jdk("temurin-21", 21);
        tray();
        lspci(INTEL);
        // the questions in order: intel-gpu-tools, then completion and man pages
        Run run = run("y\nn\n", "--interactive");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(run.out).contains("Install intel-gpu-tools (intel_gpu_top, for Intel GPU figures in lmsbench hw)? [y/N]");
        assertThat(recorded("pm.args")).containsExactly("apt-get update -q", "apt-get install -y intel-gpu-tools");
        assertThat(run.summary("Intel")).startsWith("[ok  ] Intel: intel_gpu_top installed");
        assertThat(home.resolve(".local/share/bash-completion")).doesNotExist();
    }

    @Test
    void interactivelyANoInstallsNothing() throws Exception {
        packageManager("apt-get");
        jdk("temurin-21", 21);
        tray();
        lspci(INTEL);
        Run run = run("n\nn\n", "--interactive");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(record.resolve("pm.args")).doesNotExist();
        assertThat(run.summary("Intel")).startsWith("[warn] Intel: intel_gpu_top not found: install intel-gpu-tools");
    }

    @Test
    void interactivelyTheRequiredJdkIsInstalledOnAYes() throws Exception {
        packageManager("dnf");
        tray();
        Run run = run("y\nn\n", "--interactive");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(run.out).contains("Install java-21-openjdk-devel (required)? [Y/n]");
        assertThat(recorded("pm.args")).containsExactly("dnf install -y java-21-openjdk-devel");
    }

    // ------------------------------------------------------------------ GPUs

    @Test
    void anNvidiaGpuWithItsDriverIsReadThroughNvml() throws Exception {
        baseline();
        lspci(NVIDIA);
        stub("nvidia-smi", "echo 'NVIDIA-SMI 550.54.15'");
        stub("ldconfig", "printf '2 libs found in cache `/etc/ld.so.cache'\\''\\n"
                + "\\tlibnvidia-ml.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1\\n"
                + "\\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6\\n'");
        Run run = run("", "--yes");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(run.out).contains("  " + NVIDIA.lines().findFirst().orElseThrow());
        assertThat(run.out).doesNotContain("Audio device");
        assertThat(run.summary("NVIDIA")).startsWith("[ok  ] NVIDIA: libnvidia-ml.so.1: lmsbench hw reads it through NVML");
    }

    @Test
    void anNvidiaGpuWithOnlyNvidiaSmiIsReadThroughTheNvidiaSmiBackend() throws Exception {
        baseline();
        lspci(NVIDIA);
        stub("nvidia-smi", "echo 'NVIDIA-SMI 550.54.15'");
        Run run = run("", "--yes");
        assertThat(run.summary("NVIDIA")).startsWith("[ok  ] NVIDIA: nvidia-smi (no libnvidia-ml.so.1)")
                .contains("nvidia-smi backend");
    }

    @Test
    void anNvidiaGpuWithoutItsToolsIsAWarningNamingTheDriverPackage() throws Exception {
        baseline();
        lspci(NVIDIA);
        Run run = run("", "--yes");
        assertThat(run.exit).isZero();
        assertThat(run.summary("NVIDIA")).startsWith("[warn] NVIDIA: neither libnvidia-ml.so.1 nor nvidia-smi found")
                .contains("apt-get install nvidia-driver");
        assertThat(record.resolve("pm.args")).doesNotExist();
    }

    @Test
    void anAmdGpuWithRocmSmiIsReadThroughTheRocmSmiCliBackend() throws Exception {
        baseline();
        lspci(AMD);
        stub("rocm-smi", "echo '========= ROCm System Management Interface ========='");
        Files.createDirectories(sys.resolve("module/amdgpu"));
        Files.createFile(libs.resolve("libdrm_amdgpu.so.1"));
        Run run = run("", "--yes");
        assertThat(run.out).contains("amdgpu kernel module: loaded", "libdrm: libdrm_amdgpu.so.1 found");
        assertThat(run.summary("AMD")).startsWith("[ok  ] AMD: rocm-smi (no librocm_smi64.so)").contains("rocm-smi-cli");
    }

    @Test
    void anAmdGpuWithTheRocmSmiLibraryIsReadThroughRocmSmi() throws Exception {
        baseline();
        lspci(AMD);
        Files.createFile(libs.resolve("librocm_smi64.so"));
        Run run = run("", "--yes");
        assertThat(run.summary("AMD")).startsWith("[ok  ] AMD: librocm_smi64.so: lmsbench hw reads it through ROCm SMI");
    }

    @Test
    void anAmdGpuWithoutRocmButWithTheAmdgpuDriverIsReadThroughSysfs() throws Exception {
        baseline();
        lspci(AMD);
        stub("lsmod", "printf 'Module                  Size  Used by\\namdgpu              12070912  24\\n'");
        Run run = run("", "--yes");
        assertThat(run.out).contains("amdgpu kernel module: loaded", "libdrm_amdgpu.so.1 not found");
        assertThat(run.summary("AMD")).startsWith("[ok  ] AMD: no ROCm, amdgpu driver loaded: lmsbench hw reads its sysfs files");
    }

    @Test
    void anAmdGpuWithoutRocmOrTheAmdgpuDriverIsAWarningWithTheFix() throws Exception {
        baseline();
        lspci(AMD);
        Run run = run("", "--yes");
        assertThat(run.out).contains("amdgpu kernel module: not loaded");
        assertThat(run.summary("AMD")).startsWith("[warn] AMD: no rocm-smi").contains("modprobe amdgpu", "install ROCm");
    }

    @Test
    void anIntelGpuWithIntelGpuTopIsReadThroughIt() throws Exception {
        baseline();
        lspci(INTEL);
        stub("intel_gpu_top", "exit 0");
        Run run = run("", "--yes");
        assertThat(run.summary("Intel")).startsWith("[ok  ] Intel: intel_gpu_top: lmsbench hw reads utilization, power and core clock");
        assertThat(run.out).doesNotContain("Install intel-gpu-tools");
    }

    @Test
    void anIntelGpuWithoutIntelGpuTopIsOfferedTheToolsAndWarnsUnderYes() throws Exception {
        baseline();
        lspci(INTEL);
        Run run = run("", "--yes");
        assertThat(run.out).contains("Install intel-gpu-tools (intel_gpu_top, for Intel GPU figures in lmsbench hw)? [y/N] n (non-interactive)");
        assertThat(run.summary("Intel")).startsWith("[warn] Intel: intel_gpu_top not found");
        assertThat(record.resolve("pm.args")).doesNotExist();
    }

    @Test
    void withoutAGpuOnlyCpuAndRamAreRead() throws Exception {
        baseline();
        lspci(NO_GPU);
        Run run = run("", "--yes");
        assertThat(run.summary("GPU")).isEqualTo("[warn] GPU: no GPU detected: lmsbench hw reads CPU and RAM only");
        assertThat(run.out).doesNotContain("] Intel:");
    }

    @Test
    void withoutLspciNoGpuIsDetected() throws Exception {
        baseline();
        Run run = run("", "--yes");
        assertThat(run.summary("GPU")).startsWith("[warn] GPU: lspci not found (package pciutils)")
                .endsWith("lmsbench hw reads CPU and RAM only");
    }

    // ------------------------------------------------------------------ LM Studio

    @Test
    void lmsOnThePathIsReportedWithItsVersion() throws Exception {
        baseline();
        stub("lms", "[ \"$1\" = version ] && printf '   __   __  ___\\n\\nlms - LM Studio CLI - v0.0.47\\nGitHub: https://github.com/lmstudio-ai/lms\\n'");
        Run run = run("", "--yes");
        assertThat(run.summary("LM Studio")).isEqualTo(
                "[ok  ] LM Studio: lms at " + bin.resolve("lms") + " (lms - LM Studio CLI - v0.0.47)");
    }

    @Test
    void lmsInTheHomeLmStudioDirectoryIsFound() throws Exception {
        baseline();
        Path lms = Files.createDirectories(home.resolve(".lmstudio/bin")).resolve("lms");
        script(lms, "exit 0");
        Run run = run("", "--yes");
        assertThat(run.summary("LM Studio")).isEqualTo("[ok  ] LM Studio: lms at " + lms);
    }

    @Test
    void llmsterOnThePathIsReported() throws Exception {
        baseline();
        stub("llmster", "exit 0");
        Run run = run("", "--yes");
        assertThat(run.summary("LM Studio")).isEqualTo("[ok  ] LM Studio: llmster (headless) at " + bin.resolve("llmster"));
    }

    @Test
    void withoutLmsOrLlmsterTheDownloadLinkIsShown() throws Exception {
        baseline();
        Run run = run("", "--yes");
        assertThat(run.exit).isZero();
        assertThat(run.summary("LM Studio")).startsWith("[warn]")
                .contains("https://lmstudio.ai/download", "./lmsbench run --sim needs none");
    }

    // ------------------------------------------------------------------ dry run, log, completion, build

    @Test
    void aDryRunChangesNothingButTheLogAndInvokesNoInstallerAndNoBuild() throws Exception {
        packageManager("apt-get");    // the JDK is missing, so an install would be proposed
        lspci(INTEL);
        Map<String, String> before = snapshot();
        Run run = run("", "--dry-run", "--completion");
        assertThat(run.exit).as(run.out).isZero();
        Map<String, String> after = snapshot();

        Map<String, String> added = new TreeMap<>(after);
        before.keySet().forEach(added::remove);
        assertThat(added.keySet()).hasSize(3).contains("repo/logs", "repo/logs/setup_latest.log")
                .anyMatch(p -> p.matches("repo/logs/setup_\\d{8}_\\d{6}\\.log"));
        Map<String, String> kept = new TreeMap<>(after);
        kept.keySet().retainAll(before.keySet());
        assertThat(kept).isEqualTo(before);

        assertThat(run.out).contains(
                "[dry-run] would run: apt-get update -q",
                "[dry-run] would run: apt-get install -y openjdk-21-jdk",
                "[dry-run] would ask: Install intel-gpu-tools",
                "[dry-run] would run: cd " + root + " && JAVA_HOME=<the installed JDK> ./mvnw -B -q -DskipTests -pl bench-cli -am package",
                "[dry-run] would copy bench-cli/target/shell/lmsbench.bash");
        assertThat(record.resolve("pm.args")).doesNotExist();
        assertThat(record.resolve("mvnw.args")).doesNotExist();
    }

    @Test
    void aRunLeavesItsLogAndTheLatestSymlinkPointingAtIt() throws Exception {
        baseline();
        Run run = run("", "--yes");
        assertThat(run.exit).isZero();
        Path latest = root.resolve("logs/setup_latest.log");
        assertThat(Files.isSymbolicLink(latest)).isTrue();
        Path target = Files.readSymbolicLink(latest);
        assertThat(target.toString()).matches("setup_\\d{8}_\\d{6}\\.log");
        String log = Files.readString(root.resolve("logs").resolve(target));
        assertThat(log).contains("== Summary", "./lmsbench run --sim", "Log: " + root.resolve("logs").resolve(target));
        assertThat(log).isEqualTo(run.out + run.err);
    }

    @Test
    void completionInstallsTheBashAndZshCompletionAndTheManPagesIntoXdgDataHome() throws Exception {
        baseline();
        Path data = tmp.resolve("data");
        Run run = run(Map.of("XDG_DATA_HOME", data.toString()), "", "--yes", "--completion");
        assertThat(run.exit).as(run.out).isZero();
        Path target = root.resolve("bench-cli/target");
        assertThat(data.resolve("bash-completion/completions/lmsbench")).hasSameTextualContentAs(target.resolve("shell/lmsbench.bash"));
        assertThat(data.resolve("zsh/site-functions/_lmsbench")).hasSameTextualContentAs(target.resolve("shell/_lmsbench"));
        assertThat(data.resolve("man/man1/lmsbench.1")).hasSameTextualContentAs(target.resolve("man/man1/lmsbench.1"));
        assertThat(data.resolve("man/man1/lmsbench-run.1")).hasSameTextualContentAs(target.resolve("man/man1/lmsbench-run.1"));
        assertThat(run.summary("completion")).startsWith("[ok  ] completion: 4 files under " + data);
    }

    @Test
    void completionWithoutXdgDataHomeGoesUnderTheHomeLocalShare() throws Exception {
        baseline();
        Run run = run("", "--yes", "--completion");
        assertThat(run.exit).isZero();
        assertThat(home.resolve(".local/share/bash-completion/completions/lmsbench")).exists();
        assertThat(home.resolve(".local/share/zsh/site-functions/_lmsbench")).exists();
        assertThat(home.resolve(".local/share/man/man1/lmsbench.1")).exists();
    }

    @Test
    void completionFilesTheBuildDidNotMakeAreAWarningAndTheSetupStillSucceeds() throws Exception {
        baseline();
        buildMakesCompletion = false;
        writeMvnw();
        Run run = run("", "--yes", "--completion");
        assertThat(run.exit).as(run.out).isZero();
        assertThat(run.summary("completion")).startsWith("[warn] completion: the build made no bench-cli/target/shell/lmsbench.bash")
                .contains("bench-cli/target/man/man1/*.1");
    }

    @Test
    void aFailingBuildFailsTheSetupWithExitOne() throws Exception {
        baseline();
        mvnwExit = 1;
        writeMvnw();
        Run run = run("", "--yes");
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.summary("build")).startsWith("[fail] build: ./mvnw failed");
        assertThat(run.out).contains("Setup failed.").doesNotContain("Next steps:");
    }

    // ------------------------------------------------------------------ the sandbox

    /** The common machine: apt-get, a JDK 21, the tray libraries, nothing else. */
    private void baseline() throws IOException {
        packageManager("apt-get");
        jdk("temurin-21", 21);
        tray();
    }

    private void lspci(String lines) throws IOException {
        stub("lspci", "cat <<'EOF'\n" + lines + "\nEOF");
    }

    /** The AWT libraries the tray needs, where setup.sh looks for libraries. */
    private void tray() throws IOException {
        for (String lib : List.of("libXtst.so.6", "libXrender.so.1", "libXi.so.6")) {
            Files.createFile(libs.resolve(lib));
        }
    }

    /** A package manager that records its arguments and installs what setup.sh asks for into the sandbox. */
    private void packageManager(String name) throws IOException {
        writeMvnw();
        stub(name, """
                echo "%s $*" >> %s
                case "$*" in
                  *openjdk*|*jdk21*) mkdir -p %s/installed/bin
                    printf '#!/bin/bash\\necho "    java.specification.version = 21" >&2\\n' > %s/installed/bin/java
                    printf '#!/bin/bash\\nexit 0\\n' > %s/installed/bin/javac
                    chmod +x %s/installed/bin/java %s/installed/bin/javac ;;
                esac
                case "$*" in
                  *gpu-tools*) printf '#!/bin/bash\\nexit 0\\n' > %s/intel_gpu_top; chmod +x %s/intel_gpu_top ;;
                esac
                """.formatted(name, record.resolve("pm.args"), jvm, jvm, jvm, jvm, jvm, bin, bin));
    }

    /** A JDK directory under the jvm dir whose java reports the given feature version. */
    private Path jdk(String dir, int version) throws IOException {
        Path home = Files.createDirectories(jvm.resolve(dir).resolve("bin"));
        script(home.resolve("java"), "echo 'Property settings:' >&2\n"
                + "echo '    java.specification.version = " + version + "' >&2\n"
                + "echo 'openjdk version \"" + version + ".0.5\" 2024-10-15' >&2");
        script(home.resolve("javac"), "exit 0");
        return jvm.resolve(dir);
    }

    /** The stub Maven wrapper: records JAVA_HOME and its arguments, makes the jar and the completion files. */
    private void writeMvnw() throws IOException {
        String completion = buildMakesCompletion ? """
                mkdir -p bench-cli/target/shell bench-cli/target/man/man1
                echo 'complete -F _lmsbench lmsbench' > bench-cli/target/shell/lmsbench.bash
                echo '#compdef lmsbench' > bench-cli/target/shell/_lmsbench
                echo '.TH LMSBENCH 1' > bench-cli/target/man/man1/lmsbench.1
                echo '.TH LMSBENCH-RUN 1' > bench-cli/target/man/man1/lmsbench-run.1
                """ : "";
        script(root.resolve("mvnw"), """
                echo "JAVA_HOME=$JAVA_HOME $*" >> %s
                [ %d -eq 0 ] || { echo '[ERROR] BUILD FAILURE'; exit %d; }
                mkdir -p bench-cli/target
                echo jar > bench-cli/target/lmsbench.jar
                %s""".formatted(record.resolve("mvnw.args"), mvnwExit, mvnwExit, completion));
    }

    private void stub(String name, String body) throws IOException {
        Path p = bin.resolve(name);
        Files.deleteIfExists(p);
        script(p, body);
    }

    private static void script(Path p, String body) throws IOException {
        Files.writeString(p, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private List<String> recorded(String file) throws IOException {
        return Files.readAllLines(record.resolve(file));
    }

    /** Every path under the temporary directory; files and links with their size and modification time. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                // a directory's mtime changes when logs/ is created in it; its entries are compared one by one
                m.put(tmp.relativize(p).toString(), a.isDirectory() ? "dir"
                        : a.size() + " " + a.lastModifiedTime().toMillis() + (a.isSymbolicLink() ? " link" : ""));
            }
        }
        return m;
    }

    private Run run(String stdin, String... args) throws Exception {
        return run(Map.of(), stdin, args);
    }

    private Run run(Map<String, String> extraEnv, String stdin, String... args) throws Exception {
        if (!Files.exists(root.resolve("mvnw"))) {
            writeMvnw();
        }
        List<String> command = new ArrayList<>(List.of(bin.resolve("bash").toString(), root.resolve("setup.sh").toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("HOME", home.toString());
        env.put("PATH", bin.toString());
        env.put("LMSBENCH_JVM_DIR", jvm.toString());
        env.put("LMSBENCH_LIB_DIRS", libs.toString());
        env.put("LMSBENCH_SYS_DIR", sys.toString());
        env.putAll(extraEnv);
        Process p = pb.start();
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the script ended before reading its input
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("setup.sh did not finish within 30 s");
        }
        return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static CompletableFuture<String> read(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(s.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Optional<Path> findOnPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** One finished run of setup.sh. */
    private record Run(int exit, String out, String err) {
        /** The summary's line of one check, e.g. {@code [ok  ] JDK: Java 21 at /x}, or "" when it has none. */
        String summary(String check) {
            String tail = out.substring(Math.max(0, out.indexOf("== Summary")));
            return tail.lines().map(String::strip).filter(l -> l.matches("\\[[a-z ]{4}\\] \\Q" + check + "\\E: .*"))
                    .findFirst().orElse("");
        }
    }
}
