package dev.lmsbench.client;

import dev.lmsbench.core.model.LoadConfig;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The options of one {@code lms load} ({@link LmsCli#load}): the load settings LM Studio's REST load cannot set, and
 * which LM Studio server to reach. The flags are those of lmstudio-ai/lms {@code src/subcommands/load.ts} and the CLI
 * documentation ({@code 3_cli/0_local-models/load.md}): {@code -c/--context-length <n>}, {@code --gpu <off|max|0..1>},
 * {@code --ttl <seconds>}, {@code --identifier <id>}, and the client options {@code --host <host>} and
 * {@code --port <port>} of lms {@code src/createClient.ts}; {@code --parallel <n>} (the instance's maximum concurrent
 * predictions) exists in newer lms versions only (lmstudio-js PR #520, lms PR #442) and is passed only when set.
 *
 * <p>Unset values are not passed, so lms and LM Studio keep their defaults: {@code 0} for the context length and the
 * port, {@code null} for the others, {@code null} or {@code ""} for the identifier and the host. Leave the host unset
 * for a server on this machine: lms treats any {@code --host} as a remote server and connects as an unprivileged
 * client ({@code lms-cli-remote-...}), while without it it connects to {@code 127.0.0.1} as the privileged local
 * client; {@code --port} alone selects the local server on that port.
 *
 * @param contextLength {@code --context-length}, {@code 0} = the model's default
 * @param gpuOffload    {@code --gpu}: {@code 0} is passed as {@code off}, {@code 1} as {@code max}, anything between as
 *                      the ratio; {@code null} lets LM Studio decide
 * @param ttlSeconds    {@code --ttl}, {@code null} = no idle unload
 * @param parallel      {@code --parallel}, {@code null} = LM Studio's default
 * @param identifier    {@code --identifier}, {@code ""} = LM Studio names the instance (the model key, then
 *                      {@code key:2}, ...)
 * @param host          {@code --host}, {@code ""} = lms's default (the local server, privileged client)
 * @param port          {@code --port}, {@code 0} = lms's default (the port the local server last used)
 */
public record LmsLoad(int contextLength, Double gpuOffload, Integer ttlSeconds, Integer parallel, String identifier,
                      String host, int port) {

    /** Nothing set: {@code lms load <key> --yes}. */
    public static final LmsLoad DEFAULT = new LmsLoad(0, null, null, null, "", "", 0);

    /** Validates ranges; values that lms would read as another option (a leading {@code -}) are refused. */
    public LmsLoad {
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be >= 0, got " + contextLength);
        }
        if (gpuOffload != null && !(gpuOffload >= 0 && gpuOffload <= 1)) {
            throw new IllegalArgumentException("GPU offload must be between 0 (off) and 1 (max), got " + gpuOffload);
        }
        if (ttlSeconds != null && ttlSeconds < 1) {
            throw new IllegalArgumentException("ttl must be >= 1 s, got " + ttlSeconds);
        }
        if (parallel != null && parallel < 1) {
            throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
        }
        identifier = argument(Objects.requireNonNullElse(identifier, ""), "identifier");
        host = argument(Objects.requireNonNullElse(host, ""), "host");
        if (host.contains(":") || host.contains("/")) {
            // lms refuses a host with a protocol or a port (createClient.ts), and so an IPv6 address
            throw new IllegalArgumentException("lms takes a host name or IPv4 address without port or protocol, got "
                    + host);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
    }

    /**
     * The settings of a load configuration that {@code lms load} has flags for: context length, GPU offload, TTL and
     * parallel slots. Everything else in it has no flag and is not passed.
     *
     * @param config the configuration
     * @return the options, without identifier or server
     */
    public static LmsLoad of(LoadConfig config) {
        Objects.requireNonNull(config, "config");
        return new LmsLoad(config.contextLength(), config.gpuOffload(), config.ttlSeconds(), config.parallel(), "",
                "", 0);
    }

    /**
     * A copy reaching another server.
     *
     * @param newHost the host, {@code ""} for the local server
     * @param newPort the port, {@code 0} for lms's default
     * @return the copy
     */
    public LmsLoad withServer(String newHost, int newPort) {
        return new LmsLoad(contextLength, gpuOffload, ttlSeconds, parallel, identifier, newHost, newPort);
    }

    /** A copy with an instance identifier. @param value the identifier, {@code ""} for none @return the copy */
    public LmsLoad withIdentifier(String value) {
        return new LmsLoad(contextLength, gpuOffload, ttlSeconds, parallel, value, host, port);
    }

    /**
     * The arguments after the executable, always in this order:
     * {@code load <key> --yes [--context-length N] [--gpu off|max|R] [--ttl S] [--parallel N] [--identifier ID]
     * [--host H] [--port P]}.
     */
    List<String> arguments(String modelKey) {
        List<String> args = new ArrayList<>(List.of("load", modelKey, "--yes"));
        if (contextLength > 0) {
            args.addAll(List.of("--context-length", Integer.toString(contextLength)));
        }
        if (gpuOffload != null) {
            args.addAll(List.of("--gpu", gpu(gpuOffload)));
        }
        if (ttlSeconds != null) {
            args.addAll(List.of("--ttl", Integer.toString(ttlSeconds)));
        }
        if (parallel != null) {
            args.addAll(List.of("--parallel", Integer.toString(parallel)));
        }
        if (!identifier.isEmpty()) {
            args.addAll(List.of("--identifier", identifier));
        }
        args.addAll(serverArguments(host, port));
        return args;
    }

    /** {@code [--host H] [--port P]}: the client options every lms command that talks to a server takes. */
    static List<String> serverArguments(String host, int port) {
        List<String> args = new ArrayList<>(4);
        if (host != null && !host.isEmpty()) {
            args.addAll(List.of("--host", host));
        }
        if (port > 0) {
            args.addAll(List.of("--port", Integer.toString(port)));
        }
        return args;
    }

    /** {@code --gpu}'s value: {@code off}, {@code max}, or the ratio without trailing zeros ({@code 0.5}). */
    static String gpu(double ratio) {
        if (ratio == 0) {
            return "off";
        }
        if (ratio == 1) {
            return "max";
        }
        return BigDecimal.valueOf(ratio).stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
    }

    private static String argument(String value, String name) {
        String stripped = value.strip();
        if (stripped.startsWith("-")) {
            throw new IllegalArgumentException(name + " must not start with '-': " + stripped);
        }
        if (!dev.lmsbench.core.text.SafeText.isClean(stripped) || stripped.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(name + " must be one word without control characters");
        }
        return stripped;
    }
}
