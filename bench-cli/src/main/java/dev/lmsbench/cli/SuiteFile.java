package dev.lmsbench.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A suite file (seed 002): serving baselines x workloads x a list of rates (or concurrencies), in YAML. Every key is
 * documented in {@code config/suites/TEMPLATE-suite.yaml}; a malformed file is a usage error naming the file, the line
 * and the key ({@code suite.yaml:12: baselines[1].kind: ...}). Bounded: {@value #MAX_FILE_BYTES} bytes, nesting
 * {@value #MAX_DEPTH} levels, {@value #MAX_ALIASES} aliases, {@value #MAX_ITEMS} baselines, workloads or values each.
 */
final class SuiteFile {

    static final int MAX_FILE_BYTES = 1024 * 1024;
    static final int MAX_DEPTH = 32;
    static final int MAX_ALIASES = 20;
    static final int MAX_ITEMS = 100;
    /** Names become file names: {@code {baseline}_{workload}_{qps}_{timestamp}.json}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,63}");

    /** One serving baseline. */
    record Baseline(String name, String kind, String url, String model, String apiToken, JsonNode sim,
                    boolean polite) {
    }

    /** One workload. */
    record WorkloadEntry(String name, String type, Map<String, String> options) {
    }

    /**
     * A suite.
     *
     * @param name      the suite's name (the folder of its results)
     * @param baselines the servers compared
     * @param workloads what each is sent
     * @param qps       rates (requests per second), or empty with {@code concurrency}
     * @param concurrency closed-loop stream counts, or empty with {@code qps}
     * @param load      the other load flags, as {@code lmsbench load} takes them (flag -&gt; value)
     * @param file      where it was read from
     * @param lines     the line of each key path ({@code baselines[1].kind}), for errors found later
     */
    record Suite(String name, List<Baseline> baselines, List<WorkloadEntry> workloads, List<Double> qps,
                 List<Integer> concurrency, List<String> load, Path file, Map<String, Integer> lines) {
    }

    private static final Set<String> TOP = Set.of("name", "baselines", "workloads", "qps", "concurrency", "pattern",
            "burstiness", "num_requests", "duration", "warmup_time", "cooldown_time", "seed", "percentiles",
            "goodput", "max_concurrency", "n_parallel", "context", "request_timeout", "tags");
    private static final Set<String> BASELINE = Set.of("name", "kind", "url", "model", "api_token", "sim",
            "polite");
    private static final Set<String> WORKLOAD = Set.of("name", "type", "options");
    static final List<String> KINDS = List.of("sim", "lmstudio", "openai", "ollama");

    private final Path file;
    private final Map<String, Integer> lines = new HashMap<>();

    private SuiteFile(Path file) {
        this.file = file;
    }

    /**
     * Reads and checks a suite file.
     *
     * @param file the YAML file
     * @return the suite
     * @throws CliException a usage error naming the file, line and key
     */
    static Suite read(Path file) {
        SuiteFile reader = new SuiteFile(file);
        JsonNode root = reader.parse();
        return reader.suite(root);
    }

    private CliException bad(String path, String message) {
        Integer line = lines.get(path);
        return CliException.usage(file + (line != null ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path
                + ": ") + message);
    }

    private JsonNode parse() {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw CliException.usage("cannot read suite file " + file + ": " + IoErrors.reason(e));
        }
        if (size > MAX_FILE_BYTES) {
            throw CliException.usage(file + ": a suite file may hold at most " + MAX_FILE_BYTES + " bytes, this one has "
                    + size);
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_FILE_BYTES);
        options.setAllowDuplicateKeys(false);
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_FILE_BYTES).build())
                .build();
        try (JsonParser p = factory.createParser(Files.readAllBytes(file))) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw bad("", "the file is empty");
            }
            JsonNode root = value(p, "", 0);
            if (!root.isObject()) {
                throw bad("", "a suite is a mapping of keys (name, baselines, workloads, qps, ...)");
            }
            return root;
        } catch (CliException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? ":" + j.getLocation().getLineNr() : "";
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage() : e.getMessage();
            throw CliException.usage(file + line + ": not valid YAML: " + Main.oneLine(String.valueOf(message)));
        }
    }

    /** The value at the parser's current token, recording each key's line. */
    private JsonNode value(JsonParser p, String path, int depth) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonToken t = p.currentToken();
        lines.putIfAbsent(path, line(p.currentTokenLocation()));
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = nodes.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String child = path.isEmpty() ? key : path + "." + key;
                    lines.put(child, line(p.currentTokenLocation()));
                    p.nextToken();
                    o.set(key, value(p, child, depth + 1));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = nodes.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(value(p, path + "[" + i++ + "]", depth + 1));
                }
                return a;
            }
            case VALUE_STRING -> {
                return nodes.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return nodes.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return nodes.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return nodes.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return nodes.nullNode();
            }
            default -> throw bad(path, "unexpected " + t);
        }
    }

    private static int line(JsonLocation location) {
        return location == null ? -1 : location.getLineNr();
    }

    private Suite suite(JsonNode root) {
        keys(root, "", TOP);
        String name = root.has("name") ? name(root.get("name"), "name")
                : Main.oneLine(file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
        if (!NAME.matcher(name).matches()) {
            throw bad("name", "a suite name is letters, digits, '.' and '-' (it names a folder), got '" + name
                    + "'; give one with name:");
        }
        List<Baseline> baselines = new ArrayList<>();
        JsonNode bs = list(root, "baselines", true);
        for (int i = 0; i < bs.size(); i++) {
            baselines.add(baseline(bs.get(i), "baselines[" + i + "]"));
        }
        unique(baselines.stream().map(Baseline::name).toList(), "baselines");
        List<WorkloadEntry> workloads = new ArrayList<>();
        JsonNode ws = list(root, "workloads", true);
        for (int i = 0; i < ws.size(); i++) {
            workloads.add(workload(ws.get(i), "workloads[" + i + "]"));
        }
        unique(workloads.stream().map(WorkloadEntry::name).toList(), "workloads");
        List<Double> qps = new ArrayList<>();
        List<Integer> concurrency = new ArrayList<>();
        if (root.has("qps") == root.has("concurrency")) {
            throw bad(root.has("qps") ? "concurrency" : "", "give either qps (a list of rates) or concurrency (a list"
                    + " of stream counts)");
        }
        if (root.has("qps")) {
            JsonNode q = list(root, "qps", true);
            for (int i = 0; i < q.size(); i++) {
                double v = number(q.get(i), "qps[" + i + "]");
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw bad("qps[" + i + "]", "a rate must be above 0 requests per second, got " + v);
                }
                qps.add(v);
            }
        } else {
            JsonNode c = list(root, "concurrency", true);
            for (int i = 0; i < c.size(); i++) {
                long v = integer(c.get(i), "concurrency[" + i + "]");
                if (v < 1 || v > 100_000) {
                    throw bad("concurrency[" + i + "]", "must be from 1 to 100000, got " + v);
                }
                concurrency.add((int) v);
            }
        }
        List<String> load = new ArrayList<>();
        text(root, "pattern").ifPresent(v -> load.addAll(List.of("--pattern", v)));
        if (root.has("burstiness")) {
            load.addAll(List.of("--burstiness", Double.toString(number(root.get("burstiness"), "burstiness"))));
        }
        for (String key : List.of("num_requests", "seed", "max_concurrency", "n_parallel", "context",
                "request_timeout")) {
            if (root.has(key)) {
                long v = integer(root.get(key), key);
                long min = key.equals("seed") ? Long.MIN_VALUE : key.equals("n_parallel") || key.equals("num_requests")
                        || key.equals("request_timeout") ? 1 : 0;
                long max = key.equals("n_parallel") ? RunCommand.MAX_PARALLEL : key.equals("seed") ? Long.MAX_VALUE
                        : key.equals("context") ? 10_000_000 : key.equals("request_timeout") ? 86_400
                        : dev.lmsbench.core.load.LoadSpec.MAX_REQUESTS;
                if (v < min || v > max) {
                    throw bad(key, "must be from " + min + " to " + max + ", got " + v);
                }
                String flag = switch (key) {
                    case "n_parallel" -> "--n-parallel";
                    case "request_timeout" -> "--request-timeout";
                    default -> "--" + key.replace('_', '-');
                };
                load.addAll(List.of(flag, Long.toString(integer(root.get(key), key))));
            }
        }
        for (String key : List.of("duration", "warmup_time", "cooldown_time")) {
            JsonNode v = root.get(key);
            if (v != null) {
                String time = v.isNumber() ? v.asText() : textOf(v, key);
                load.addAll(List.of("--" + key.replace('_', '-'), time));
            }
        }
        if (root.has("percentiles")) {
            JsonNode ps = list(root, "percentiles", true);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                values.add(Double.toString(number(ps.get(i), "percentiles[" + i + "]")));
            }
            load.addAll(List.of("--percentiles", String.join(",", values)));
        }
        text(root, "goodput").ifPresent(v -> {
            load.add("--goodput");
            load.addAll(List.of(v.trim().split("[,\\s]+")));
        });
        if (root.has("tags")) {
            JsonNode tags = root.get("tags");
            if (!tags.isObject()) {
                throw bad("tags", "must be a mapping of key: value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (Set.of("suite", "session", "baseline", "workload").contains(e.getKey())) {
                    throw bad("tags." + e.getKey(), "the suite sets this tag itself");
                }
                load.addAll(List.of("--tag", e.getKey() + "=" + scalar(e.getValue(), "tags." + e.getKey())));
            }
        }
        return new Suite(name, baselines, workloads, qps, concurrency, load, file, Map.copyOf(lines));
    }

    private Baseline baseline(JsonNode n, String path) {
        if (!n.isObject()) {
            throw bad(path, "a baseline is a mapping (name, kind, url, model, ...)");
        }
        keys(n, path, BASELINE);
        String name = name(required(n, path, "name"), path + ".name");
        String kind = textOf(required(n, path, "kind"), path + ".kind").toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw bad(path + ".kind", "must be one of " + String.join(", ", KINDS) + ", got '" + Main.oneLine(kind)
                    + "'");
        }
        String url = n.has("url") ? textOf(n.get("url"), path + ".url") : null;
        if (kind.equals("openai") && url == null) {
            throw bad(path, "an openai baseline needs its url (e.g. http://localhost:8000/v1)");
        }
        if (kind.equals("sim") && url != null) {
            throw bad(path + ".url", "a sim baseline runs the built-in simulator: it has no url");
        }
        if (url != null) {
            try {
                url = ServerDiscovery.checkBaseUrl(url);
            } catch (CliException e) {
                throw bad(path + ".url", e.getMessage());
            }
        }
        JsonNode sim = n.get("sim");
        if (sim != null && !kind.equals("sim")) {
            throw bad(path + ".sim", "simulator settings belong to a sim baseline");
        }
        if (sim != null && !sim.isObject()) {
            throw bad(path + ".sim", "must be a mapping of simulator settings (docs/simulator.md)");
        }
        boolean polite = false;
        if (n.has("polite")) {
            if (!n.get("polite").isBoolean()) {
                throw bad(path + ".polite", "must be true or false");
            }
            polite = n.get("polite").booleanValue();
        }
        return new Baseline(name, kind, url, n.has("model") ? textOf(n.get("model"), path + ".model") : null,
                n.has("api_token") ? textOf(n.get("api_token"), path + ".api_token") : null, sim, polite);
    }

    private WorkloadEntry workload(JsonNode n, String path) {
        if (n.isTextual()) {
            String name = name(n, path);
            return new WorkloadEntry(name, name, Map.of());
        }
        if (!n.isObject()) {
            throw bad(path, "a workload is a name or a mapping (name, type, options)");
        }
        keys(n, path, WORKLOAD);
        String name = name(required(n, path, "name"), path + ".name");
        String type = n.has("type") ? textOf(n.get("type"), path + ".type") : name;
        if (!dev.lmsbench.workloads.Workloads.names().contains(type)) {
            throw bad(path + (n.has("type") ? ".type" : ".name"), "unknown workload '" + Main.oneLine(type)
                    + "' (" + String.join(", ", dev.lmsbench.workloads.Workloads.names()) + ")");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (n.has("options")) {
            JsonNode o = n.get("options");
            if (!o.isObject()) {
                throw bad(path + ".options", "must be a mapping of option: value (docs/workloads.md)");
            }
            List<String> known = dev.lmsbench.workloads.Workloads.keys(type);
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = path + ".options." + e.getKey();
                if (!known.contains(e.getKey())) {
                    throw bad(key, "unknown option of the " + type + " workload (" + String.join(", ", known) + ")");
                }
                options.put(e.getKey(), scalar(e.getValue(), key));
            }
        }
        try {
            dev.lmsbench.workloads.Workloads.create(type, options, List.of());
        } catch (IllegalArgumentException e) {
            throw bad(path + ".options", Main.oneLine(e.getMessage()));
        }
        return new WorkloadEntry(name, type, options);
    }

    private void keys(JsonNode n, String path, Set<String> known) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw bad(path.isEmpty() ? key : path + "." + key, "unknown key (the keys are "
                        + String.join(", ", known.stream().sorted().toList()) + "; see TEMPLATE-suite.yaml)");
            }
        }
    }

    private JsonNode required(JsonNode n, String path, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw bad(path, "missing key '" + key + "'");
        }
        return v;
    }

    private JsonNode list(JsonNode n, String key, boolean nonEmpty) {
        JsonNode v = n.get(key);
        if (v == null) {
            throw bad("", "missing key '" + key + "'");
        }
        if (!v.isArray()) {
            throw bad(key, "must be a list");
        }
        if (nonEmpty && v.isEmpty()) {
            throw bad(key, "must not be empty");
        }
        if (v.size() > MAX_ITEMS) {
            throw bad(key, "at most " + MAX_ITEMS + " entries, got " + v.size());
        }
        return v;
    }

    private String name(JsonNode v, String path) {
        String name = textOf(v, path);
        if (!NAME.matcher(name).matches()) {
            throw bad(path, "a name is 1 to 64 letters, digits, '.' or '-' (it becomes part of file names), got '"
                    + Main.oneLine(name) + "'");
        }
        return name;
    }

    private void unique(List<String> names, String path) {
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (!seen.add(names.get(i))) {
                throw bad(path + "[" + i + "].name", "the name '" + names.get(i) + "' is used twice");
            }
        }
    }

    private java.util.Optional<String> text(JsonNode n, String key) {
        return n.has(key) ? java.util.Optional.of(textOf(n.get(key), key)) : java.util.Optional.empty();
    }

    private String textOf(JsonNode v, String path) {
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw bad(path, "must be text");
        }
        String t = v.textValue().strip();
        if (t.length() > 1000 || t.chars().anyMatch(Character::isISOControl)) {
            throw bad(path, "must be one line of at most 1000 characters");
        }
        return t;
    }

    private String scalar(JsonNode v, String path) {
        if (v.isTextual()) {
            return textOf(v, path);
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        throw bad(path, "must be a number, text or true/false");
    }

    private double number(JsonNode v, String path) {
        if (!v.isNumber()) {
            throw bad(path, "must be a number");
        }
        return v.doubleValue();
    }

    private long integer(JsonNode v, String path) {
        if (!v.isIntegralNumber()) {
            throw bad(path, "must be a whole number");
        }
        return v.longValue();
    }
}
