package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Supplies option defaults from the project's {@code config/defaults.json} (flags given on the command line win).
 * The file is found at {@code $LMSBENCH_HOME/config/defaults.json} (the launcher sets {@code lmsbench.home}), else
 * {@code ./config/defaults.json}; without one the built-in defaults apply. Every key is validated when the file is
 * read: a bad value is a usage error naming the file and the key.
 */
final class ProjectDefaults implements CommandLine.IDefaultValueProvider {

    private final Map<String, String> byOption;
    private final Path source;

    private ProjectDefaults(Map<String, String> byOption, Path source) {
        this.byOption = byOption;
        this.source = source;
    }

    /** The defaults file in effect, or {@code null}. */
    Path source() {
        return source;
    }

    /** No defaults file: built-in defaults only. */
    static ProjectDefaults none() {
        return new ProjectDefaults(Map.of(), null);
    }

    static ProjectDefaults load() {
        Path file = locate();
        return file == null ? new ProjectDefaults(Map.of(), null) : read(file);
    }

    static Path locate() {
        String home = System.getProperty("lmsbench.home");
        if (home != null && !home.isBlank()) {
            Path p = Path.of(home, "config", "defaults.json");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        Path p = Path.of("config", "defaults.json");
        return Files.isRegularFile(p) ? p.toAbsolutePath() : null;
    }

    static ProjectDefaults read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw CliException.usage(file + ": not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw CliException.usage(file + ": expected a JSON object at the top level");
        }
        Map<String, String> m = new HashMap<>();
        Reader r = new Reader(file, root);
        r.intAtLeast("num_runs", 1).ifPresent(v -> m.put("--runs", v));
        r.intAtLeast("warmup_runs", 0).ifPresent(v -> m.put("--warmup", v));
        r.intAtLeast("context_length", 0).ifPresent(v -> m.put("--context", v));
        r.text("prompt").ifPresent(v -> m.put("--prompt", v));
        r.intAtLeast("request_timeout_s", 1).ifPresent(v -> m.put("--request-timeout", v));
        r.intAtLeast("inference.max_tokens", 1).ifPresent(v -> m.put("--max-tokens", v));
        r.number("inference.temperature", 0, 2).ifPresent(v -> m.put("--temperature", v));
        r.text("lmstudio.api_token").ifPresent(v -> m.put("--api-token", v));
        String host = r.text("lmstudio.host").orElse("localhost");
        r.firstPort("lmstudio.ports").ifPresent(port -> m.put("--base-url", "http://" + host + ":" + port));
        return new ProjectDefaults(Map.copyOf(m), file);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (argSpec instanceof CommandLine.Model.OptionSpec option) {
            return byOption.get(option.longestName());
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Typed access to dotted keys; nulls mean "not set" (skipped). */
    private record Reader(Path file, JsonNode root) {

        private JsonNode node(String dotted) {
            JsonNode n = root;
            for (String part : dotted.split("\\.")) {
                if (n == null || !n.isObject()) {
                    return null;
                }
                n = n.get(part);
            }
            return n == null || n.isNull() ? null : n;
        }

        private CliException bad(String key, String expected, JsonNode n) {
            return CliException.usage(file + ": key '" + key + "': expected " + expected + ", got " + n);
        }

        java.util.Optional<String> intAtLeast(String key, int min) {
            JsonNode n = node(key);
            if (n == null) {
                return java.util.Optional.empty();
            }
            if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > Integer.MAX_VALUE) {
                throw bad(key, "an integer >= " + min, n);
            }
            return java.util.Optional.of(Integer.toString(n.asInt()));
        }

        java.util.Optional<String> number(String key, double min, double max) {
            JsonNode n = node(key);
            if (n == null) {
                return java.util.Optional.empty();
            }
            if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
                throw bad(key, "a number between " + min + " and " + max, n);
            }
            return java.util.Optional.of(Double.toString(n.asDouble()));
        }

        java.util.Optional<String> text(String key) {
            JsonNode n = node(key);
            if (n == null) {
                return java.util.Optional.empty();
            }
            if (!n.isTextual()) {
                throw bad(key, "a string", n);
            }
            return n.asText().isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(n.asText());
        }

        java.util.Optional<String> firstPort(String key) {
            JsonNode n = node(key);
            if (n == null) {
                return java.util.Optional.empty();
            }
            if (!n.isArray() || n.isEmpty()) {
                throw bad(key, "a non-empty list of ports", n);
            }
            for (JsonNode p : n) {
                if (!p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 65535) {
                    throw bad(key, "ports between 1 and 65535", n);
                }
            }
            return java.util.Optional.of(Integer.toString(n.get(0).asInt()));
        }
    }
}
