package dev.lmsbench.tray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Where there is no tray, a real (not headless-flagged) JVM gets a one-line reason and nothing else: no display at
 * all, and an X display whose desktop has no tray host (Xvfb without trayer). The tray's JVM prints only what
 * {@link TrayChild} prints: the library itself writes nothing to stdout.
 */
class TrayUnavailableIT {

    private final Path out = Path.of("target", "tray").toAbsolutePath();

    @Test
    void withoutADisplayTheReasonIsNoDisplay() throws Exception {
        try (FakeDashboard fake = FakeDashboard.start()) {
            ProcessBuilder pb = child(fake);
            pb.environment().remove("DISPLAY");
            pb.environment().remove("WAYLAND_DISPLAY");
            Result r = run(pb);
            assertThat(r.stdout()).containsExactly("unavailable no display (DISPLAY is not set)");
            assertThat(r.exit()).isEqualTo(3);
            assertThat(fake.calls()).isEmpty();
        }
    }

    @Test
    void aDisplayWithoutATrayHostSaysTheDesktopHasNoTray() throws Exception {
        boolean haveXvfb = Files.isExecutable(Path.of("/usr/bin/Xvfb"));
        if (!haveXvfb) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but Xvfb is missing (Debian: xvfb)");
            }
            Assumptions.abort("Xvfb is missing (Debian: xvfb)");
        }
        Files.createDirectories(out);
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "640x480x24", "-nolisten", "tcp")
                .redirectError(out.resolve("xvfb-no-tray.log").toFile()).start();
        try (FakeDashboard fake = FakeDashboard.start()) {
            String number = new BufferedReader(new InputStreamReader(xvfb.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(number).matches("\\d+");
            ProcessBuilder pb = child(fake);
            pb.environment().put("DISPLAY", ":" + number);
            Result r = run(pb);
            assertThat(r.stdout()).hasSize(1);
            assertThat(r.stdout().getFirst()).startsWith("unavailable the desktop has no system tray");
            assertThat(r.exit()).isEqualTo(3);
            assertThat(fake.calls()).isEmpty();
        } finally {
            xvfb.destroy();
            xvfb.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private record Result(List<String> stdout, int exit) {
    }

    private static ProcessBuilder child(FakeDashboard fake) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Djava.awt.headless=false", "-cp", classpath(), TrayChild.class.getName(),
                fake.uri().toString(), "100").redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    private static Result run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(text.lines().toList(), p.exitValue());
    }

    static String classpath() {
        Set<String> entries = new LinkedHashSet<>();
        entries.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        entries.add(Path.of("target", "classes").toAbsolutePath().toString());
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            for (String e : System.getProperty(prop, "").split(File.pathSeparator)) {
                if (!e.isBlank()) {
                    entries.add(e);
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
