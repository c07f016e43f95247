package dev.lmsbench.hardware;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initializes a vendor GPU library once in a separate, short-lived JVM before this process touches it: a library that
 * segfaults or hangs in {@code nvmlInit}/{@code rsmi_init} (a half-installed driver, a kernel/user-space version
 * mismatch) would otherwise take the whole benchmark down, which the JVM cannot catch. The probe costs one JVM start
 * (about half a second) per detection, only when the library is present.
 *
 * <p>Disable it with {@code -Dlmsbench.hardware.probe=false}; bound it with
 * {@code -Dlmsbench.hardware.probe.timeout.ms} (default 20000). When the probe itself cannot start (no {@code java}
 * binary), detection goes on in-process as without a probe.
 */
final class NativeProbe {

    /** System property: {@code false} skips the probe. */
    static final String ENABLED_PROPERTY = "lmsbench.hardware.probe";

    /** System property: the {@code java} executable the probe runs (default: this JVM's). */
    static final String JAVA_PROPERTY = "lmsbench.hardware.probe.java";

    /** System property: how long the probe may take, in milliseconds. */
    static final String TIMEOUT_PROPERTY = "lmsbench.hardware.probe.timeout.ms";

    private static final Logger LOG = LoggerFactory.getLogger(NativeProbe.class);
    private static final String RESULT_PREFIX = "lmsbench-probe: ";
    /** Printed before the library is touched: a failure without it is the probe's own (JVM start), not the library's. */
    private static final String STARTED = "lmsbench-probe-started";
    private static final List<String> FORWARDED_PROPERTIES = List.of(HardwareMonitors.NVML_LIBRARY_PROPERTY,
            HardwareMonitors.ROCM_SMI_LIBRARY_PROPERTY);

    /** What the probe found. */
    sealed interface Outcome {

        /** The library initialized (or failed with a status, which the in-process open reports the same way). */
        record Passed(String detail) implements Outcome {
        }

        /** The library must not be loaded here. @param reason why, for the notes */
        record Refused(String reason) implements Outcome {
        }

        /** No probe ran (disabled, or it could not start). @param why the reason */
        record Skipped(String why) implements Outcome {
        }
    }

    private NativeProbe() {
    }

    /**
     * Runs the probe for a backend whose library loaded in this process.
     *
     * @param backend {@code nvml} or {@code rocm-smi}
     * @param library the library name or path, for the reason
     * @return the outcome; never throws
     */
    static Outcome run(String backend, String library) {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true").strip())) {
            return new Outcome.Skipped("disabled by -D" + ENABLED_PROPERTY + "=false");
        }
        long timeoutMs = Long.getLong(TIMEOUT_PROPERTY, 20_000L);
        List<String> command = command(backend);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice()))).start();
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: probe process did not start ({}); initializing in-process", backend, e.toString());
            return new Outcome.Skipped("probe did not start: " + e.getMessage());
        }
        long started = System.nanoTime();
        try {
            List<String> lines = new ArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> readLines(process, lines));
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Outcome.Refused(library + " did not finish initializing within " + timeoutMs
                        + " ms in a probe process (hung driver?); not loaded");
            }
            reader.join(1_000);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            int exit = process.exitValue();
            String result;
            boolean reachedLibrary;
            synchronized (lines) {
                result = lines.stream().filter(l -> l.startsWith(RESULT_PREFIX)).reduce((a, b) -> b)
                        .map(l -> l.substring(RESULT_PREFIX.length())).orElse("");
                reachedLibrary = lines.contains(STARTED);
            }
            LOG.debug("{}: probe exit {} after {} ms: {}", backend, exit, ms, result);
            if (exit == 0) {
                return result.isEmpty() ? new Outcome.Skipped("probe gave no result") : new Outcome.Passed(result);
            }
            if (!reachedLibrary) {
                // the child JVM itself did not start (an option this java rejects, no memory): not the library's fault
                LOG.debug("{}: probe process failed before loading {} (exit {}); initializing in-process", backend,
                        library, exit);
                return new Outcome.Skipped("probe process failed to start (exit " + exit + ")");
            }
            return new Outcome.Refused(library + " crashed a probe process during init (" + describeExit(exit)
                    + "); not loaded, GPU data unavailable");
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome.Refused("interrupted while probing " + library);
        }
    }

    private static void readLines(Process process, List<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            LOG.debug("probe output: {}", e.toString());
        }
    }

    private static String describeExit(int exit) {
        if (exit > 128) {
            int signal = exit - 128;
            String name = switch (signal) {
                case 6 -> "SIGABRT";
                case 9 -> "SIGKILL";
                case 11 -> "SIGSEGV";
                case 7 -> "SIGBUS";
                default -> "signal " + signal;
            };
            return "exit " + exit + ", " + name + (signal == 6 ? " after a fatal error in native code" : "");
        }
        return "exit " + exit;
    }

    private static String nullDevice() {
        return File.separatorChar == '\\' ? "NUL" : "/dev/null";
    }

    private static List<String> command(String backend) {
        String java = System.getProperty(JAVA_PROPERTY, Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        String classPath = System.getProperty("java.class.path", "");
        String modulePath = System.getProperty("jdk.module.path", "");
        if (!modulePath.isEmpty()) {
            classPath = classPath.isEmpty() ? modulePath : classPath + File.pathSeparator + modulePath;
        }
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xmx64m", "-XX:-UsePerfData",
                // no hs_err file and no console report: the exit status is all the parent needs
                "-XX:+SuppressFatalErrorMessage", "--enable-native-access=ALL-UNNAMED", "-cp", classPath));
        for (String property : FORWARDED_PROPERTIES) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.add(NativeProbe.class.getName());
        command.add(backend);
        return command;
    }

    /**
     * The probe process: loads and initializes one backend's library, counts its GPUs, shuts it down, and prints one
     * result line. A crash or hang here is what the parent is looking for.
     *
     * @param args the backend name
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        out.println(STARTED);
        out.flush();
        DriverLoad load = switch (args.length == 1 ? args[0] : "") {
            case NvmlDriver.BACKEND -> NvmlDriver.load();
            case RocmSmiDriver.BACKEND -> RocmSmiDriver.load();
            default -> new DriverLoad.Unavailable("usage: NativeProbe nvml|rocm-smi");
        };
        String result;
        try {
            result = switch (load) {
                case DriverLoad.Unavailable u -> "unavailable " + u.reason();
                case DriverLoad.Ready r -> {
                    try (GpuQuery query = GpuQuery.open(r.driver(), false)) {
                        yield "ok " + query.deviceCount() + " GPU(s)";
                    } catch (NativeStatusException e) {
                        yield "status " + e.getMessage();
                    }
                }
            };
        } catch (RuntimeException | LinkageError e) {
            // e.g. a library without the expected symbols: not a crash; the in-process open reports it the same way
            result = "error " + e;
        }
        out.println(RESULT_PREFIX + result);
        out.flush();
    }
}
