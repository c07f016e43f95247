package dev.lmsbench.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns the configured base URL into endpoint URLs, following the OpenAI SDK convention.
 *
 * <ul>
 *   <li>A base URL with a path ({@code http://host:8000/v1}, {@code http://host/proxy/v1}) is used as given:
 *       {@code /chat/completions} and {@code /models} are appended to it.</li>
 *   <li>A base URL without a path ({@code http://localhost:1234}) gets {@code /v1}. When that answers 404 the caller
 *       tries the same endpoint without {@code /v1} once; the prefix that first answers with success is remembered
 *       for every later call.</li>
 * </ul>
 *
 * <p>Thread-safe: the remembered prefix is published atomically. Two calls racing before it is known both probe,
 * which costs one extra request and changes no result.
 */
final class Endpoints {

    /**
     * One URL to try.
     *
     * @param prefix the path prefix in front of the endpoint ({@code "/v1"}, {@code ""}, or the configured path)
     * @param uri    the full URL
     */
    record Target(String prefix, URI uri) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);
    private static final String V1 = "/v1";

    private final String origin;
    private final String fixedPath;
    private final AtomicReference<String> knownPrefix = new AtomicReference<>();

    /** @param baseUrl a base URL validated by {@link ClientConfig} (no trailing slash, no query) */
    Endpoints(String baseUrl) {
        URI uri = URI.create(baseUrl);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.origin = uri.getScheme() + "://" + uri.getRawAuthority();
        this.fixedPath = path.isEmpty() ? null : path;
    }

    /**
     * The URLs to try for an endpoint, in order: one, or two while the prefix of a path-less base URL is unknown.
     *
     * @param endpoint the endpoint path, e.g. {@code /chat/completions}
     */
    List<Target> targets(String endpoint) {
        if (fixedPath != null) {
            return List.of(target(fixedPath, endpoint));
        }
        String known = knownPrefix.get();
        if (known != null) {
            return List.of(target(known, endpoint));
        }
        return List.of(target(V1, endpoint), target("", endpoint));
    }

    /** Records that a target answered with success, so later calls use its prefix directly. */
    void succeeded(Target target) {
        if (fixedPath == null && knownPrefix.compareAndSet(null, target.prefix())) {
            LOG.debug("{} answers under prefix '{}'; using it for all endpoints", origin, target.prefix());
        }
    }

    /**
     * The URL of one of LM Studio's native endpoints ({@code /api/v0/...}, {@code /api/v1/...}). They live beside the
     * OpenAI-compatible {@code /v1}, not under it: a configured path ending in {@code /v1} is dropped, any other
     * configured path (a reverse proxy's prefix) is kept.
     *
     * @param path the native path, starting with {@code /api/}
     */
    URI nativeUri(String path) {
        String base = fixedPath == null ? "" : fixedPath;
        if (base.endsWith(V1)) {
            base = base.substring(0, base.length() - V1.length());
        }
        return URI.create(origin + base + path);
    }

    /**
     * The base URL as a server identity: lower-case scheme and host, explicit port, no user info, no trailing slash,
     * and no {@code /v1}, {@code /api/v0} or {@code /api/v1} suffix, so every spelling of one server's URL compares
     * equal ({@code http://LocalHost:1234/v1/} and {@code http://localhost:1234} are both
     * {@code http://localhost:1234}).
     *
     * @param baseUrl a base URL validated by {@link ClientConfig}
     * @return the normalized URL
     */
    static String normalizedBaseUrl(String baseUrl) {
        URI uri = URI.create(baseUrl);
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        String host = uri.getHost().toLowerCase(java.util.Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        path = path.replaceAll("/+$", "");
        for (String suffix : List.of("/api/v0", "/api/v1", V1)) {
            if (path.endsWith(suffix)) {
                path = path.substring(0, path.length() - suffix.length());
                break;
            }
        }
        return scheme + "://" + host + ":" + port + path.replaceAll("/+$", "");
    }

    private Target target(String prefix, String endpoint) {
        return new Target(prefix, URI.create(origin + prefix + endpoint));
    }
}
