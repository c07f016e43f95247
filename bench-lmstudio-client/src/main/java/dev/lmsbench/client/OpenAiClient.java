package dev.lmsbench.client;

import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.spi.ModelCatalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Client for OpenAI-compatible servers (LM Studio, llama.cpp, vLLM, Ollama): chat completions measured on the client
 * side, and the model list.
 *
 * <pre>{@code
 * try (OpenAiClient client = OpenAiClient.create(ClientConfig.of("http://localhost:1234"))) {
 *     List<ModelInfo> models = client.listModels();
 *     InferenceResult r = client.infer(
 *             new InferenceRequest(models.get(0).id(), "Hi", 64, 0.1, true, Duration.ofMinutes(1)));
 *     double ttft = r.timings().ttftSeconds();
 * }
 * }</pre>
 *
 * <h2>What is measured</h2>
 * Every timestamp is {@link System#nanoTime()} taken on the calling thread, which does all the I/O itself: the client
 * speaks HTTP/1.1 over a blocking socket of its own (not {@code java.net.http.HttpClient}, whose hand-offs between its
 * selector thread, its executor and the reader cost about 2 ms each way on a small machine). The send time is taken
 * just before the connection is taken from the pool (or opened: a new connection's connect and TLS handshake count),
 * and the request then leaves in one socket write; the header time right after the socket read that completed the
 * header block; while reading the body, the time right after each socket read returns (through the chunked decoder,
 * which hands out bytes as soon as any arrive). Each SSE event gets the time of the read that completed
 * it. A chunk carries a token when its {@code content} or its {@code reasoning_content} (or {@code reasoning}) is
 * non-empty, so TTFT counts reasoning tokens and a role-only first chunk is not a token. A non-streamed answer has no
 * token times. When a path-less base URL is probed ({@code /v1} answered 404, or status 200 with LM Studio's
 * "Unexpected endpoint or method" error object, which it sends for paths it does not serve; see {@link ClientConfig}),
 * the timings are those of the attempt that answered; the probe itself is not measured.
 *
 * <h2>Token counts</h2>
 * When the server sends a {@code usage} object with {@code prompt_tokens} and {@code completion_tokens}, the counts
 * are reported ({@code estimated == false}); the request asks for it with {@code stream_options.include_usage}.
 * Reasoning tokens come from {@code completion_tokens_details.reasoning_tokens}; without it they are the number of
 * chunks that carried reasoning (streaming) or {@code ceil(reasoning characters / 4)} (non-streaming), capped at the
 * completion tokens. When the server sends no usable {@code usage}, every count is estimated ({@code estimated ==
 * true}):
 * <ul>
 *   <li>prompt tokens = {@code ceil(prompt characters / 4)} (the user message only, no chat template);</li>
 *   <li>completion tokens, streaming = the number of token-carrying chunks (most servers send one token per chunk);
 *       non-streaming = {@code ceil(content characters / 4) + ceil(reasoning characters / 4)};</li>
 *   <li>reasoning tokens, streaming = the number of chunks carrying reasoning; non-streaming =
 *       {@code ceil(reasoning characters / 4)}.</li>
 * </ul>
 * Characters are Unicode code points. A streamed answer's reported completion tokens are compared with its
 * token-carrying chunks ({@link InferenceResult#usageCheck()}: {@code AGREE}, or {@code MISMATCH} with the server's
 * count kept, since a server may pack several tokens into a chunk); a non-streamed one, or one without usage, is not
 * checked.
 *
 * <h2>Answering model</h2>
 * Every answer's {@code model} (in a stream: every chunk that names one) must name the model asked for, else the
 * request fails with {@link Kind#WRONG_MODEL} naming both: it is never a measurement of the model asked for. The same
 * model is, case aside, the same name; an LM Studio instance of it ({@code key:2}) or its key for an instance; the id
 * with the publisher on one side only; Ollama's implicit {@code :latest}; OpenAI's dated snapshot of an alias
 * ({@code gpt-4.1-2025-04-14} for {@code gpt-4.1}); and, when the model list says llama.cpp and lists one model,
 * that model (llama.cpp answers every request with the model it serves, whatever the request names; logged at INFO
 * once per name). A mismatch before any model list was read first reads one, once, to know. An answer that names no
 * model cannot be checked and is accepted (logged at debug). See {@link ModelCheck}.
 *
 * <h2>Draft model</h2>
 * The OpenAI-compatible API has no draft model: {@link InferenceRequest#draftModel()} is not sent, with a warning
 * logged once per client (LM Studio's client sends it).
 *
 * <h2>Failures</h2>
 * Every failure is a {@link BackendException} with a one-line message naming the URL, made of sanitized text only
 * (server text goes through {@link SafeText}: no escape sequences, no control characters, bounded length):
 * <ul>
 *   <li>{@link Kind#CONNECTION}: nothing answered (refused, unknown host, connect or TLS handshake failure or
 *       timeout, the connection closed before any byte), or the scheme is wrong (the message says to use
 *       {@code http://} or {@code https://});</li>
 *   <li>{@link Kind#DISCONNECTED}: the connection broke after the answer had started (reset, end of stream inside
 *       the headers, a chunked body or a {@code Content-Length} body);</li>
 *   <li>{@link Kind#HTTP_STATUS}: a status of 400 or more (with the server's {@code error.message} and, for 429 and
 *       503, its {@code Retry-After}), a redirect of a POST (never re-sent), too many redirects, or another 3xx;</li>
 *   <li>{@link Kind#PROTOCOL}: not HTTP (malformed status line, header or chunk size, an unsupported
 *       {@code Transfer-Encoding}) or a {@code Content-Encoding} other than identity;</li>
 *   <li>{@link Kind#INVALID_RESPONSE}: HTTP, but no answer: a streamed request answered without
 *       {@code text/event-stream} (a response without {@code Content-Type} is read as one), a non-streamed one
 *       without JSON, invalid JSON, fields of the wrong type, no event, no choice, no token;</li>
 *   <li>{@link Kind#SERVER_ERROR}: an {@code error} object inside a 2xx answer or stream;</li>
 *   <li>{@link Kind#WRONG_MODEL}: another model answered (see above);</li>
 *   <li>{@link Kind#MODEL_NOT_LOADED}: LM Studio's "No models loaded" (JIT loading off), with what to do;</li>
 *   <li>{@link Kind#TOO_LARGE}: one of the input limits was passed (headers, header count, chunk-size line, SSE line
 *       and event, body, JSON depth and lengths; see {@link ClientCore}, {@link SseParser}, {@link ChatJson});</li>
 *   <li>{@link Kind#TIMEOUT} when {@link InferenceRequest#timeout()} (the whole request, body included) passes,
 *       and {@link Kind#CANCELLED} after {@link #cancelInFlight()}.</li>
 * </ul>
 * A stream that ends cleanly without {@code [DONE]} is a complete answer.
 *
 * <h2>Lifecycle and threads</h2>
 * Create with {@link #create(ClientConfig)}, share, and {@link #close()} once. Thread-safe: any number of threads may
 * call {@link #infer} and {@link #listModels} at once; each call uses its own connection (kept alive and reused
 * when the server allows) and reads its response on the calling thread. One daemon watchdog thread enforces deadlines
 * for all calls: a timeout or {@link #cancelInFlight()} closes the call's socket, which unblocks its read at once.
 * Redirects (301, 302, 303, 307, 308) are followed for GET only, up to five times, never from https to http; a chat
 * completion (POST) answered with a redirect fails at once with a message naming the {@code Location}.
 *
 * <h2>Prompt cache</h2>
 * The user message is {@link InferenceRequest#messageText()}, so a request's nonce starts it. When the model list
 * said the server is llama.cpp, a request that {@linkplain InferenceRequest#defeatsPromptCache() defeats the prompt
 * cache} also sends {@code "cache_prompt": false}; other servers get no extra field, because OpenAI answers unknown
 * fields with HTTP 400. Cached prompt tokens come from {@code usage.prompt_tokens_details.cached_tokens}, else
 * llama.cpp's {@code timings.cache_n}; llama.cpp's {@code timings} also become the server statistics (source
 * {@value dev.lmsbench.core.model.ServerStats#LLAMA_CPP_TIMINGS}).
 *
 * <h2>Server identity</h2>
 * {@link #server()} tells what the model list already revealed: {@code owned_by} {@code llamacpp} is
 * {@code llama.cpp}, {@code vllm} is {@code vllm}, {@code library} or {@code ollama} is {@code ollama}, anything else
 * {@code openai-compatible}. When the kind is known it makes one more small GET, within the request timeout, for the
 * version: llama.cpp's {@code /props} ({@code build_info}, also the runtime), vLLM's {@code /version}, Ollama's
 * {@code /api/version}.
 *
 * <h2>Server metrics</h2>
 * {@link #serverMetrics()} reads the server's Prometheus metrics with {@code GET /metrics} beside {@code /v1} (the
 * base URL without its {@code /v1} suffix): llama.cpp's server serves them when started with {@code --metrics}, vLLM
 * always. Within 2 s (or the request timeout when that is shorter), only a 200 answer
 * in a text content type is read, at most {@link PrometheusText#MAX_BODY_BYTES} of it, parsed by
 * {@link PrometheusText}. Anything else (another status, another content type, nothing listening, a timeout) gives an
 * empty map, logged at debug; after a 404, a 501 or LM Studio's status-200 "Unexpected endpoint" answer the endpoint
 * is not asked again.
 */
public final class OpenAiClient implements InferenceBackend, ModelCatalog {

    /**
     * The deadline for {@link #listModels()} when the configuration sets none: its
     * {@link ClientConfig#DEFAULT_REQUEST_TIMEOUT}. The configured {@link ClientConfig#requestTimeout()} applies.
     */
    public static final Duration LIST_MODELS_TIMEOUT = ClientConfig.DEFAULT_REQUEST_TIMEOUT;

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiClient.class);
    private static final String CHAT_COMPLETIONS = "/chat/completions";
    private static final String MODELS = "/models";
    private static final int MAX_VERSION_CHARS = 64;
    /** Seconds of {@link #METRICS_TIMEOUT}. */
    static final int METRICS_TIMEOUT_SECONDS = 2;
    /** The deadline of one {@code GET /metrics}: a load stage reads them twice and must not wait long. */
    static final Duration METRICS_TIMEOUT = Duration.ofSeconds(METRICS_TIMEOUT_SECONDS);
    private static final String METRICS_ACCEPT = "text/plain; version=0.0.4";
    private static final String WRONG_MODEL_HINT = "the server answered with another model; name one its model list"
            + " has (LM Studio with JIT loading off answers with the model it has loaded: load it or turn on JIT"
            + " loading)";

    private final Endpoints endpoints;
    private final ChatJson json = new ChatJson();
    private final ClientCore core;
    /** The {@code owned_by} of the last model list, {@code null} before one was read. */
    private final AtomicReference<String> ownedBy = new AtomicReference<>();
    private final AtomicReference<ServerInfo> server = new AtomicReference<>();
    private final ServerTokenizer tokenizer;
    /** The last model list read, {@code null} before one was read. */
    private final AtomicReference<ChatJson.ModelList> modelList = new AtomicReference<>();
    /** Whether a model list was read to check an answering model (done once). */
    private final AtomicBoolean listedForModelCheck = new AtomicBoolean();
    private final AtomicBoolean draftWarned = new AtomicBoolean();
    /** The names asked for that llama.cpp answered with its one model (logged once each). */
    private final Set<String> servedNoted = ConcurrentHashMap.newKeySet();
    /** Whether {@code /metrics} answered that it is not there (404, 501, LM Studio's "Unexpected endpoint"). */
    private final AtomicBoolean noMetrics = new AtomicBoolean();

    private OpenAiClient(ClientConfig config) {
        this.endpoints = new Endpoints(config.baseUrl());
        this.core = new ClientCore(config, json, ClientCore.ServerFailures.PLAIN);
        this.tokenizer = new ServerTokenizer(core, json, endpoints.nativeUri("/tokenize"),
                () -> kindOf(ownedBy.get()));
    }

    /**
     * The server's own tokenizer, for requests it answers without usage: {@code POST /tokenize} beside {@code /v1}
     * (llama.cpp's body {@code {"content": ...}}, vLLM's {@code {"model": ..., "prompt": ...}} when the model list
     * said vLLM), within the request timeout, not asked again after its first failure. Counts are
     * {@link dev.lmsbench.core.model.TokenCountSource#SERVER_TOKENIZER}.
     *
     * @return the counter, for {@code BenchmarkEngine.Builder#tokenCounter}; thread-safe, lives as long as this client
     */
    public dev.lmsbench.core.spi.TokenCounter serverTokenizer() {
        return tokenizer;
    }

    /**
     * Creates a client. It opens no connection until the first call.
     *
     * @param config where the server is
     * @return the client; close it when done
     */
    public static OpenAiClient create(ClientConfig config) {
        return new OpenAiClient(Objects.requireNonNull(config, "config"));
    }

    /**
     * Creates a client for a base URL without a token.
     *
     * @param baseUrl the server's base URL, see {@link ClientConfig}
     * @return the client; close it when done
     */
    public static OpenAiClient create(String baseUrl) {
        return create(ClientConfig.of(baseUrl));
    }

    /** {@return the configuration this client was created with} */
    public ClientConfig config() {
        return core.config();
    }

    /** The base URL as configured (without trailing slash). */
    @Override
    public String endpoint() {
        return core.config().baseUrl();
    }

    /**
     * Lists the models with {@code GET .../models}, within the configuration's
     * {@linkplain ClientConfig#requestTimeout() request timeout}. Ids and metadata are sanitized; an entry whose id is
     * nothing but control characters is dropped.
     *
     * @return the models in the server's order; fields the server does not give are unknown sentinels
     * @throws BackendException when the server could not be asked or answered something unreadable
     * @throws IllegalStateException when the client is closed
     */
    @Override
    public List<ModelInfo> listModels() throws BackendException {
        ChatJson.ModelList list = core.withDeadline(core.config().requestTimeout(), call ->
                core.exchange(call, endpoints, MODELS, null, ClientCore.JSON, opened -> {
                    byte[] body = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
                    try {
                        return json.parseModelList(body);
                    } catch (IOException e) {
                        core.failIfUnknownEndpoint(opened.uri(), body);
                        throw ClientCore.invalid("invalid model list from " + opened.uri() + ": " + e.getMessage()
                                + ClientCore.excerptOf(body), opened.uri(), e);
                    }
                }));
        modelList.set(list);
        ownedBy.set(list.ownedBy());
        return list.models();
    }

    /**
     * Which server this is: the normalized base URL, the kind the model list's {@code owned_by} tells (see the class
     * documentation) and, for llama.cpp, vLLM and Ollama, the version their version endpoint reports. Lists the models
     * first when no list was read yet. The answer is kept: later calls cost nothing. Never throws: whatever cannot be
     * learned stays {@code ""}.
     *
     * @return the server's identity
     */
    @Override
    public ServerInfo server() {
        ServerInfo known = server.get();
        if (known != null) {
            return known;
        }
        String url = Endpoints.normalizedBaseUrl(endpoint());
        try {
            if (ownedBy.get() == null) {
                listModels();
            }
            String kind = kindOf(ownedBy.get());
            ServerInfo info = new ServerInfo(url, kind, "", "");
            info = switch (kind) {
                case "llama.cpp" -> {
                    String build = version("/props", "build_info");
                    yield build.isEmpty() ? info : info.withVersion(build).withRuntime("llama.cpp " + build);
                }
                case "vllm" -> info.withVersion(version("/version", "version"));
                case "sglang" -> info.withVersion(version("/get_server_info", "version"));
                case "ollama" -> info.withVersion(version("/api/version", "version"));
                default -> info;
            };
            server.set(info);
            return info;
        } catch (BackendException | RuntimeException e) {
            LOG.debug("cannot tell which server answers at {}: {}", url, e.getMessage());
            return ServerInfo.of(url);
        }
    }

    /**
     * Whether the model list already read says the server is llama.cpp ({@code owned_by} {@code llamacpp}): only then
     * does a request that defeats the prompt cache send {@code "cache_prompt": false}. No list read yet: not known,
     * nothing extra is sent.
     */
    private boolean isLlamaCpp() {
        String owner = ownedBy.get();
        return owner != null && "llama.cpp".equals(kindOf(owner));
    }

    /** The server kind an {@code owned_by} value names. */
    static String kindOf(String ownedBy) {
        String owner = ownedBy == null ? "" : ownedBy.strip().toLowerCase(Locale.ROOT);
        return switch (owner) {
            case "llamacpp", "llama.cpp", "llama-cpp" -> "llama.cpp";
            case "vllm" -> "vllm";
            case "sglang" -> "sglang";
            case "library", "ollama" -> "ollama";
            default -> "openai-compatible";
        };
    }

    /** One bounded GET of a version endpoint beside {@code /v1}; {@code ""} when it does not answer one. */
    private String version(String path, String field) {
        URI uri = endpoints.nativeUri(path);
        try {
            return core.withDeadline(core.config().requestTimeout(), call -> {
                ClientCore.Opened opened = core.openOk(call, uri, null, ClientCore.JSON);
                byte[] body = core.readFully(call, opened, ClientCore.MAX_ERROR_BODY_BYTES, null);
                try {
                    // LM Studio's 200 "Unexpected endpoint" object has no such field: no version, as for a 404
                    JsonNode root = json.readObject(body);
                    return SafeText.oneLine(ChatJson.text(root.path(field)), MAX_VERSION_CHARS);
                } catch (IOException e) {
                    return "";
                }
            });
        } catch (BackendException e) {
            LOG.debug("no version from {}: {}", uri, e.getMessage());
            return "";
        }
    }

    /**
     * Makes one chat completion ({@code POST .../chat/completions}) and measures it. Blocks the calling thread, which
     * reads the response, until the answer is complete, the request's timeout passes or {@link #cancelInFlight()} is
     * called.
     *
     * @param request what to ask
     * @return the measured result
     * @throws BackendException see the class documentation for the kinds
     * @throws IllegalStateException when the client is closed
     */
    @Override
    public InferenceResult infer(InferenceRequest request) throws BackendException {
        Objects.requireNonNull(request, "request");
        if (!request.draftModel().isEmpty() && draftWarned.compareAndSet(false, true)) {
            LOG.warn("{}: the OpenAI-compatible API has no draft model; '{}' is not sent (only LM Studio's client"
                    + " sends draft_model)", endpoint(), ModelCheck.quote(request.draftModel()));
        }
        byte[] body = json.chatRequest(request, false, isLlamaCpp());
        ResponseRecorder answer = core.withDeadline(request.timeout(), call -> core.exchange(call, endpoints,
                CHAT_COMPLETIONS, body, request.stream() ? ClientCore.EVENT_STREAM : ClientCore.JSON,
                opened -> core.readChat(call, opened, request.messageText(), request.stream(), null)));
        checkModel(request.model(), answer);
        return answer.result(request.messageText());
    }

    /**
     * Fails with {@link Kind#WRONG_MODEL} when the answer came from another model ({@link ModelCheck}, every rule of
     * {@link ModelCheck#OPENAI_COMPATIBLE}). llama.cpp serves one model and answers every request with it, whatever
     * its name: when the model list says llama.cpp and lists one model, that model (its id or an alias) is the same.
     * When no model list was read yet, one is read (once) before a mismatch is reported, to know.
     */
    private void checkModel(String asked, ResponseRecorder answer) throws BackendException {
        List<String> answered = answer.answeredModels();
        if (ModelCheck.otherModel(asked, answered, ModelCheck.OPENAI_COMPATIBLE, null) == null) {
            return;
        }
        if (ownedBy.get() == null && listedForModelCheck.compareAndSet(false, true)) {
            try {
                listModels();
            } catch (BackendException e) {
                LOG.debug("no model list from {} to check the answering model against: {}", endpoint(),
                        e.getMessage());
            }
        }
        ModelCheck.require(asked, answered, ModelCheck.OPENAI_COMPATIBLE, name -> servedByLlamaCpp(asked, name),
                answer.uri(), WRONG_MODEL_HINT, ModelCheck.Failure.PLAIN);
    }

    /** Whether llama.cpp's model list names one model and {@code name} is it (its id or an alias). */
    private boolean servedByLlamaCpp(String asked, String name) {
        ChatJson.ModelList list = modelList.get();
        if (list == null || !"llama.cpp".equals(kindOf(list.ownedBy())) || list.models().size() != 1
                || list.names().stream().noneMatch(n -> n.equalsIgnoreCase(name))) {
            return false;
        }
        if (servedNoted.add(asked)) {
            LOG.info("llama.cpp at {} serves one model, '{}'; it answered the request for '{}' with it", endpoint(),
                    ModelCheck.quote(name), ModelCheck.quote(asked));
        }
        return true;
    }


    /**
     * The server's Prometheus metrics: each sample's value by its name with its labels as written
     * ({@code vllm:num_requests_waiting{model_name="m"}}); see the class documentation. Thread-safe, never throws.
     *
     * @return the samples, empty when the server has none or could not be asked
     */
    @Override
    public java.util.Map<String, Double> serverMetrics() {
        if (noMetrics.get()) {
            return java.util.Map.of();
        }
        URI uri = endpoints.nativeUri("/metrics");
        Duration timeout = core.config().requestTimeout().compareTo(METRICS_TIMEOUT) < 0
                ? core.config().requestTimeout() : METRICS_TIMEOUT;
        try {
            PrometheusText.Result result = core.withDeadline(timeout, call -> {
                ClientCore.Opened opened = core.send(call, uri, null, METRICS_ACCEPT);
                int status = opened.response().status();
                if (status != 200) {
                    call.release();
                    if (status == 404 || status == 501) {
                        notServed(uri, "HTTP " + status);
                    } else {
                        LOG.debug("no server metrics from {}: HTTP {}", uri, status);
                    }
                    return null;
                }
                String type = opened.contentType();
                if (!type.startsWith("text/") && !type.startsWith("application/openmetrics-text")) {
                    byte[] start = core.readPrefix(call, opened, ClientCore.MAX_ERROR_BODY_BYTES);
                    try {
                        core.failIfUnknownEndpoint(uri, start);
                    } catch (ClientCore.UnknownEndpoint e) {
                        notServed(uri, "LM Studio's \"Unexpected endpoint\" answer");
                        return null;
                    }
                    LOG.debug("no server metrics from {}: it answered with '{}', not text", uri,
                            SafeText.oneLine(type, 60));
                    return null;
                }
                return PrometheusText.parse(core.readPrefix(call, opened, PrometheusText.MAX_BODY_BYTES + 1));
            });
            if (result == null) {
                return java.util.Map.of();
            }
            if (result.truncated() || result.skippedLines() > 0) {
                LOG.debug("server metrics from {}: {} samples, {} lines skipped{}", uri, result.samples().size(),
                        result.skippedLines(), result.truncated() ? ", cut at a limit" : "");
            }
            return result.samples();
        } catch (BackendException | RuntimeException e) {
            LOG.debug("no server metrics from {}: {}", uri, ClientCore.oneLine(String.valueOf(e.getMessage())));
            return java.util.Map.of();
        }
    }

    private void notServed(URI uri, String why) {
        if (noMetrics.compareAndSet(false, true)) {
            LOG.debug("{} does not serve metrics ({}); not asking again", uri, why);
        }
    }

    /** Aborts every call in flight; each blocked call throws {@link Kind#CANCELLED} promptly. Thread-safe. */
    @Override
    public void cancelInFlight() {
        core.cancelInFlight();
    }

    /** Cancels calls in flight and closes idle connections and the watchdog thread. Idempotent; never throws. */
    @Override
    public void close() {
        core.close();
    }
}
