package dev.lmsbench.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Set;

/**
 * The parts of an LM Studio {@code POST /api/v1/chat} request the sim acts on
 * (https://lmstudio.ai/docs/developer/rest/chat): model, input (a string, or message and image items), system_prompt,
 * integrations, stream, max_output_tokens, reasoning, context_length, store, previous_response_id, ttl. Sampling fields
 * (temperature, top_p, top_k, min_p, repeat_penalty) are accepted and ignored, as is everything else.
 *
 * <p>Integrations (plugin ids, {@code plugin} and {@code ephemeral_mcp} objects) are checked for their documented
 * shape and then ignored: the sim calls no tools, so answers hold no {@code tool_call} items.
 *
 * @param model              requested model (or instance) id
 * @param inputTokens        tokens of the new input (system prompt and message texts by the sim's tokenizer, a
 *                           fixed {@value #TOKENS_PER_IMAGE} per image, plus the per-message and per-request overhead)
 * @param images             number of image inputs
 * @param integrations       number of integrations given
 * @param stream             {@code stream}
 * @param maxTokens          {@code max_output_tokens}, or {@code -1}
 * @param reasoningOff       {@code reasoning: "off"}: the answer has no reasoning part
 * @param contextLength      {@code context_length}, or {@code -1}
 * @param store              {@code store} (default true)
 * @param previousResponseId {@code previous_response_id}, or null
 * @param ttlSeconds         {@code ttl}: idle seconds before a model this request loads just in time is unloaded,
 *                           or {@code -1} (https://lmstudio.ai/docs/developer/core/ttl-and-auto-evict)
 */
record V1ChatRequest(String model, int inputTokens, int images, int integrations, boolean stream, int maxTokens,
        boolean reasoningOff, int contextLength, boolean store, String previousResponseId, long ttlSeconds) {

    /** Prompt tokens the sim counts for one image (no real vision encoder to ask). */
    static final int TOKENS_PER_IMAGE = 256;

    private static final Set<String> REASONING = Set.of("off", "low", "medium", "high", "on");

    static V1ChatRequest parse(byte[] body) throws ApiError {
        JsonNode root;
        try {
            root = OpenAiJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw invalid("Could not parse the JSON body: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), null, "invalid_json");
        } catch (IOException e) {
            throw invalid("Could not read the request body.", null, "invalid_json");
        }
        if (root == null || !root.isObject()) {
            throw invalid("The request body must be a JSON object.", null, "invalid_type");
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.textValue().isBlank()) {
            // the streaming events page's own example error
            throw invalid("\"model\" is required", "model", "missing_required_parameter");
        }
        int tokens = PromptTokenizer.TOKENS_PER_REQUEST;
        JsonNode system = root.get("system_prompt");
        if (system != null && !system.isNull()) {
            if (!system.isTextual()) {
                throw invalid("\"system_prompt\" must be a string", "system_prompt", "invalid_type");
            }
            tokens += PromptTokenizer.TOKENS_PER_MESSAGE + PromptTokenizer.count(system.textValue());
        }
        JsonNode input = root.get("input");
        int images = 0;
        if (input == null || input.isNull()) {
            throw invalid("\"input\" is required", "input", "missing_required_parameter");
        } else if (input.isTextual()) {
            tokens += PromptTokenizer.TOKENS_PER_MESSAGE + PromptTokenizer.count(input.textValue());
        } else if (input.isArray() && !input.isEmpty()) {
            tokens += PromptTokenizer.TOKENS_PER_MESSAGE;
            for (JsonNode item : input) {
                String type = item.path("type").asText("");
                if (type.equals("message") && item.path("content").isTextual()) {
                    tokens += PromptTokenizer.count(item.get("content").textValue());
                } else if (type.equals("image") && item.path("data_url").isTextual()) {
                    images++;
                    tokens += TOKENS_PER_IMAGE;
                } else {
                    throw invalid("each input item must be {\"type\": \"message\", \"content\": string} or "
                            + "{\"type\": \"image\", \"data_url\": string}", "input", "invalid_union");
                }
            }
        } else {
            throw invalid("\"input\" must be a string or a non-empty array", "input", "invalid_type");
        }
        int integrations = integrations(root.get("integrations"));
        boolean stream = bool(root, "stream", false);
        boolean store = bool(root, "store", true);
        int maxTokens = positive(root, "max_output_tokens");
        int contextLength = positive(root, "context_length");
        boolean reasoningOff = false;
        JsonNode reasoning = root.get("reasoning");
        if (reasoning != null && !reasoning.isNull()) {
            if (!reasoning.isTextual() || !REASONING.contains(reasoning.textValue())) {
                throw invalid("\"reasoning\" must be one of off, low, medium, high, on", "reasoning",
                        "invalid_enum_value");
            }
            reasoningOff = reasoning.textValue().equals("off");
        }
        String previous = null;
        JsonNode prev = root.get("previous_response_id");
        if (prev != null && !prev.isNull()) {
            // documented: "Must start with resp_"
            if (!prev.isTextual() || !prev.textValue().startsWith("resp_")) {
                throw invalid("\"previous_response_id\" must be a string starting with \"resp_\"",
                        "previous_response_id", "invalid_string");
            }
            previous = prev.textValue();
        }
        long ttl;
        JsonNode ttlNode = root.get("ttl");
        if (ttlNode == null || ttlNode.isNull()) {
            ttl = -1;
        } else if (ttlNode.isIntegralNumber() && ttlNode.canConvertToLong() && ttlNode.longValue() > 0) {
            ttl = ttlNode.longValue();
        } else {
            throw invalid("\"ttl\" must be a positive integer (seconds)", "ttl", "invalid_type");
        }
        return new V1ChatRequest(model.textValue(), tokens, images, integrations, stream, maxTokens, reasoningOff,
                contextLength, store, previous, ttl);
    }

    /** Checks the documented integration shapes; returns how many there are. */
    private static int integrations(JsonNode node) throws ApiError {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isArray()) {
            throw invalid("\"integrations\" must be an array", "integrations", "invalid_type");
        }
        for (JsonNode item : node) {
            if (item.isTextual()) {
                continue;
            }
            String type = item.path("type").asText("");
            boolean ok = switch (type) {
                case "plugin" -> item.path("id").isTextual();
                case "ephemeral_mcp" -> item.path("server_label").isTextual() && item.path("server_url").isTextual();
                default -> false;
            };
            if (!ok) {
                throw invalid("each integration must be a plugin id, {\"type\": \"plugin\", \"id\"} or "
                        + "{\"type\": \"ephemeral_mcp\", \"server_label\", \"server_url\"}", "integrations",
                        "invalid_union");
            }
        }
        return node.size();
    }

    private static int positive(JsonNode root, String key) throws ApiError {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return -1;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() <= 0) {
            throw invalid("\"" + key + "\" must be a positive integer", key, "invalid_type");
        }
        return value.intValue();
    }

    private static boolean bool(JsonNode root, String key, boolean absent) throws ApiError {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw invalid("\"" + key + "\" must be a boolean", key, "invalid_type");
        }
        return value.booleanValue();
    }

    private static ApiError invalid(String message, String param, String code) {
        return ApiError.v1(400, "invalid_request", message, code, param);
    }
}
