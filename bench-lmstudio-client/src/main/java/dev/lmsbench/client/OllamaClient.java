package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadMemory;
import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.spi.ModelCatalog;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Client for Ollama's native API (https://github.com/ollama/ollama/blob/main/docs/api.md): the model list with its
 * facts, explicit load and unload, the memory a loaded model holds, and chat with the server's own timings.
 *
 * <pre>{@code
 * try (OllamaClient client = OllamaClient.create(ClientConfig.of("http://localhost:11434"))) {
 *     ModelInfo model = client.listModels().get(0);
 *     LoadOutcome loaded = client.load(model, LoadConfig.ofContext(8192));   // num_ctx 8192
 *     InferenceResult r = client.infer(
 *             new InferenceRequest(model.id(), "Hi", 64, 0.1, true, Duration.ofMinutes(1)));
 *     double serverTps = r.serverStats().tokensPerSecond();   // eval_count / eval_duration, source ollama.api.chat
 *     double clientTtft = r.timings().ttftSeconds();          // measured here, as by OpenAiClient
 *     client.unload(model);                                    // keep_alive 0
 * }
 * }</pre>
 *
 * <h2>Endpoints</h2>
 * Paths sit at the root of the base URL ({@code http://host:11434} and {@code http://host:11434/v1} both reach
 * {@code http://host:11434/api/...}, see {@link Endpoints#nativeUri}).
 * <ul>
 *   <li>{@link #listModels()}: {@code GET /api/tags} (name, {@code size}, {@code details.family},
 *       {@code details.parameter_size}, {@code details.quantization_level}), then one {@code POST /api/show} per
 *       model ({@code model_info["<arch>.context_length"]}, {@code capabilities}).</li>
 *   <li>{@link #load}: {@code POST /api/generate} without a prompt, with {@code keep_alive} {@value #KEEP_ALIVE} and
 *       the load {@code options}; then {@code GET /api/ps} for the memory the model holds ({@code size},
 *       {@code size_vram}), logged at INFO. {@link #unload}: {@code POST /api/generate} with {@code keep_alive: 0}.</li>
 *   <li>{@link #infer}: {@code POST /api/chat}, streamed (NDJSON, one object per line) or not ({@code stream: false}),
 *       with {@code options}: the load options of the model (Ollama reloads a model whose {@code num_ctx} changes),
 *       {@code num_predict}, {@code temperature} and the set {@code top_k}, {@code top_p}, {@code min_p},
 *       {@code repeat_penalty}.</li>
 *   <li>{@link #server()} and {@link #isOllama}: {@code GET /api/version}.</li>
 * </ul>
 *
 * <h2>Measurement</h2>
 * Sent and read by the same transport as {@link OpenAiClient}'s, with the same timestamps: each NDJSON line gets the
 * time of the socket read that completed it; a line carries a token when its {@code message.content} or
 * {@code message.thinking} is non-empty, so TTFT counts thinking tokens. Token counts are the final object's
 * {@code prompt_eval_count} and {@code eval_count} (reported; estimated as {@link OpenAiClient} does when either is
 * missing). The final object's durations (nanoseconds) become {@link InferenceResult#serverStats()} with source
 * {@value #CHAT_STATS}: tokens per second = {@code eval_count / eval_duration}, time to first token =
 * {@code load_duration + prompt_eval_duration}, generation time = {@code eval_duration}, stop reason =
 * {@code done_reason}; prompt tokens per second = {@code prompt_eval_count / prompt_eval_duration}, prompt time =
 * {@code prompt_eval_duration}, prompt and generated tokens = {@code prompt_eval_count} and {@code eval_count}
 * (cached tokens unknown: Ollama does not say). They never replace a client-side figure.
 *
 * <h2>Checks</h2>
 * The {@code model} every object of the answer names must be the model asked for, or it with Ollama's implicit
 * {@code :latest} ({@code llama3.2} and {@code llama3.2:latest}), else {@link Kind#WRONG_MODEL} naming both; an object
 * naming none is accepted. A streamed answer's {@code eval_count} is compared with its token-carrying lines
 * ({@link InferenceResult#usageCheck()}: {@code AGREE} or {@code MISMATCH}, nothing corrected). Ollama's API has no
 * draft model: {@link InferenceRequest#draftModel()} is not sent, with a warning logged once.
 *
 * <h2>Load time</h2>
 * {@link LoadOutcome#seconds()} is the wall time of the load request measured here; the server's
 * {@code load_duration}, when its answer carries one, is logged beside it at INFO. {@code size} and
 * {@code size_vram} from {@code /api/ps} right after the load become {@link LoadOutcome#memory()} (unknown when
 * {@code /api/ps} does not list the model or fails).
 *
 * <h2>Failures</h2>
 * As {@link OpenAiClient}'s: an {@code error} field inside a 2xx answer or stream is {@link Kind#SERVER_ERROR}, an
 * invalid JSON line {@link Kind#INVALID_RESPONSE}, an answer without any token {@link Kind#INVALID_RESPONSE}
 * ("no tokens"), a line longer than {@link NdjsonParser#MAX_LINE_BYTES} (1 MiB, the SSE line limit)
 * {@link Kind#TOO_LARGE}; every other bound of {@link ClientCore} and {@link ChatJson} applies.
 *
 * <p>Thread-safe; create once, share, {@link #close()} once. Closing unloads nothing: call {@link #unload} first.
 */
public final class OllamaClient implements InferenceBackend, ModelCatalog {

    /** Ollama's default port. */
    public static final int DEFAULT_PORT = 11434;
    /** The source label of the server's timings in {@link dev.lmsbench.core.model.ServerStats#source()}. */
    public static final String CHAT_STATS = "ollama.api.chat";
    /**
     * How long the server keeps a model after each request of this client: long enough for a slow measured run,
     * short enough that a model is freed by itself if the client dies without unloading it.
     */
    public static final String KEEP_ALIVE = "10m";
    /** The load deadline: big models take minutes to load. */
    public static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

    /**
     * A model in memory, as {@code GET /api/ps} lists it.
     *
     * @param name          {@code name}
     * @param model         {@code model}
     * @param sizeBytes     {@code size}: memory the loaded model takes, or {@code -1}
     * @param sizeVramBytes {@code size_vram}: the part of it in GPU memory, or {@code -1}
     */
    public record RunningModel(String name, String model, long sizeBytes, long sizeVramBytes) {
    }

    static final String TAGS = "/api/tags";
    static final String SHOW = "/api/show";
    static final String PS = "/api/ps";
    static final String GENERATE = "/api/generate";
    static final String CHAT = "/api/chat";
    static final String VERSION = "/api/version";
    static final String NDJSON = "application/x-ndjson";

    private static final Logger LOG = LoggerFactory.getLogger(OllamaClient.class);
    private static final Duration DRAIN_BUDGET = Duration.ofMillis(250);
    private static final int READ_BUFFER_BYTES = 8192;
    private static final String WRONG_MODEL_HINT = "Ollama answered with another model; name one that ollama list"
            + " shows";

    private final ChatJson json = new ChatJson();
    private final OllamaJson ollamaJson = new OllamaJson(json);
    private final ClientCore core;
    private final Endpoints endpoints;
    /** Models whose load this client attempted and that it has not unloaded. */
    private final Set<String> loadedByUs = ConcurrentHashMap.newKeySet();
    /** The load options of each model, repeated in its chat requests. */
    private final Map<String, ObjectNode> loadOptions = new ConcurrentHashMap<>();
    private final AtomicReference<ServerInfo> server = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicBoolean draftWarned =
            new java.util.concurrent.atomic.AtomicBoolean();

    private OllamaClient(ClientConfig config) {
        this.core = new ClientCore(config, json, ClientCore.ServerFailures.PLAIN);
        this.endpoints = new Endpoints(config.baseUrl());
    }

    /**
     * Creates a client. It opens no connection until the first call.
     *
     * @param config where the server is
     * @return the client; close it when done
     */
    public static OllamaClient create(ClientConfig config) {
        return new OllamaClient(Objects.requireNonNull(config, "config"));
    }

    /**
     * Creates a client for a base URL without a token.
     *
     * @param baseUrl the server's base URL, see {@link ClientConfig}
     * @return the client; close it when done
     */
    public static OllamaClient create(String baseUrl) {
        return create(ClientConfig.of(baseUrl));
    }

    /**
     * Whether Ollama answers at the configuration's base URL: one {@code GET /api/version}, within the
     * configuration's {@linkplain ClientConfig#requestTimeout() request timeout} (connects within its connect
     * timeout), answered with a JSON object whose {@code version} is a string (LM Studio answers this path, which it
     * does not serve, with status 200 and an "Unexpected endpoint" error object: not Ollama). Never throws.
     *
     * @param config where to ask
     * @return {@code true} when the answer is Ollama's
     */
    public static boolean isOllama(ClientConfig config) {
        try (OllamaClient probe = create(config)) {
            return probe.version() != null;
        } catch (BackendException | RuntimeException e) {
            LOG.debug("no Ollama at {}: {}", config.baseUrl(), e.getMessage());
            return false;
        }
    }

    /**
     * Whether a base URL names Ollama's default port {@value #DEFAULT_PORT}.
     *
     * @param baseUrl a base URL validated by {@link ClientConfig}
     * @return {@code true} for port 11434
     */
    public static boolean usesDefaultPort(String baseUrl) {
        try {
            return URI.create(baseUrl).getPort() == DEFAULT_PORT;
        } catch (IllegalArgumentException e) {
            return false;
        }
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

    // ---- models ----

    /**
     * Lists the models with {@code GET /api/tags}, then asks {@code POST /api/show} for each one's context length and
     * capabilities, every call within the configuration's request timeout. A model whose {@code show} fails keeps
     * what the list says (logged at debug); after a show that timed out or could not connect, no more are asked.
     *
     * @return the models in the server's order: id = {@code name}, architecture = {@code general.architecture} (else
     *         {@code details.family}), quantization = {@code details.quantization_level}, size = {@code size},
     *         params = {@code details.parameter_size}, max context = {@code <arch>.context_length}, capabilities
     *         from {@code vision}, {@code tools} and {@code thinking}; type {@code embeddings} for an embedding-only
     *         model, {@code vlm} with vision, else {@code llm}
     * @throws BackendException when the list could not be had
     * @throws IllegalStateException when the client is closed
     */
    @Override
    public List<ModelInfo> listModels() throws BackendException {
        List<OllamaJson.Tag> tags = core.withDeadline(requestTimeout(), call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(TAGS), null, ClientCore.JSON);
            byte[] body = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
            return parse(opened.uri(), "model list", body, () -> ollamaJson.parseTags(body));
        });
        List<ModelInfo> models = new ArrayList<>(tags.size());
        boolean ask = true;
        for (OllamaJson.Tag tag : tags) {
            OllamaJson.Show show = null;
            if (ask) {
                try {
                    show = show(tag.name());
                } catch (BackendException e) {
                    LOG.debug("no details for {}: {}", tag.name(), e.getMessage());
                    ask = e.kind() != Kind.TIMEOUT && e.kind() != Kind.CONNECTION && e.kind() != Kind.CANCELLED;
                }
            }
            models.add(toModelInfo(tag, show));
        }
        return List.copyOf(models);
    }

    private OllamaJson.Show show(String model) throws BackendException {
        byte[] request = ollamaJson.showRequest(model);
        return core.withDeadline(requestTimeout(), call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(SHOW), request, ClientCore.JSON);
            byte[] body = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
            return parse(opened.uri(), "model details", body, () -> ollamaJson.parseShow(body));
        });
    }

    static ModelInfo toModelInfo(OllamaJson.Tag tag, OllamaJson.Show show) {
        Set<String> caps = show == null ? Set.of() : show.capabilities();
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        if (caps.contains("vision")) {
            capabilities.add(Capability.VISION);
        }
        if (caps.contains("tools")) {
            capabilities.add(Capability.TOOL_USE);
        }
        if (caps.contains("thinking")) {
            capabilities.add(Capability.REASONING);
        }
        String type = caps.contains("embedding") && !caps.contains("completion") ? "embeddings"
                : caps.contains("vision") ? "vlm" : "llm";
        String architecture = show != null && !show.architecture().isEmpty() ? show.architecture() : tag.family();
        return new ModelInfo(tag.name(), type, "", architecture, tag.quantization(), tag.sizeBytes(),
                show == null ? -1 : show.contextLength(), tag.parameterSize(), capabilities);
    }

    /**
     * The models in memory now: {@code GET /api/ps}, within the request timeout.
     *
     * @return the running models with their memory and VRAM
     * @throws BackendException when the server could not be asked or answered something unreadable
     */
    public List<RunningModel> runningModels() throws BackendException {
        return core.withDeadline(requestTimeout(), call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(PS), null, ClientCore.JSON);
            byte[] body = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
            return parse(opened.uri(), "running models", body, () -> ollamaJson.parsePs(body));
        });
    }

    // ---- load and unload ----

    /**
     * Loads a model: {@code POST /api/generate} with the model, {@code keep_alive} {@value #KEEP_ALIVE},
     * {@code stream: false} and the load {@code options} ({@code num_ctx} from the context length when not 0,
     * {@code num_gpu}, {@code num_batch}, {@code num_thread}, {@code use_mmap}, {@code use_mlock} when set), within
     * {@link #LOAD_TIMEOUT}. Other set fields have no per-request option in Ollama and are not sent; a warning names
     * them. The model is remembered for {@link #unload} before the request goes out, so a load that fails or is
     * cancelled half-way is still unloaded. Afterwards {@code GET /api/ps} tells the memory the model holds (logged at
     * INFO; a failure there is logged at debug and changes nothing).
     *
     * @param model  the model ({@link ModelInfo#id()} is the name)
     * @param config the load configuration, {@code null} for the defaults
     * @return {@link LoadOutcome#loaded} with the wall time measured here and the memory {@code /api/ps} reports
     * @throws BackendException when loading failed (an {@code error} in the answer is {@link Kind#SERVER_ERROR})
     */
    @Override
    public LoadOutcome load(ModelInfo model, LoadConfig config) throws BackendException {
        Objects.requireNonNull(model, "model");
        LoadConfig effective = Objects.requireNonNullElse(config, LoadConfig.DEFAULT);
        List<String> unsupported = OllamaJson.unsupportedLoadFields(effective);
        if (!unsupported.isEmpty()) {
            LOG.warn("loading {}: {} not sent, Ollama's API has no such request option; set them on the Ollama"
                    + " server instead", model.id(), String.join(", ", unsupported));
        }
        ObjectNode options = ollamaJson.loadOptions(effective);
        loadOptions.put(model.id(), options);
        byte[] body = ollamaJson.loadRequest(model.id(), options, KEEP_ALIVE);
        loadedByUs.add(model.id());
        long start = System.nanoTime();
        double serverSeconds = core.withDeadline(LOAD_TIMEOUT, call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(GENERATE), body, ClientCore.JSON);
            byte[] answer = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
            JsonNode root = parse(opened.uri(), "load answer", answer, () -> json.readObject(answer));
            requireNoError(opened.uri(), root);
            JsonNode duration = root.path("load_duration");
            return duration.isNumber() && duration.doubleValue() >= 0 ? duration.doubleValue() / 1e9 : Double.NaN;
        });
        double measured = (System.nanoTime() - start) / 1e9;
        return LoadOutcome.loaded(measured, memory(model.id(), measured, serverSeconds));
    }

    /** What {@code /api/ps} says the model holds (logged at INFO); unknown when it does not list it or fails. */
    private LoadMemory memory(String model, double measured, double serverSeconds) {
        String server = Double.isNaN(serverSeconds) ? "" : String.format(java.util.Locale.ROOT,
                " (server load_duration %.3f s)", serverSeconds);
        try {
            RunningModel running = runningModels().stream()
                    .filter(m -> m.name().equals(model) || m.model().equals(model)).findFirst().orElse(null);
            if (running == null) {
                LOG.info("loaded {} in {} s{}; /api/ps does not list it", model, format(measured), server);
                return LoadMemory.UNKNOWN;
            }
            LOG.info("loaded {} in {} s{}; in memory: {} bytes, {} of them in VRAM", model, format(measured),
                    server, running.sizeBytes(), running.sizeVramBytes());
            return new LoadMemory(running.sizeBytes(), running.sizeVramBytes());
        } catch (BackendException e) {
            LOG.info("loaded {} in {} s{}", model, format(measured), server);
            LOG.debug("no memory figures for {} from {}: {}", model, PS, e.getMessage());
            return LoadMemory.UNKNOWN;
        }
    }

    /**
     * Unloads a model this client loaded (or tried to): {@code POST /api/generate} with {@code keep_alive: 0} and
     * {@code stream: false}, within the request timeout. A model this client did not load is left alone (nothing is
     * sent); one the server does not know (404) counts as unloaded.
     *
     * @param model the model
     * @throws BackendException when the unload failed; the model stays remembered
     */
    @Override
    public void unload(ModelInfo model) throws BackendException {
        Objects.requireNonNull(model, "model");
        if (!loadedByUs.remove(model.id())) {
            LOG.debug("not unloading {}: this client did not load it", model.id());
            return;
        }
        byte[] body = ollamaJson.unloadRequest(model.id());
        try {
            core.withDeadline(requestTimeout(), call -> {
                ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(GENERATE), body, ClientCore.JSON);
                byte[] answer = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
                requireNoError(opened.uri(), parse(opened.uri(), "unload answer", answer,
                        () -> json.readObject(answer)));
                return null;
            });
        } catch (BackendException e) {
            if (e.httpStatus() == 404) {
                LOG.debug("{} was already gone", model.id());
                return;
            }
            loadedByUs.add(model.id());
            throw e;
        }
    }

    /** {@return the models this client loaded (or tried to) and has not unloaded} */
    public Set<String> loadedByUs() {
        return Set.copyOf(loadedByUs);
    }

    private void requireNoError(URI uri, JsonNode root) throws BackendException {
        JsonNode error = root.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            String message = error.isTextual() ? error.textValue() : error.toString();
            throw core.serverError(uri, new ChatJson.ServerError(SafeText.oneLine(message), "", ""));
        }
    }

    // ---- chat ----

    /**
     * Makes one chat request ({@code POST /api/chat}) and measures it; see the class documentation. Blocks the calling
     * thread until the answer is complete, the request's timeout passes or {@link #cancelInFlight()} is called.
     *
     * @param request what to ask
     * @return the measured result, with the server's timings
     * @throws BackendException see the class documentation for the kinds
     * @throws IllegalStateException when the client is closed
     */
    @Override
    public InferenceResult infer(InferenceRequest request) throws BackendException {
        Objects.requireNonNull(request, "request");
        if (!request.draftModel().isEmpty() && draftWarned.compareAndSet(false, true)) {
            LOG.warn("{}: Ollama's API has no draft model; '{}' is not sent (only LM Studio's client sends"
                    + " draft_model)", endpoint(), ModelCheck.quote(request.draftModel()));
        }
        byte[] body = ollamaJson.chatRequest(request, loadOptions.getOrDefault(request.model(), json.object()),
                KEEP_ALIVE);
        return core.withDeadline(request.timeout(), call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(CHAT), body,
                    request.stream() ? NDJSON : ClientCore.JSON);
            ResponseRecorder recorder = new ResponseRecorder(opened.sentNanos(), opened.headersNanos(),
                    request.stream(), CHAT_STATS);
            recorder.uri(opened.uri());
            if (request.stream()) {
                requireNdjson(call, opened);
                readStream(call, opened, recorder);
            } else {
                core.requireJson(call, opened);
                byte[] answer = core.readFully(call, opened, ClientCore.MAX_CHAT_BODY_BYTES, recorder);
                OllamaJson.Frame frame = parse(opened.uri(), "chat answer", answer,
                        () -> ollamaJson.parseFrame(answer));
                if (frame.error() != null) {
                    throw core.serverError(opened.uri(),
                            new ChatJson.ServerError(SafeText.oneLine(frame.error()), "", ""));
                }
                recorder.completion(frame.completion());
            }
            // Ollama names the model it answered with in every object; llama3.2 is llama3.2:latest
            ModelCheck.require(request.model(), recorder.answeredModels(), ModelCheck.OLLAMA, null, opened.uri(),
                    WRONG_MODEL_HINT, ModelCheck.Failure.PLAIN);
            ClientCore.requireTokens(recorder, opened.uri());
            return recorder.result(request.messageText());
        });
    }

    /**
     * A streamed answer must be NDJSON: {@code application/x-ndjson}, any JSON type (one object is one line), or no
     * {@code Content-Type} at all; anything else is {@link Kind#INVALID_RESPONSE}, quoted.
     */
    private void requireNdjson(InFlight call, ClientCore.Opened opened) throws BackendException {
        String type = opened.contentType();
        if (type.isEmpty() || type.contains("json")) {
            return;
        }
        byte[] start = core.readPrefix(call, opened, ClientCore.MAX_EXCERPT_BYTES);
        throw ClientCore.invalid(opened.uri() + " answered with " + SafeText.oneLine(type, 60) + " instead of "
                + NDJSON + ClientCore.excerptOf(start), opened.uri(), null);
    }

    /**
     * Reads an NDJSON stream to its {@code done: true} object or the end of the stream; each line goes to the
     * recorder with the time of the read that completed it.
     */
    private void readStream(InFlight call, ClientCore.Opened opened, ResponseRecorder recorder)
            throws BackendException {
        URI uri = opened.uri();
        NdjsonParser parser = new NdjsonParser();
        InputStream in = opened.response().body();
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        int lines = 0;
        while (true) {
            int n = ClientCore.read(call, uri, in, buffer);
            long now = System.nanoTime();
            if (n < 0) {
                for (NdjsonParser.Line line : parser.finish(now)) {
                    lines++;
                    if (onLine(line, uri, recorder)) {
                        recorder.end(line.nanos());
                        return;
                    }
                }
                LOG.debug("stream from {} ended without done: true; keeping it as a complete answer", uri);
                ClientCore.requireEvents(lines, uri);
                recorder.end(now);
                return;
            }
            if (n == 0) {
                continue;
            }
            recorder.bytesRead(now);
            List<NdjsonParser.Line> got;
            try {
                got = parser.feed(buffer, 0, n, now);
            } catch (TooLargeException e) {
                throw ClientCore.tooLarge("stream from " + uri + " exceeds a limit: " + e.getMessage(), uri, e);
            }
            for (NdjsonParser.Line line : got) {
                lines++;
                if (onLine(line, uri, recorder)) {
                    recorder.end(line.nanos());
                    // Everything is measured; read what is left so the connection can be reused.
                    HttpTransport.drainQuietly(call, opened.response(), DRAIN_BUDGET);
                    return;
                }
            }
        }
    }

    /** One line of the stream; {@code true} for the last ({@code done: true}). */
    private boolean onLine(NdjsonParser.Line line, URI uri, ResponseRecorder recorder) throws BackendException {
        OllamaJson.Frame frame;
        try {
            frame = ollamaJson.parseFrame(line.text());
        } catch (IOException e) {
            throw ClientCore.invalid("invalid JSON in stream from " + uri + ": " + e.getMessage()
                    + ClientCore.excerptOf(line.text().getBytes(StandardCharsets.UTF_8)), uri, e);
        }
        if (frame.error() != null) {
            throw core.streamError(uri, new ChatJson.ServerError(SafeText.oneLine(frame.error()), "", ""),
                    frame.error());
        }
        recorder.chunk(frame.chunk(), line.nanos());
        return frame.done();
    }

    // ---- identity ----

    /**
     * Which server this is: the normalized base URL, kind {@code ollama} and the version {@code GET /api/version}
     * reports ({@code ""} when it does not answer). Asks once; later calls cost nothing. Never throws.
     *
     * @return the server's identity
     */
    @Override
    public ServerInfo server() {
        ServerInfo known = server.get();
        if (known != null) {
            return known;
        }
        ServerInfo info = new ServerInfo(Endpoints.normalizedBaseUrl(endpoint()), "ollama", "", "");
        try {
            String version = version();
            if (version != null) {
                info = info.withVersion(version);
                server.set(info);
            }
        } catch (BackendException | RuntimeException e) {
            LOG.debug("no version from {}: {}", endpoint(), e.getMessage());
        }
        return info;
    }

    /** {@code GET /api/version}: the version, or {@code null} when the answer is not Ollama's. */
    private String version() throws BackendException {
        return core.withDeadline(requestTimeout(), call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(VERSION), null, ClientCore.JSON);
            byte[] body = core.readFully(call, opened, ClientCore.MAX_ERROR_BODY_BYTES, null);
            try {
                // LM Studio's status-200 "Unexpected endpoint" object has no version: not Ollama
                JsonNode version = json.readObject(body).path("version");
                return version.isTextual() ? SafeText.oneLine(version.textValue(), 64) : null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    // ---- lifecycle ----

    /** Aborts every call in flight; each blocked call throws {@link Kind#CANCELLED} promptly. Thread-safe. */
    @Override
    public void cancelInFlight() {
        core.cancelInFlight();
    }

    /** Cancels calls in flight and closes connections; unloads nothing. Idempotent; never throws. */
    @Override
    public void close() {
        core.close();
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface Parse<T> {
        T run() throws IOException;
    }

    private static <T> T parse(URI uri, String what, byte[] body, Parse<T> parse) throws BackendException {
        try {
            return parse.run();
        } catch (IOException e) {
            throw ClientCore.invalid("invalid " + what + " from " + uri + ": " + e.getMessage()
                    + ClientCore.excerptOf(body), uri, e);
        }
    }

    private Duration requestTimeout() {
        return core.config().requestTimeout();
    }

    private static String format(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.3f", seconds);
    }
}
