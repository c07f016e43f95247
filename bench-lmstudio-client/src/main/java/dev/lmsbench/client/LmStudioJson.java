package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.ServerStats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.lmsbench.client.ChatJson.field;
import static dev.lmsbench.client.ChatJson.modelId;
import static dev.lmsbench.client.ChatJson.nonNegativeInt;
import static dev.lmsbench.client.ChatJson.number;
import static dev.lmsbench.client.ChatJson.text;

/**
 * JSON shapes of LM Studio's native REST API, each from its documentation page:
 * <ul>
 *   <li>{@code GET /api/v1/models}: https://lmstudio.ai/docs/developer/rest/list</li>
 *   <li>{@code GET /api/v0/models}: https://lmstudio.ai/docs/developer/rest/endpoints</li>
 *   <li>{@code POST /api/v1/models/load}: https://lmstudio.ai/docs/developer/rest/load</li>
 *   <li>{@code POST /api/v1/models/unload}: https://lmstudio.ai/docs/developer/rest/unload</li>
 *   <li>{@code POST /api/v1/models/download}: https://lmstudio.ai/docs/developer/rest/download</li>
 *   <li>{@code GET /api/v1/models/download/status/:job_id}: https://lmstudio.ai/docs/developer/rest/download-status</li>
 *   <li>{@code POST /api/v1/chat}: https://lmstudio.ai/docs/developer/rest/chat and its events,
 *       https://lmstudio.ai/docs/developer/rest/streaming-events</li>
 * </ul>
 * Read through the tree like {@link ChatJson} (and with its parser limits): every response field is optional,
 * unknown fields are ignored. Model keys, instance ids and metadata are sanitized with {@link ChatJson#modelId} and
 * {@link ChatJson#field}; an entry whose key is nothing but garbage is dropped.
 */
final class LmStudioJson {

    /** The label of {@code /api/v1/chat}'s {@code stats} in {@link ServerStats#source()}. */
    static final String V1_CHAT_STATS = "lmstudio.api.v1.chat.stats";

    /**
     * What {@code POST /api/v1/models/load} answered.
     *
     * @param instanceId  {@code instance_id} (older 0.4 betas: {@code model_instance_id}), or {@code ""}
     * @param loadSeconds {@code load_time_seconds}, or {@code NaN}
     * @param loadConfig  {@code load_config} as JSON text, or {@code ""}
     */
    record Loaded(String instanceId, double loadSeconds, String loadConfig) {
    }

    /**
     * A complete {@code /api/v1/chat} answer (the body, or the {@code result} of {@code chat.end}).
     *
     * @param modelInstanceId {@code model_instance_id}
     * @param text            the {@code message} items' content, joined
     * @param reasoning       the {@code reasoning} items' content, joined
     * @param usage           token counts from {@code stats}, or {@code null}
     * @param stats           the server's figures ({@code tokens_per_second}, {@code time_to_first_token_seconds},
     *                        {@code model_load_time_seconds} after a just-in-time load), or {@link ServerStats#NONE}
     * @param responseId      {@code response_id}, or {@code ""}
     */
    record ChatResult(String modelInstanceId, String text, String reasoning, ChatJson.Usage usage,
                      ServerStats stats, String responseId) {
    }

    private final ChatJson json;

    LmStudioJson(ChatJson json) {
        this.json = json;
    }

    // ---- models ----

    /**
     * Parses {@code GET /api/v1/models}: {@code {"models":[...]}}, each loaded instance with its
     * {@code config.context_length} and {@code config.parallel} (the latter only in newer LM Studio versions).
     *
     * @throws IOException when the body has no {@code models} array
     */
    List<LmStudioModel> parseV1Models(byte[] body) throws IOException {
        JsonNode models = json.readObject(body).path("models");
        if (!models.isArray()) {
            throw new IOException("no \"models\" array in the model list");
        }
        List<LmStudioModel> result = new ArrayList<>(models.size());
        for (JsonNode entry : models) {
            String key = modelId(text(entry.path("key")));
            if (key == null) {
                continue;
            }
            JsonNode quantization = entry.path("quantization");
            String quantizationName = quantization.isObject() ? text(quantization.path("name")) : text(quantization);
            List<LmStudioModel.LoadedInstance> instances = new ArrayList<>();
            for (JsonNode instance : entry.path("loaded_instances")) {
                String id = modelId(text(instance.path("id")));
                if (id != null) {
                    JsonNode config = instance.path("config");
                    instances.add(new LmStudioModel.LoadedInstance(id, nonNegativeInt(config.path("context_length")),
                            nonNegativeInt(config.path("parallel"))));
                }
            }
            JsonNode capabilities = entry.path("capabilities");
            long size = entry.path("size_bytes").isIntegralNumber() ? entry.path("size_bytes").asLong() : -1;
            result.add(new LmStudioModel(key, field(text(entry.path("display_name"))), field(text(entry.path("type"))),
                    field(text(entry.path("publisher"))), field(text(entry.path("architecture"))),
                    field(quantizationName), field(text(entry.path("format"))), size,
                    nonNegativeInt(entry.path("max_context_length")),
                    field(text(entry.path("params_string"))), capabilities.path("vision").asBoolean(false),
                    capabilities.path("trained_for_tool_use").asBoolean(false), !instances.isEmpty(), instances,
                    -1));
        }
        return List.copyOf(result);
    }

    /**
     * Parses {@code GET /api/v0/models}: {@code {"data":[...]}} with {@code state}, {@code loaded_context_length} for a
     * loaded model, and, since LM Studio 0.3.16, a {@code capabilities} array such as {@code ["tool_use"]}
     * (https://lmstudio.ai/docs/developer/api-changelog).
     *
     * @throws IOException when the body has no {@code data} array
     */
    List<LmStudioModel> parseV0Models(byte[] body) throws IOException {
        JsonNode data = json.readObject(body).path("data");
        if (!data.isArray()) {
            throw new IOException("no \"data\" array in the model list");
        }
        List<LmStudioModel> result = new ArrayList<>(data.size());
        for (JsonNode entry : data) {
            String id = modelId(text(entry.path("id")));
            if (id == null) {
                continue;
            }
            boolean toolUse = false;
            boolean vision = "vlm".equals(text(entry.path("type")));
            for (JsonNode capability : entry.path("capabilities")) {
                toolUse |= "tool_use".equals(text(capability));
                vision |= "vision".equals(text(capability));
            }
            result.add(new LmStudioModel(id, id, field(text(entry.path("type"))), field(text(entry.path("publisher"))),
                    field(text(entry.path("arch"))), field(text(entry.path("quantization"))),
                    field(text(entry.path("compatibility_type"))),
                    -1, nonNegativeInt(entry.path("max_context_length")), "", vision, toolUse,
                    "loaded".equals(text(entry.path("state"))), List.of(),
                    nonNegativeInt(entry.path("loaded_context_length"))));
        }
        return List.copyOf(result);
    }

    // ---- load, unload ----

    /**
     * The body of {@code POST /api/v1/models/load}: {@code model}, then only the documented fields that are set
     * ({@code context_length}, {@code eval_batch_size}, {@code flash_attention}, {@code num_experts},
     * {@code offload_kv_cache_to_gpu}), and {@code echo_load_config} so the applied configuration can be logged.
     * Never any other key, not even for parallel slots, GPU offload or TTL: LM Studio rejects a load request with an
     * unknown key (https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/2024).
     */
    byte[] loadRequest(String model, LoadConfig config) {
        ObjectNode root = json.object();
        root.put("model", model);
        if (config.contextLength() > 0) {
            root.put("context_length", config.contextLength());
        }
        if (config.nBatch() != null) {
            root.put("eval_batch_size", config.nBatch());
        }
        if (config.flashAttention() != null) {
            root.put("flash_attention", config.flashAttention());
        }
        if (config.numExperts() != null) {
            root.put("num_experts", config.numExperts());
        }
        if (config.offloadKvCacheToGpu() != null) {
            root.put("offload_kv_cache_to_gpu", config.offloadKvCacheToGpu());
        }
        root.put("echo_load_config", true);
        return json.write(root);
    }

    /**
     * The set fields of a load configuration that neither {@code POST /api/v1/models/load} documents nor
     * {@code lms load} has a flag for, by the core's names; they are never sent. (TTL, GPU offload and parallel slots
     * have no REST field either but {@code lms load} flags: see {@link LmsLoad}.)
     */
    static List<String> unsupportedLoadFields(LoadConfig config) {
        List<String> fields = new ArrayList<>();
        if (config.nGpuLayers() != null) {
            fields.add("n_gpu_layers");
        }
        if (config.nThreads() != null) {
            fields.add("n_threads");
        }
        if (config.ropeFreqBase() != null) {
            fields.add("rope_freq_base");
        }
        if (config.ropeFreqScale() != null) {
            fields.add("rope_freq_scale");
        }
        if (config.useMmap() != null) {
            fields.add("use_mmap");
        }
        if (config.useMlock() != null) {
            fields.add("use_mlock");
        }
        if (config.kvCacheQuant() != null) {
            fields.add("kv_cache_quant");
        }
        return fields;
    }

    /**
     * The set fields of a load configuration that {@code POST /api/v1/models/load} sends but {@code lms load} has no
     * flag for, by the endpoint's names.
     */
    static List<String> restOnlyLoadFields(LoadConfig config) {
        List<String> fields = new ArrayList<>();
        if (config.nBatch() != null) {
            fields.add("eval_batch_size");
        }
        if (config.flashAttention() != null) {
            fields.add("flash_attention");
        }
        if (config.numExperts() != null) {
            fields.add("num_experts");
        }
        if (config.offloadKvCacheToGpu() != null) {
            fields.add("offload_kv_cache_to_gpu");
        }
        return fields;
    }

    /**
     * Parses the load answer.
     *
     * @throws IOException when the body is not a JSON object
     */
    Loaded parseLoaded(byte[] body) throws IOException {
        JsonNode root = json.readObject(body);
        String instanceId = text(root.path("instance_id"));
        if (instanceId.isEmpty()) {
            // The 0.4 beta documentation named it model_instance_id.
            instanceId = text(root.path("model_instance_id"));
        }
        JsonNode config = root.path("load_config");
        String safeId = modelId(instanceId);
        return new Loaded(safeId == null ? "" : safeId, number(root.path("load_time_seconds")),
                config.isObject() ? dev.lmsbench.core.text.SafeText.oneLine(config.toString(), 1024) : "");
    }

    /** The body of {@code POST /api/v1/models/unload}. */
    byte[] unloadRequest(String instanceId) {
        ObjectNode root = json.object();
        root.put("instance_id", instanceId);
        return json.write(root);
    }

    // ---- download ----

    /** The body of {@code POST /api/v1/models/download}. */
    byte[] downloadRequest(String model) {
        return downloadRequest(model, null);
    }

    /** The body of {@code POST /api/v1/models/download}; {@code quantization} only when given. */
    byte[] downloadRequest(String model, String quantization) {
        ObjectNode root = json.object();
        root.put("model", model);
        if (quantization != null && !quantization.isBlank()) {
            root.put("quantization", quantization.strip());
        }
        return json.write(root);
    }

    /**
     * Parses a download job status object (both download endpoints answer one).
     *
     * @throws IOException when the body is not a JSON object or has no {@code status}
     */
    DownloadStatus parseDownloadStatus(byte[] body) throws IOException {
        JsonNode root = json.readObject(body);
        String status = text(root.path("status"));
        if (status.isEmpty()) {
            throw new IOException("no \"status\" in the download status");
        }
        return new DownloadStatus(field(text(root.path("job_id"))), DownloadStatus.State.of(field(status)),
                longOrUnknown(root.path("downloaded_bytes")), longOrUnknown(root.path("total_size_bytes")),
                number(root.path("bytes_per_second")));
    }

    // ---- chat ----

    /** {@link #chatRequest(String, String, String, ChatOptions, Integer)} without a TTL. */
    byte[] chatRequest(String model, String input, String previousResponseId, ChatOptions options) {
        return chatRequest(model, input, previousResponseId, options, null);
    }

    /**
     * The body of {@code POST /api/v1/chat}; only what is set is sent, integrations verbatim; {@code store} always
     * ({@link ChatOptions#store()}, {@code false} when unset), {@code ttl} when given
     * (https://lmstudio.ai/docs/api/ttl-and-auto-evict).
     *
     * @param ttlSeconds the idle TTL of the model, or {@code null} to send none
     */
    byte[] chatRequest(String model, String input, String previousResponseId, ChatOptions options,
                       Integer ttlSeconds) {
        ObjectNode root = json.object();
        root.put("model", model);
        root.put("input", input);
        if (options.systemPrompt() != null) {
            root.put("system_prompt", options.systemPrompt());
        }
        if (!options.integrations().isEmpty()) {
            root.set("integrations", json.tree(options.integrations()));
        }
        root.put("stream", options.stream());
        if (options.sampling() != null) {
            root.put("temperature", options.sampling().temperature());
            ChatJson.putSamplers(root, options.sampling());
        }
        if (options.maxOutputTokens() != null) {
            root.put("max_output_tokens", options.maxOutputTokens());
        }
        if (options.reasoning() != null) {
            root.put("reasoning", options.reasoning());
        }
        if (options.contextLength() != null) {
            root.put("context_length", options.contextLength());
        }
        if (previousResponseId != null && !previousResponseId.isEmpty()) {
            root.put("previous_response_id", previousResponseId);
        }
        root.put("store", options.storeOr(false));
        if (ttlSeconds != null) {
            root.put("ttl", ttlSeconds);
        }
        return json.write(root);
    }

    /**
     * Parses a complete chat answer.
     *
     * @throws IOException when the body is not a JSON object with an {@code output} array
     */
    ChatResult parseChatResult(byte[] body) throws IOException {
        return chatResult(json.readObject(body));
    }

    /**
     * Parses one streamed event's data.
     *
     * @throws IOException when it is not a JSON object
     */
    JsonNode parseEvent(String data) throws IOException {
        return json.readObject(data);
    }

    /**
     * Reads a chat answer from a parsed object.
     *
     * @throws IOException when it has no {@code output} array
     */
    static ChatResult chatResult(JsonNode root) throws IOException {
        JsonNode output = root.path("output");
        if (!output.isArray()) {
            throw new IOException("no \"output\" array in the chat answer");
        }
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        for (JsonNode item : output) {
            switch (text(item.path("type"))) {
                case "message" -> text.append(text(item.path("content")));
                case "reasoning" -> reasoning.append(text(item.path("content")));
                default -> {
                    // tool_call items carry the tool's output, which is not the model's text.
                }
            }
        }
        JsonNode stats = root.path("stats");
        ChatJson.Usage usage = null;
        ServerStats serverStats = ServerStats.NONE;
        if (stats.isObject()) {
            int input = nonNegativeInt(stats.path("input_tokens"));
            int total = nonNegativeInt(stats.path("total_output_tokens"));
            if (input >= 0 && total >= 0) {
                usage = new ChatJson.Usage(input, total, nonNegativeInt(stats.path("reasoning_output_tokens")));
            }
            double load = number(stats.path("model_load_time_seconds"));
            serverStats = new ServerStats(number(stats.path("tokens_per_second")),
                    number(stats.path("time_to_first_token_seconds")), Double.NaN, "", V1_CHAT_STATS)
                    .withModelLoadSeconds(load >= 0 ? load : Double.NaN);
        }
        String instance = modelId(text(root.path("model_instance_id")));
        return new ChatResult(instance == null ? "" : instance, text.toString(), reasoning.toString(), usage,
                serverStats, field(text(root.path("response_id"))));
    }

    private static long longOrUnknown(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0 ? node.longValue() : -1;
    }
}
