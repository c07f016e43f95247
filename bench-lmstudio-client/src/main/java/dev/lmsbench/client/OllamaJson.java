package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.text.SafeText;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * JSON mapping of Ollama's native API (https://github.com/ollama/ollama/blob/main/docs/api.md): {@code /api/tags},
 * {@code /api/show}, {@code /api/ps}, {@code /api/generate} (load and unload), {@code /api/chat} and
 * {@code /api/version}. Parsing goes through {@link ChatJson}'s bounded parser, so the same depth and length limits
 * apply; every text kept goes through {@link SafeText}.
 *
 * <p>Thread-safe.
 */
final class OllamaJson {

    /** A model of {@code GET /api/tags}; absent strings are {@code ""}, an absent size {@code -1}. */
    record Tag(String name, long sizeBytes, String format, String family, String parameterSize,
               String quantization) {
    }

    /**
     * What {@code POST /api/show} adds.
     *
     * @param architecture  {@code model_info["general.architecture"]}, or {@code ""}
     * @param contextLength {@code model_info["<architecture>.context_length"]}, or {@code -1}
     * @param capabilities  {@code capabilities} (e.g. {@code completion}, {@code vision}, {@code tools},
     *                      {@code thinking}, {@code embedding}), lower case
     */
    record Show(String architecture, int contextLength, Set<String> capabilities) {
    }

    /**
     * One object of a {@code /api/chat} answer (a streamed line, or the whole non-streamed answer). Absent strings are
     * {@code ""}.
     *
     * @param content    {@code message.content}
     * @param thinking   {@code message.thinking}
     * @param done       {@code done}
     * @param doneReason {@code done_reason}
     * @param usage      {@code prompt_eval_count} and {@code eval_count}, or {@code null} unless both are given
     * @param stats      the server's timings as {@link ChatJson.NativeStats}, or {@code null} when none is given
     * @param error      the {@code error} message, or {@code null} when the object is no error
     * @param timings    the prompt and generation figures in llama.cpp's shape ({@code prompt_eval_count} and
     *                   {@code prompt_eval_duration}, {@code eval_count} and {@code eval_duration}; no cache count),
     *                   or {@code null} when the object carries no {@code prompt_eval_duration}
     * @param model      {@code model}, sanitized, or {@code ""}
     */
    record Frame(String content, String thinking, boolean done, String doneReason, ChatJson.Usage usage,
                 ChatJson.NativeStats stats, String error, ChatJson.Timings timings, String model) {

        /** Normalizes an absent model to {@code ""}. */
        Frame {
            model = model == null ? "" : model;
        }

        /** A frame that names no model. */
        Frame(String content, String thinking, boolean done, String doneReason, ChatJson.Usage usage,
              ChatJson.NativeStats stats, String error, ChatJson.Timings timings) {
            this(content, thinking, done, doneReason, usage, stats, error, timings, "");
        }

        /** A frame without prompt figures. */
        Frame(String content, String thinking, boolean done, String doneReason, ChatJson.Usage usage,
              ChatJson.NativeStats stats, String error) {
            this(content, thinking, done, doneReason, usage, stats, error, null, "");
        }

        /** This frame as a chunk for the {@link ResponseRecorder}. */
        ChatJson.Chunk chunk() {
            return new ChatJson.Chunk(content, thinking, doneReason, usage, null, stats, timings, model);
        }

        /** This frame as a non-streamed completion for the {@link ResponseRecorder}. */
        ChatJson.Completion completion() {
            return new ChatJson.Completion(content, thinking, doneReason, usage, stats, timings, model);
        }
    }

    private static final double NANOS_PER_SECOND = 1e9;

    private final ChatJson json;

    OllamaJson(ChatJson json) {
        this.json = json;
    }

    // ---- requests ----

    /**
     * The {@code options} a load sets (names from the docs' "Generate request (With options)" example):
     * {@code num_ctx} (when not 0), {@code num_gpu}, {@code num_batch}, {@code num_thread}, {@code use_mmap},
     * {@code use_mlock}. Ollama reloads a model whose options change, so every chat request repeats them.
     */
    ObjectNode loadOptions(LoadConfig config) {
        ObjectNode options = json.object();
        if (config.contextLength() > 0) {
            options.put("num_ctx", config.contextLength());
        }
        if (config.nGpuLayers() != null) {
            // Ollama's num_gpu is the number of layers to offload; -1 (all) is what it accepts for "as many as fit".
            options.put("num_gpu", config.nGpuLayers());
        }
        if (config.nBatch() != null) {
            options.put("num_batch", config.nBatch());
        }
        if (config.nThreads() != null && config.nThreads() > 0) {
            options.put("num_thread", config.nThreads());
        }
        if (config.useMmap() != null) {
            options.put("use_mmap", config.useMmap());
        }
        if (config.useMlock() != null) {
            options.put("use_mlock", config.useMlock());
        }
        return options;
    }

    /** The set load fields that Ollama's API has no per-request option for (they are server settings there). */
    static List<String> unsupportedLoadFields(LoadConfig config) {
        List<String> fields = new ArrayList<>();
        if (config.flashAttention() != null) {
            fields.add("flash attention (OLLAMA_FLASH_ATTENTION)");
        }
        if (config.kvCacheQuant() != null) {
            fields.add("KV cache quantization (OLLAMA_KV_CACHE_TYPE)");
        }
        if (config.ropeFreqBase() != null || config.ropeFreqScale() != null) {
            fields.add("RoPE frequency");
        }
        if (config.numExperts() != null) {
            fields.add("num_experts");
        }
        if (config.offloadKvCacheToGpu() != null) {
            fields.add("offload_kv_cache_to_gpu");
        }
        if (config.ttlSeconds() != null) {
            fields.add("ttl (the client keeps the model loaded with keep_alive)");
        }
        return fields;
    }

    /** {@code POST /api/generate} without a prompt, not streamed: loads the model and keeps it for {@code keepAlive}. */
    byte[] loadRequest(String model, ObjectNode options, String keepAlive) {
        ObjectNode root = json.object();
        root.put("model", model);
        root.put("keep_alive", keepAlive);
        root.put("stream", false);
        if (!options.isEmpty()) {
            root.set("options", options.deepCopy());
        }
        return json.write(root);
    }

    /** {@code POST /api/generate} without a prompt and {@code keep_alive: 0}: unloads the model. */
    byte[] unloadRequest(String model) {
        ObjectNode root = json.object();
        root.put("model", model);
        root.put("keep_alive", 0);
        root.put("stream", false);
        return json.write(root);
    }

    /** {@code POST /api/show}. */
    byte[] showRequest(String model) {
        return json.write(json.object().put("model", model));
    }

    /**
     * {@code POST /api/chat}: one user message, {@code stream}, {@code keep_alive}, and {@code options}: the load
     * options, {@code num_predict} (max tokens), {@code temperature} and the set {@code top_k}, {@code top_p},
     * {@code min_p}, {@code repeat_penalty}.
     */
    byte[] chatRequest(InferenceRequest request, ObjectNode loadOptions, String keepAlive) {
        ObjectNode root = json.object();
        root.put("model", request.model());
        root.putArray("messages").addObject().put("role", "user").put("content", request.messageText());
        root.put("stream", request.stream());
        root.put("keep_alive", keepAlive);
        ObjectNode options = loadOptions.deepCopy();
        options.put("num_predict", request.maxTokens());
        SamplingParams sampling = request.sampling();
        options.put("temperature", sampling.temperature());
        ChatJson.putSamplers(options, sampling);
        root.set("options", options);
        return json.write(root);
    }

    // ---- answers ----

    /**
     * {@code GET /api/tags}: {@code {"models":[{"name", "size", "details":{...}}]}}. Entries without a usable name
     * are skipped ({@link ChatJson#modelId}).
     *
     * @throws IOException when the body is not JSON or has no {@code models} array
     */
    List<Tag> parseTags(byte[] body) throws IOException {
        JsonNode models = json.readObject(body).path("models");
        if (!models.isArray()) {
            throw new IOException("no \"models\" array in the model list");
        }
        List<Tag> tags = new ArrayList<>(models.size());
        for (JsonNode entry : models) {
            String name = ChatJson.modelId(ChatJson.text(entry.path("name")));
            if (name == null) {
                name = ChatJson.modelId(ChatJson.text(entry.path("model")));
            }
            if (name == null) {
                continue;
            }
            JsonNode details = entry.path("details");
            tags.add(new Tag(name, nonNegativeLong(entry.path("size")), field(details, "format"),
                    field(details, "family"), field(details, "parameter_size"),
                    field(details, "quantization_level")));
        }
        return List.copyOf(tags);
    }

    /**
     * {@code POST /api/show}: the architecture and context length from {@code model_info}, and
     * {@code capabilities}.
     *
     * @throws IOException when the body is not a JSON object
     */
    Show parseShow(byte[] body) throws IOException {
        JsonNode root = json.readObject(body);
        JsonNode info = root.path("model_info");
        String architecture = ChatJson.field(ChatJson.text(info.path("general.architecture")));
        int context = architecture.isEmpty() ? -1
                : ChatJson.nonNegativeInt(info.path(architecture + ".context_length"));
        Set<String> capabilities = new LinkedHashSet<>();
        for (JsonNode capability : root.path("capabilities")) {
            String text = ChatJson.field(ChatJson.text(capability)).toLowerCase(java.util.Locale.ROOT);
            if (!text.isEmpty()) {
                capabilities.add(text);
            }
        }
        return new Show(architecture, context == 0 ? -1 : context, Set.copyOf(capabilities));
    }

    /**
     * {@code GET /api/ps}: the models in memory with {@code size} and {@code size_vram}.
     *
     * @throws IOException when the body is not JSON or has no {@code models} array
     */
    List<OllamaClient.RunningModel> parsePs(byte[] body) throws IOException {
        JsonNode models = json.readObject(body).path("models");
        if (!models.isArray()) {
            throw new IOException("no \"models\" array in the running models");
        }
        List<OllamaClient.RunningModel> running = new ArrayList<>(models.size());
        for (JsonNode entry : models) {
            String name = ChatJson.modelId(ChatJson.text(entry.path("name")));
            String model = ChatJson.modelId(ChatJson.text(entry.path("model")));
            if (name == null && model == null) {
                continue;
            }
            running.add(new OllamaClient.RunningModel(name != null ? name : model, model != null ? model : name,
                    nonNegativeLong(entry.path("size")), nonNegativeLong(entry.path("size_vram"))));
        }
        return List.copyOf(running);
    }

    /** {@code GET /api/version}: {@code version}, sanitized, or {@code ""}. */
    String parseVersion(byte[] body) throws IOException {
        return SafeText.oneLine(ChatJson.text(json.readObject(body).path("version")), 64);
    }

    /**
     * One object of a {@code /api/chat} answer. The final one ({@code done: true}) carries {@code done_reason},
     * {@code prompt_eval_count}, {@code eval_count} and the durations in nanoseconds.
     *
     * @throws IOException when the text is not a JSON object, or a known field has the wrong type
     */
    Frame parseFrame(String text) throws IOException {
        return frame(json.readObject(text));
    }

    /** {@link #parseFrame} of a whole body. */
    Frame parseFrame(byte[] body) throws IOException {
        return frame(json.readObject(body));
    }

    private static Frame frame(JsonNode root) throws IOException {
        JsonNode error = root.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            String message = error.isTextual() ? error.textValue()
                    : error.isObject() ? ChatJson.text(error.path("message")) : error.toString();
            return new Frame("", "", true, "", null, null, message.isEmpty() ? error.toString() : message);
        }
        JsonNode message = root.path("message");
        if (!message.isMissingNode() && !message.isNull() && !message.isObject()) {
            throw new IOException("\"message\" is not an object");
        }
        String content = string(message, "content");
        String thinking = string(message, "thinking");
        JsonNode done = root.path("done");
        if (!done.isMissingNode() && !done.isBoolean()) {
            throw new IOException("\"done\" is not a boolean");
        }
        String doneReason = string(root, "done_reason");
        int prompt = ChatJson.nonNegativeInt(root.path("prompt_eval_count"));
        int eval = ChatJson.nonNegativeInt(root.path("eval_count"));
        ChatJson.Usage usage = prompt >= 0 && eval >= 0 ? new ChatJson.Usage(prompt, eval, -1) : null;
        return new Frame(content, thinking, done.asBoolean(false), doneReason, usage, stats(root, doneReason), null,
                timings(root, prompt, eval), ChatJson.answeredModel(root.path("model")));
    }

    /**
     * The prompt figures as llama.cpp's {@code timings} would give them: {@code prompt_eval_count} tokens processed
     * in {@code prompt_eval_duration} (a prompt cache hit makes the count smaller; Ollama says nothing else about its
     * cache, so the cached count stays unknown), {@code eval_count} in {@code eval_duration}. {@code null} without a
     * {@code prompt_eval_duration} (every streamed line but the last).
     */
    private static ChatJson.Timings timings(JsonNode root, int promptCount, int evalCount) {
        double promptNanos = nanos(root.path("prompt_eval_duration"));
        if (Double.isNaN(promptNanos)) {
            return null;
        }
        double evalNanos = nanos(root.path("eval_duration"));
        double promptPerSecond = promptCount >= 0 && promptNanos > 0 ? promptCount * NANOS_PER_SECOND / promptNanos
                : Double.NaN;
        double evalPerSecond = evalCount >= 0 && evalNanos > 0 ? evalCount * NANOS_PER_SECOND / evalNanos
                : Double.NaN;
        return new ChatJson.Timings(promptCount, promptNanos / 1e6, promptPerSecond, evalCount, evalNanos / 1e6,
                evalPerSecond, -1);
    }

    /**
     * The server's timings: tokens per second = {@code eval_count / eval_duration}; time to first token =
     * {@code load_duration + prompt_eval_duration}; generation time = {@code eval_duration}. {@code null} when the
     * object carries none of them (every streamed line but the last).
     */
    private static ChatJson.NativeStats stats(JsonNode root, String doneReason) {
        double load = nanos(root.path("load_duration"));
        double promptEval = nanos(root.path("prompt_eval_duration"));
        double eval = nanos(root.path("eval_duration"));
        int evalCount = ChatJson.nonNegativeInt(root.path("eval_count"));
        if (Double.isNaN(promptEval) && Double.isNaN(eval)) {
            return null;
        }
        double tokensPerSecond = evalCount >= 0 && eval > 0 ? evalCount * NANOS_PER_SECOND / eval : Double.NaN;
        double ttft = Double.isNaN(promptEval) ? Double.NaN
                : ((Double.isNaN(load) ? 0 : load) + promptEval) / NANOS_PER_SECOND;
        return new ChatJson.NativeStats(tokensPerSecond, ttft, eval / NANOS_PER_SECOND, doneReason, "", "");
    }

    /** A duration in nanoseconds, or {@code NaN} when absent, negative or not a number. */
    private static double nanos(JsonNode node) {
        return node.isNumber() && node.doubleValue() >= 0 && Double.isFinite(node.doubleValue())
                ? node.doubleValue() : Double.NaN;
    }

    private static long nonNegativeLong(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0 ? node.longValue() : -1;
    }

    private static String field(JsonNode parent, String name) {
        return ChatJson.field(ChatJson.text(parent.path(name)));
    }

    /** A member that must be a string when present; absent and {@code null} are {@code ""}. */
    private static String string(JsonNode parent, String name) throws IOException {
        JsonNode node = parent.path(name);
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new IOException("\"" + name + "\" is not a string");
        }
        return node.textValue();
    }
}
