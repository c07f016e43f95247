package dev.lmsbench.tray;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The tray on a real X server (Xvfb) with a real XEmbed tray host (trayer), in a child JVM that has DISPLAY set,
 * against the fake dashboard in this JVM ({@link TrayDesktop}). Checks from the X server's side: the icon window is
 * embedded in trayer's panel ({@code xwininfo -root -tree}) and has the state's colour (pixels of {@code xwd -root});
 * the menu's actions reach the dashboard (fired on the real menu items in the child; Quit clicked with the mouse
 * through xdotool: a right click on the icon opens the popup menu), and Quit shuts it down and ends the child with
 * exit code 0. Screenshots go to {@code target/tray/}. Skips without Xvfb, trayer, xwd, xwininfo or xdotool, except
 * under {@code CI=true}. {@link TrayWithRealDashboardIT} does the same against the real dashboard server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrayXvfbIT {

    private static final Duration WAIT = TrayDesktop.WAIT;

    private TrayDesktop desktop;
    private FakeDashboard fake;

    @BeforeAll
    void startXvfbTrayerAndTheTray() throws Exception {
        desktop = TrayDesktop.start(Path.of("target", "tray").toAbsolutePath());
        fake = FakeDashboard.start();
        fake.setStatus(FakeDashboard.IDLE);
        desktop.startTray(fake.uri(), 150);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (desktop != null) {
            desktop.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    @Order(1)
    void theIconIsEmbeddedInTrayersPanelAndGrayWhileIdle() throws Exception {
        String line = desktop.awaitLine(l -> l.startsWith("shown icon=GRAY") && l.contains("start=true"));
        assertThat(line).contains("start=true", "pause=false:Pause", "stop=false", "open=true", "quit=true",
                "tooltip=LM Studio Bench: idle");
        String tree = desktop.saveTree("xwininfo-idle.txt");
        assertThat(TrayDesktop.embeddedInTrayer(tree)).as("a Java tray icon window inside trayer's panel:%n%s", tree)
                .isTrue();
        desktop.assertScreenShows(IconColor.GRAY, "idle");
    }

    @Test
    @Order(2)
    void startFromTheMenuPostsTheServersDefaults() throws Exception {
        desktop.command("click start");
        FakeDashboard.Call call = fake.awaitCall("POST", "/api/benchmark/start", WAIT).orElseThrow(
                () -> new AssertionError("no POST /api/benchmark/start; child said " + desktop.childLines()));
        assertThat(call.body()).isEqualTo("{}");
        assertThat(call.header("X-CSRF-Token")).isEqualTo(fake.csrfToken());
    }

    @Test
    @Order(3)
    void theIconTurnsGreenWhileRunningWithPauseAndStopEnabled() throws Exception {
        serverSays(FakeDashboard.active("running", "qwen3-4b", 4, 30, "80.1"));
        String line = desktop.awaitLine(l -> l.startsWith("shown icon=GREEN"));
        assertThat(line).contains("start=false", "pause=true:Pause", "stop=true",
                "tooltip=LM Studio Bench: running - qwen3-4b (2/3) - 4/30 requests - ETA 1m 20s");
        desktop.assertScreenShows(IconColor.GREEN, "running");
        desktop.command("click start");
        desktop.awaitLine(l -> l.equals("ignored start (disabled)"));
    }

    @Test
    @Order(4)
    void theIconTurnsYellowWhilePausedAndResumeResumes() throws Exception {
        serverSays(FakeDashboard.active("paused", "qwen3-4b", 5, 30, "null"));
        String line = desktop.awaitLine(l -> l.startsWith("shown icon=YELLOW"));
        assertThat(line).contains("pause=true:Resume", "stop=true");
        desktop.assertScreenShows(IconColor.YELLOW, "paused");
        desktop.command("click pause");
        assertThat(fake.awaitCall("POST", "/api/benchmark/resume", WAIT)).isPresent();
        assertThat(fake.calls("POST", "/api/benchmark/pause")).isEmpty();
    }

    @Test
    @Order(5)
    void stopFromTheMenuPostsStop() throws Exception {
        desktop.command("click stop");
        assertThat(fake.awaitCall("POST", "/api/benchmark/stop", WAIT)).isPresent();
    }

    @Test
    @Order(6)
    void theIconTurnsRedOnAnErrorAndWhenTheDashboardFails() throws Exception {
        serverSays(FakeDashboard.status("error").replace("\"error\":\"\"", "\"error\":\"model failed to load\""));
        String line = desktop.awaitLine(l -> l.startsWith("shown icon=RED") && l.contains("start=true"));
        assertThat(line).contains("pause=false", "stop=false", "tooltip=LM Studio Bench: error - model failed to load");
        desktop.assertScreenShows(IconColor.RED, "error");

        desktop.mark();
        fake.status("{\"error\":\"boom\"}", 500);
        desktop.awaitLine(l -> l.startsWith("shown icon=RED") && l.contains("start=false") && l.contains("unreachable"));
        serverSays(FakeDashboard.IDLE);
        desktop.awaitLine(l -> l.startsWith("shown icon=GRAY") && l.contains("start=true"));
        desktop.assertScreenShows(IconColor.GRAY, "idle-again");
    }

    @Test
    @Order(7)
    void openDashboardHandsTheUrlToTheBrowser() throws Exception {
        desktop.command("click open");
        desktop.awaitLine(l -> l.equals("opened " + fake.uri()));
    }

    @Test
    @Order(8)
    void quitClickedWithTheMouseShutsTheDashboardDownRemovesTheIconAndTheJvmExitsWithZero() throws Exception {
        // a real right click on the icon opens AWT's popup menu; a real left click on its last item is Quit
        desktop.clickMenuItem(AwtTrayView.QUIT);
        assertThat(fake.awaitCall("POST", "/api/system/shutdown", WAIT)).isPresent();
        assertThat(fake.calls("POST", "/api/system/shutdown").getFirst().header("X-CSRF-Token"))
                .isEqualTo(fake.csrfToken());
        desktop.awaitLine(l -> l.equals("exit SERVER_SHUT_DOWN"));
        assertThat(desktop.child().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("the child JVM ends by itself once the icon is gone").isTrue();
        assertThat(desktop.child().exitValue()).isZero();
        String tree = desktop.saveTree("xwininfo-after-quit.txt");
        assertThat(TrayDesktop.embeddedInTrayer(tree)).isFalse();
        desktop.screenshot("after-quit");
    }

    private void serverSays(String statusBody) {
        desktop.mark();
        fake.setStatus(statusBody);
    }
}
