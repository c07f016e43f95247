package dev.lmsbench.client;

import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.spi.ModelCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * token times. When a path-less base URL is probed ({@code /v1} answered 404, see {@link ClientConfig}), the timings
 * are those of the attempt that answered; the probe itself is not measured.
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
 * Characters are Unicode code points.
 *
 * <h2>Failures</h2>
 * Every failure is a {@link BackendException} with a one-line message naming the URL: {@link Kind#CONNECTION} when
 * nothing answered or the connection broke, {@link Kind#HTTP_STATUS} for a status of 400 or more (with the server's
 * {@code error.message}), {@link Kind#PROTOCOL} for a body that cannot be understood or an {@code error} object inside
 * a stream, {@link Kind#TIMEOUT} when {@link InferenceRequest#timeout()} (the whole request, body included) passes,
 * and {@link Kind#CANCELLED} after {@link #cancelInFlight()}. A stream that ends without {@code [DONE]} is a complete
 * answer.
 *
 * <h2>Lifecycle and threads</h2>
 * Create with {@link #create(ClientConfig)}, share, and {@link #close()} once. Thread-safe: any number of threads may
 * call {@link #infer} and {@link #listModels} at once; each call uses its own connection (kept alive and reused
 * when the server allows) and reads its response on the calling thread. One daemon watchdog thread enforces deadlines
 * for all calls: a timeout or {@link #cancelInFlight()} closes the call's socket, which unblocks its read at once.
 * Redirects (301, 302, 303, 307, 308 for GET; 307, 308 for POST) are followed up to five times, never from https to
 * http.
 */
public final class OpenAiClient implements InferenceBackend, ModelCatalog {

    /** The deadline for {@link #listModels()}, which has no timeout parameter. */
    public static final Duration LIST_MODELS_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiClient.class);
    private static final String CHAT_COMPLETIONS = "/chat/completions";
    private static final String MODELS = "/models";
    private static final String DONE = "[DONE]";
    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final int READ_BUFFER_BYTES = 8192;
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    private static final int MAX_MESSAGE_CHARS = 300;
    private static final int MAX_REDIRECTS = 5;
    /** How long to wait for the end of a body after {@code [DONE]} so its connection can be reused. */
    private static final Duration DRAIN_BUDGET = Duration.ofMillis(250);
    private static final String USER_AGENT = "lmsbench/" + version();

    private final ClientConfig config;
    private final Endpoints endpoints;
    private final ChatJson json = new ChatJson();
    private final HttpTransport transport;
    private final ScheduledExecutorService watchdog;
    private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private OpenAiClient(ClientConfig config) {
        this.config = config;
        this.endpoints = new Endpoints(config.baseUrl());
        this.transport = new HttpTransport(config.connectTimeout(), USER_AGENT);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "lmsbench-client-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        // Most deadlines are cancelled long before they fire; do not keep them queued until then.
        executor.setRemoveOnCancelPolicy(true);
        this.watchdog = executor;
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
        return config;
    }

    /** The base URL as configured (without trailing slash). */
    @Override
    public String endpoint() {
        return config.baseUrl();
    }

    /**
     * Lists the models with {@code GET .../models}, within {@link #LIST_MODELS_TIMEOUT}.
     *
     * @return the models in the server's order; fields the server does not give are unknown sentinels
     * @throws BackendException when the server could not be asked or answered something unreadable
     * @throws IllegalStateException when the client is closed
     */
    @Override
    public List<ModelInfo> listModels() throws BackendException {
        return withDeadline(LIST_MODELS_TIMEOUT, call -> {
            Opened opened = open(call, MODELS, null, JSON);
            byte[] body = readFully(call, opened, MAX_BODY_BYTES, null);
            try {
                return json.parseModels(body);
            } catch (IOException e) {
                throw protocol("invalid model list from " + opened.uri() + ": " + e.getMessage(), opened.uri(), e);
            }
        });
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
        byte[] body = json.chatRequest(request);
        return withDeadline(request.timeout(), call -> {
            Opened opened = open(call, CHAT_COMPLETIONS, body, request.stream() ? EVENT_STREAM : JSON);
            String contentType = opened.response().headers().firstValue("Content-Type").orElse("")
                    .toLowerCase(Locale.ROOT);
            boolean eventStream = contentType.startsWith(EVENT_STREAM)
                    || (request.stream() && !contentType.contains("json"));
            if (request.stream() && !eventStream) {
                LOG.debug("{} answered a streaming request with {}; reading it as one completion, without token"
                        + " times", opened.uri(), contentType);
            }
            return eventStream ? readStream(call, opened, request.prompt())
                    : readCompletion(call, opened, request.prompt());
        });
    }

    /** Aborts every call in flight; each blocked call throws {@link Kind#CANCELLED} promptly. Thread-safe. */
    @Override
    public void cancelInFlight() {
        for (InFlight call : inFlight) {
            call.abort(Kind.CANCELLED);
        }
    }

    /** Cancels calls in flight and closes idle connections and the watchdog thread. Idempotent; never throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            cancelInFlight();
            watchdog.shutdownNow();
            transport.close();
        } catch (RuntimeException e) {
            LOG.debug("error while closing the client for {}", config.baseUrl(), e);
        }
    }

    // ---- one call: registration and deadline ----

    /** The body of a call, run with its {@link InFlight} registered and its deadline armed. */
    @FunctionalInterface
    private interface Exchange<T> {
        T run(InFlight call) throws BackendException;
    }

    private <T> T withDeadline(Duration timeout, Exchange<T> exchange) throws BackendException {
        if (closed.get()) {
            throw new IllegalStateException("client for " + config.baseUrl() + " is closed");
        }
        InFlight call = new InFlight(timeout);
        inFlight.add(call);
        if (closed.get()) {
            // close() may have swept inFlight just before this call registered: abort it here instead.
            call.abort(Kind.CANCELLED);
        }
        ScheduledFuture<?> deadline;
        try {
            deadline = watchdog.schedule(() -> call.abort(Kind.TIMEOUT), saturatedNanos(timeout),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            inFlight.remove(call);
            throw new IllegalStateException("client for " + config.baseUrl() + " is closed", e);
        }
        try {
            return exchange.run(call);
        } finally {
            deadline.cancel(false);
            inFlight.remove(call);
            call.release();
        }
    }

    // ---- sending, with the /v1 fallback ----

    /**
     * A response whose headers arrived with a status below 400.
     *
     * @param uri          the URL the call was made to (before any redirect), for messages
     * @param response     the final response
     * @param sentNanos    when the first request of the exchange was sent
     * @param headersNanos when the final response's headers were read
     */
    private record Opened(URI uri, HttpTransport.Response response, long sentNanos, long headersNanos) {
    }

    /** Sends to the endpoint's target URLs in turn; see {@link Endpoints} for when a second one is tried. */
    private Opened open(InFlight call, String endpoint, byte[] body, String accept) throws BackendException {
        List<Endpoints.Target> targets = endpoints.targets(endpoint);
        BackendException firstNotFound = null;
        for (int i = 0; ; i++) {
            Endpoints.Target target = targets.get(i);
            Opened opened = send(call, target.uri(), body, accept);
            int status = opened.response().status();
            if (status < 400) {
                if (status < 300) {
                    endpoints.succeeded(target);
                }
                return opened;
            }
            BackendException failure = httpStatus(call, opened);
            boolean last = i + 1 == targets.size();
            if (status == 404 && !last) {
                LOG.debug("{} answered 404; trying {}", target.uri(), targets.get(i + 1).uri());
                firstNotFound = failure;
                continue;
            }
            // Both prefixes 404: the first answer (under /v1) is the one from the real API, e.g. "model not found".
            throw status == 404 && firstNotFound != null ? firstNotFound : failure;
        }
    }

    /**
     * Sends one request, following up to {@value #MAX_REDIRECTS} redirects: 301, 302, 303, 307 and 308 for a GET,
     * 307 and 308 (which keep the method and body) for a POST; only to the same scheme or from http to https. The
     * token goes only to the original host. A redirect not followed is returned as it is.
     */
    private Opened send(InFlight call, URI uri, byte[] body, String accept) throws BackendException {
        String method = body == null ? "GET" : "POST";
        URI current = uri;
        long sentNanos = -1;
        for (int redirects = 0; ; redirects++) {
            String token = config.hasApiToken() && current.getHost().equalsIgnoreCase(uri.getHost())
                    ? config.apiToken() : null;
            HttpTransport.Response response = sendOnce(call, uri, current, method, accept, token, body);
            if (sentNanos == -1) {
                sentNanos = response.sentNanos();
            }
            Opened opened = new Opened(uri, response, sentNanos, response.headersNanos());
            URI next = redirectTarget(current, method, response, redirects);
            if (next == null) {
                return opened;
            }
            LOG.debug("{} redirects ({}) to {}", current, response.status(), next);
            readFully(call, opened, MAX_ERROR_BODY_BYTES, null);
            call.release();
            current = next;
        }
    }

    private static URI redirectTarget(URI current, String method, HttpTransport.Response response, int redirects) {
        int status = response.status();
        boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        boolean keepsMethod = status == 307 || status == 308;
        if (!redirect || redirects >= MAX_REDIRECTS || (!"GET".equals(method) && !keepsMethod)) {
            return null;
        }
        String location = response.headers().firstValue("Location").orElse("").strip();
        if (location.isEmpty()) {
            return null;
        }
        URI next;
        try {
            next = current.resolve(location);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String from = current.getScheme().toLowerCase(Locale.ROOT);
        String to = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        boolean allowed = next.getHost() != null && (to.equals(from) || ("http".equals(from) && "https".equals(to)));
        return allowed ? next : null;
    }

    /**
     * One exchange on the transport, its failures mapped to {@link BackendException}s naming {@code uri}.
     *
     * @param uri     the URL the call was made to, for messages
     * @param current the URL to send to (differs from {@code uri} after a redirect)
     */
    private HttpTransport.Response sendOnce(InFlight call, URI uri, URI current, String method, String accept,
            String token, byte[] body) throws BackendException {
        try {
            return transport.send(call, method, current, accept, token, body);
        } catch (IOException e) {
            if (call.abortReason() == null && Thread.currentThread().isInterrupted()) {
                // A blocking socket ignores interrupts; the caller gave up all the same.
                call.abort(Kind.CANCELLED);
            }
            if (call.abortReason() != null) {
                throw aborted(call, uri);
            }
            if (e instanceof SocketTimeoutException) {
                // The read timeout (the safety net behind the watchdog) fired first: the deadline passed.
                call.abort(Kind.TIMEOUT);
                throw aborted(call, uri);
            }
            if (e instanceof HttpProtocolException) {
                throw protocol("invalid HTTP response from " + uri + ": " + e.getMessage(), uri, e);
            }
            throw connectionFailure(uri, e);
        }
    }

    // ---- reading ----

    private InferenceResult readStream(InFlight call, Opened opened, String prompt) throws BackendException {
        ResponseRecorder recorder = new ResponseRecorder(opened.sentNanos(), opened.headersNanos(), true);
        SseParser parser = new SseParser();
        InputStream in = opened.response().body();
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        while (true) {
            int n = read(call, opened.uri(), in, buffer);
            long now = System.nanoTime();
            if (n < 0) {
                boolean partial = parser.hasPartialLine();
                for (SseParser.Event event : parser.finish(now)) {
                    if (isDone(event)) {
                        recorder.end(event.nanos());
                        return recorder.result(prompt);
                    }
                    recorder.chunk(parseChunk(event, opened.uri()), event.nanos());
                }
                LOG.debug("stream from {} ended without [DONE]{}; keeping it as a complete answer", opened.uri(),
                        partial ? " (its last line was cut off)" : "");
                recorder.end(now);
                return recorder.result(prompt);
            }
            if (n == 0) {
                continue;
            }
            recorder.bytesRead(now);
            for (SseParser.Event event : parser.feed(buffer, 0, n, now)) {
                if (isDone(event)) {
                    recorder.end(event.nanos());
                    // Everything is measured; read the last chunk, which usually arrived with [DONE], so the
                    // connection can be reused.
                    HttpTransport.drainQuietly(call, opened.response(), DRAIN_BUDGET);
                    return recorder.result(prompt);
                }
                recorder.chunk(parseChunk(event, opened.uri()), event.nanos());
            }
        }
    }

    private InferenceResult readCompletion(InFlight call, Opened opened, String prompt) throws BackendException {
        ResponseRecorder recorder = new ResponseRecorder(opened.sentNanos(), opened.headersNanos(), false);
        byte[] body = readFully(call, opened, MAX_BODY_BYTES, recorder);
        ChatJson.Completion completion;
        try {
            completion = json.parseCompletion(body);
        } catch (IOException e) {
            String serverError = json.errorMessage(body);
            String detail = serverError.isEmpty() ? e.getMessage() : serverError;
            throw protocol("invalid chat completion from " + opened.uri() + ": " + detail, opened.uri(), e);
        }
        recorder.completion(completion);
        return recorder.result(prompt);
    }

    /**
     * Reads a whole body, up to {@code limit} bytes (the rest is not read).
     *
     * @param recorder receives the first-byte and end times, or {@code null}
     */
    private static byte[] readFully(InFlight call, Opened opened, int limit, ResponseRecorder recorder)
            throws BackendException {
        InputStream in = opened.response().body();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        while (out.size() < limit) {
            int n = read(call, opened.uri(), in, buffer);
            long now = System.nanoTime();
            if (n < 0) {
                if (recorder != null) {
                    recorder.end(now);
                }
                return out.toByteArray();
            }
            if (n > 0 && recorder != null) {
                recorder.bytesRead(now);
            }
            out.write(buffer, 0, Math.min(n, limit - out.size()));
        }
        if (recorder != null) {
            throw protocol("response from " + opened.uri() + " is larger than " + limit + " bytes", opened.uri(),
                    null);
        }
        return out.toByteArray();
    }

    /** One read; an abort, whichever way the stream reacts to it (exception or end of stream), is reported as such. */
    private static int read(InFlight call, URI uri, InputStream in, byte[] buffer) throws BackendException {
        int n;
        try {
            n = in.read(buffer);
        } catch (IOException e) {
            if (call.abortReason() == null && Thread.currentThread().isInterrupted()) {
                // A blocking socket read does not react to interrupts, but a failed read with the flag set means the
                // caller gave up.
                call.abort(Kind.CANCELLED);
            }
            if (call.abortReason() != null) {
                throw aborted(call, uri);
            }
            if (e instanceof SocketTimeoutException) {
                // The read timeout (the safety net behind the watchdog) fired first: the deadline passed.
                call.abort(Kind.TIMEOUT);
                throw aborted(call, uri);
            }
            if (e instanceof HttpProtocolException) {
                throw protocol("invalid HTTP body from " + uri + ": " + e.getMessage(), uri, e);
            }
            throw new BackendException(Kind.CONNECTION,
                    oneLine("connection to " + uri + " broke mid-response: " + describe(e)), uri.toString(), -1, e);
        }
        if (n < 0 && call.abortReason() != null) {
            throw aborted(call, uri);
        }
        return n;
    }

    private static boolean isDone(SseParser.Event event) {
        return DONE.equals(event.data().strip());
    }

    private ChatJson.Chunk parseChunk(SseParser.Event event, URI uri) throws BackendException {
        ChatJson.Chunk chunk;
        try {
            chunk = json.parseChunk(event.data());
        } catch (IOException e) {
            throw protocol("invalid JSON in stream from " + uri + ": " + event.data(), uri, e);
        }
        if (chunk.error() != null) {
            throw protocol("server error in stream from " + uri + ": " + chunk.error(), uri, null);
        }
        return chunk;
    }

    // ---- failures ----

    private BackendException httpStatus(InFlight call, Opened opened) throws BackendException {
        int status = opened.response().status();
        byte[] body = readFully(call, opened, MAX_ERROR_BODY_BYTES, null);
        call.release();
        String serverMessage = json.errorMessage(body);
        String message = "HTTP " + status + " from " + opened.uri()
                + (serverMessage.isBlank() ? "" : ": " + serverMessage);
        return new BackendException(Kind.HTTP_STATUS, oneLine(message), opened.uri().toString(), status, null);
    }

    private static BackendException aborted(InFlight call, URI uri) {
        Kind reason = Objects.requireNonNullElse(call.abortReason(), Kind.CANCELLED);
        String message = reason == Kind.TIMEOUT
                ? "request to " + uri + " timed out after " + format(call.timeout())
                : "request to " + uri + " was cancelled";
        return new BackendException(reason, message, uri.toString(), -1, null);
    }

    private BackendException connectionFailure(URI uri, Throwable cause) {
        String reason = null;
        boolean connectFailed = false;
        for (Throwable t = cause; t != null && reason == null; t = t.getCause()) {
            if (t instanceof HttpConnection.ConnectFailure failure && failure.timedOut()) {
                reason = "connect timed out after " + format(config.connectTimeout());
            } else if (t instanceof UnknownHostException) {
                reason = "unknown host " + uri.getHost();
            } else if (t instanceof ConnectException) {
                connectFailed = true;
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    reason = decapitalize(t.getMessage());
                }
            }
        }
        if (reason == null && connectFailed) {
            // A refused connect may come as a bare ConnectException; other connect failures, such as "No route to
            // host", come with a message.
            reason = "connection refused";
        }
        if (reason == null) {
            return new BackendException(Kind.CONNECTION, oneLine("no response from " + uri + ": " + describe(cause)),
                    uri.toString(), -1, cause);
        }
        return new BackendException(Kind.CONNECTION, oneLine("cannot connect to " + uri + ": " + reason),
                uri.toString(), -1, cause);
    }

    private static BackendException protocol(String message, URI uri, Throwable cause) {
        return new BackendException(Kind.PROTOCOL, oneLine(message), uri.toString(), -1, cause);
    }

    // ---- small helpers ----

    /** This module's version for the {@code User-Agent}, {@code dev} when run from classes without one. */
    private static String version() {
        String version = OpenAiClient.class.getPackage().getImplementationVersion();
        if (version == null && OpenAiClient.class.getModule().getDescriptor() != null) {
            version = OpenAiClient.class.getModule().getDescriptor().rawVersion().orElse(null);
        }
        return version == null || version.isBlank() ? "dev" : version;
    }

    /** The most specific message in a cause chain, for one-line error messages. */
    private static String describe(Throwable throwable) {
        String message = null;
        for (Throwable t = throwable; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message != null ? decapitalize(message)
                : throwable == null ? "unknown error" : throwable.getClass().getSimpleName();
    }

    /** Messages end up in a table cell or a log line: one line, bounded length. */
    static String oneLine(String message) {
        String line = message.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_MESSAGE_CHARS ? line : line.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
    }

    private static String decapitalize(String text) {
        if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
            return Character.toLowerCase(text.charAt(0)) + text.substring(1);
        }
        return text;
    }

    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return Math.max(0, duration.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
