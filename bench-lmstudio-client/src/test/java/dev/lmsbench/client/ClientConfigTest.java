package dev.lmsbench.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientConfigTest {

    @Test
    void stripsTrailingSlashesAndDefaultsTokenAndTimeout() {
        ClientConfig config = new ClientConfig("http://localhost:1234/v1//", null, null);
        assertThat(config.baseUrl()).isEqualTo("http://localhost:1234/v1");
        assertThat(config.apiToken()).isEmpty();
        assertThat(config.hasApiToken()).isFalse();
        assertThat(config.connectTimeout()).isEqualTo(ClientConfig.DEFAULT_CONNECT_TIMEOUT);
    }

    @Test
    void copiesWithAnotherTokenOrTimeout() {
        ClientConfig config = ClientConfig.of("http://h").withApiToken(" secret ").withConnectTimeout(Duration.ofSeconds(2));
        assertThat(config.apiToken()).isEqualTo("secret");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void neverShowsTheTokenInToString() {
        assertThat(ClientConfig.of("http://h").withApiToken("sk-secret").toString())
                .doesNotContain("sk-secret").contains("<redacted>");
    }

    @Test
    void rejectsUrlsThatAreNotAbsoluteHttpWithoutQuery() {
        for (String url : new String[] {"localhost:1234", "ftp://h/v1", "http://", "/v1", "http://h/v1?x=1",
                "http://h/v1#f", "http://h h/"}) {
            assertThatThrownBy(() -> ClientConfig.of(url)).as(url).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rejectsATokenWithControlCharactersWithoutShowingIt() {
        assertThatThrownBy(() -> ClientConfig.of("http://h").withApiToken("sk-a\nb"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("sk-a");
    }

    @Test
    void keepsTheThreeArgumentConstructorWithTheDefaultRequestTimeout() {
        ClientConfig config = new ClientConfig("http://h", "", Duration.ofSeconds(10));

        assertThat(config.requestTimeout()).isEqualTo(ClientConfig.DEFAULT_REQUEST_TIMEOUT)
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(ClientConfig.of("http://h").requestTimeout()).isEqualTo(ClientConfig.DEFAULT_REQUEST_TIMEOUT);
    }

    @Test
    void copiesWithAnotherRequestTimeoutKeepingEverythingElse() {
        ClientConfig config = ClientConfig.of("http://h").withApiToken("t").withConnectTimeout(Duration.ofSeconds(3))
                .withRequestTimeout(Duration.ofSeconds(4));

        assertThat(config).isEqualTo(new ClientConfig("http://h", "t", Duration.ofSeconds(3), Duration.ofSeconds(4)));
        assertThat(config.withApiToken("u").requestTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(config.withConnectTimeout(Duration.ofSeconds(1)).requestTimeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void rejectsANonPositiveRequestTimeout() {
        assertThatThrownBy(() -> ClientConfig.of("http://h").withRequestTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
    }

    @Test
    void rejectsANonPositiveConnectTimeout() {
        assertThatThrownBy(() -> ClientConfig.of("http://h").withConnectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
