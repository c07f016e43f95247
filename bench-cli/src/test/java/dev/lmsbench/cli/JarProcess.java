package dev.lmsbench.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs the packaged {@code lmsbench.jar} as a separate process, as a user would, capturing its output to files. */
final class JarProcess {

    final Process process;
    final Path stdout;
    final Path stderr;

    private JarProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static JarProcess start(Path workDir, String... args) throws IOException {
        return start(workDir, java.util.Map.of(), List.of(), args);
    }

    /** Starts the jar with extra environment variables and JVM options (before {@code -jar}). */
    static JarProcess start(Path workDir, java.util.Map<String, String> env, List<String> jvmOptions, String... args)
            throws IOException {
        String jar = System.getProperty("lmsbench.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("lmsbench.jar not built: " + jar);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar));
        cmd.addAll(List.of(args));
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        return new JarProcess(p, out, err);
    }

    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("lmsbench did not exit within " + timeout + "; stderr: " + err());
        }
        return process.exitValue();
    }

    String out() {
        return read(stdout);
    }

    String err() {
        return read(stderr);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until stderr satisfies the condition, or fails after the deadline. */
    void awaitStderr(Predicate<String> condition, Duration deadline) throws InterruptedException {
        await(this::err, condition, deadline);
    }

    private void await(java.util.function.Supplier<String> text, Predicate<String> condition, Duration deadline)
            throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (condition.test(text.get())) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("lmsbench exited early with " + process.exitValue() + ": " + err());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("output never matched within " + deadline + ": " + out() + err());
    }

    /** Waits until stdout satisfies the condition, or fails after the deadline. */
    void awaitStdout(Predicate<String> condition, Duration deadline) throws InterruptedException {
        await(this::out, condition, deadline);
    }

    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }
}
