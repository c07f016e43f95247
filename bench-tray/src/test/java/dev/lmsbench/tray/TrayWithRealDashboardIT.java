package dev.lmsbench.tray;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmStudioClient;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.engine.BenchmarkController.State;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import dev.lmsbench.sim.SimServer;
import dev.lmsbench.web.BenchWebServer;
import dev.lmsbench.web.StartRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tray against the real dashboard server: a {@link BenchWebServer} in this JVM whose start handler runs a real
 * benchmark (a {@link BenchmarkEngine} with the OpenAI client against the simulator, results in a SQLite store in a
 * temporary directory), and the tray in a child JVM on Xvfb with trayer ({@link TrayDesktop}). Every menu item is
 * clicked with the mouse (xdotool: a right click on the icon, a left click on the item in the popup menu); the
 * icon's colour is checked in screenshots of the X server and the benchmark's state in the server's controller:
 * gray idle, Start runs the benchmark (green), Pause holds it (yellow, controller paused), Resume lets it go on
 * (green), Stop ends it (controller idle, last run cancelled; gray), and Quit goes through the real
 * {@code POST /api/system/shutdown}: the server stops, the icon goes away and the tray's JVM exits with 0.
 * Screenshots go to {@code target/tray-real/}. Skips without the X tools, except under {@code CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrayWithRealDashboardIT {

    private static final Duration WAIT = TrayDesktop.WAIT;
    /** About 1.6 s a request (40 tokens at 25 tokens/s), 30 requests: the run takes long enough to be watched. */
    private static final SimModel SLOW = SimModel.of("sim/tray-slow", 20, 25, 40);
    private static final int RUNS = 30;

    private TrayDesktop desktop;
    private SimServer sim;
    private SqliteResultStore store;
    private final BenchmarkController controller = new BenchmarkController();
    private BenchWebServer server;

    @BeforeAll
    void startTheDashboardAndTheTray(@TempDir Path dir) throws Exception {
        desktop = TrayDesktop.start(Path.of("target", "tray-real").toAbsolutePath());
        sim = SimServer.start(SimConfig.defaults().withModels(List.of(SLOW)));
        store = SqliteResultStore.open(dir.resolve("results.db"));
        server = BenchWebServer.builder()
                .controller(controller)
                .starter(this::prepare)
                .results(store)
                .outputDir(dir)
                .build()
                .start();
        desktop.startTray(URI.create(server.url()), 150);
    }

    /** The start handler: the tray posts {@code {}}, so the server's defaults here are a slow run on the sim. */
    private BenchmarkController.JobFactory prepare(StartRequest request) {
        BenchmarkSettings settings = BenchmarkSettings.defaults().withRuns(RUNS).withWarmupRuns(0)
                .withMaxTokens(64).withParallel(1).withNonStreaming(false);
        return listener -> {
            OpenAiClient client = OpenAiClient.create(ClientConfig.of(sim.baseUrl()));
            List<ModelInfo> models;
            try (LmStudioClient catalog = LmStudioClient.create(sim.baseUrl())) {
                models = catalog.listModels();
            }
            BenchmarkEngine engine = BenchmarkEngine.builder().backend(client).store(store).listener(listener)
                    .build();
            return BenchmarkController.job(engine, RunInfo.start(client.endpoint(), settings, "tray-it"), models,
                    null, client);
        };
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            if (desktop != null) {
                desktop.close();
            }
        } finally {
            if (server != null) {
                server.stop();
            }
            controller.close();
            if (store != null) {
                store.close();
            }
            if (sim != null) {
                sim.close();
            }
        }
    }

    @Test
    @Order(1)
    void theIconIsEmbeddedInTrayersPanelAndGrayWhileTheServerIsIdle() throws Exception {
        String line = desktop.awaitLine(l -> l.startsWith("shown icon=GRAY") && l.contains("start=true"));
        assertThat(line).contains("pause=false:Pause", "stop=false", "tooltip=LM Studio Bench: idle");
        String tree = desktop.saveTree("xwininfo-idle.txt");
        assertThat(TrayDesktop.embeddedInTrayer(tree)).as("a Java tray icon window inside trayer's panel:%n%s", tree)
                .isTrue();
        assertThat(controller.status().state()).isEqualTo(State.IDLE);
        desktop.assertScreenShows(IconColor.GRAY, "idle");
    }

    @Test
    @Order(2)
    void startFromTheMenuRunsARealBenchmarkAndTheIconTurnsGreen() throws Exception {
        desktop.clickMenuItem(AwtTrayView.START);
        awaitController("running", s -> s.state() == State.RUNNING);
        // the tooltip names the model once the run has started on it
        String line = desktop.awaitLine(l -> l.startsWith("shown icon=GREEN") && l.contains("sim/tray-slow (1/1)"));
        assertThat(line).contains("start=false", "pause=true:Pause", "stop=true",
                "tooltip=LM Studio Bench: running - sim/tray-slow (1/1)");
        desktop.assertScreenShows(IconColor.GREEN, "running");
        // a real benchmark: requests to the simulator complete
        BenchmarkController.Status s = awaitController("a completed request",
                st -> st.progress() != null && st.progress().completedRequests() >= 1);
        assertThat(s.progress().totalRequests()).isEqualTo(RUNS);
        assertThat(s.runId()).isNotEmpty();
    }

    @Test
    @Order(3)
    void pauseFromTheMenuPausesTheControllerAndTheIconTurnsYellow() throws Exception {
        desktop.clickMenuItem(AwtTrayView.PAUSE);
        BenchmarkController.Status paused = awaitController("paused", s -> s.state() == State.PAUSED);
        String line = desktop.awaitLine(l -> l.startsWith("shown icon=YELLOW"));
        assertThat(line).contains("pause=true:Resume", "stop=true");
        desktop.assertScreenShows(IconColor.YELLOW, "paused");
        // held: no request finishes while paused (the engine waits between requests)
        int done = paused.progress() == null ? 0 : paused.progress().completedRequests();
        Thread.sleep(2_000);
        assertThat(controller.status().state()).isEqualTo(State.PAUSED);
        assertThat(controller.status().progress().completedRequests()).isLessThanOrEqualTo(done + 1);
    }

    @Test
    @Order(4)
    void resumeFromTheMenuLetsItGoOnAndTheIconTurnsGreenAgain() throws Exception {
        desktop.clickMenuItem(AwtTrayView.PAUSE, "resume"); // the same item, now labelled Resume
        awaitController("running again", s -> s.state() == State.RUNNING);
        String line = desktop.awaitLine(l -> l.startsWith("shown icon=GREEN"));
        assertThat(line).contains("pause=true:Pause", "stop=true");
        desktop.assertScreenShows(IconColor.GREEN, "resumed");
    }

    @Test
    @Order(5)
    void stopFromTheMenuEndsTheRunAsCancelledAndTheIconTurnsGray() throws Exception {
        desktop.clickMenuItem(AwtTrayView.STOP);
        assertThat(controller.awaitIdle(Duration.ofSeconds(30))).as("the run ends").isTrue();
        BenchmarkController.Status s = controller.status();
        assertThat(s.state()).isEqualTo(State.IDLE);
        assertThat(s.lastStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(s.progress().completedRequests()).isLessThan(RUNS);
        String line = desktop.awaitLine(l -> l.startsWith("shown icon=GRAY"));
        assertThat(line).contains("start=true", "pause=false", "stop=false");
        desktop.assertScreenShows(IconColor.GRAY, "stopped");
    }

    @Test
    @Order(6)
    void quitFromTheMenuShutsTheRealServerDownRemovesTheIconAndTheTrayJvmExitsWithZero() throws Exception {
        desktop.clickMenuItem(AwtTrayView.QUIT);
        assertThat(server.awaitShutdown(WAIT)).as("the server stopped (POST /api/system/shutdown)").isTrue();
        desktop.awaitLine(l -> l.equals("exit SERVER_SHUT_DOWN"));
        assertThat(desktop.child().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("the tray's JVM ends by itself once the icon is gone").isTrue();
        assertThat(desktop.child().exitValue()).isZero();
        String tree = desktop.saveTree("xwininfo-after-quit.txt");
        assertThat(TrayDesktop.embeddedInTrayer(tree)).as("no tray icon in trayer's panel:%n%s", tree).isFalse();
        desktop.screenshot("after-quit");
    }

    private BenchmarkController.Status awaitController(String what, Predicate<BenchmarkController.Status> wanted)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        BenchmarkController.Status s = controller.status();
        while (!wanted.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = controller.status();
        }
        assertThat(wanted.test(s)).as("the controller: %s; it is %s", what, s).isTrue();
        return s;
    }
}
