package dev.lmsbench.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach an OpenAI-compatible server.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.of("http://localhost:1234").withApiToken(System.getenv("LM_API_TOKEN"));
 * }</pre>
 *
 * <p>Base URL rules (the OpenAI SDK convention): a URL with a path, such as {@code http://host:8000/v1}, is used as
 * given; a URL without one, such as {@code http://localhost:1234}, gets {@code /v1}, falling back to no prefix when
 * the server answers 404 there. Trailing slashes are removed.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the token.
 *
 * @param baseUrl        {@code http} or {@code https} URL of the server, with or without a path, no query
 * @param apiToken       bearer token sent as {@code Authorization: Bearer ...}; {@code ""} (or {@code null}) for none
 * @param connectTimeout the longest a TCP connect, and then the TLS handshake, may take; {@code null} for
 *                       {@link #DEFAULT_CONNECT_TIMEOUT}
 * @param requestTimeout the deadline of each call that is neither a chat completion (those have their request's
 *                       timeout) nor a model load or download wait (long on purpose): model lists, LM Studio's native
 *                       API probe, unload, download start and status, the server identity probe; {@code null} for
 *                       {@link #DEFAULT_REQUEST_TIMEOUT}
 */
public record ClientConfig(String baseUrl, String apiToken, Duration connectTimeout, Duration requestTimeout) {

    /** The connect timeout used when none is given. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The deadline of non-chat calls when none is given. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Validates and normalizes.
     *
     * @throws IllegalArgumentException when the base URL is not an absolute http(s) URL without query or fragment, the
     *                                  token contains control characters, or a timeout is not positive
     */
    public ClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        baseUrl = stripTrailingSlashes(baseUrl.strip());
        URI uri;
        try {
            uri = new URI(baseUrl);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("invalid base URL '" + baseUrl + "': " + e.getReason(), e);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("base URL must start with http:// or https://: '" + baseUrl + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("base URL has no host: '" + baseUrl + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("base URL must not have a query or fragment: '" + baseUrl + "'");
        }
        apiToken = apiToken == null ? "" : apiToken.strip();
        if (apiToken.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            // Never echo the token: the message may end up in a log.
            throw new IllegalArgumentException("apiToken must not contain control characters");
        }
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
        }
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
    }

    /**
     * A configuration with the default request timeout.
     *
     * @param baseUrl        the server's base URL
     * @param apiToken       the bearer token, {@code ""} or {@code null} for none
     * @param connectTimeout the connect timeout, {@code null} for the default
     */
    public ClientConfig(String baseUrl, String apiToken, Duration connectTimeout) {
        this(baseUrl, apiToken, connectTimeout, null);
    }

    /**
     * A configuration with no token and the default connect timeout.
     *
     * @param baseUrl the server's base URL
     * @return the configuration
     */
    public static ClientConfig of(String baseUrl) {
        return new ClientConfig(baseUrl, "", DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * A copy with another token.
     *
     * @param token the bearer token, {@code ""} or {@code null} for none
     * @return the new configuration
     */
    public ClientConfig withApiToken(String token) {
        return new ClientConfig(baseUrl, token, connectTimeout, requestTimeout);
    }

    /**
     * A copy with another connect timeout.
     *
     * @param timeout the connect timeout, positive
     * @return the new configuration
     */
    public ClientConfig withConnectTimeout(Duration timeout) {
        return new ClientConfig(baseUrl, apiToken, timeout, requestTimeout);
    }

    /**
     * A copy with another deadline for non-chat calls (the CLI's {@code --request-timeout}).
     *
     * @param timeout the request timeout, positive
     * @return the new configuration
     */
    public ClientConfig withRequestTimeout(Duration timeout) {
        return new ClientConfig(baseUrl, apiToken, connectTimeout, timeout);
    }

    /** {@return whether a bearer token is set} */
    public boolean hasApiToken() {
        return !apiToken.isEmpty();
    }

    /** Shows the base URL and timeout; the token is redacted so configurations can be logged. */
    @Override
    public String toString() {
        return "ClientConfig[baseUrl=" + baseUrl + ", apiToken=" + (hasApiToken() ? "<redacted>" : "<none>")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
    }

    private static String stripTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
    }
}
