package dev.lmsbench.cli;

import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmsCli;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.config.ConfigKeys;
import dev.lmsbench.core.config.ResolvedConfig;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.ModelCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds what {@code lmsbench run} benchmarks: the server (the first configured port that answers, else LM Studio's
 * server started with {@code lms}) and the models it offers; {@link BackendChoice} picks the client that speaks its
 * API.
 */
final class ServerDiscovery {

    /** Logs under {@link RunCommand}'s name, as the run log always has. */
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    /**
     * The longest a discovery call (the LM Studio native-API probe, the model list, what the server says of itself)
     * waits, whatever {@code --request-timeout} says: a server that does not answer these in seconds will not be
     * benchmarked usefully, and a user should not wait minutes to learn so. See docs/limits.md.
     */
    static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(10);
    /** The longest a TCP connect (and TLS handshake) waits. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The probe of each configured port without {@code --base-url}: a local server answers at once. */
    static final Duration PORT_PROBE_TIMEOUT = Duration.ofSeconds(2);

    private ServerDiscovery() {
    }

    /**
     * The client configuration of a run: discovery calls bounded by the request timeout and
     * {@link #DISCOVERY_TIMEOUT}, connects (and TLS handshakes) by half the request timeout and
     * {@link #CONNECT_TIMEOUT}, so a handshake that gets no answer (https to a plain-HTTP port) fails as such, with
     * its hint, before the call's own deadline; chat completions use the request timeout itself.
     */
    static ClientConfig clientConfig(String baseUrl, String apiToken, Duration requestTimeout) {
        Duration half = requestTimeout.dividedBy(2);
        Duration connect = half.compareTo(CONNECT_TIMEOUT) < 0 ? half : CONNECT_TIMEOUT;
        Duration discovery = requestTimeout.compareTo(DISCOVERY_TIMEOUT) < 0 ? requestTimeout : DISCOVERY_TIMEOUT;
        return new ClientConfig(baseUrl, apiToken, connect).withRequestTimeout(discovery);
    }

    /**
     * Checks a {@code --base-url} (or the URL formed from {@code lmstudio.host} and a port): an absolute
     * {@code http://} or {@code https://} URL with a host, a port from 1 to 65535 when given, and neither query nor
     * fragment. Anything else is a usage error naming what is wrong.
     *
     * @param url the URL as typed
     * @return the URL, stripped
     */
    static String checkBaseUrl(String url) {
        String given = url.strip();
        String shown = "--base-url '" + Main.oneLine(given) + "'";
        if (given.isEmpty()) {
            throw CliException.usage("--base-url must not be empty (e.g. http://localhost:1234)");
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(given);
        } catch (java.net.URISyntaxException e) {
            throw CliException.usage(shown + " is not a valid URL: " + Main.oneLine(e.getReason()));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            String hint = given.contains("://") ? "" : " (did you mean http://" + Main.oneLine(given) + "?)";
            throw CliException.usage(shown + " must start with http:// or https://" + hint);
        }
        if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            throw CliException.usage(shown + " names no host (e.g. http://localhost:1234)");
        }
        if (uri.getHost() == null) {
            // an authority the URI class cannot split into host and port: a bad port or bad characters
            String authority = uri.getRawAuthority();
            int colon = authority.lastIndexOf(':');
            if (colon >= 0 && !authority.endsWith("]")) {
                throw CliException.usage(shown + ": the port must be a number from 1 to 65535, got '"
                        + Main.oneLine(authority.substring(colon + 1)) + "'");
            }
            throw CliException.usage(shown + ": '" + Main.oneLine(authority) + "' is not a valid host");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw CliException.usage(shown + ": the port must be from 1 to 65535, got " + uri.getPort());
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw CliException.usage(shown + " must not have a query (?) or fragment (#)");
        }
        if (uri.getRawUserInfo() != null) {
            throw CliException.usage(shown + " must not carry a user name or password; pass a token with "
                    + "--api-token");
        }
        return given;
    }

    /**
     * Without {@code --base-url}: the first of {@code lmstudio.ports} on {@code lmstudio.host} where a server answers
     * (LM Studio uses 1234, or 1235 when 1234 is taken); the first port when none answers, so the error names it.
     */
    static Optional<String> firstAnsweringPort(ResolvedConfig config) {
        String host = config.get(ConfigKeys.HOST);
        try {
            checkBaseUrl("http://" + host + ":" + config.get(ConfigKeys.PORTS).get(0));
        } catch (CliException e) {
            throw CliException.usage("lmstudio.host '" + Main.oneLine(host) + "' does not form a valid URL: "
                    + e.getMessage().replaceFirst("^--base-url '[^']*'\\s*:?\\s*", ""));
        }
        for (int port : config.get(ConfigKeys.PORTS)) {
            String url = "http://" + host + ":" + port;
            if (answers(url, config.get(ConfigKeys.API_TOKEN))) {
                return Optional.of(url);
            }
            LOG.info("nothing answers at {}", url);
        }
        return Optional.empty();
    }

    private static boolean answers(String url, String token) {
        try (OpenAiClient probe = OpenAiClient.create(new ClientConfig(url, token, PORT_PROBE_TIMEOUT)
                .withRequestTimeout(PORT_PROBE_TIMEOUT))) {
            probe.listModels();
            return true;
        } catch (BackendException e) {
            return e.kind() != BackendException.Kind.CONNECTION; // a server answers there, even if not with a list
        }
    }

    /**
     * No server answers on the configured ports: start LM Studio's with {@code lms server start} when {@code lms}
     * exists and wait until it answers; else return the first port's URL so the error names it.
     */
    static String startWithLms(ResolvedConfig config, LmsCli lms, PrintWriter err) {
        int port = config.get(ConfigKeys.PORTS).get(0);
        String url = "http://" + config.get(ConfigKeys.HOST) + ":" + port;
        if (lms == null) {
            return url;
        }
        err.println("No server answers on ports " + config.get(ConfigKeys.PORTS) + "; starting LM Studio's server: "
                + lms.executable() + " server start --port " + port);
        err.flush();
        try {
            lms.startServer(port, Duration.ofSeconds(60));
        } catch (BackendException e) {
            throw CliException.failure("cannot start LM Studio's server: " + Main.oneLine(e.getMessage())
                    + ". Start it in LM Studio, or try --sim.", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (answers(url, config.get(ConfigKeys.API_TOKEN))) {
                LOG.info("LM Studio's server answers at {}", url);
                return url;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw CliException.failure("started LM Studio's server with lms, but nothing answers at " + url
                + " within 60 s", null);
    }

    /**
     * The models to benchmark before filtering: those named with {@code --model}; else those {@code lms ls} lists
     * when {@code lmsCatalog} is set and it works; else those the server lists.
     */
    static List<ModelInfo> discover(ModelCatalog client, String baseUrl, List<String> named, LmsCli lmsCatalog) {
        if (named != null && !named.isEmpty()) {
            List<ModelInfo> models = new ArrayList<>();
            for (String id : named) {
                if (id.isBlank()) {
                    throw CliException.usage("--model must not be empty");
                }
                models.add(ModelInfo.named(id.strip()));
            }
            return models;
        }
        if (lmsCatalog != null) {
            try {
                List<ModelInfo> models = lmsCatalog.listModels();
                LOG.info("discovered {} models with {} ls --json", models.size(), lmsCatalog.executable());
                return models;
            } catch (BackendException e) {
                LOG.warn("{} ls --json failed ({}); asking the server for its models instead",
                        lmsCatalog.executable(), Main.oneLine(e.getMessage()));
            }
        }
        try {
            return client.listModels();
        } catch (BackendException e) {
            String hint;
            if (e.kind() == BackendException.Kind.CONNECTION || e.kind() == BackendException.Kind.TIMEOUT) {
                hint = " Is the server running? Start LM Studio's server, set --base-url, or try --sim.";
            } else if (e.httpStatus() == 401 || e.httpStatus() == 403) {
                hint = " The server wants a token: pass --api-token.";
            } else {
                hint = " If it has no model list, name models with --model; or try --sim.";
            }
            throw CliException.failure("cannot list models at " + baseUrl + ": " + Main.oneLine(e.getMessage())
                    + "." + hint, e);
        }
    }
}
