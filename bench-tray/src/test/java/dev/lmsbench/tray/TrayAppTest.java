package dev.lmsbench.tray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs headless (the build sets java.awt.headless=true for unit tests): TrayApp must say why there is no tray. */
class TrayAppTest {

    @Test
    void aHeadlessJvmGetsAOneLineReasonInsteadOfATray() throws Exception {
        try (FakeDashboard fake = FakeDashboard.start()) {
            TrayLaunch launch = TrayApp.start(TrayConfig.of(fake.uri()));
            assertThat(launch).isEqualTo(new TrayLaunch.Unavailable("headless Java (java.awt.headless=true)"));
            assertThat(fake.calls()).as("nothing was started, nothing polled").isEmpty();
        }
    }

    @Test
    void theConfigHasTheSeedsDefaults() {
        TrayConfig c = TrayConfig.of(URI.create("http://127.0.0.1:8765/"));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.bearerToken()).isEmpty();
        assertThat(c.withBearerToken("t").bearerToken()).contains("t");
        assertThat(c.withBearerToken(" ").bearerToken()).isEmpty();
        assertThat(c.withPollInterval(Duration.ofMillis(100)).pollInterval()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void theConfigRefusesWhatCannotWork() {
        assertThatThrownBy(() -> TrayConfig.of(URI.create("ftp://host/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
        assertThatThrownBy(() -> TrayConfig.of(URI.create("/api")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrayConfig.of(URI.create("http://h/")).withPollInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrayConfig.of(URI.create("http://h/")).withRequestTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
