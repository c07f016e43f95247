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
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * The test desktop of the Xvfb ITs ({@link TrayXvfbIT}, {@link TrayWithRealDashboardIT}): an X server (Xvfb), a
 * real XEmbed tray host (trayer) on it, and the tray in a child JVM ({@link TrayChild}) that has DISPLAY set, with
 * what the tests check from the X server's side: the window tree ({@code xwininfo -root -tree}), screenshots
 * ({@code xwd -root}) and the icon's colour in them, the popup menu, and real mouse clicks (xdotool). Aborts the test
 * class without the tools, except under {@code CI=true}, where it fails. Screenshots and logs go to {@code out}.
 */
final class TrayDesktop implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);
    private static final List<String> TOOLS = List.of("Xvfb", "trayer", "xwd", "xwininfo", "xdotool");
    private static final Pattern GEOMETRY =
            Pattern.compile("(\\d+)x(\\d+)[+-]-?\\d+[+-]-?\\d+\\s+\\+(-?\\d+)\\+(-?\\d+)");

    /** The tray's menu items top to bottom, as {@link AwtTrayView} adds them (separators aside). */
    static final List<String> MENU_ITEMS =
            List.of(AwtTrayView.START, AwtTrayView.PAUSE, AwtTrayView.STOP, AwtTrayView.OPEN, AwtTrayView.QUIT);

    private final Path out;
    private final List<Process> started = new ArrayList<>();
    private final List<String> childLines = new CopyOnWriteArrayList<>();
    private String display;
    private Process child;
    private Writer childIn;
    /** Lines before this index came before the last change the test made; awaitLine looks only after it. */
    private volatile int cursor;

    private TrayDesktop(Path out) {
        this.out = out;
    }

    /**
     * Starts Xvfb on a free display and trayer on it; aborts (fails under {@code CI=true}) without the tools.
     *
     * @param out where screenshots and logs go
     */
    static TrayDesktop start(Path out) throws Exception {
        List<String> missing = TOOLS.stream().filter(t -> onPath(t).isEmpty()).toList();
        if (!missing.isEmpty()) {
            String why = "missing " + missing + " (Debian: apt-get install xvfb trayer x11-apps x11-utils xdotool)";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but the tray test cannot run: " + why);
            }
            Assumptions.abort(why);
        }
        TrayDesktop d = new TrayDesktop(out);
        try {
            d.startXvfbAndTrayer();
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void startXvfbAndTrayer() throws Exception {
        Files.createDirectories(out);
        Files.deleteIfExists(out.resolve("trayer.log"));
        // Xvfb picks a free display and writes its number to stdout (-displayfd 1)
        Process xvfb = start(new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24",
                "-nolisten", "tcp").redirectError(out.resolve("xvfb.log").toFile()));
        BufferedReader xvfbOut = new BufferedReader(new InputStreamReader(xvfb.getInputStream(),
                StandardCharsets.US_ASCII));
        String number = xvfbOut.readLine();
        assertThat(number).as("Xvfb display number (see %s)", out.resolve("xvfb.log")).isNotNull().matches("\\d+");
        display = ":" + number;

        awaitTrue("the X server on " + display + " to answer", () -> tree().contains("Root window id"));
        // trayer has been seen to miss a display that had only just come up: start it again if it ended
        Process[] trayer = {startTrayer()};
        awaitTrue("trayer's panel on " + display + " (see " + out.resolve("trayer.log") + ")", () -> {
            if (!trayer[0].isAlive()) {
                trayer[0] = startTrayer();
            }
            return tree().contains("(\"panel\" \"trayer\")");
        });
    }

    /** Starts the tray's JVM against that dashboard and waits until it says the tray started. */
    void startTray(URI dashboard, int pollMillis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = x11(new ProcessBuilder(java, "-Djava.awt.headless=false", "-cp",
                TrayUnavailableIT.classpath(), TrayChild.class.getName(), dashboard.toString(),
                String.valueOf(pollMillis)))
                .redirectError(out.resolve("child-stderr.log").toFile());
        child = start(pb);
        childIn = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
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

    /** The tray's JVM. */
    Process child() {
        return child;
    }

    /** Everything the tray's JVM printed so far. */
    List<String> childLines() {
        return List.copyOf(childLines);
    }

    /** From now on, {@link #awaitLine} looks only at lines printed after this call. */
    void mark() {
        cursor = childLines.size();
    }

    /** Sends a {@code click <item>} (or other) line to {@link TrayChild}; marks first. */
    void command(String line) throws IOException {
        mark();
        childIn.write(line + "\n");
        childIn.flush();
    }

    /** The first line since the last {@link #mark} that matches; fails after {@link #WAIT} or when the JVM ends. */
    String awaitLine(Predicate<String> matching) throws InterruptedException {
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
                        + "; see " + out.resolve("child-stderr.log"));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching line from the tray within " + WAIT + "; it said " + childLines);
    }

    private Optional<String> since(int from, Predicate<String> matching) {
        List<String> lines = List.copyOf(childLines);
        return lines.subList(Math.min(from, lines.size()), lines.size()).stream().filter(matching).findFirst();
    }

    // --- what the X server shows ---

    /**
     * Waits until the icon's window in trayer's panel shows mostly {@code expected} and no other icon colour, in a
     * screenshot of the whole screen (saved as {@code screen-<name>.png}, the panel enlarged as
     * {@code tray-<name>.png}).
     */
    void assertScreenShows(IconColor expected, String name) throws Exception {
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

    /** The whole screen, as the X server has it; saved as {@code screen-<name>.png}. */
    BufferedImage screenshot(String name) throws Exception {
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

    /** Saves the popup menu with the panel as {@code <file>}. */
    private void saveMenu(BufferedImage shot, Rectangle menu, String file) throws IOException, InterruptedException {
        Rectangle panel = panelBounds(tree());
        Rectangle area = (panel == null ? menu : menu.union(panel))
                .intersection(new Rectangle(0, 0, shot.getWidth(), shot.getHeight()));
        ImageIO.write(shot.getSubimage(area.x, area.y, area.width, area.height), "png", out.resolve(file).toFile());
    }

    /**
     * Clicks a menu item with the mouse, as a user does: a real right click (xdotool) on the icon opens AWT's popup
     * menu, a screenshot of it finds the item's text line ({@link #menuRows}), a real left click on it fires it. The
     * menu is saved as {@code menu-<item>.png}. Marks first, so {@link #awaitLine} sees what the click caused.
     *
     * @param item one of {@link #MENU_ITEMS}
     */
    void clickMenuItem(String item) throws Exception {
        clickMenuItem(item, item);
    }

    /** {@link #clickMenuItem(String)}, the menu saved as {@code menu-<name>.png}. */
    void clickMenuItem(String item, String name) throws Exception {
        int index = MENU_ITEMS.indexOf(item);
        assertThat(index).as("a menu item of %s", MENU_ITEMS).isNotNegative();
        awaitTrue("no popup menu left open", () -> openPopup() == null);
        Rectangle icon = iconBounds(tree());
        assertThat(icon).as("the tray icon in trayer's panel").isNotNull();
        mark();
        xdotool("mousemove", String.valueOf(icon.x + icon.width / 2), String.valueOf(icon.y + icon.height / 2),
                "click", "3");
        Rectangle[] menu = new Rectangle[1];
        List<int[]> rows = new ArrayList<>();
        awaitTrue("the tray's popup menu on screen with its " + MENU_ITEMS.size() + " items drawn", () -> {
            menu[0] = openPopup();
            if (menu[0] == null) {
                return false;
            }
            BufferedImage shot = screenshot("menu-" + name);
            rows.clear();
            rows.addAll(menuRows(shot, menu[0]));
            if (rows.size() != MENU_ITEMS.size()) {
                return false;
            }
            saveMenu(shot, menu[0], "menu-" + name + ".png");
            return true;
        });
        int[] row = rows.get(index);
        xdotool("mousemove", String.valueOf(menu[0].x + menu[0].width / 2), String.valueOf((row[0] + row[1]) / 2),
                "click", "1");
        awaitTrue("the popup menu to close after the click on " + item, () -> openPopup() == null);
    }

    /**
     * The text lines of a popup menu in a screenshot, top to bottom, as {@code {firstY, lastY}} in screen
     * coordinates: runs of rows where some pixels (away from the border) differ from the menu's background, the
     * most common colour. Rows that differ almost all the way across are the border or a separator, not text.
     */
    static List<int[]> menuRows(BufferedImage shot, Rectangle menu) {
        Rectangle r = menu.intersection(new Rectangle(0, 0, shot.getWidth(), shot.getHeight()));
        int margin = 4;
        Map<Integer, Integer> histogram = new HashMap<>();
        for (int y = r.y; y < r.y + r.height; y++) {
            for (int x = r.x + margin; x < r.x + r.width - margin; x++) {
                histogram.merge(shot.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
            }
        }
        if (histogram.isEmpty()) {
            return List.of();
        }
        Color background = new Color(histogram.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow()
                .getKey());
        int width = r.width - 2 * margin;
        List<int[]> rows = new ArrayList<>();
        int start = -1;
        int lastText = -1;
        for (int y = r.y; y < r.y + r.height; y++) {
            int differing = 0;
            for (int x = r.x + margin; x < r.x + r.width - margin; x++) {
                if (TrayIconsTest.distance(new Color(shot.getRGB(x, y)), background) > 40) {
                    differing++;
                }
            }
            boolean text = differing > 0 && differing < width * 6 / 10;
            if (text) {
                if (start < 0 || y - lastText > 2) { // a gap of more than two rows starts the next line
                    if (start >= 0) {
                        rows.add(new int[] {start, lastText});
                    }
                    start = y;
                }
                lastText = y;
            }
        }
        if (start >= 0) {
            rows.add(new int[] {start, lastText});
        }
        return rows;
    }

    /** The popup menu's window while it is mapped, else null. */
    Rectangle openPopup() throws IOException, InterruptedException {
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

    void xdotool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("xdotool"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = x11(new ProcessBuilder(cmd)).redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("xdotool %s: %s", cmd, text).isZero();
    }

    /** {@code xwininfo -root -tree} of the display. */
    String tree() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("xwininfo", "-root", "-tree", "-display", display)
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return text;
    }

    /** Saves the window tree as {@code <file>} and returns it. */
    String saveTree(String file) throws IOException, InterruptedException {
        String tree = tree();
        Files.writeString(out.resolve(file), tree);
        return tree;
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

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(String what, Check check) throws Exception {
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

    ProcessBuilder x11(ProcessBuilder pb) {
        pb.environment().put("DISPLAY", display);
        pb.environment().remove("WAYLAND_DISPLAY");
        return pb;
    }

    Process start(ProcessBuilder pb) throws IOException {
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

    /** Saves the child's output as {@code child-stdout.log}, then ends every process started here, last first. */
    @Override
    public void close() throws Exception {
        Files.createDirectories(out);
        Files.write(out.resolve("child-stdout.log"), childLines, StandardCharsets.UTF_8);
        for (Process p : started.reversed()) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
