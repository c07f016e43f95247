package dev.lmsbench.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The parts of a chat completion request the sim acts on. Other fields ({@code temperature}, {@code top_p}, ...) are
 * accepted and ignored, as a local server would.
 *
 * @param model        requested model id
 * @param messages     the {@code messages} array, non-empty
 * @param maxTokens    {@code max_completion_tokens}, else {@code max_tokens}, or {@code -1} for no limit
 * @param stream       {@code stream}
 * @param includeUsage {@code stream_options.include_usage}
 * @param cachePrompt  llama.cpp's {@code cache_prompt}: reuse the prompt cache; {@code true} when absent, as in
 *                     llama.cpp (https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md)
 * @param draftModel   LM Studio's {@code draft_model} for speculative decoding (api-changelog 0.3.10), or null
 * @param ttlSeconds   LM Studio's {@code ttl}: idle seconds before a model this request loads just in time is
 *                     unloaded (docs ttl-and-auto-evict), or {@code -1} when absent
 */
record ChatRequest(String model, JsonNode messages, int maxTokens, boolean stream, boolean includeUsage,
        boolean cachePrompt, String draftModel, long ttlSeconds) {

    static ChatRequest parse(byte[] body) throws ApiError {
        JsonNode root;
        try {
            root = OpenAiJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), null);
        } catch (IOException e) {
            throw ApiError.invalid("We could not read the body of your request.", null);
        }
        if (root == null || !root.isObject()) {
            throw ApiError.invalid("The request body must be a JSON object.", null);
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.textValue().isBlank()) {
            throw ApiError.invalid("you must provide a model parameter", "model");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("'messages' must be a non-empty array", "messages");
        }
        for (JsonNode message : messages) {
            if (!message.isObject()) {
                throw ApiError.invalid("each message must be an object", "messages");
            }
        }
        int maxTokens = maxTokens(root, "max_completion_tokens");
        if (maxTokens == -1) {
            maxTokens = maxTokens(root, "max_tokens");
        }
        boolean stream = bool(root, "stream");
        JsonNode options = root.get("stream_options");
        boolean includeUsage = false;
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiError.invalid("'stream_options' must be an object", "stream_options");
            }
            includeUsage = bool(options, "include_usage");
        }
        JsonNode temperature = root.get("temperature");
        if (temperature != null && !temperature.isNull() && !temperature.isNumber()) {
            throw ApiError.invalid("'temperature' must be a number", "temperature");
        }
        JsonNode cachePrompt = root.get("cache_prompt");
        if (cachePrompt != null && !cachePrompt.isNull() && !cachePrompt.isBoolean()) {
            throw ApiError.invalid("'cache_prompt' must be a boolean", "cache_prompt");
        }
        JsonNode draft = root.get("draft_model");
        if (draft != null && !draft.isNull() && (!draft.isTextual() || draft.textValue().isBlank())) {
            throw ApiError.invalid("'draft_model' must be a model id", "draft_model");
        }
        return new ChatRequest(model.textValue(), messages, maxTokens, stream, includeUsage,
                cachePrompt == null || cachePrompt.isNull() || cachePrompt.booleanValue(),
                draft == null || draft.isNull() ? null : draft.textValue(), ttl(root));
    }

    /**
     * LM Studio's {@code ttl} in seconds, a positive integer, or {@code -1} when absent; accepted on every LM Studio
     * chat endpoint (https://lmstudio.ai/docs/developer/core/ttl-and-auto-evict).
     */
    static long ttl(JsonNode root) throws ApiError {
        JsonNode value = root.get("ttl");
        if (value == null || value.isNull()) {
            return -1;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
            throw ApiError.invalid("'ttl' must be a positive integer (seconds), got " + value, "ttl");
        }
        return value.longValue();
    }

    /** A positive limit, or {@code -1} when absent, null or -1 (LM Studio's "no limit"). */
    private static int maxTokens(JsonNode root, String key) throws ApiError {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return -1;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() == 0 || value.intValue() < -1) {
            throw ApiError.invalid("'" + key + "' must be a positive integer, got " + value, key);
        }
        return value.intValue();
    }

    private static boolean bool(JsonNode node, String key) throws ApiError {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalid("'" + key + "' must be a boolean", key);
        }
        return value.booleanValue();
    }
}
