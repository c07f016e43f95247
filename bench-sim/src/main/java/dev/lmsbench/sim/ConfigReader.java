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

    private static final Set<String> TOP_KEYS = Set.of("host", "port", "seed", "apiToken", "pathPrefix", "models");
    private static final Set<String> MODEL_KEYS = Set.of("id", "type", "publisher", "architecture", "quantization",
            "sizeBytes", "maxContextLength", "ttftMs", "tokensPerSecond", "promptTokensPerSecond", "jitterFraction",
            "reasoningTokens", "responseTokens", "sendsUsage");

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
        String apiToken = text(root, "apiToken", "apiToken", defaults.apiToken());
        String pathPrefix = text(root, "pathPrefix", "pathPrefix", defaults.pathPrefix());
        JsonNode modelsNode = root.get("models");
        if (modelsNode == null || modelsNode.isNull()) {
            throw error("models: missing, expected an array of models");
        }
        if (!modelsNode.isArray() || modelsNode.isEmpty()) {
            throw error("models: expected a non-empty array of models");
        }
        List<SimModel> models = new ArrayList<>();
        for (int i = 0; i < modelsNode.size(); i++) {
            models.add(model(modelsNode.get(i), "models[" + i + "]"));
        }
        try {
            return new SimConfig(host, port, models, seed, apiToken, pathPrefix);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
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

    private SimModel model(JsonNode node, String path) {
        if (!node.isObject()) {
            throw error(path + ": expected an object");
        }
        checkKeys(node, MODEL_KEYS, path + ".");
        String id = text(node, "id", path + ".id", null);
        if (id == null) {
            throw error(path + ".id: missing");
        }
        JsonNode rate = node.get("tokensPerSecond");
        if (rate == null || rate.isNull()) {
            throw error(path + ".tokensPerSecond: missing");
        }
        String type = text(node, "type", path + ".type", "llm");
        String publisher = text(node, "publisher", path + ".publisher", "");
        String architecture = text(node, "architecture", path + ".architecture", "");
        String quantization = text(node, "quantization", path + ".quantization", "");
        long sizeBytes = longInteger(node, "sizeBytes", path + ".sizeBytes", -1L);
        int maxContextLength = integer(node, "maxContextLength", path + ".maxContextLength", -1);
        double ttftMs = number(node, "ttftMs", path + ".ttftMs", DEFAULT_TTFT_MS);
        double tokensPerSecond = number(node, "tokensPerSecond", path + ".tokensPerSecond", Double.NaN);
        double promptTokensPerSecond = number(node, "promptTokensPerSecond", path + ".promptTokensPerSecond", 0.0);
        double jitterFraction = number(node, "jitterFraction", path + ".jitterFraction", 0.0);
        int reasoningTokens = integer(node, "reasoningTokens", path + ".reasoningTokens", 0);
        int responseTokens = integer(node, "responseTokens", path + ".responseTokens", DEFAULT_RESPONSE_TOKENS);
        boolean sendsUsage = bool(node, "sendsUsage", path + ".sendsUsage", true);
        try {
            return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                    tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens,
                    sendsUsage);
        } catch (IllegalArgumentException e) {
            // the record's message starts with the field name; the model's path makes it a complete key
            throw error(path + "." + e.getMessage());
        }
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
}
