package dev.lmsbench.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** The parts of {@link ClientCore} that need no server: {@code Retry-After} parsing and body excerpts. */
class ClientCoreTest {

    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void readsRetryAfterInDeltaSeconds() {
        assertThat(ClientCore.retryAfter(headers("7"), NOW)).contains(Duration.ofSeconds(7));
        assertThat(ClientCore.retryAfter(headers("0"), NOW)).contains(Duration.ZERO);
    }

    @Test
    void readsRetryAfterAsAnHttpDateRelativeToNow() {
        String inThirtySeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(30).atOffset(
                ZoneOffset.UTC));

        assertThat(ClientCore.retryAfter(headers(inThirtySeconds), NOW)).contains(Duration.ofSeconds(30));
        assertThat(ClientCore.retryAfter(headers("Tue, 01 Dec 2026 07:00:00 GMT"), NOW)).as("in the past")
                .contains(Duration.ZERO);
    }

    @Test
    void capsRetryAfterAtSixtySeconds() {
        assertThat(ClientCore.retryAfter(headers("86400"), NOW)).contains(Duration.ofSeconds(60));
        assertThat(ClientCore.retryAfter(headers("99999999999999999999"), NOW)).contains(Duration.ofSeconds(60));
        assertThat(ClientCore.retryAfter(headers("Wed, 01 Dec 2027 08:00:00 GMT"), NOW))
                .contains(ClientCore.MAX_RETRY_AFTER);
    }

    @Test
    void ignoresAMissingOrInvalidRetryAfter() {
        assertThat(ClientCore.retryAfter(new HttpHeaders.Builder().build(), NOW)).isEmpty();
        assertThat(ClientCore.retryAfter(headers("soon"), NOW)).isEmpty();
        assertThat(ClientCore.retryAfter(headers("-5"), NOW)).isEmpty();
        assertThat(ClientCore.retryAfter(headers("1.5"), NOW)).isEmpty();
    }

    @Test
    void quotesAShortSanitizedExcerptOfTextAndOnlyCountsBinaryData() {
        assertThat(ClientCore.excerptOf("oops\u001b[2J\nnot json".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(": oops not json");
        assertThat(ClientCore.excerptOf("x".repeat(500).getBytes(StandardCharsets.UTF_8)))
                .hasSize(2 + ClientCore.MAX_EXCERPT_CHARS).endsWith("...");
        assertThat(ClientCore.excerptOf(new byte[] {(byte) 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}))
                .isEqualTo(" (binary data)");
        assertThat(ClientCore.excerptOf(new byte[0])).isEqualTo(" (empty body)");
    }

    private static HttpHeaders headers(String retryAfter) {
        return new HttpHeaders.Builder().add("Retry-After", retryAfter).build();
    }
}
