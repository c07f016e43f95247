package dev.lmsbench.web;

import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.sim.SimConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessTokenTest {

    private static final String TOKEN = "s3cret-token";

    @TempDir
    Path dir;

    private static BenchWebServer.Builder minimal() {
        return BenchWebServer.builder().controller(new BenchmarkController()).starter(r -> {
            throw new StartRequestException("unused", java.util.Map.of());
        });
    }

    @Test
    void bindingBeyondLoopbackWithoutATokenIsRefusedWhenBuilt() {
        for (String host : new String[] {"0.0.0.0", "192.168.1.5", "example.org", "::"}) {
            assertThatThrownBy(() -> minimal().host(host).build()).as(host)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("binding " + host + " (beyond loopback) needs an access token");
        }
        for (String host : new String[] {"127.0.0.1", "localhost", "::1", "127.0.0.2"}) {
            assertThat(minimal().host(host).build()).as(host).isNotNull();
        }
        assertThat(minimal().host("0.0.0.0").accessToken(TOKEN).build()).isNotNull();
    }

    @Test
    void byDefaultTheServerListensOn127001Only() {
        try (BenchWebServer server = minimal().build().start()) {
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
        }
    }

    @Test
    void withATokenEveryRequestNeedsItAsBearerAndABrowserGetsItAsACookie() throws Exception {
        try (SimRig rig = new SimRig(dir, SimConfig.defaults(), b -> b.accessToken(TOKEN))) {
            Api anonymous = new Api(rig.server.url());
            for (String path : new String[] {"/", "/api/status", "/api/session", "/api/events", "/api/results"}) {
                Api.Res r = anonymous.get(path);
                assertThat(r.status()).as(path).isEqualTo(401);
                assertThat(r.body().get("error").asText()).isEqualTo("missing or wrong access token");
            }
            assertThat(new Api(rig.server.url(), "wrong").get("/api/status").status()).isEqualTo(401);

            Api api = new Api(rig.server.url(), TOKEN);
            assertThat(api.get("/api/status").status()).isEqualTo(200);
            assertThat(api.post("/api/benchmark/pause", "").status()).isEqualTo(200);
            try (Api.Stream sse = api.events()) {
                assertThat(sse.next("status", Duration.ofSeconds(5))).isNotNull();
            }

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> visit = http.send(HttpRequest.newBuilder(
                    java.net.URI.create(rig.server.url() + "/?access_token=" + TOKEN)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(visit.statusCode()).isEqualTo(302);
            String cookie = visit.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith(BenchWebServer.TOKEN_COOKIE + "=" + TOKEN).contains("HttpOnly")
                    .contains("SameSite=Strict");
            HttpResponse<String> withCookie = http.send(HttpRequest.newBuilder(
                    java.net.URI.create(rig.server.url() + "/api/status"))
                    .header("Cookie", BenchWebServer.TOKEN_COOKIE + "=" + TOKEN).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(withCookie.statusCode()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(java.net.URI.create(rig.server.url()
                    + "/api/status?access_token=" + TOKEN)).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as("the query token opens only the home page").isEqualTo(401);
        }
    }
}
