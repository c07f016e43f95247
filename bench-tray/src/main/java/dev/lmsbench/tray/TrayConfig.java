package dev.lmsbench.tray;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tray needs: the dashboard's URL, the bearer token when the dashboard requires one (a dashboard bound beyond
 * loopback), how often it polls {@code /api/status} (default 3 s) and the timeout of each request (default 2 s).
 *
 * <p>{@code TrayConfig.of(URI.create("http://127.0.0.1:8765/")).withBearerToken("s3cret")}
 *
 * @param dashboard      the dashboard's base URL; the API is resolved against it ({@code <dashboard>/api/status})
 * @param bearerToken    sent as {@code Authorization: Bearer <token>} on every request when present
 * @param pollInterval   the delay between two polls; positive
 * @param requestTimeout connect and response timeout of each request; positive
 */
public record TrayConfig(URI dashboard, Optional<String> bearerToken, Duration pollInterval,
                         Duration requestTimeout) {

    /** The seed's polling period. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(3);
    /** Short, so an unreachable dashboard turns the icon red within one poll. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    /** Validates; a dashboard URL must be absolute http or https. */
    public TrayConfig {
        Objects.requireNonNull(dashboard, "dashboard");
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        String scheme = dashboard.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || dashboard.getHost() == null) {
            throw new IllegalArgumentException("dashboard URL must be http://host:port/ or https://...: " + dashboard);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
        }
        bearerToken = bearerToken.filter(t -> !t.isBlank());
    }

    /** The defaults for a dashboard: no token, 3 s polling, 2 s timeouts. */
    public static TrayConfig of(URI dashboard) {
        return new TrayConfig(dashboard, Optional.empty(), DEFAULT_POLL_INTERVAL, DEFAULT_REQUEST_TIMEOUT);
    }

    /** The same with a bearer token ({@code null} or blank: none). */
    public TrayConfig withBearerToken(String token) {
        return new TrayConfig(dashboard, Optional.ofNullable(token), pollInterval, requestTimeout);
    }

    /** The same with another polling period. */
    public TrayConfig withPollInterval(Duration interval) {
        return new TrayConfig(dashboard, bearerToken, interval, requestTimeout);
    }

    /** The same with another request timeout. */
    public TrayConfig withRequestTimeout(Duration timeout) {
        return new TrayConfig(dashboard, bearerToken, pollInterval, timeout);
    }
}
