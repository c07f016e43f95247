package dev.lmsbench.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.model.DraftStats;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON mapping of the OpenAI chat completions and models shapes.
 *
 * <p>Reads through the {@link JsonNode} tree instead of data binding on purpose: OpenAI-compatible servers differ in
 * which fields they omit or set to {@code null}, and every field here is optional except where a method says otherwise.
 * Unknown fields are ignored, but a known field of the wrong type (such as {@code choices} as a string) makes the
 * answer invalid rather than silently empty.
 *
 * <p>Bounded: the parser refuses nesting deeper than {@value #MAX_JSON_DEPTH}, strings longer than
 * {@value #MAX_JSON_STRING_CHARS} characters, numbers longer than {@value #MAX_JSON_NUMBER_CHARS} digits and field
 * names longer than {@value #MAX_JSON_NAME_CHARS} characters ({@link StreamReadConstraints}); the client reports such
 * a breach as {@code TOO_LARGE}. Text that ends up in messages or model metadata goes through {@link SafeText}.
 *
 * <p>Thread-safe (the {@link ObjectMapper} is only used for reading and writing trees).
 */
final class ChatJson {

    /**
     * Token counts from a {@code usage} object.
     *
     * @param prompt     {@code prompt_tokens}
     * @param completion {@code completion_tokens}
     * @param reasoning  {@code completion_tokens_details.reasoning_tokens}, or {@code -1} when not given
     * @param cached     {@code prompt_tokens_details.cached_tokens}, or {@code -1} when not given
     */
    record Usage(int prompt, int completion, int reasoning, int cached) {

        /** Counts without a cached figure. */
        Usage(int prompt, int completion, int reasoning) {
            this(prompt, completion, reasoning, UNKNOWN);
        }
    }

    /**
     * llama.cpp's {@code timings} object, in the last chunk of a stream and in a non-streamed completion
     * (https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md). Unknown numbers are {@code NaN},
     * unknown counts {@code -1}.
     *
     * @param promptN            {@code prompt_n}: prompt tokens processed (cached ones not included)
     * @param promptMs           {@code prompt_ms}
     * @param promptPerSecond    {@code prompt_per_second}
     * @param predictedN         {@code predicted_n}
     * @param predictedMs        {@code predicted_ms}
     * @param predictedPerSecond {@code predicted_per_second}
     * @param cacheN             {@code cache_n}: prompt tokens taken from the KV cache
     */
    record Timings(int promptN, double promptMs, double promptPerSecond, int predictedN, double predictedMs,
                   double predictedPerSecond, int cacheN) {
    }

    /**
     * What one streamed {@code chat.completion.chunk} carries. Absent strings are {@code ""}.
     *
     * @param content      {@code choices[0].delta.content}
     * @param reasoning    {@code choices[0].delta.reasoning_content} (or {@code reasoning})
     * @param finishReason {@code choices[0].finish_reason}
     * @param usage        the {@code usage} object, or {@code null}
     * @param error        the message of an {@code error} object, or {@code null} when the chunk is no error
     * @param stats        LM Studio's {@code stats}/{@code model_info}/{@code runtime}, or {@code null}
     * @param timings      llama.cpp's {@code timings}, or {@code null}
     * @param model        the {@code model} the chunk names (sanitized, see {@link #answeredModel}), or {@code ""}
     */
    record Chunk(String content, String reasoning, String finishReason, Usage usage, String error,
                 NativeStats stats, Timings timings, String model) {

        /** Normalizes an absent model to {@code ""}. */
        Chunk {
            model = model == null ? "" : model;
        }

        /** A chunk that names no model. */
        Chunk(String content, String reasoning, String finishReason, Usage usage, String error,
              NativeStats stats, Timings timings) {
            this(content, reasoning, finishReason, usage, error, stats, timings, "");
        }

        /** A chunk without llama.cpp timings. */
        Chunk(String content, String reasoning, String finishReason, Usage usage, String error,
              NativeStats stats) {
            this(content, reasoning, finishReason, usage, error, stats, null);
        }

        /** A chunk without LM Studio statistics or llama.cpp timings. */
        Chunk(String content, String reasoning, String finishReason, Usage usage, String error) {
            this(content, reasoning, finishReason, usage, error, null, null);
        }

        /** Whether the chunk carries at least one token, content or reasoning (a role-only chunk does not). */
        boolean carriesToken() {
            return !content.isEmpty() || !reasoning.isEmpty();
        }
    }

    /**
     * A non-streamed {@code chat.completion}. Absent strings are {@code ""}.
     *
     * @param content      {@code choices[0].message.content}
     * @param reasoning    {@code choices[0].message.reasoning_content} (or {@code reasoning})
     * @param finishReason {@code choices[0].finish_reason}
     * @param usage        the {@code usage} object, or {@code null}
     * @param stats        LM Studio's {@code stats}/{@code model_info}/{@code runtime}, or {@code null}
     * @param timings      llama.cpp's {@code timings}, or {@code null}
     * @param model        the {@code model} the answer names (sanitized, see {@link #answeredModel}), or {@code ""}
     */
    record Completion(String content, String reasoning, String finishReason, Usage usage, NativeStats stats,
                      Timings timings, String model) {

        /** Normalizes an absent model to {@code ""}. */
        Completion {
            model = model == null ? "" : model;
        }

        /** A completion that names no model. */
        Completion(String content, String reasoning, String finishReason, Usage usage, NativeStats stats,
                   Timings timings) {
            this(content, reasoning, finishReason, usage, stats, timings, "");
        }

        /** A completion without llama.cpp timings. */
        Completion(String content, String reasoning, String finishReason, Usage usage, NativeStats stats) {
            this(content, reasoning, finishReason, usage, stats, null);
        }

        /** A completion without LM Studio statistics or llama.cpp timings. */
        Completion(String content, String reasoning, String finishReason, Usage usage) {
            this(content, reasoning, finishReason, usage, null, null);
        }
    }

    /**
     * What LM Studio's native {@code /api/v0} endpoints add to a completion (documented for the non-streamed response
     * at https://lmstudio.ai/docs/developer/rest/endpoints; read from any chunk that carries it when streaming).
     * Unknown numbers are {@code NaN}, unknown strings {@code ""}.
     *
     * @param tokensPerSecond  {@code stats.tokens_per_second}
     * @param timeToFirstToken {@code stats.time_to_first_token} in seconds
     * @param generationTime   {@code stats.generation_time} in seconds
     * @param stopReason       {@code stats.stop_reason}
     * @param modelInfo        the {@code model_info} object as JSON text, or {@code ""}
     * @param runtime          the {@code runtime} object as JSON text, or {@code ""}
     * @param draft            the speculative decoding figures of {@code stats} ({@code draft_model},
     *                         {@code total_draft_tokens_count}, {@code accepted_draft_tokens_count},
     *                         {@code rejected_draft_tokens_count}, {@code ignored_draft_tokens_count}: LM Studio
     *                         api-changelog 0.3.10, lmstudio-js {@code LLMPredictionStats.ts}), or
     *                         {@link DraftStats#NONE}
     */
    record NativeStats(double tokensPerSecond, double timeToFirstToken, double generationTime, String stopReason,
                       String modelInfo, String runtime, DraftStats draft) {

        /** Normalizes absent draft figures. */
        NativeStats {
            draft = draft == null ? DraftStats.NONE : draft;
        }

        /** Statistics without draft figures. */
        NativeStats(double tokensPerSecond, double timeToFirstToken, double generationTime, String stopReason,
                    String modelInfo, String runtime) {
            this(tokensPerSecond, timeToFirstToken, generationTime, stopReason, modelInfo, runtime, DraftStats.NONE);
        }

        /** {@return whether the figures say anything: a speed, a time, a stop reason or a draft figure} */
        boolean saysAnything() {
            return !Double.isNaN(tokensPerSecond) || !Double.isNaN(timeToFirstToken) || !Double.isNaN(generationTime)
                    || !stopReason.isEmpty() || draft.present();
        }
    }

    /**
     * An error object as servers send it: OpenAI's {@code {"error":{"message","type","code","param"}}} (also LM
     * Studio's v1 shape, https://lmstudio.ai/docs/developer/rest/streaming-events), or a plain message.
     *
     * @param message the message, or {@code ""}
     * @param type    {@code error.type}, or {@code ""}
     * @param code    {@code error.code} as text (servers send strings or numbers), or {@code ""}
     */
    record ServerError(String message, String type, String code) {
    }

    /** The deepest JSON nesting accepted (objects and arrays); chat answers need about 5. */
    static final int MAX_JSON_DEPTH = 64;
    /** The longest JSON string accepted, in characters (16 Mi); a completion's whole text is one string. */
    static final int MAX_JSON_STRING_CHARS = 16 * 1024 * 1024;
    /** The longest JSON number accepted, in characters. */
    static final int MAX_JSON_NUMBER_CHARS = 100;
    /** The longest JSON field name accepted, in characters. */
    static final int MAX_JSON_NAME_CHARS = 1024;
    /** The longest model id kept (characters, after {@link SafeText}); a longer one is dropped. */
    static final int MAX_MODEL_ID_CHARS = 256;
    /** The longest model metadata value kept (type, publisher, ...): cut to this many characters. */
    static final int MAX_FIELD_CHARS = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ChatJson.class);
    private static final int UNKNOWN = -1;

    private final ObjectMapper mapper = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_JSON_DEPTH)
                    .maxStringLength(MAX_JSON_STRING_CHARS)
                    .maxNumberLength(MAX_JSON_NUMBER_CHARS)
                    .maxNameLength(MAX_JSON_NAME_CHARS)
                    .build())
            .build()).build();

    /**
     * A model list and what it says about the server.
     *
     * @param models  the models
     * @param ownedBy the first non-empty {@code owned_by} (llama.cpp says {@code llamacpp}, vLLM {@code vllm}, Ollama
     *                {@code library}), sanitized, or {@code ""}
     * @param names   every id and every alias the entries carry (llama.cpp's {@code aliases}), sanitized
     */
    record ModelList(List<ModelInfo> models, String ownedBy, java.util.Set<String> names) {

        /** Copies the names. */
        ModelList {
            names = names == null ? java.util.Set.of() : java.util.Set.copyOf(names);
        }

        /** A list without aliases: the names are the ids. */
        ModelList(List<ModelInfo> models, String ownedBy) {
            this(models, ownedBy, models.stream().map(ModelInfo::id).collect(java.util.stream.Collectors.toSet()));
        }
    }

    /** The body of {@code POST /chat/completions} for a request: the OpenAI fields, temperature the only sampler. */
    byte[] chatRequest(InferenceRequest request) {
        return chatRequest(request, false, false);
    }

    /** {@link #chatRequest(InferenceRequest, boolean, boolean)} without llama.cpp's cache switch. */
    byte[] chatRequest(InferenceRequest request, boolean allSamplers) {
        return chatRequest(request, allSamplers, false);
    }

    /**
     * The body of {@code POST /chat/completions}. The user message is {@link InferenceRequest#messageText()}: the
     * request's nonce, when it has one, starts it.
     *
     * @param allSamplers also send {@code top_k}, {@code top_p}, {@code min_p} and {@code repeat_penalty} when set
     *                    (LM Studio reads them; other servers name some of them differently, so the plain OpenAI client
     *                    sends the temperature only)
     * @param cacheSwitch the server is llama.cpp, which reads {@code cache_prompt}: a request that
     *                    {@linkplain InferenceRequest#defeatsPromptCache() defeats the prompt cache} also sends
     *                    {@code "cache_prompt": false}. Only then: OpenAI answers an unknown field with HTTP 400
     *                    ("Unrecognized request argument supplied"), and strict servers may too
     */
    byte[] chatRequest(InferenceRequest request, boolean allSamplers, boolean cacheSwitch) {
        return write(chatRequestTree(request, allSamplers, cacheSwitch));
    }

    /**
     * The body of {@link #chatRequest(InferenceRequest, boolean, boolean)} as a tree, for a client that adds fields
     * of its server (LM Studio's {@code ttl} and {@code draft_model}).
     */
    ObjectNode chatRequestTree(InferenceRequest request, boolean allSamplers, boolean cacheSwitch) {
        ObjectNode root = mapper.createObjectNode();
        root.put("model", request.model());
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "user").put("content", request.messageText());
        root.put("max_tokens", request.maxTokens());
        root.put("temperature", request.temperature());
        if (allSamplers) {
            putSamplers(root, request.sampling());
        }
        root.put("stream", request.stream());
        if (request.stream()) {
            // Without this OpenAI and vLLM send no usage at all when streaming, and counts would have to be estimated.
            root.putObject("stream_options").put("include_usage", true);
        }
        if (cacheSwitch && request.defeatsPromptCache()) {
            root.put("cache_prompt", false);
        }
        return root;
    }

    /** Puts the set samplers other than the temperature under LM Studio's names; {@code null} ones are left out. */
    static void putSamplers(ObjectNode root, SamplingParams sampling) {
        if (sampling.topK() != null) {
            root.put("top_k", sampling.topK());
        }
        if (sampling.topP() != null) {
            root.put("top_p", sampling.topP());
        }
        if (sampling.minP() != null) {
            root.put("min_p", sampling.minP());
        }
        if (sampling.repeatPenalty() != null) {
            root.put("repeat_penalty", sampling.repeatPenalty());
        }
    }

    /** Serializes a tree this class built. */
    byte[] write(JsonNode root) {
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a tree of strings and numbers", e);
        }
    }

    /** {@return a new empty object node} */
    ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** {@return a tree of plain Java values (maps, lists, strings, numbers, booleans), as the caller gave them} */
    JsonNode tree(Object value) {
        return mapper.valueToTree(value);
    }

    /**
     * Parses a body that must be a JSON object.
     *
     * @throws IOException when it is not
     */
    JsonNode readObject(byte[] body) throws IOException {
        return readObject(mapper.readTree(body));
    }

    /**
     * Parses text that must be a JSON object.
     *
     * @throws IOException when it is not
     */
    JsonNode readObject(String text) throws IOException {
        return readObject(mapper.readTree(text));
    }

    /**
     * Parses the data of one SSE event.
     *
     * @throws IOException when the data is not a JSON object
     */
    Chunk parseChunk(String data) throws IOException {
        JsonNode root = readObject(mapper.readTree(data));
        String error = errorMessage(root);
        if (error != null) {
            return new Chunk("", "", "", null, error, null);
        }
        JsonNode choice = firstChoice(root);
        JsonNode delta = expect(choice, "delta", JsonNode::isObject, "an object");
        return new Chunk(string(delta, "content"), reasoning(delta), string(choice, "finish_reason"),
                usage(expect(root, "usage", JsonNode::isObject, "an object")), null, nativeStats(root),
                timings(root), answeredModel(root.path("model")));
    }

    /**
     * Parses a complete non-streamed response.
     *
     * @throws IOException when the body is not JSON or has no {@code choices} (the caller reports an {@code error}
     *                     object first, see {@link #errorMessage(byte[])})
     */
    Completion parseCompletion(byte[] body) throws IOException {
        JsonNode root = readObject(mapper.readTree(body));
        JsonNode choices = expect(root, "choices", JsonNode::isArray, "an array");
        if (choices.isEmpty()) {
            throw new IOException("no choices in the response");
        }
        JsonNode choice = choices.get(0);
        if (!choice.isObject()) {
            throw new IOException("\"choices[0]\" is " + describe(choice) + ", not an object");
        }
        JsonNode message = expect(choice, "message", JsonNode::isObject, "an object");
        return new Completion(string(message, "content"), reasoning(message), string(choice, "finish_reason"),
                usage(expect(root, "usage", JsonNode::isObject, "an object")), nativeStats(root), timings(root),
                answeredModel(root.path("model")));
    }

    /**
     * Whether a body is a JSON object with an {@code error} member (a string or an object): an error object where an
     * answer should be.
     */
    boolean isErrorObject(byte[] body) {
        try {
            JsonNode root = mapper.readTree(body);
            return root != null && root.isObject() && errorMessage(root) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Parses a model list: the OpenAI shape {@code {"data":[{"id":...}]}} (a bare array is accepted too), with LM
     * Studio's extra fields ({@code type}, {@code publisher}, {@code arch}, {@code quantization},
     * {@code max_context_length}) when present, and llama.cpp's {@code meta} object ({@code size} is the size,
     * {@code n_ctx_train} the largest context, {@code n_params} the parameter count, written as {@code 4.6B} or
     * {@code 596M}). Entries without an id are skipped.
     *
     * @throws IOException when the body is not JSON or holds no model array
     */
    List<ModelInfo> parseModels(byte[] body) throws IOException {
        return parseModelList(body).models();
    }

    /**
     * {@link #parseModels} with the {@code owned_by} the entries carry. Ids and metadata are sanitized
     * ({@link #modelId}, {@link #field}).
     *
     * @throws IOException when the body is not JSON or holds no model array
     */
    ModelList parseModelList(byte[] body) throws IOException {
        JsonNode root = mapper.readTree(body);
        JsonNode data = root != null && root.isArray() ? root : root == null ? null : root.path("data");
        if (data == null || !data.isArray()) {
            throw new IOException("no \"data\" array in the model list");
        }
        List<ModelInfo> models = new ArrayList<>(data.size());
        java.util.Set<String> names = new java.util.HashSet<>();
        String ownedBy = "";
        for (JsonNode entry : data) {
            String id = modelId(text(entry.path("id")));
            if (id == null) {
                continue;
            }
            names.add(id);
            for (JsonNode alias : entry.path("aliases")) {
                String name = modelId(text(alias));
                if (name != null) {
                    names.add(name);
                }
            }
            if (ownedBy.isEmpty()) {
                ownedBy = field(text(entry.path("owned_by")));
            }
            // llama.cpp: {"meta":{"n_params":..., "size":..., "n_ctx_train":..., "n_ctx":..., "n_vocab":...}}
            JsonNode meta = entry.path("meta");
            int maxContext = nonNegativeInt(entry.path("max_context_length"));
            if (maxContext == UNKNOWN) {
                maxContext = nonNegativeInt(meta.path("n_ctx_train"));
            }
            long size = meta.path("size").canConvertToLong() && meta.path("size").isIntegralNumber()
                    && meta.path("size").longValue() >= 0 ? meta.path("size").longValue() : UNKNOWN;
            models.add(new ModelInfo(id, field(text(entry.path("type"))), field(text(entry.path("publisher"))),
                    field(text(entry.path("arch"))), field(text(entry.path("quantization"))), size, maxContext,
                    paramCount(meta.path("n_params")), java.util.Set.of()));
        }
        return new ModelList(List.copyOf(models), ownedBy, names);
    }

    /**
     * A model id as the server sent it, made safe: escape sequences, control characters and invisible formatting
     * removed ({@link SafeText}); {@code null} (dropped, logged at debug) when nothing is left or it is longer than
     * {@value #MAX_MODEL_ID_CHARS} characters (cutting it would name another model).
     *
     * @param raw the id, or {@code ""}
     * @return the id, or {@code null} to skip the entry
     */
    static String modelId(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String id = SafeText.oneLine(raw, Integer.MAX_VALUE);
        if (id.isEmpty() || id.length() > MAX_MODEL_ID_CHARS) {
            LOG.debug("dropping a model id of {} characters that is {} once sanitized", raw.length(),
                    id.isEmpty() ? "empty" : "longer than " + MAX_MODEL_ID_CHARS);
            return null;
        }
        if (!id.equals(raw)) {
            LOG.debug("model id '{}' had control or formatting characters; they were removed", id);
        }
        return id;
    }

    /**
     * The model an answer names ({@code model}, {@code model_instance_id}), made safe: {@code ""} when it is absent,
     * not a string or empty once sanitized (it cannot be checked then); an id longer than
     * {@value #MAX_MODEL_ID_CHARS} characters is cut, which can only make it differ from the one asked for.
     *
     * @param node the field
     * @return the model, or {@code ""}
     */
    static String answeredModel(JsonNode node) {
        String raw = text(node);
        return raw.isBlank() ? "" : SafeText.oneLine(raw, MAX_MODEL_ID_CHARS + 3);
    }

    /** Model metadata (type, publisher, ...) made safe and cut to {@value #MAX_FIELD_CHARS} characters. */
    static String field(String raw) {
        return SafeText.oneLine(raw, MAX_FIELD_CHARS);
    }

    /**
     * The server's error message from an error body: OpenAI's {@code {"error":{"message":...}}}, a plain
     * {@code {"error":"..."}}, a top-level {@code message} or {@code detail}, or else the body text itself.
     *
     * @return the message, or {@code ""} for an empty body
     */
    String errorMessage(byte[] body) {
        try {
            JsonNode root = mapper.readTree(body);
            if (root != null && root.isObject()) {
                String message = errorMessage(root);
                if (message != null && !message.isBlank()) {
                    return message;
                }
                for (String field : List.of("message", "detail")) {
                    String text = text(root.path(field));
                    if (!text.isBlank()) {
                        return text;
                    }
                }
            }
        } catch (IOException e) {
            // Not JSON: servers and proxies also answer errors with plain text or HTML; fall through to the raw text.
        }
        return new String(body, StandardCharsets.UTF_8).strip();
    }

    /**
     * The server's error from an error body or an SSE event's data, with {@code type} and {@code code} when the body
     * has the OpenAI error shape. The message follows {@link #errorMessage(byte[])}.
     */
    ServerError serverError(byte[] body) {
        String message = errorMessage(body);
        String type = "";
        String code = "";
        try {
            JsonNode root = mapper.readTree(body);
            JsonNode error = root == null ? null : root.path("error");
            if (error != null && error.isObject()) {
                type = scalar(error.path("type"));
                code = scalar(error.path("code"));
            }
        } catch (IOException e) {
            // Not JSON: the message is the raw text and there is no type or code.
        }
        return new ServerError(SafeText.oneLine(message), SafeText.oneLine(type, MAX_FIELD_CHARS),
                SafeText.oneLine(code, MAX_FIELD_CHARS));
    }

    /** The message of an {@code error} member of a parsed object, or {@code null} when there is none. */
    private static String errorMessage(JsonNode root) {
        JsonNode error = root.path("error");
        if (error.isTextual()) {
            return error.asText();
        }
        if (error.isObject()) {
            String message = text(error.path("message"));
            return message.isEmpty() ? error.toString() : message;
        }
        return null;
    }

    /** LM Studio's {@code stats}, {@code model_info} and {@code runtime}, or {@code null} when none is present. */
    private static NativeStats nativeStats(JsonNode root) {
        JsonNode stats = root.path("stats");
        JsonNode modelInfo = root.path("model_info");
        JsonNode runtime = root.path("runtime");
        if (!stats.isObject() && !modelInfo.isObject() && !runtime.isObject()) {
            return null;
        }
        return new NativeStats(number(stats.path("tokens_per_second")), number(stats.path("time_to_first_token")),
                number(stats.path("generation_time")), field(text(stats.path("stop_reason"))),
                modelInfo.isObject() ? SafeText.oneLine(modelInfo.toString(), 1024) : "",
                runtime.isObject() ? SafeText.oneLine(runtime.toString(), 1024) : "", draft(stats));
    }

    /**
     * The draft figures of LM Studio's {@code stats} after speculative decoding (api-changelog 0.3.10):
     * {@code draft_model} and the four {@code *_draft_tokens_count}; {@link DraftStats#NONE} when none is given.
     */
    static DraftStats draft(JsonNode stats) {
        String model = answeredModel(stats.path("draft_model"));
        DraftStats draft = new DraftStats(model, nonNegativeInt(stats.path("total_draft_tokens_count")),
                nonNegativeInt(stats.path("accepted_draft_tokens_count")),
                nonNegativeInt(stats.path("rejected_draft_tokens_count")),
                nonNegativeInt(stats.path("ignored_draft_tokens_count")));
        return draft.present() || draft.rejectedTokens() >= 0 || draft.ignoredTokens() >= 0 ? draft
                : DraftStats.NONE;
    }

    /** A parameter count as the model filters read it ({@code 4.6B}, {@code 596M}), or {@code ""} when unknown. */
    static String paramCount(JsonNode node) {
        if (!node.isNumber() || !Double.isFinite(node.doubleValue()) || node.doubleValue() <= 0) {
            return "";
        }
        double n = node.doubleValue();
        double scaled = n >= 1e9 ? n / 1e9 : n / 1e6;
        String unit = n >= 1e9 ? "B" : "M";
        String text = String.format(java.util.Locale.ROOT, "%.1f", scaled);
        return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text) + unit;
    }

    /** llama.cpp's {@code timings}, or {@code null} when absent or not an object (an optional extra, never fatal). */
    private static Timings timings(JsonNode root) {
        JsonNode t = root.path("timings");
        if (!t.isObject()) {
            return null;
        }
        return new Timings(nonNegativeInt(t.path("prompt_n")), nonNegative(t.path("prompt_ms")),
                nonNegative(t.path("prompt_per_second")), nonNegativeInt(t.path("predicted_n")),
                nonNegative(t.path("predicted_ms")), nonNegative(t.path("predicted_per_second")),
                nonNegativeInt(t.path("cache_n")));
    }

    /** A finite number of at least 0, or {@code NaN}. */
    private static double nonNegative(JsonNode node) {
        double value = number(node);
        return value >= 0 ? value : Double.NaN;
    }

    /** A finite number, or {@code NaN} when absent or not a number. */
    static double number(JsonNode node) {
        return node.isNumber() && Double.isFinite(node.doubleValue()) ? node.doubleValue() : Double.NaN;
    }

    /** A string or number as text ({@code error.code} is either), else {@code ""}. */
    static String scalar(JsonNode node) {
        return node.isTextual() || node.isNumber() ? node.asText() : "";
    }

    private static JsonNode readObject(JsonNode node) throws IOException {
        if (node == null || !node.isObject()) {
            throw new IOException("expected a JSON object");
        }
        return node;
    }

    private static JsonNode firstChoice(JsonNode root) throws IOException {
        // choices is an empty array in the include_usage chunk and may be null or absent on some servers: path() turns
        // all of these into a missing node whose fields read as absent. Any other type is a broken answer.
        JsonNode choice = expect(root, "choices", JsonNode::isArray, "an array").path(0);
        if (!choice.isMissingNode() && !choice.isObject()) {
            throw new IOException("\"choices[0]\" is " + describe(choice) + ", not an object");
        }
        return choice;
    }

    private static String reasoning(JsonNode message) throws IOException {
        // DeepSeek, LM Studio, llama.cpp and vLLM say reasoning_content; OpenRouter and Ollama say reasoning.
        String reasoning = string(message, "reasoning_content");
        return reasoning.isEmpty() ? string(message, "reasoning") : reasoning;
    }

    /**
     * A member that must have a type when present: absent and {@code null} are a missing node (fields read as
     * absent), another type fails.
     */
    private static JsonNode expect(JsonNode parent, String name, java.util.function.Predicate<JsonNode> type,
                                   String typeName) throws IOException {
        JsonNode node = parent.path(name);
        if (node.isMissingNode() || node.isNull()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        if (!type.test(node)) {
            throw new IOException("\"" + name + "\" is " + describe(node) + ", not " + typeName);
        }
        return node;
    }

    /** A member that must be a string when present; absent and {@code null} are {@code ""}. */
    private static String string(JsonNode parent, String name) throws IOException {
        JsonNode node = parent.path(name);
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new IOException("\"" + name + "\" is " + describe(node) + ", not a string");
        }
        return node.textValue();
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static Usage usage(JsonNode usage) {
        if (!usage.isObject()) {
            return null;
        }
        int prompt = nonNegativeInt(usage.path("prompt_tokens"));
        int completion = nonNegativeInt(usage.path("completion_tokens"));
        if (prompt == UNKNOWN || completion == UNKNOWN) {
            // Half a usage object is not a report we can trust: estimate everything instead, flagged as such.
            return null;
        }
        return new Usage(prompt, completion,
                nonNegativeInt(usage.path("completion_tokens_details").path("reasoning_tokens")),
                nonNegativeInt(usage.path("prompt_tokens_details").path("cached_tokens")));
    }

    static int nonNegativeInt(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToInt() && node.intValue() >= 0) {
            return node.intValue();
        }
        return UNKNOWN;
    }

    static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : "";
    }
}
