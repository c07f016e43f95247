package dev.lmsbench.hardware;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command-line GPU tool ({@code nvidia-smi}, {@code rocm-smi}, {@code intel_gpu_top}): where it is and how to run
 * it. The tool is found through a system property holding its full path (a path that does not exist means the tool
 * is unavailable) or else on {@code PATH}. It is run without a shell, with stdin closed (never inherited), stderr
 * drained and kept for error messages, and a timeout after which the process and its children are killed.
 *
 * @param executable the tool's full path
 * @param timeout how long one run may take
 */
record ToolCommand(Path executable, Duration timeout) {

    /** System property: the timeout of one tool run in milliseconds (default 5000). */
    static final String TIMEOUT_PROPERTY = "lmsbench.tool-timeout-ms";

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** The most of a tool's stdout or stderr that is kept; the rest is read and dropped. */
    private static final int MAX_OUTPUT = 8 << 20;
    private static final int STDERR_TAIL = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(ToolCommand.class);

    /** The outcome of a finished run. @param exitCode the exit status @param stdout standard output @param stderr standard error */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Finds the tool and builds its driver, or says why it is unavailable. Never throws.
     *
     * @param property the system property that may hold the tool's full path
     * @param name the executable's name on {@code PATH}
     * @param driver builds the driver from the located tool
     */
    static DriverLoad load(String property, String name, Function<ToolCommand, GpuDriver> driver) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured.strip());
            return Files.isRegularFile(path) && Files.isExecutable(path)
                    ? new DriverLoad.Ready(driver.apply(new ToolCommand(path, configuredTimeout())))
                    : new DriverLoad.Unavailable(name + " not found at " + path + " (" + property + ")");
        }
        Path found = onPath(name, System.getenv("PATH"));
        return found == null ? new DriverLoad.Unavailable(name + " not found on PATH")
                : new DriverLoad.Ready(driver.apply(new ToolCommand(found, configuredTimeout())));
    }

    /** The first executable file called {@code name} (or {@code name.exe} on Windows) in a PATH value, or null. */
    static Path onPath(String name, String path) {
        if (path == null) {
            return null;
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            for (String candidate : windows ? List.of(name + ".exe", name) : List.of(name)) {
                try {
                    Path file = Path.of(dir).resolve(candidate);
                    if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                        return file.toAbsolutePath();
                    }
                } catch (RuntimeException e) { // an invalid PATH entry is skipped
                    LOG.trace("skipping PATH entry {}: {}", dir, e.getMessage());
                }
            }
        }
        return null;
    }

    static Duration configuredTimeout() {
        String value = System.getProperty(TIMEOUT_PROPERTY);
        if (value != null) {
            try {
                long millis = Long.parseLong(value.strip());
                if (millis > 0) {
                    return Duration.ofMillis(millis);
                }
            } catch (NumberFormatException e) {
                LOG.debug("ignoring {}={}: not a number of milliseconds", TIMEOUT_PROPERTY, value);
            }
        }
        return DEFAULT_TIMEOUT;
    }

    /** The executable's file name, e.g. {@code nvidia-smi}, for messages. */
    String name() {
        return executable.getFileName().toString();
    }

    /**
     * Runs the tool to completion.
     *
     * @return its exit status and output, whatever the exit status
     * @throws NativeStatusException if it cannot be started or does not finish within the timeout (it is then killed)
     */
    Result run(String... args) throws NativeStatusException {
        Process process = start(args);
        OutputReader stdout = OutputReader.start(process.getInputStream(), name() + " stdout");
        OutputReader stderr = OutputReader.start(process.getErrorStream(), name() + " stderr");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new NativeStatusException(name(), -1, "timed out after " + timeout.toMillis() + " ms");
            }
            // the process has exited; its pipes close unless a child of it still holds them
            String out = stdout.await(remaining(deadline));
            String err = stderr.await(remaining(deadline));
            if (out == null || err == null) {
                kill(process);
                throw new NativeStatusException(name(), -1, "output not closed within " + timeout.toMillis() + " ms");
            }
            return new Result(process.exitValue(), out, err);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new NativeStatusException(name(), -1, "interrupted");
        }
    }

    /**
     * Runs the tool and requires exit status 0.
     *
     * @return its standard output
     * @throws NativeStatusException on a non-zero exit status (the message carries the end of stderr), a timeout or a
     *                               failure to start
     */
    String runChecked(String... args) throws NativeStatusException {
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw failure(result.exitCode(), result.stderr().isBlank() ? result.stdout() : result.stderr());
        }
        return result.stdout();
    }

    /** A failure of this tool: {@code <tool> returned <status> (<the end of its message>)}. */
    NativeStatusException failure(int status, String message) {
        String text = message == null ? "" : message.strip();
        if (text.length() > STDERR_TAIL) {
            text = "..." + text.substring(text.length() - STDERR_TAIL);
        }
        return new NativeStatusException(name(), status, text.isEmpty() ? "no message" : text);
    }

    /**
     * Starts the tool for a long run: stdin closed, stdout for the caller to read, stderr drained in the background.
     *
     * @throws NativeStatusException if it cannot be started
     */
    Running startLong(String... args) throws NativeStatusException {
        Process process = start(args);
        return new Running(process, OutputReader.start(process.getErrorStream(), name() + " stderr"));
    }

    /** A started long-running tool. @param process the process @param stderr its drained standard error */
    record Running(Process process, OutputReader stderr) {

        /** The end of what the tool wrote to stderr so far. */
        String stderrTail() {
            return stderr.tail(STDERR_TAIL);
        }

        /** Kills the tool and its children; idempotent. */
        void stop() {
            kill(process);
        }
    }

    private Process start(String... args) throws NativeStatusException {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(executable.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close(); // the tool reads nothing from us, and never the user's terminal
            return process;
        } catch (IOException e) {
            throw new NativeStatusException(name(), -1, "could not be started: " + e.getMessage());
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Reads one stream to its end on a daemon thread, keeping at most {@link #MAX_OUTPUT} bytes. */
    static final class OutputReader {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        private OutputReader(InputStream in, String name) {
            this.thread = Thread.ofPlatform().daemon().name(name).unstarted(() -> drain(in));
        }

        static OutputReader start(InputStream in, String name) {
            OutputReader reader = new OutputReader(in, name);
            reader.thread.start();
            return reader;
        }

        private void drain(InputStream in) {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (bytes) {
                        if (bytes.size() + n <= MAX_OUTPUT) {
                            bytes.write(buffer, 0, n);
                        }
                    }
                }
            } catch (IOException e) { // the process was killed or closed the pipe
                LOG.trace("{}: {}", thread.getName(), e.getMessage());
            }
        }

        /** Everything read, once the stream has ended within the wait; null if it has not. */
        String await(Duration wait) throws InterruptedException {
            if (!thread.join(wait.isZero() ? Duration.ofMillis(1) : wait)) {
                return null;
            }
            return text();
        }

        String tail(int max) {
            String text = text().strip();
            return text.length() <= max ? text : text.substring(text.length() - max);
        }

        private String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
