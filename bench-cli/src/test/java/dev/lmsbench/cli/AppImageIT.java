package dev.lmsbench.cli;

import dev.lmsbench.tray.XvfbTrayHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The desktop app image that {@code ./mvnw -Papp-image} builds with jpackage (src/packaging/build-app-image.sh), run as
 * a user runs it: its launcher with arguments is the CLI ({@code --version}, a simulator benchmark), and with no
 * arguments, or only {@code --debug}, it stays in the system tray pointed at LM Studio's port, checked on a real X
 * server (Xvfb) with a real tray host (trayer). Runs only in the app-image profile (.ci/run runs it).
 */
class AppImageIT {

    private static final Path IMAGE = Path.of(System.getProperty("lmsbench.app.image", "target/app/lmsbench"));

    private static Path launcher() {
        Path bin = IMAGE.resolve("bin").resolve("lmsbench");
        assertThat(bin).as("the app image's launcher (build it: ./mvnw -Papp-image -pl bench-cli -am package)")
                .isExecutable();
        return bin;
    }

    /** Runs a command with a private HOME (the database, user config) in {@code dir}; returns exit code and output. */
    private static Result run(Path dir, List<String> cmd) throws Exception {
        ProcessBuilder pb = isolated(new ProcessBuilder(cmd), dir)
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not end within 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("stdout.txt")),
                Files.readString(dir.resolve("stderr.txt")));
    }

    private static ProcessBuilder isolated(ProcessBuilder pb, Path dir) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        pb.directory(dir.toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        pb.environment().put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        pb.environment().remove("JAVA_HOME"); // the image brings its own runtime
        return pb;
    }

    record Result(int code, String out, String err) {
    }

    /** The file's text once it contains {@code text}, or as it is after {@code millis}. */
    private static String awaitText(Path file, String text, long millis) throws Exception {
        long end = System.nanoTime() + millis * 1_000_000;
        String now = Files.readString(file, StandardCharsets.UTF_8);
        while (!now.contains(text) && System.nanoTime() < end) {
            Thread.sleep(50);
            now = Files.readString(file, StandardCharsets.UTF_8);
        }
        return now;
    }

    @Test
    void theLauncherWithVersionRunsTheCliOnTheBundledRuntime(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of(launcher().toString(), "--version"));
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().split("\\R");
        assertThat(lines[0]).startsWith("lmsbench ");
        assertThat(lines[1]).matches("commit [0-9a-f]{10} .*, built .*");
        assertThat(IMAGE.resolve("lib/runtime/release")).isRegularFile();
        assertThat(Files.readString(IMAGE.resolve("lib/runtime/release"))).contains("java.desktop", "java.sql");
    }

    @Test
    void theLauncherWithArgumentsRunsASimulatorBenchmarkAndWritesItsReports(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("results");
        // on the same desktop as the tray tests (a display and a tray host): with arguments it is the CLI, no icon
        Result r;
        boolean icon;
        try (XvfbTrayHost host = XvfbTrayHost.start(dir.resolve("x11"))) {
            Process p = host.start(isolated(new ProcessBuilder(launcher().toString(), "run", "--sim", "--dev-mode",
                    "--output-dir", out.toString()), dir)
                    .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile()));
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("run --sim --dev-mode did not end within 5 minutes");
            }
            icon = host.iconInPanel();
            r = new Result(p.exitValue(), Files.readString(dir.resolve("stdout.txt")),
                    Files.readString(dir.resolve("stderr.txt")));
        }
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(icon).as("no tray icon for a command").isFalse();
        assertThat(r.err()).doesNotContain("Tray icon for");
        assertThat(out.resolve("results.json")).isRegularFile();
        assertThat(Files.readString(out.resolve("results.json"))).contains("\"models\"");
        assertThat(out.resolve("summary.csv")).isRegularFile();
        // the configuration defaults came from the image's own config/ (lmsbench.home = $APPDIR)
        assertThat(IMAGE.resolve("lib/app/config/defaults.json")).isRegularFile();
    }

    @Test
    void noArgumentsStartTheTrayForLmStudiosPortAndOnlyDebugDoesToo(@TempDir Path dir) throws Exception {
        for (List<String> args : List.of(List.<String>of(), List.of("--debug"))) {
            Path d = Files.createDirectories(dir.resolve(args.isEmpty() ? "plain" : "debug"));
            try (XvfbTrayHost host = XvfbTrayHost.start(d.resolve("x11"))) {
                List<String> cmd = new ArrayList<>(List.of(launcher().toString()));
                cmd.addAll(args);
                Path err = d.resolve("stderr.txt");
                Process p = host.start(isolated(new ProcessBuilder(cmd), d)
                        .redirectOutput(d.resolve("stdout.txt").toFile()).redirectError(err.toFile()));
                host.awaitIconInPanel();
                assertThat(p.isAlive()).as("the app stays in the tray").isTrue();
                // the line follows the icon (TrayCommand prints it once the icon is up): wait for it too
                assertThat(awaitText(err, "Tray icon for http://localhost:1234", 20_000)).as("args %s", args)
                        .contains("Tray icon for http://localhost:1234");
                if (!answers(1234)) { // no LM Studio here: the tray shows the red unreachable state
                    host.assertIconShows("red", "app-" + d.getFileName());
                }
                if (!args.isEmpty()) { // --debug: debug messages on stderr
                    assertThat(Files.readString(err, StandardCharsets.UTF_8)).contains("DEBUG");
                }
                p.destroy();
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the app ends on SIGTERM").isTrue();
            }
        }
    }

    @Test
    void theImageHoldsTheDesktopEntryTheFourTrayIconsCompletionAndManPages() throws IOException {
        Path share = IMAGE.resolve("lib/app/share");
        String desktop = Files.readString(share.resolve("applications/lmsbench.desktop"));
        assertThat(desktop).contains("[Desktop Entry]", "Type=Application", "Exec=/opt/lmsbench/bin/lmsbench",
                "Icon=/opt/lmsbench/lib/lmsbench.png", "Terminal=false");
        for (String c : List.of("gray", "green", "yellow", "red")) {
            assertThat(share.resolve("icons/hicolor/128x128/apps/lmsbench-" + c + ".png")).isRegularFile();
        }
        assertThat(IMAGE.resolve("lib/lmsbench.png")).isRegularFile();
        assertThat(share.resolve("bash-completion/completions/lmsbench")).isRegularFile();
        assertThat(share.resolve("zsh/site-functions/_lmsbench")).isRegularFile();
        assertThat(share.resolve("man/man1/lmsbench.1")).isRegularFile();
        assertThat(share.resolve("man/man1/lmsbench-run.1")).isRegularFile();
    }

    @Test
    void theDebPackageInstallsTheImageUnderOptWithItsDesktopEntry(@TempDir Path dir) throws Exception {
        boolean tools = onPath("dpkg-deb") && onPath("fakeroot");
        if (!tools) {
            assertThat(System.getenv("CI")).as("CI=true but no dpkg-deb/fakeroot to build the .deb").isNotEqualTo("true");
            assumeTrue(false, "no dpkg-deb/fakeroot: no .deb is built");
        }
        Path deb;
        try (Stream<Path> s = Files.list(IMAGE.getParent())) {
            deb = s.filter(f -> f.getFileName().toString().endsWith(".deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no .deb beside the image though dpkg-deb is here"));
        }
        Result info = run(dir, List.of("dpkg-deb", "--field", deb.toString(), "Package", "Version"));
        assertThat(info.out()).contains("Package: lmsbench", "Version: 0.1.0");
        Path root = dir.resolve("root");
        Result x = run(dir, List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
        assertThat(x.code()).as(x.err()).isZero();
        Path opt = root.resolve("opt/lmsbench");
        // the desktop entry points at the launcher and icon the package installs
        assertThat(Files.readString(opt.resolve("lib/app/share/applications/lmsbench.desktop")))
                .contains("Exec=/opt/lmsbench/bin/lmsbench");
        assertThat(opt.resolve("lib/lmsbench.png")).isRegularFile();
        Result v = run(dir, List.of(opt.resolve("bin/lmsbench").toString(), "--version"));
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(v.out()).startsWith("lmsbench ");
        Result ctl = run(dir, List.of("dpkg-deb", "-I", deb.toString()));
        assertThat(ctl.out()).contains("postinst"); // registers the desktop entry (xdg-desktop-menu) on install
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
