package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.model.SamplingParams;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.InferenceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers already received, keyed by what determines them, so a repeated question need not reach the model. Opt-in:
 * an {@link LmStudioClient} uses one only when built with
 * {@link LmStudioClient.Builder#responseCache(ResponseCache, boolean)}, and its measured
 * {@link LmStudioClient#infer} answers from it only when that call said so. A cached answer is always labelled
 * ({@code InferenceResult.cached()}, {@link ChatReply#cached()}) and its timings measure the cache, never a model.
 *
 * <h2>The key</h2>
 * The lower-case hex MD5 of the UTF-8 bytes of this canonical JSON: no whitespace, object members sorted by name at
 * every level, absent ({@code null}) values left out, numbers as Jackson writes Java values ({@code 0.1},
 * {@code 64}):
 * <pre>
 * {"messages":[{"content":"Say hello","role":"user"}],"model":"qwen3-8b","sampling":{"max_tokens":64,"temperature":0.1}}
 * </pre>
 * {@code messages} are the chat messages in order ({@code system} then {@code user}; a continued
 * {@link ChatSession} turn starts with {@code {"role":"previous_response","content":"resp_..."}}); {@code sampling}
 * holds {@code temperature}, {@code top_k}, {@code top_p}, {@code min_p}, {@code repeat_penalty} and
 * {@code max_tokens} where set. Nothing else (streaming, timeouts, server version, the request's prompt cache
 * nonce) is part of the key: the nonce only keeps the server's own prompt cache from answering. MD5 is used
 * as a fingerprint, not for security.
 *
 * <h2>Storage</h2>
 * In memory, and with {@link #persistentIn(Path)} also one file {@code <key>.json} per answer in a directory, read
 * back on a later run. Thread-safe.
 */
public final class ResponseCache {

    /**
     * One chat message of a key.
     *
     * @param role    {@code system}, {@code user}, or {@code previous_response}
     * @param content the text
     */
    public record Message(String role, String content) {

        /** Requires both fields. */
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }

    /**
     * A stored answer.
     *
     * @param content      the visible answer
     * @param reasoning    the reasoning, or {@code ""}
     * @param finishReason the finish reason, or {@code ""}
     * @param usage        the token counts of the original answer
     * @param responseId   LM Studio's {@code response_id} when the answer came from {@code /api/v1/chat}, else
     *                     {@code ""}
     */
    public record CachedAnswer(String content, String reasoning, String finishReason, TokenUsage usage,
                               String responseId) {

        /** Normalizes absent strings; requires the usage. */
        public CachedAnswer {
            content = Objects.requireNonNullElse(content, "");
            reasoning = Objects.requireNonNullElse(reasoning, "");
            finishReason = Objects.requireNonNullElse(finishReason, "");
            Objects.requireNonNull(usage, "usage");
            responseId = Objects.requireNonNullElse(responseId, "");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SUFFIX = ".json";

    private final Map<String, CachedAnswer> answers = new ConcurrentHashMap<>();
    private final Path directory;

    private ResponseCache(Path directory) {
        this.directory = directory;
    }

    /** {@return an empty cache kept in memory only} */
    public static ResponseCache inMemory() {
        return new ResponseCache(null);
    }

    /**
     * A cache kept in memory and in {@code directory}, one JSON file per answer; answers stored there by an earlier
     * run are found again.
     *
     * @param directory where the files go; created when missing
     * @return the cache
     * @throws UncheckedIOException when the directory cannot be created
     */
    public static ResponseCache persistentIn(Path directory) {
        Objects.requireNonNull(directory, "directory");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the response cache directory " + directory, e);
        }
        return new ResponseCache(directory);
    }

    /**
     * The key of a chat completion request: its model, its one user message and its sampling parameters with
     * {@code max_tokens}.
     *
     * @param request the request
     * @return the MD5 hex key
     */
    public static String key(InferenceRequest request) {
        return key(request.model(), List.of(new Message("user", request.prompt())), request.sampling(),
                request.maxTokens());
    }

    /**
     * The key of a question; see the class documentation for the canonical form.
     *
     * @param model     the model id
     * @param messages  the messages in order
     * @param sampling  the sampling parameters, or {@code null} for none
     * @param maxTokens the token limit, or {@code null} for none
     * @return the MD5 hex key
     */
    public static String key(String model, List<Message> messages, SamplingParams sampling, Integer maxTokens) {
        return md5Hex(canonicalJson(model, messages, sampling, maxTokens));
    }

    /**
     * The canonical JSON the key is computed from, for logs and documentation.
     *
     * @param model     the model id
     * @param messages  the messages in order
     * @param sampling  the sampling parameters, or {@code null} for none
     * @param maxTokens the token limit, or {@code null} for none
     * @return the JSON text
     */
    public static String canonicalJson(String model, List<Message> messages, SamplingParams sampling,
                                       Integer maxTokens) {
        Objects.requireNonNull(model, "model");
        // TreeMaps serialize their members sorted by name, which makes the text canonical.
        Map<String, Object> root = new TreeMap<>();
        root.put("model", model);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Message message : messages) {
            Map<String, Object> entry = new TreeMap<>();
            entry.put("role", message.role());
            entry.put("content", message.content());
            list.add(entry);
        }
        root.put("messages", list);
        Map<String, Object> samplingMap = new TreeMap<>();
        if (sampling != null) {
            samplingMap.put("temperature", sampling.temperature());
            putIfSet(samplingMap, "top_k", sampling.topK());
            putIfSet(samplingMap, "top_p", sampling.topP());
            putIfSet(samplingMap, "min_p", sampling.minP());
            putIfSet(samplingMap, "repeat_penalty", sampling.repeatPenalty());
        }
        putIfSet(samplingMap, "max_tokens", maxTokens);
        root.put("sampling", samplingMap);
        try {
            return MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize strings and numbers", e);
        }
    }

    /**
     * Looks an answer up: in memory, then (for a persistent cache) in its directory.
     *
     * @param key a key from {@link #key}
     * @return the answer, if stored
     */
    public Optional<CachedAnswer> get(String key) {
        CachedAnswer answer = answers.get(key);
        if (answer == null && directory != null && isKey(key)) {
            answer = readFile(directory.resolve(key + SUFFIX));
            if (answer != null) {
                answers.putIfAbsent(key, answer);
            }
        }
        return Optional.ofNullable(answer);
    }

    /**
     * Stores an answer, replacing one under the same key; a persistent cache also writes its file (a failure to write
     * is logged and leaves the answer in memory).
     *
     * @param key    a key from {@link #key}
     * @param answer the answer
     */
    public void put(String key, CachedAnswer answer) {
        Objects.requireNonNull(answer, "answer");
        if (!isKey(key)) {
            throw new IllegalArgumentException("not a response cache key: " + key);
        }
        answers.put(key, answer);
        if (directory != null) {
            writeFile(key, answer);
        }
    }

    /** {@return how many answers are in memory} */
    public int size() {
        return answers.size();
    }

    /** {@return the directory of a persistent cache} */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    private static void putIfSet(Map<String, Object> map, String name, Object value) {
        if (value != null) {
            map.put(name, value);
        }
    }

    private static boolean isKey(String key) {
        // Keys become file names: accept nothing but what md5Hex produces.
        return key != null && key.length() == 32 && key.chars().allMatch(c -> (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'f'));
    }

    static String md5Hex(String text) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return HexFormat.of().formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    private void writeFile(String key, CachedAnswer answer) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", answer.usage().promptTokens());
        usage.put("completion_tokens", answer.usage().completionTokens());
        usage.put("reasoning_tokens", answer.usage().reasoningTokens());
        usage.put("estimated", answer.usage().estimated());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("key", key);
        root.put("content", answer.content());
        root.put("reasoning", answer.reasoning());
        root.put("finish_reason", answer.finishReason());
        root.put("usage", usage);
        root.put("response_id", answer.responseId());
        Path target = directory.resolve(key + SUFFIX);
        try {
            // Write aside and move, so a reader never sees half a file.
            Path temp = Files.createTempFile(directory, key, ".tmp");
            Files.write(temp, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("cannot write the cached answer {}: {}", target, e.toString());
        }
    }

    private static CachedAnswer readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode root = MAPPER.readTree(file.toFile());
            JsonNode usage = root.path("usage");
            TokenUsage tokens = new TokenUsage(usage.path("prompt_tokens").asInt(0),
                    usage.path("completion_tokens").asInt(0), usage.path("reasoning_tokens").asInt(0),
                    usage.path("estimated").asBoolean(false));
            return new CachedAnswer(root.path("content").asText(""), root.path("reasoning").asText(""),
                    root.path("finish_reason").asText(""), tokens, root.path("response_id").asText(""));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("ignoring the unreadable cached answer {}: {}", file, e.toString());
            return null;
        }
    }
}
