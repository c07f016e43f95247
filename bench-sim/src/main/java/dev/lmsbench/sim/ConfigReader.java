package dev.lmsbench.sim;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads {@link SimConfig} files through Jackson's tree model, so each key is checked by name and every error says which
 * file and which key (a data-binding error would name Java types instead).
 */
final class ConfigReader {

    private static final Set<String> TOP_KEYS = Set.of("host", "port", "seed", "api_token", "path_prefix", "models",
            "jit_loading", "jit_auto_evict", "memory_bytes", "download_ms", "download_size_bytes", "tokenize_endpoint",
            "lmstudio_quirks", "default_parallel", "max_concurrent_requests", "first_request_delay_ms", "faults");
    private static final Set<String> MODEL_KEYS = Set.of("id", "type", "publisher", "architecture", "quantization",
            "size_bytes", "max_context_length", "ttft_ms", "tokens_per_second", "prompt_tokens_per_second", "jitter_fraction",
            "reasoning_tokens", "response_tokens", "sends_usage", "compatibility_type", "format", "params_string",
            "vision", "trained_for_tool_use", "load_ms", "memory_bytes", "fail_first_requests_with_model_unloaded",
            "cpu_tokens_per_second", "draft_acceptance_rate", "first_request_delay_ms");

    static final double DEFAULT_TTFT_MS = 100.0;
    static final int DEFAULT_RESPONSE_TOKENS = 96;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;

    private ConfigReader(Path file) {
        this.file = file;
    }

    static SimConfig read(Path file) {
        return new ConfigReader(file).read();
    }

    private SimConfig read() {
        JsonNode root = parse();
        if (!root.isObject()) {
            throw error("the top level must be a JSON object");
        }
        checkKeys(root, TOP_KEYS, "");
        SimConfig defaults = SimConfig.defaults();
        String host = text(root, "host", "host", defaults.host());
        int port = integer(root, "port", "port", defaults.port());
        long seed = longInteger(root, "seed", "seed", defaults.seed());
        String apiToken = text(root, "api_token", "api_token", defaults.apiToken());
        String pathPrefix = text(root, "path_prefix", "path_prefix", defaults.pathPrefix());
        boolean jitLoading = bool(root, "jit_loading", "jit_loading", defaults.jitLoading());
        boolean jitAutoEvict = bool(root, "jit_auto_evict", "jit_auto_evict", defaults.jitAutoEvict());
        long memoryBytes = longInteger(root, "memory_bytes", "memory_bytes", defaults.memoryBytes());
        long downloadMs = longInteger(root, "download_ms", "download_ms", defaults.downloadMs());
        long downloadSizeBytes = longInteger(root, "download_size_bytes", "download_size_bytes",
                defaults.downloadSizeBytes());
        boolean tokenizeEndpoint = bool(root, "tokenize_endpoint", "tokenize_endpoint", defaults.tokenizeEndpoint());
        LmStudioQuirks quirks = quirks(root.get("lmstudio_quirks"), defaults.quirks());
        int defaultParallel = integer(root, "default_parallel", "default_parallel", defaults.defaultParallel());
        int maxConcurrent = integer(root, "max_concurrent_requests", "max_concurrent_requests",
                defaults.maxConcurrentRequests());
        // the default of every model that does not set its own
        double firstRequestDelayMs = number(root, "first_request_delay_ms", "first_request_delay_ms", 0.0);
        if (!(firstRequestDelayMs >= 0)) {
            throw error("first_request_delay_ms must be >= 0, got " + firstRequestDelayMs);
        }
        FaultPlan faults;
        try {
            faults = Faults.parse(root.get("faults"));
        } catch (IllegalArgumentException e) {
            throw error("faults" + (root.path("faults").isObject() ? "." : ": ") + e.getMessage());
        }
        JsonNode modelsNode = root.get("models");
        if (modelsNode == null || modelsNode.isNull()) {
            throw error("models: missing, expected an array of models");
        }
        if (!modelsNode.isArray() || modelsNode.isEmpty()) {
            throw error("models: expected a non-empty array of models");
        }
        List<SimModel> models = new ArrayList<>();
        for (int i = 0; i < modelsNode.size(); i++) {
            models.add(model(modelsNode.get(i), "models[" + i + "]", firstRequestDelayMs));
        }
        try {
            return new SimConfig(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes,
                    downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel, maxConcurrent, faults);
        } catch (IllegalArgumentException e) {
            throw error(snakeLead(e.getMessage()));
        }
    }

    private JsonNode parse() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw error("cannot read the file (" + e.getClass().getSimpleName() + ")");
        }
        try {
            JsonNode root = MAPPER.readTree(bytes);
            if (root == null || root.isMissingNode()) {
                throw error("the file is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw error("invalid JSON" + where + ": " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw error("cannot parse the file (" + e.getClass().getSimpleName() + ")");
        }
    }

    private SimModel model(JsonNode node, String path, double defaultFirstRequestDelayMs) {
        if (!node.isObject()) {
            throw error(path + ": expected an object");
        }
        checkKeys(node, MODEL_KEYS, path + ".");
        String id = text(node, "id", path + ".id", null);
        if (id == null) {
            throw error(path + ".id: missing");
        }
        JsonNode rate = node.get("tokens_per_second");
        if (rate == null || rate.isNull()) {
            throw error(path + ".tokens_per_second: missing");
        }
        String type = text(node, "type", path + ".type", "llm");
        String publisher = text(node, "publisher", path + ".publisher", "");
        String architecture = text(node, "architecture", path + ".architecture", "");
        String quantization = text(node, "quantization", path + ".quantization", "");
        long sizeBytes = longInteger(node, "size_bytes", path + ".size_bytes", -1L);
        int maxContextLength = integer(node, "max_context_length", path + ".max_context_length", -1);
        double ttftMs = number(node, "ttft_ms", path + ".ttft_ms", DEFAULT_TTFT_MS);
        double tokensPerSecond = number(node, "tokens_per_second", path + ".tokens_per_second", Double.NaN);
        double promptTokensPerSecond = number(node, "prompt_tokens_per_second", path + ".prompt_tokens_per_second", 0.0);
        double jitterFraction = number(node, "jitter_fraction", path + ".jitter_fraction", 0.0);
        int reasoningTokens = integer(node, "reasoning_tokens", path + ".reasoning_tokens", 0);
        int responseTokens = integer(node, "response_tokens", path + ".response_tokens", DEFAULT_RESPONSE_TOKENS);
        boolean sendsUsage = bool(node, "sends_usage", path + ".sends_usage", true);
        // LM Studio's v0 API calls the format compatibility_type, v1 calls it format: accept either, not both
        if (node.hasNonNull("compatibility_type") && node.hasNonNull("format")) {
            throw error(path + ".format: give either format or compatibility_type, not both");
        }
        String formatKey = node.hasNonNull("compatibility_type") ? "compatibility_type" : "format";
        String format = text(node, formatKey, path + "." + formatKey, "gguf");
        String paramsString = text(node, "params_string", path + ".params_string", "");
        boolean vision = bool(node, "vision", path + ".vision", "vlm".equals(type));
        boolean toolUse = bool(node, "trained_for_tool_use", path + ".trained_for_tool_use", false);
        long loadMs = longInteger(node, "load_ms", path + ".load_ms", -1L);
        if (node.hasNonNull("load_ms") && loadMs < 0) {
            throw error(path + ".load_ms must be >= 0, got " + loadMs);
        }
        long memoryBytes = longInteger(node, "memory_bytes", path + ".memory_bytes", -1L);
        int failFirst = integer(node, "fail_first_requests_with_model_unloaded",
                path + ".fail_first_requests_with_model_unloaded", 0);
        double cpuRate = number(node, "cpu_tokens_per_second", path + ".cpu_tokens_per_second", 0.0);
        if (node.hasNonNull("cpu_tokens_per_second") && !(cpuRate > 0)) {
            // 0 is the record's "derive it"; in a file the key is either a real rate or absent
            throw error(path + ".cpu_tokens_per_second must be > 0, got " + cpuRate);
        }
        double draftRate = number(node, "draft_acceptance_rate", path + ".draft_acceptance_rate",
                SimModel.DEFAULT_DRAFT_ACCEPTANCE_RATE);
        double firstRequestDelayMs = number(node, "first_request_delay_ms", path + ".first_request_delay_ms",
                defaultFirstRequestDelayMs);
        try {
            return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                    tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens,
                    sendsUsage, format, paramsString, vision,
                    toolUse, loadMs, memoryBytes, failFirst, cpuRate, draftRate, firstRequestDelayMs);
        } catch (IllegalArgumentException e) {
            // the record's message starts with the field name; the model's path makes it a complete key
            throw error(path + "." + snakeLead(e.getMessage()));
        }
    }

    /** {@code lmstudio_quirks}: true (all on), false (all off) or an object of booleans by quirk name. */
    private LmStudioQuirks quirks(JsonNode node, LmStudioQuirks absent) {
        if (node == null || node.isNull()) {
            return absent;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? LmStudioQuirks.ALL : LmStudioQuirks.NONE;
        }
        if (!node.isObject()) {
            throw error("lmstudio_quirks: expected true, false or an object of booleans by quirk name, got " + node);
        }
        checkKeys(node, Set.copyOf(LmStudioQuirks.NAMES), "lmstudio_quirks.");
        LmStudioQuirks quirks = LmStudioQuirks.ALL;
        for (String name : LmStudioQuirks.NAMES) {
            quirks = quirks.with(name, bool(node, name, "lmstudio_quirks." + name, true));
        }
        return quirks;
    }

    private void checkKeys(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw error(prefix + name + ": unknown key (known: " + String.join(", ", known.stream().sorted()
                        .toList()) + ")");
            }
        }
    }

    private String text(JsonNode node, String key, String path, String absent) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isTextual()) {
            throw error(path + ": expected a string, got " + value);
        }
        return value.textValue();
    }

    private double number(JsonNode node, String key, String path, double absent) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isNumber()) {
            throw error(path + ": expected a number, got " + value);
        }
        return value.doubleValue();
    }

    private int integer(JsonNode node, String key, String path, int absent) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw error(path + ": expected an integer, got " + value);
        }
        return value.intValue();
    }

    private long longInteger(JsonNode node, String key, String path, long absent) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw error(path + ": expected an integer, got " + value);
        }
        return value.longValue();
    }

    private boolean bool(JsonNode node, String key, String path, boolean absent) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw error(path + ": expected true or false, got " + value);
        }
        return value.booleanValue();
    }

    private IllegalArgumentException error(String detail) {
        return new IllegalArgumentException("sim config " + file + ": " + oneLine(detail));
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    /** The records validate with their Java field names; the file uses snake_case, so name the key as written. */
    static String snakeLead(String message) {
        if (message == null) {
            return "";
        }
        int end = 0;
        while (end < message.length() && Character.isLetterOrDigit(message.charAt(end))) {
            end++;
        }
        String lead = message.substring(0, end).replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
        return lead + message.substring(end);
    }
}
