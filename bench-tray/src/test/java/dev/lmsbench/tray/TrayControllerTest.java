package dev.lmsbench.tray;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrayControllerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private FakeDashboard fake;
    private RecordingView view;
    private final List<URI> opened = new CopyOnWriteArrayList<>();
    private TrayController controller;

    /** Records what the controller shows; no display involved. */
    static final class RecordingView implements TrayView {
        final List<TrayState> shown = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        volatile int removed;

        @Override
        public void show(TrayState state) {
            shown.add(state);
        }

        @Override
        public void notifyFailure(String message) {
            failures.add(message);
        }

        @Override
        public void remove() {
            removed++;
        }

        TrayState await(Predicate<TrayState> matching) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (TrayState s : shown.reversed()) {
                    if (matching.test(s)) {
                        return s;
                    }
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no state matched within " + WAIT + "; shown: " + shown);
        }

        void awaitFailure() throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeDashboard.start();
        view = new RecordingView();
        controller = newController(fake.uri());
    }

    private TrayController newController(URI uri) {
        return newController(uri, Duration.ofMillis(50));
    }

    private TrayController newController(URI uri, Duration interval) {
        return new TrayController(new DashboardClient(uri, Optional.empty(), Duration.ofSeconds(1)), interval,
                opened::add);
    }

    @AfterEach
    void tearDown() {
        controller.close();
        fake.close();
    }

    @Test
    void showsTheInitialStateAtOnceThenWhatThePollSays() throws Exception {
        fake.setStatus(FakeDashboard.active("running", "m", 1, 5, "3.0"));
        controller.start(view);
        assertThat(view.shown.getFirst()).isEqualTo(TrayState.initial());
        assertThat(view.await(s -> s.icon() == IconColor.GREEN).tooltip()).contains("1/5 requests");
    }

    @Test
    void theIconFollowsTheServerFromPollToPoll() throws Exception {
        controller.start(view);
        view.await(s -> s.icon() == IconColor.GRAY && s.startEnabled());
        fake.setStatus(FakeDashboard.active("running", "m", 1, 5, "3.0"));
        view.await(s -> s.icon() == IconColor.GREEN);
        fake.setStatus(FakeDashboard.active("paused", "m", 2, 5, "null"));
        assertThat(view.await(s -> s.icon() == IconColor.YELLOW).pauseLabel()).isEqualTo("Resume");
        fake.status("{}", 503);
        assertThat(view.await(s -> s.icon() == IconColor.RED).tooltip()).contains("HTTP 503");
        fake.setStatus(FakeDashboard.IDLE);
        view.await(s -> s.icon() == IconColor.GRAY && s.startEnabled());
    }

    @Test
    void anUnchangedStateIsNotShownAgain() throws Exception {
        controller.start(view);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (fake.calls("GET", "/api/status").size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fake.calls("GET", "/api/status").size()).isGreaterThanOrEqualTo(4);
        assertThat(view.shown).extracting(TrayState::tooltip)
                .containsExactly("LM Studio Bench: connecting to the dashboard", "LM Studio Bench: idle");
    }

    @Test
    void pauseWhileRunningPostsPauseAndWhilePausedPostsResume() throws Exception {
        fake.setStatus(FakeDashboard.active("running", "m", 1, 5, "3.0"));
        controller.start(view);
        view.await(s -> s.icon() == IconColor.GREEN);
        controller.togglePause();
        assertThat(fake.awaitCall("POST", "/api/benchmark/pause", WAIT)).isPresent();

        fake.setStatus(FakeDashboard.active("paused", "m", 1, 5, "null"));
        view.await(s -> s.icon() == IconColor.YELLOW);
        controller.togglePause();
        assertThat(fake.awaitCall("POST", "/api/benchmark/resume", WAIT)).isPresent();
        assertThat(fake.calls("POST", "/api/benchmark/pause")).hasSize(1);
    }

    @Test
    void startAndStopPostTheirEndpointsAndPollRightAfter() throws Exception {
        controller.close();
        // one poll at the start, then none for an hour: every later poll is one that follows an action
        controller = newController(fake.uri(), Duration.ofHours(1));
        controller.start(view);
        view.await(s -> s.startEnabled());
        controller.start();
        FakeDashboard.Call start = fake.awaitCall("POST", "/api/benchmark/start", WAIT).orElseThrow();
        assertThat(start.body()).isEqualTo("{}");
        controller.stop();
        fake.awaitCall("POST", "/api/benchmark/stop", WAIT).orElseThrow();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (fake.calls("GET", "/api/status").size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fake.calls()).extracting(c -> c.method() + " " + c.path()).containsExactly(
                "GET /api/status", "GET /api/session", "POST /api/benchmark/start", "GET /api/status",
                "POST /api/benchmark/stop", "GET /api/status");
    }

    @Test
    void aFailedActionIsToldToTheUser() throws Exception {
        fake.answer("/api/benchmark/start", 409, "{\"error\":\"a benchmark is already running\"}");
        controller.start(view);
        controller.start();
        view.awaitFailure();
        assertThat(view.failures).containsExactly("Start failed: HTTP 409: a benchmark is already running");
    }

    @Test
    void quitShutsTheServerDownStopsPollingAndRemovesTheIcon() throws Exception {
        controller.start(view);
        view.await(s -> s.startEnabled());
        controller.quit();
        assertThat(controller.ended().get()).isEqualTo(TrayExit.SERVER_SHUT_DOWN);
        assertThat(fake.calls("POST", "/api/system/shutdown")).hasSize(1);
        assertThat(view.removed).isEqualTo(1);
        int shownAtQuit = view.shown.size();
        int polledAtQuit = fake.calls("GET", "/api/status").size();
        // a poll would come every 50 ms: after four periods none has come (the scheduler is shut down)
        assertThat(fake.awaitCall(c -> c.path().equals("/api/status")
                && fake.calls("GET", "/api/status").size() > polledAtQuit, Duration.ofMillis(200))).isEmpty();
        assertThat(view.shown).hasSize(shownAtQuit);
        controller.quit();
        controller.close();
        assertThat(view.removed).isEqualTo(1);
        assertThat(fake.calls("POST", "/api/system/shutdown")).hasSize(1);
    }

    @Test
    void quitStillEndsWhenTheDashboardIsGone() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        controller.close();
        controller = newController(URI.create("http://127.0.0.1:" + port + "/"));
        view = new RecordingView();
        controller.start(view);
        view.await(s -> s.icon() == IconColor.RED);
        controller.quit();
        assertThat(controller.ended().get()).isEqualTo(TrayExit.SERVER_DID_NOT_ANSWER);
        assertThat(view.removed).isEqualTo(1);
    }

    @Test
    void closeRemovesTheIconWithoutShuttingTheServerDown() throws Exception {
        controller.start(view);
        controller.close();
        assertThat(controller.ended().get()).isEqualTo(TrayExit.CLOSED);
        assertThat(view.removed).isEqualTo(1);
        controller.quit();
        assertThat(fake.calls("POST", "/api/system/shutdown")).isEmpty();
    }

    @Test
    void openDashboardHandsTheDashboardUrlToTheBrowser() throws Exception {
        controller.start(view);
        controller.openDashboard();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (opened.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(opened).containsExactly(fake.uri());
    }
}
