package dev.lmsbench.tray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The tray on a real X server (Xvfb) with a real XEmbed tray host (trayer), in a child JVM that has DISPLAY set,
 * against the fake dashboard in this JVM. Checks from the X server's side: the icon window is embedded in trayer's
 * panel ({@code xwininfo -root -tree}) and has the state's colour (pixels of {@code xwd -root}); the menu's actions
 * reach the dashboard (fired on the real menu items in the child; Quit clicked with the mouse through xdotool: a right
 * click on the icon opens the popup menu), and Quit shuts it down and ends the child with exit code 0. Screenshots
 * go to {@code target/tray/}. Skips without Xvfb, trayer, xwd, xwininfo or xdotool, except under {@code CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrayXvfbIT {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final List<String> TOOLS = List.of("Xvfb", "trayer", "xwd", "xwininfo", "xdotool");
    private static final Pattern GEOMETRY =
            Pattern.compile("(\\d+)x(\\d+)[+-]-?\\d+[+-]-?\\d+\\s+\\+(-?\\d+)\\+(-?\\d+)");

    private final Path out = Path.of("target", "tray").toAbsolutePath();
    private final List<Process> started = new ArrayList<>();
    private final List<String> childLines = new CopyOnWriteArrayList<>();
    private String display;
    private FakeDashboard fake;
    private Process child;
    private Writer childIn;
    /** Lines before this index came before the last change the test made; awaitLine looks only after it. */
    private volatile int cursor;

    @BeforeAll
    void startXvfbTrayerAndTheTray() throws Exception {
        List<String> missing = TOOLS.stream().filter(t -> onPath(t).isEmpty()).toList();
        if (!missing.isEmpty()) {
            String why = "missing " + missing + " (Debian: apt-get install xvfb trayer x11-apps x11-utils xdotool)";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but the tray test cannot run: " + why);
            }
            Assumptions.abort(why);
        }
        Files.createDirectories(out);
        Files.deleteIfExists(out.resolve("trayer.log"));

        // Xvfb picks a free display and writes its number to stdout (-displayfd 1)
        Process xvfb = start(new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24",
                "-nolisten", "tcp").redirectError(out.resolve("xvfb.log").toFile()));
        BufferedReader xvfbOut = new BufferedReader(new InputStreamReader(xvfb.getInputStream(),
                StandardCharsets.US_ASCII));
        String number = xvfbOut.readLine();
        assertThat(number).as("Xvfb display number (see target/tray/xvfb.log)").isNotNull().matches("\\d+");
        display = ":" + number;

        awaitTrue("the X server on " + display + " to answer", () -> tree().contains("Root window id"));
        // trayer has been seen to miss a display that had only just come up: start it again if it ended
        Process[] trayer = {startTrayer()};
        awaitTrue("trayer's panel on " + display + " (see target/tray/trayer.log)", () -> {
            if (!trayer[0].isAlive()) {
                trayer[0] = startTrayer();
            }
            return tree().contains("(\"panel\" \"trayer\")");
        });

        fake = FakeDashboard.start();
        fake.setStatus(FakeDashboard.IDLE);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = x11(new ProcessBuilder(java, "-Djava.awt.headless=false", "-cp", TrayUnavailableIT.classpath(),
                TrayChild.class.getName(), fake.uri().toString(), "150"))
                .redirectError(out.resolve("child-stderr.log").toFile());
        child = start(pb);
        childIn = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    childLines.add(line);
                }
            } catch (IOException e) {
                childLines.add("reader failed " + e);
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        String first = awaitLine(l -> l.equals("started") || l.startsWith("unavailable"));
        assertThat(first).as("the tray started in the child JVM").isEqualTo("started");
    }

    @AfterAll
    void stopEverything() throws Exception {
        Files.write(out.resolve("child-stdout.log"), childLines, StandardCharsets.UTF_8);
        for (Process p : started.reversed()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    @Order(1)
    void theIconIsEmbeddedInTrayersPanelAndGrayWhileIdle() throws Exception {
        String line = awaitLine(l -> l.startsWith("shown icon=GRAY") && l.contains("start=true"));
        assertThat(line).contains("start=true", "pause=false:Pause", "stop=false", "open=true", "quit=true",
                "tooltip=LM Studio Bench: idle");
        String tree = tree();
        Files.writeString(out.resolve("xwininfo-idle.txt"), tree);
        assertThat(embeddedInTrayer(tree)).as("a Java tray icon window inside trayer's panel:%n%s", tree)
                .isTrue();
        assertScreenShows(IconColor.GRAY, "idle");
    }

    @Test
    @Order(2)
    void startFromTheMenuPostsTheServersDefaults() throws Exception {
        command("click start");
        FakeDashboard.Call call = fake.awaitCall("POST", "/api/benchmark/start", WAIT).orElseThrow(
                () -> new AssertionError("no POST /api/benchmark/start; child said " + childLines));
        assertThat(call.body()).isEqualTo("{}");
        assertThat(call.header("X-CSRF-Token")).isEqualTo(fake.csrfToken());
    }

    @Test
    @Order(3)
    void theIconTurnsGreenWhileRunningWithPauseAndStopEnabled() throws Exception {
        serverSays(FakeDashboard.active("running", "qwen3-4b", 4, 30, "80.1"));
        String line = awaitLine(l -> l.startsWith("shown icon=GREEN"));
        assertThat(line).contains("start=false", "pause=true:Pause", "stop=true",
                "tooltip=LM Studio Bench: running - qwen3-4b (2/3) - 4/30 requests - ETA 1m 20s");
        assertScreenShows(IconColor.GREEN, "running");
        command("click start");
        awaitLine(l -> l.equals("ignored start (disabled)"));
    }

    @Test
    @Order(4)
    void theIconTurnsYellowWhilePausedAndResumeResumes() throws Exception {
        serverSays(FakeDashboard.active("paused", "qwen3-4b", 5, 30, "null"));
        String line = awaitLine(l -> l.startsWith("shown icon=YELLOW"));
        assertThat(line).contains("pause=true:Resume", "stop=true");
        assertScreenShows(IconColor.YELLOW, "paused");
        command("click pause");
        assertThat(fake.awaitCall("POST", "/api/benchmark/resume", WAIT)).isPresent();
        assertThat(fake.calls("POST", "/api/benchmark/pause")).isEmpty();
    }

    @Test
    @Order(5)
    void stopFromTheMenuPostsStop() throws Exception {
        command("click stop");
        assertThat(fake.awaitCall("POST", "/api/benchmark/stop", WAIT)).isPresent();
    }

    @Test
    @Order(6)
    void theIconTurnsRedOnAnErrorAndWhenTheDashboardFails() throws Exception {
        serverSays(FakeDashboard.status("error").replace("\"error\":\"\"", "\"error\":\"model failed to load\""));
        String line = awaitLine(l -> l.startsWith("shown icon=RED") && l.contains("start=true"));
        assertThat(line).contains("pause=false", "stop=false", "tooltip=LM Studio Bench: error - model failed to load");
        assertScreenShows(IconColor.RED, "error");

        cursor = childLines.size();
        fake.status("{\"error\":\"boom\"}", 500);
        awaitLine(l -> l.startsWith("shown icon=RED") && l.contains("start=false") && l.contains("unreachable"));
        serverSays(FakeDashboard.IDLE);
        awaitLine(l -> l.startsWith("shown icon=GRAY") && l.contains("start=true"));
        assertScreenShows(IconColor.GRAY, "idle-again");
    }

    @Test
    @Order(7)
    void openDashboardHandsTheUrlToTheBrowser() throws Exception {
        command("click open");
        awaitLine(l -> l.equals("opened " + fake.uri()));
    }

    @Test
    @Order(8)
    void quitClickedWithTheMouseShutsTheDashboardDownRemovesTheIconAndTheJvmExitsWithZero() throws Exception {
        // a real right click on the icon opens AWT's popup menu; a real left click on its last item is Quit
        Rectangle icon = iconBounds(tree());
        assertThat(icon).isNotNull();
        xdotool("mousemove", String.valueOf(icon.x + icon.width / 2), String.valueOf(icon.y + icon.height / 2),
                "click", "3");
        Rectangle[] menu = new Rectangle[1];
        awaitTrue("the tray's popup menu on screen", () -> (menu[0] = openPopup()) != null);
        BufferedImage shot = screenshot("menu");
        Rectangle area = menu[0].union(panelBounds(tree())).intersection(
                new Rectangle(0, 0, shot.getWidth(), shot.getHeight()));
        ImageIO.write(shot.getSubimage(area.x, area.y, area.width, area.height), "png",
                out.resolve("tray-menu.png").toFile());
        xdotool("mousemove", String.valueOf(menu[0].x + menu[0].width / 2),
                String.valueOf(menu[0].y + menu[0].height - 11), "click", "1");
        assertThat(fake.awaitCall("POST", "/api/system/shutdown", WAIT)).isPresent();
        assertThat(fake.calls("POST", "/api/system/shutdown").getFirst().header("X-CSRF-Token"))
                .isEqualTo(fake.csrfToken());
        awaitLine(l -> l.equals("exit SERVER_SHUT_DOWN"));
        assertThat(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("the child JVM ends by itself once the icon is gone").isTrue();
        assertThat(child.exitValue()).isZero();
        String tree = tree();
        Files.writeString(out.resolve("xwininfo-after-quit.txt"), tree);
        assertThat(embeddedInTrayer(tree)).isFalse();
        screenshot("after-quit");
    }

    // --- helpers ---

    private void assertScreenShows(IconColor expected, String name) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Rectangle icon = iconBounds(tree());
            BufferedImage shot = screenshot(name);
            if (icon != null) {
                int[] counts = countColours(shot, icon);
                last = "icon at " + icon + ": " + describe(counts);
                int area = icon.width * Math.min(icon.width, icon.height);
                boolean mostlyExpected = counts[expected.ordinal()] > area / 3;
                boolean noOther = true;
                for (IconColor c : IconColor.values()) {
                    if (c != expected && counts[c.ordinal()] > area / 20) {
                        noOther = false;
                    }
                }
                if (mostlyExpected && noOther) {
                    saveCrop(shot, name);
                    return;
                }
            } else {
                last = "no icon window in the tree";
            }
            Thread.sleep(100);
        }
        fail("the tray icon does not show " + expected + " within " + WAIT + " (" + last + "); see " + out);
    }

    /** Pixels near each icon colour inside the rectangle. */
    private static int[] countColours(BufferedImage shot, Rectangle r) {
        int[] counts = new int[IconColor.values().length];
        for (int y = r.y; y < r.y + r.height && y < shot.getHeight(); y++) {
            for (int x = r.x; x < r.x + r.width && x < shot.getWidth(); x++) {
                Color p = new Color(shot.getRGB(x, y));
                for (IconColor c : IconColor.values()) {
                    if (TrayIconsTest.distance(p, c.color()) < 40) {
                        counts[c.ordinal()]++;
                    }
                }
            }
        }
        return counts;
    }

    private static String describe(int[] counts) {
        StringBuilder b = new StringBuilder();
        for (IconColor c : IconColor.values()) {
            b.append(c).append('=').append(counts[c.ordinal()]).append(' ');
        }
        return b.toString().trim();
    }

    private BufferedImage screenshot(String name) throws Exception {
        Process p = new ProcessBuilder("xwd", "-root", "-silent", "-display", display)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        BufferedImage img = Xwd.read(bytes);
        ImageIO.write(img, "png", out.resolve("screen-" + name + ".png").toFile());
        return img;
    }

    /** The panel's area, four times enlarged, for a reviewer's eye. */
    private void saveCrop(BufferedImage shot, String name) throws IOException, InterruptedException {
        Rectangle panel = panelBounds(tree());
        if (panel == null) {
            return;
        }
        BufferedImage crop = shot.getSubimage(panel.x, panel.y, panel.width, panel.height);
        BufferedImage big = new BufferedImage(panel.width * 4, panel.height * 4, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.drawImage(crop.getScaledInstance(big.getWidth(), big.getHeight(), Image.SCALE_FAST), 0, 0, null);
        g.dispose();
        ImageIO.write(big, "png", out.resolve("tray-" + name + ".png").toFile());
    }

    /** The popup menu's window while it is mapped, else null. */
    private Rectangle openPopup() throws IOException, InterruptedException {
        for (String line : tree().split("\n")) {
            if (line.contains("\"sun-awt-X11-XPopupMenuPeer\"")) {
                String id = line.strip().split("\\s+")[0];
                Process p = new ProcessBuilder("xwininfo", "-id", id, "-display", display)
                        .redirectErrorStream(true).start();
                String info = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(10, TimeUnit.SECONDS);
                if (info.contains("Map State: IsViewable")) {
                    return bounds(line);
                }
            }
        }
        return null;
    }

    private void xdotool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("xdotool"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = x11(new ProcessBuilder(cmd)).redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("xdotool %s: %s", cmd, text).isZero();
    }

    private String tree() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("xwininfo", "-root", "-tree", "-display", display)
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return text;
    }

    /** A window of AWT's tray icon (JavaEmbeddedFrame) below trayer's "panel" window. */
    static boolean embeddedInTrayer(String tree) {
        return findBelowPanel(tree, "\"JavaEmbeddedFrame\"") != null;
    }

    static Rectangle iconBounds(String tree) {
        return findBelowPanel(tree, "\"JavaEmbeddedFrame\"");
    }

    static Rectangle panelBounds(String tree) {
        for (String line : tree.split("\n")) {
            if (line.contains("(\"panel\" \"trayer\")")) {
                return bounds(line);
            }
        }
        return null;
    }

    private static Rectangle findBelowPanel(String tree, String marker) {
        int panelIndent = -1;
        for (String line : tree.split("\n")) {
            int indent = line.length() - line.stripLeading().length();
            if (line.contains("(\"panel\" \"trayer\")")) {
                panelIndent = indent;
            } else if (panelIndent >= 0 && !line.isBlank() && line.stripLeading().startsWith("0x")) {
                if (indent <= panelIndent) {
                    panelIndent = -1;
                } else if (line.contains(marker)) {
                    return bounds(line);
                }
            }
        }
        return null;
    }

    /** The absolute geometry of an xwininfo tree line ("24x30+0+0  +775+1"). */
    private static Rectangle bounds(String line) {
        Matcher m = GEOMETRY.matcher(line);
        return m.find()
                ? new Rectangle(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))
                : null;
    }

    private void serverSays(String statusBody) {
        cursor = childLines.size();
        fake.setStatus(statusBody);
    }

    private void command(String line) throws IOException {
        cursor = childLines.size();
        childIn.write(line + "\n");
        childIn.flush();
    }

    private String awaitLine(Predicate<String> matching) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> hit = since(cursor, matching);
            if (hit.isPresent()) {
                return hit.get();
            }
            if (child != null && !child.isAlive()) {
                Thread.sleep(50);
                Optional<String> late = since(cursor, matching);
                if (late.isPresent()) {
                    return late.get();
                }
                fail("the tray's JVM ended (exit " + child.exitValue() + "); it said " + childLines
                        + "; see target/tray/child-stderr.log");
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching line from the tray within " + WAIT + "; it said " + childLines);
    }

    private Optional<String> since(int from, Predicate<String> matching) {
        List<String> lines = List.copyOf(childLines);
        return lines.subList(Math.min(from, lines.size()), lines.size()).stream().filter(matching).findFirst();
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("waited " + WAIT + " for " + what);
    }

    private Process startTrayer() throws IOException {
        return start(x11(new ProcessBuilder("trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
                "--width", "120", "--heighttype", "pixel", "--height", "32", "--transparent", "false",
                "--SetDockType", "true"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("trayer.log").toFile())));
    }

    private ProcessBuilder x11(ProcessBuilder pb) {
        pb.environment().put("DISPLAY", display);
        pb.environment().remove("WAYLAND_DISPLAY");
        return pb;
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static Optional<Path> onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
