package dev.lmsbench.tray;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DashboardClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private FakeDashboard fake;
    private DashboardClient client;

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeDashboard.start();
        client = new DashboardClient(fake.uri(), Optional.empty(), TIMEOUT);
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    @Test
    void readsEveryFieldOfTheStatusDocument() {
        fake.setStatus(FakeDashboard.active("running", "qwen3-4b", 4, 30, "80.1"));
        PollOutcome outcome = client.status();
        assertThat(outcome).isInstanceOf(PollOutcome.Reached.class);
        DashboardStatus s = ((PollOutcome.Reached) outcome).status();
        assertThat(s.state()).isEqualTo(ServerState.RUNNING);
        assertThat(s.runId()).isEqualTo("r-1");
        assertThat(s.model()).isEqualTo("qwen3-4b");
        assertThat(s.modelPosition()).isEqualTo(2);
        assertThat(s.modelCount()).isEqualTo(3);
        assertThat(s.progress()).isEqualTo(new DashboardStatus.Progress(4, 30, 12.5, 80.1));
        assertThat(s.lastStatus()).isEmpty();
    }

    @Test
    void aNullEtaIsUnknownAndANullProgressIsAbsent() {
        fake.setStatus(FakeDashboard.active("paused", "m", 0, 10, "null"));
        DashboardStatus paused = ((PollOutcome.Reached) client.status()).status();
        assertThat(paused.progress().etaKnown()).isFalse();

        fake.setStatus(FakeDashboard.IDLE);
        DashboardStatus idle = ((PollOutcome.Reached) client.status()).status();
        assertThat(idle.state()).isEqualTo(ServerState.IDLE);
        assertThat(idle.progress()).isNull();
        assertThat(idle.lastStatus()).isEmpty();
    }

    @Test
    void unknownFieldsAndAnUnknownStatusAreTolerated() {
        fake.setStatus("""
                {"status":"warming","future_field":{"a":[1,2]},"model":"m","progress":{"completed":1,"extra":true}}""");
        DashboardStatus s = ((PollOutcome.Reached) client.status()).status();
        assertThat(s.state()).isEqualTo(ServerState.UNKNOWN);
        assertThat(s.rawStatus()).isEqualTo("warming");
        assertThat(s.progress().completed()).isEqualTo(1);
        assertThat(s.progress().etaKnown()).isFalse();
    }

    @Test
    void aClosedPortIsUnreachableAndTurnsTheIconRed() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        DashboardClient nobody = new DashboardClient(URI.create("http://127.0.0.1:" + port + "/"), Optional.empty(),
                TIMEOUT);
        PollOutcome outcome = nobody.status();
        assertThat(outcome).isEqualTo(new PollOutcome.Unreachable("connection refused"));
        assertThat(TrayState.of(outcome).icon()).isEqualTo(IconColor.RED);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch accepted = new CountDownLatch(1);
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket connection = silent.accept()) {
                    accepted.countDown();
                    // reads the request and never answers, until the client gives up and closes
                    connection.getInputStream().readAllBytes();
                } catch (IOException e) {
                    // test over
                }
            });
            DashboardClient c = new DashboardClient(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"),
                    Optional.empty(), Duration.ofMillis(300));
            assertThat(c.status()).isEqualTo(new PollOutcome.Unreachable("timed out"));
            assertThat(accepted.await(1, TimeUnit.SECONDS)).isTrue();
            acceptor.interrupt();
        }
    }

    @Test
    void anHttpErrorIsUnreachableWithTheCodeAndTheServersMessage() {
        fake.status("{\"error\":\"database is locked\"}", 500);
        assertThat(client.status()).isEqualTo(new PollOutcome.Unreachable("HTTP 500: database is locked"));
    }

    @Test
    void aBodyThatIsNotAStatusDocumentIsUnreachable() {
        fake.setStatus("<html>a proxy page</html>");
        assertThat(client.status()).isInstanceOf(PollOutcome.Unreachable.class);
        fake.setStatus("{\"state\":\"idle\"}");
        assertThat(client.status()).isEqualTo(new PollOutcome.Unreachable(
                "not a status document: no \"status\" string"));
    }

    @Test
    void anOversizedBodyIsRefused() {
        fake.setStatus("{\"status\":\"idle\",\"pad\":\"" + "x".repeat(DashboardClient.MAX_BODY) + "\"}");
        PollOutcome outcome = client.status();
        assertThat(outcome).isInstanceOf(PollOutcome.Unreachable.class);
        assertThat(((PollOutcome.Unreachable) outcome).reason()).contains("larger than");
    }

    @Test
    void startPostsAnEmptySettingsObjectWithTheSessionsCsrfTokenAndSameOrigin() throws Exception {
        assertThat(client.start().ok()).isTrue();
        FakeDashboard.Call post = fake.calls("POST", "/api/benchmark/start").getFirst();
        assertThat(post.body()).isEqualTo("{}");
        assertThat(post.header("X-CSRF-Token")).isEqualTo(fake.csrfToken());
        assertThat(post.header("Content-Type")).isEqualTo("application/json");
        assertThat(post.header("Origin")).isEqualTo("http://127.0.0.1:" + fake.uri().getPort());
        assertThat(fake.calls("GET", "/api/session")).hasSize(1);
    }

    @Test
    void theCsrfTokenIsFetchedOnceForManyPosts() {
        assertThat(client.pause().ok()).isTrue();
        assertThat(client.resume().ok()).isTrue();
        assertThat(client.stop().ok()).isTrue();
        assertThat(fake.calls("GET", "/api/session")).hasSize(1);
        assertThat(fake.calls("POST", "/api/benchmark/pause")).hasSize(1);
        assertThat(fake.calls("POST", "/api/benchmark/resume")).hasSize(1);
        assertThat(fake.calls("POST", "/api/benchmark/stop")).hasSize(1);
    }

    @Test
    void aRefusedCsrfTokenIsFetchedAgainAndThePostRetriedOnce() {
        assertThat(client.pause().ok()).isTrue();
        fake.rotateCsrfToken();
        assertThat(client.stop().ok()).isTrue();
        assertThat(fake.calls("POST", "/api/benchmark/stop")).hasSize(2);
        assertThat(fake.calls("POST", "/api/benchmark/stop").getLast().header("X-CSRF-Token"))
                .isEqualTo(fake.csrfToken());
        assertThat(fake.calls("GET", "/api/session")).hasSize(2);
    }

    @Test
    void aBusyServerGivesTheConflictAndItsMessage() {
        fake.answer("/api/benchmark/start", 409, "{\"error\":\"a benchmark is already running\"}");
        assertThat(client.start()).isEqualTo(
                DashboardClient.ActionResult.failed(409, "HTTP 409: a benchmark is already running"));
    }

    @Test
    void shutdownPostsTheSystemShutdownEndpoint() {
        assertThat(client.shutdown()).isEqualTo(DashboardClient.ActionResult.ok(200));
        FakeDashboard.Call post = fake.calls("POST", "/api/system/shutdown").getFirst();
        assertThat(post.header("X-CSRF-Token")).isEqualTo(fake.csrfToken());
    }

    @Test
    void theBearerTokenGoesWithEveryRequest() {
        fake.requireBearer("s3cret");
        DashboardClient withToken = new DashboardClient(fake.uri(), Optional.of("s3cret"), TIMEOUT);
        assertThat(withToken.status()).isInstanceOf(PollOutcome.Reached.class);
        assertThat(withToken.shutdown().ok()).isTrue();
        assertThat(fake.calls()).extracting(c -> c.header("Authorization")).containsOnly("Bearer s3cret");
        assertThat(fake.calls()).extracting(FakeDashboard.Call::path)
                .containsExactly("/api/status", "/api/session", "/api/system/shutdown");
    }

    @Test
    void withoutTheBearerTokenAProtectedDashboardIsUnreachable() {
        fake.requireBearer("s3cret");
        assertThat(client.status()).isEqualTo(new PollOutcome.Unreachable(
                "HTTP 401: missing or wrong access token"));
        assertThat(client.stop().message()).isEqualTo(
                "GET /api/session answered HTTP 401: missing or wrong access token");
    }

    @Test
    void aDashboardUrlWithAPathKeepsItsPrefix() {
        DashboardClient prefixed = new DashboardClient(URI.create(fake.uri() + "bench"), Optional.empty(), TIMEOUT);
        assertThat(prefixed.status()).isInstanceOf(PollOutcome.Unreachable.class);
        assertThat(fake.calls()).extracting(FakeDashboard.Call::path).containsExactly("/bench/api/status");
    }

    @Test
    void aQueryOrFragmentInTheDashboardUrlIsNotPartOfTheApi() {
        DashboardClient c = new DashboardClient(URI.create(fake.uri() + "#/run?x=1"), Optional.empty(), TIMEOUT);
        assertThat(c.base()).isEqualTo(fake.uri());
        assertThat(c.status()).isInstanceOf(PollOutcome.Reached.class);
    }
}
