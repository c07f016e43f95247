package dev.lmsbench.client;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every client of this module shares: the transport, the deadline watchdog, the calls in flight, sending with
 * redirects and the {@code /v1} fallback, reading bodies and SSE streams with their timestamps, and turning failures
 * into {@link BackendException}s. {@link OpenAiClient} and {@link LmStudioClient} are thin layers over it, so a chat
 * completion is measured by exactly one code path whichever client sends it.
 *
 * <p>Thread-safe; see {@link OpenAiClient}'s class documentation for the threading and timing model.
 */
final class ClientCore implements AutoCloseable {

    /**
     * Builds the exception for a failure the server itself reported (an HTTP error status, or an error object inside
     * a stream), so a client can add what it knows about the server's error shapes.
     */
    @FunctionalInterface
    interface ServerFailures {
        /**
         * @param kind       {@link Kind#HTTP_STATUS} or {@link Kind#SERVER_ERROR}
         * @param message    the one-line message
         * @param uri        the URL involved
         * @param httpStatus the status, or {@code -1} for an error inside a 2xx answer
         * @param error      what the server said
         */
        BackendException create(Kind kind, String message, URI uri, int httpStatus, ChatJson.ServerError error);

        /**
         * Plain {@link BackendException}s, as the OpenAI-compatible client reports them; LM Studio's "No models
         * loaded" (which it also sends on its OpenAI-compatible endpoints) is {@link Kind#MODEL_NOT_LOADED} with
         * what to do, as {@link LmStudioException} has it.
         */
        ServerFailures PLAIN = (kind, message, uri, status, error) -> LmStudioException.saysNotLoaded(error.message())
                ? new BackendException(Kind.MODEL_NOT_LOADED,
                        LmStudioException.withHint(message, LmStudioException.NOT_LOADED_HINT), uri.toString(), status,
                        null)
                : new BackendException(kind, message, uri.toString(), status, null);
    }

    /**
     * A 2xx answer that is LM Studio's {@code {"error":"Unexpected endpoint or method. (GET /x). Returning 200
     * anyway"}} (lmstudio-bug-tracker #1680, #1879; 0.3.x and 0.4.x): the path is not served.
     * {@link Kind#INVALID_RESPONSE}; where there is another URL to try ({@link #exchange}, LM Studio's v0 chat
     * fallback) it counts as not there.
     */
    static final class UnknownEndpoint extends BackendException {

        private static final long serialVersionUID = 1L;

        UnknownEndpoint(URI uri, String serverMessage) {
            super(Kind.INVALID_RESPONSE, oneLine(uri + " is not served there: it answered HTTP 200 with '"
                    + SafeText.oneLine(serverMessage, MAX_EXCERPT_CHARS) + "'"), uri.toString(), -1, null);
        }
    }

    /** Reads the body of a 2xx answer of {@link #exchange}. */
    @FunctionalInterface
    interface Reader<T> {
        /**
         * @throws UnknownEndpoint when the answer says the path is not served, so the next URL is tried
         */
        T read(Opened opened) throws BackendException;
    }

    /** The body of a call, run with its {@link InFlight} registered and its deadline armed. */
    @FunctionalInterface
    interface Exchange<T> {
        T run(InFlight call) throws BackendException;
    }

    /**
     * Receives the events of an SSE body as they are completed.
     */
    @FunctionalInterface
    interface SseHandler {
        /**
         * @param event the event, stamped with the read that completed it
         * @return {@code true} when this was the stream's last event (its end marker)
         */
        boolean onEvent(SseParser.Event event) throws BackendException;
    }

    /**
     * A response whose headers arrived with a final status of 2xx or of 400 and more: {@link #send} follows or
     * refuses redirects and refuses other 1xx/3xx answers, so no caller ever reads one as an answer.
     *
     * @param uri          the URL the call was made to (before any redirect), for messages
     * @param response     the final response
     * @param sentNanos    when the first request of the exchange was sent
     * @param headersNanos when the final response's headers were read
     */
    record Opened(URI uri, HttpTransport.Response response, long sentNanos, long headersNanos) {

        /** {@return the response's {@code Content-Type}, lower case, or {@code ""}} */
        String contentType() {
            return response.headers().firstValue("Content-Type").orElse("").strip().toLowerCase(Locale.ROOT);
        }
    }

    static final String JSON = "application/json";
    static final String EVENT_STREAM = "text/event-stream";
    /** The most of an error body read for its message (64 KiB); the rest is not read. */
    static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    /** The largest non-streamed chat completion accepted (64 MiB); more is {@link Kind#TOO_LARGE}. */
    static final int MAX_CHAT_BODY_BYTES = 64 * 1024 * 1024;
    /** The largest other answer (model lists, load, download) accepted (16 MiB); more is {@link Kind#TOO_LARGE}. */
    static final int MAX_API_BODY_BYTES = 16 * 1024 * 1024;
    /** The longest excerpt of an unusable body quoted in a message (characters, after {@link SafeText}). */
    static final int MAX_EXCERPT_CHARS = 80;
    /** How much of an unusable body is read for its excerpt (bytes). */
    static final int MAX_EXCERPT_BYTES = 1024;
    /** The most redirects followed for a GET; a POST is never redirected. */
    static final int MAX_REDIRECTS = 5;
    /**
     * The longest {@code Retry-After} passed on (60 s): a server asking for more is waited for this long, then asked
     * again, so a wrong header cannot stall a run for hours.
     */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);
    private static final String DONE = "[DONE]";
    /** What LM Studio's answer for a path it does not serve says (lower case). */
    private static final String UNKNOWN_ENDPOINT = "unexpected endpoint";
    private static final int READ_BUFFER_BYTES = 8192;
    /** How long to wait for the end of a body after its end marker so its connection can be reused. */
    private static final Duration DRAIN_BUDGET = Duration.ofMillis(250);
    private static final String USER_AGENT = "lmsbench/" + version();
    /** What nginx and Go's net/http answer a plain HTTP request on a TLS port with (lower case). */
    private static final List<String> PLAIN_ON_TLS_PORT = List.of("plain http request was sent to https port",
            "client sent an http request to an https server");

    private final ClientConfig config;
    private final ChatJson json;
    private final ServerFailures failures;
    private final HttpTransport transport;
    private final ScheduledExecutorService watchdog;
    private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    ClientCore(ClientConfig config, ChatJson json, ServerFailures failures) {
        this.config = Objects.requireNonNull(config, "config");
        this.json = json;
        this.failures = failures;
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

    ClientConfig config() {
        return config;
    }

    // ---- one call: registration and deadline ----

    <T> T withDeadline(Duration timeout, Exchange<T> exchange) throws BackendException {
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
            deadline = watchdog.schedule(() -> call.abort(Kind.TIMEOUT), InFlight.saturatedNanos(timeout),
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

    /** Aborts every call in flight; each blocked call throws {@link Kind#CANCELLED} promptly. */
    void cancelInFlight() {
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

    // ---- sending ----

    /**
     * Sends to the endpoint's target URLs in turn and reads the first usable answer; see {@link Endpoints} for when a
     * second URL is tried: after a 404, or after a 2xx answer that is LM Studio's "Unexpected endpoint" error
     * ({@link UnknownEndpoint}: that server answers unknown paths with status 200). The prefix of the target that
     * answered is remembered only once its answer was read.
     *
     * @return what {@code reader} read
     * @throws BackendException for a status of 400 or more (after the fallback; when every URL failed, the first 404
     *                          is reported, as the answer of the real API, e.g. "model not found"), a redirect not
     *                          followed, when nothing answered, or what {@code reader} throws
     */
    <T> T exchange(InFlight call, Endpoints endpoints, String endpoint, byte[] body, String accept, Reader<T> reader)
            throws BackendException {
        List<Endpoints.Target> targets = endpoints.targets(endpoint);
        BackendException firstNotFound = null;
        for (int i = 0; ; i++) {
            Endpoints.Target target = targets.get(i);
            boolean last = i + 1 == targets.size();
            Opened opened = send(call, target.uri(), body, accept);
            int status = opened.response().status();
            if (status < 400) {
                try {
                    T answer = reader.read(opened);
                    endpoints.succeeded(target);
                    return answer;
                } catch (UnknownEndpoint e) {
                    call.release();
                    if (last) {
                        throw firstNotFound != null ? firstNotFound : e;
                    }
                    LOG.debug("{} does not serve this path ({}); trying {}", target.uri(), e.getMessage(),
                            targets.get(i + 1).uri());
                    continue;
                }
            }
            BackendException failure = httpStatus(call, opened);
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
     * Whether a server's error message is LM Studio's answer for a path it does not serve ("Unexpected endpoint or
     * method. (GET /x). Returning 200 anyway").
     */
    static boolean isUnknownEndpoint(String serverMessage) {
        return serverMessage != null && serverMessage.toLowerCase(Locale.ROOT).contains(UNKNOWN_ENDPOINT);
    }

    /**
     * {@link UnknownEndpoint} when a 2xx body is LM Studio's "Unexpected endpoint" error object, else nothing.
     *
     * @param body the body, or its start
     */
    void failIfUnknownEndpoint(URI uri, byte[] body) throws UnknownEndpoint {
        if (json.isErrorObject(body)) {
            String message = json.errorMessage(body);
            if (isUnknownEndpoint(message)) {
                throw new UnknownEndpoint(uri, message);
            }
        }
    }

    /**
     * Sends to one URL and fails on a status of 400 or more.
     *
     * @return a 2xx response
     * @throws BackendException {@link Kind#HTTP_STATUS} (built by the {@link ServerFailures}) for a status of 400 or
     *                          more, or as {@link #send} says
     */
    Opened openOk(InFlight call, URI uri, byte[] body, String accept) throws BackendException {
        Opened opened = send(call, uri, body, accept);
        if (opened.response().status() >= 400) {
            throw httpStatus(call, opened);
        }
        return opened;
    }

    /**
     * Sends one request. A GET follows up to {@value #MAX_REDIRECTS} redirects (301, 302, 303, 307, 308), only to the
     * same scheme or from http to https, the token only to the original host. A POST is never re-sent: a redirect
     * answer to it fails at once, naming where it points, because the benchmark must measure the URL it was given.
     * Any other 1xx/3xx final answer fails too, and so does a 2xx body in a {@code Content-Encoding} other than
     * {@code identity} (the request asked for identity).
     *
     * @return a 2xx response, or one of 400 and more (its body unread)
     * @throws BackendException {@link Kind#HTTP_STATUS} for a redirect not followed, {@link Kind#PROTOCOL} for an
     *                          encoded body, or the transport's failure
     */
    Opened send(InFlight call, URI uri, byte[] body, String accept) throws BackendException {
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
            int status = response.status();
            if (status >= 400) {
                return opened;
            }
            if (status < 300) {
                checkIdentityEncoding(opened);
                return opened;
            }
            URI next = redirect(current, method, opened, redirects);
            LOG.debug("{} redirects ({}) to {}", current, status, next);
            readPrefix(call, opened, MAX_ERROR_BODY_BYTES);
            call.release();
            current = next;
        }
    }

    /** Where a GET is redirected to; every other 3xx (and any redirect of a POST) fails. */
    private static URI redirect(URI current, String method, Opened opened, int redirects) throws BackendException {
        HttpTransport.Response response = opened.response();
        int status = response.status();
        URI uri = opened.uri();
        boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        String location = response.headers().firstValue("Location").orElse("").strip();
        URI next = null;
        try {
            next = location.isEmpty() ? null : current.resolve(location);
        } catch (IllegalArgumentException e) {
            LOG.debug("{} redirects to an invalid Location", current, e);
        }
        String shown = next != null ? SafeText.oneLine(next.toString(), 120)
                : location.isEmpty() ? "no Location" : SafeText.oneLine(location, 120);
        if (!redirect) {
            throw statusFailure("HTTP " + status + " from " + uri + " is not an answer", uri, status);
        }
        if (!"GET".equals(method)) {
            throw statusFailure("HTTP " + status + " from " + uri + " redirects the request to " + shown
                    + "; a POST is not re-sent: set --base-url to the final URL", uri, status);
        }
        if (next == null || next.getHost() == null) {
            throw statusFailure("HTTP " + status + " from " + uri + " redirects to " + shown
                    + ", which is not a URL", uri, status);
        }
        String from = current.getScheme().toLowerCase(Locale.ROOT);
        String to = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!(to.equals(from) || ("http".equals(from) && "https".equals(to)))) {
            throw statusFailure("HTTP " + status + " from " + uri + " redirects to " + shown
                    + ", which is not followed (only to the same scheme or from http to https)", uri, status);
        }
        if (redirects >= MAX_REDIRECTS) {
            throw statusFailure("too many redirects (" + MAX_REDIRECTS + ") from " + uri, uri, status);
        }
        return next;
    }

    private static BackendException statusFailure(String message, URI uri, int status) {
        return new BackendException(Kind.HTTP_STATUS, oneLine(message), uri.toString(), status, null);
    }

    private static void checkIdentityEncoding(Opened opened) throws BackendException {
        String coding = encoding(opened);
        if (coding != null) {
            throw new BackendException(Kind.PROTOCOL, oneLine("server sent a " + coding + "-encoded body although"
                    + " the request asked for identity (" + opened.uri() + ")"), opened.uri().toString(), -1, null);
        }
    }

    /** The body's content coding when it is not {@code identity}, else {@code null}. */
    private static String encoding(Opened opened) {
        for (String coding : opened.response().headers().tokens("Content-Encoding")) {
            if (!"identity".equals(coding)) {
                return SafeText.oneLine(coding, 40);
            }
        }
        return null;
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
            throwIfAborted(call, uri, e);
            if (e instanceof TooLargeException) {
                throw tooLarge("response from " + uri + " exceeds a limit: " + e.getMessage(), uri, e);
            }
            if (e instanceof HttpConnection.TlsAnswer) {
                throw new BackendException(Kind.CONNECTION, oneLine("cannot talk to " + uri
                        + ": the server speaks TLS; use https:// instead of http://"), uri.toString(), -1, e);
            }
            if (e instanceof HttpProtocolException) {
                throw protocol("invalid HTTP response from " + uri + ": " + e.getMessage(), uri, e);
            }
            if (e instanceof HttpTransport.Disconnected) {
                throw new BackendException(Kind.DISCONNECTED, oneLine("connection to " + uri
                        + " broke inside the response headers: " + describe(e)), uri.toString(), -1, e);
            }
            throw connectionFailure(uri, e);
        }
    }

    // ---- reading chat completions ----

    /**
     * Reads a chat completion response, streamed (SSE chunks) or not (one JSON completion), measures it and checks
     * that it is an answer: a streamed one must be {@code text/event-stream} (a response without any
     * {@code Content-Type} is read as one, logged at debug) with at least one event; a non-streamed one JSON with at
     * least one choice; and either must carry at least one token (or report completion tokens).
     *
     * @param prompt      the prompt sent, for token estimates
     * @param stream      whether the request asked for a stream
     * @param statsSource the label for LM Studio's {@code stats}, or {@code null} to ignore them
     * @return the result and what the recorder saw
     * @throws BackendException {@link Kind#INVALID_RESPONSE} for a wrong content type, invalid JSON, wrong field
     *                          types, no event or no token ({@link UnknownEndpoint} for LM Studio's "Unexpected
     *                          endpoint" error object); {@link Kind#SERVER_ERROR} for another error object;
     *                          {@link Kind#TOO_LARGE} for a breached limit; or the reading failure
     */
    ResponseRecorder readChat(InFlight call, Opened opened, String prompt, boolean stream, String statsSource)
            throws BackendException {
        ResponseRecorder recorder = new ResponseRecorder(opened.sentNanos(), opened.headersNanos(), stream,
                statsSource);
        recorder.uri(opened.uri());
        if (stream) {
            requireEventStream(call, opened);
            int[] events = {0};
            long end = readSse(call, opened, recorder, event -> {
                events[0]++;
                if (isDone(event)) {
                    return true;
                }
                recorder.chunk(parseChunk(event, opened.uri()), event.nanos());
                return false;
            });
            recorder.end(end);
            requireEvents(events[0], opened.uri());
        } else {
            requireJson(call, opened);
            byte[] body = readFully(call, opened, MAX_CHAT_BODY_BYTES, recorder);
            ChatJson.Completion completion;
            try {
                completion = json.parseCompletion(body);
            } catch (IOException e) {
                if (json.isErrorObject(body)) {
                    failIfUnknownEndpoint(opened.uri(), body);
                    // An error object where the completion should be: the server's words, through the failures, so
                    // a client can recognize them (LM Studio's "Model unloaded").
                    throw serverError(opened.uri(), json.serverError(body));
                }
                throw invalid("invalid chat completion from " + opened.uri() + ": " + e.getMessage()
                        + excerptOf(body), opened.uri(), e);
            }
            recorder.completion(completion);
        }
        requireTokens(recorder, opened.uri());
        return recorder;
    }

    /**
     * Fails unless the response to a streaming request is an event stream. A JSON body is read: an error object
     * becomes {@link Kind#SERVER_ERROR} with the server's message, anything else {@link Kind#INVALID_RESPONSE} (a
     * streamed measurement without token times is not a measurement). Other bodies are quoted, shortened.
     */
    void requireEventStream(InFlight call, Opened opened) throws BackendException {
        String contentType = opened.contentType();
        if (contentType.isEmpty()) {
            LOG.debug("{} answered a streaming request without a Content-Type; reading it as {}", opened.uri(),
                    EVENT_STREAM);
            return;
        }
        if (contentType.startsWith(EVENT_STREAM)) {
            return;
        }
        URI uri = opened.uri();
        if (contentType.contains("json")) {
            byte[] body = readPrefix(call, opened, MAX_ERROR_BODY_BYTES);
            if (json.isErrorObject(body)) {
                failIfUnknownEndpoint(uri, body);
                throw serverError(uri, json.serverError(body));
            }
            throw invalid(uri + " answered a streaming request with " + SafeText.oneLine(contentType, 60)
                    + " instead of " + EVENT_STREAM + "; a stream without token times cannot be measured", uri, null);
        }
        throw unexpectedBody(call, opened, EVENT_STREAM);
    }

    /** Fails unless the response is JSON (or says nothing about its type): other bodies are quoted, shortened. */
    void requireJson(InFlight call, Opened opened) throws BackendException {
        String contentType = opened.contentType();
        if (contentType.isEmpty() || contentType.contains("json")) {
            return;
        }
        throw unexpectedBody(call, opened, JSON);
    }

    private BackendException unexpectedBody(InFlight call, Opened opened, String expected) throws BackendException {
        byte[] start = readPrefix(call, opened, MAX_EXCERPT_BYTES);
        return invalid(opened.uri() + " answered with " + SafeText.oneLine(opened.contentType(), 60) + " instead of "
                + expected + excerptOf(start), opened.uri(), null);
    }

    /** An event stream must carry at least one event. */
    static void requireEvents(int events, URI uri) throws BackendException {
        if (events == 0) {
            throw invalid("no events in the answer from " + uri, uri, null);
        }
    }

    /** An answer must carry a token, or at least report completion tokens: else it measured nothing. */
    static void requireTokens(ResponseRecorder recorder, URI uri) throws BackendException {
        if (!recorder.hasTokens()) {
            throw invalid("no tokens in the answer from " + uri, uri, null);
        }
    }

    /**
     * Reads an SSE body to its end marker or the end of the stream. Every read that returns bytes is reported to
     * {@code recorder} (first byte time); each completed event goes to {@code handler} with the time of the read
     * that completed it. Lines and events are bounded ({@link SseParser#MAX_LINE_BYTES},
     * {@link SseParser#MAX_EVENT_BYTES}): a breach fails with {@link Kind#TOO_LARGE} as soon as it happens.
     *
     * @return {@link System#nanoTime()} of the end: the end marker's read, or when the end of stream was seen. A
     *         stream that ends without its end marker is a complete answer
     */
    long readSse(InFlight call, Opened opened, ResponseRecorder recorder, SseHandler handler)
            throws BackendException {
        SseParser parser = new SseParser();
        InputStream in = opened.response().body();
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        while (true) {
            int n = read(call, opened.uri(), in, buffer);
            long now = System.nanoTime();
            if (n < 0) {
                boolean partial = parser.hasPartialLine();
                for (SseParser.Event event : parser.finish(now)) {
                    if (handler.onEvent(event)) {
                        return event.nanos();
                    }
                }
                LOG.debug("stream from {} ended without its end marker{}; keeping it as a complete answer",
                        opened.uri(), partial ? " (its last line was cut off)" : "");
                return now;
            }
            if (n == 0) {
                continue;
            }
            recorder.bytesRead(now);
            List<SseParser.Event> events;
            try {
                events = parser.feed(buffer, 0, n, now);
            } catch (TooLargeException e) {
                throw tooLarge("stream from " + opened.uri() + " exceeds a limit: " + e.getMessage(), opened.uri(),
                        e);
            }
            for (SseParser.Event event : events) {
                if (handler.onEvent(event)) {
                    // Everything is measured; read the rest, which usually arrived with the end marker, so the
                    // connection can be reused.
                    HttpTransport.drainQuietly(call, opened.response(), DRAIN_BUDGET);
                    return event.nanos();
                }
            }
        }
    }

    /**
     * Reads a whole body of at most {@code limit} bytes.
     *
     * @param recorder receives the first-byte and end times, or {@code null}
     * @throws BackendException {@link Kind#TOO_LARGE} when the body is larger than {@code limit} (the rest is not
     *                          read and the connection is discarded)
     */
    byte[] readFully(InFlight call, Opened opened, int limit, ResponseRecorder recorder) throws BackendException {
        InputStream in = opened.response().body();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        while (true) {
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
            if (out.size() + n > limit) {
                throw tooLarge("response from " + opened.uri() + " is larger than " + limit + " bytes", opened.uri(),
                        null);
            }
            out.write(buffer, 0, n);
        }
    }

    /**
     * Reads at most {@code limit} bytes of a body, for an error message or an excerpt; the rest is not read (the
     * connection is then discarded on release).
     */
    byte[] readPrefix(InFlight call, Opened opened, int limit) throws BackendException {
        InputStream in = opened.response().body();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[Math.min(READ_BUFFER_BYTES, limit)];
        while (out.size() < limit) {
            int n = read(call, opened.uri(), in, buffer);
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, Math.min(n, limit - out.size()));
        }
        return out.toByteArray();
    }

    /**
     * A failed socket operation of a call that was cancelled, timed out (watchdog or the read timeout behind it), or
     * whose thread was interrupted is reported as that, never as a broken connection.
     */
    private static void throwIfAborted(InFlight call, URI uri, IOException e) throws BackendException {
        if (call.abortReason() == null && Thread.currentThread().isInterrupted()) {
            // A blocking socket ignores interrupts, but a failure with the flag set means the caller gave up.
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
    }

    /** One read; an abort, whichever way the stream reacts to it (exception or end of stream), is reported as such. */
    static int read(InFlight call, URI uri, InputStream in, byte[] buffer) throws BackendException {
        int n;
        try {
            n = in.read(buffer);
        } catch (IOException e) {
            throwIfAborted(call, uri, e);
            if (e instanceof TooLargeException) {
                throw tooLarge("response from " + uri + " exceeds a limit: " + e.getMessage(), uri, e);
            }
            if (e instanceof HttpProtocolException) {
                throw protocol("invalid HTTP body from " + uri + ": " + e.getMessage(), uri, e);
            }
            throw new BackendException(Kind.DISCONNECTED,
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
            throw invalid("invalid JSON in stream from " + uri + ": " + e.getMessage()
                    + excerptOf(event.data().getBytes(StandardCharsets.UTF_8)), uri, e);
        }
        if (chunk.error() != null) {
            throw streamError(uri, json.serverError(event.data().getBytes(StandardCharsets.UTF_8)), chunk.error());
        }
        return chunk;
    }

    // ---- failures ----

    /** An error object the server sent inside a stream (status 200): {@link Kind#SERVER_ERROR}. */
    BackendException streamError(URI uri, ChatJson.ServerError error, String message) {
        return failures.create(Kind.SERVER_ERROR, oneLine("server error in stream from " + uri + ": "
                + SafeText.oneLine(message)), uri, -1, error);
    }

    /** An error object the server sent as the body of a 2xx answer: {@link Kind#SERVER_ERROR}. */
    BackendException serverError(URI uri, ChatJson.ServerError error) {
        return failures.create(Kind.SERVER_ERROR, oneLine("server error from " + uri + ": " + error.message()), uri,
                -1, error);
    }

    /**
     * Reads the error body of a response with a status of 400 or more and builds its exception: the server's
     * message (sanitized; an HTML page is quoted by its title or a short excerpt), the {@code Retry-After} of a 429
     * or 503, and a hint when a TLS port says it got plain HTTP.
     */
    BackendException httpStatus(InFlight call, Opened opened) throws BackendException {
        int status = opened.response().status();
        String coding = encoding(opened);
        byte[] body = coding == null ? readPrefix(call, opened, MAX_ERROR_BODY_BYTES) : new byte[0];
        call.release();
        ChatJson.ServerError error = json.serverError(body);
        String text = error.message();
        if (coding != null) {
            text = "(" + coding + "-encoded body not read)";
        } else if (opened.contentType().contains("html") || text.startsWith("<")) {
            text = htmlExcerpt(text);
            error = new ChatJson.ServerError(text, error.type(), error.code());
        }
        String lower = text.toLowerCase(Locale.ROOT);
        String hint = PLAIN_ON_TLS_PORT.stream().anyMatch(lower::contains)
                ? ": the server speaks TLS; use https:// instead of http://" : "";
        String message = "HTTP " + status + " from " + opened.uri() + (text.isBlank() ? "" : ": " + text) + hint;
        if (!hint.isEmpty() && message.length() > SafeText.MAX_MESSAGE_CHARS) {
            // Keep the hint, which is what the user needs, when the server's text is long.
            message = "HTTP " + status + " from " + opened.uri() + hint;
        }
        BackendException failure = failures.create(Kind.HTTP_STATUS, oneLine(message), opened.uri(), status, error);
        if (status == 429 || status == 503) {
            retryAfter(opened.response().headers(), Instant.now()).ifPresent(failure::withRetryAfter);
        }
        return failure;
    }

    /**
     * The wait a {@code Retry-After} header asks for (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date,
     * bounded to {@link #MAX_RETRY_AFTER}; a date in the past is zero.
     *
     * @param headers the response headers
     * @param now     the current time, for an HTTP-date
     * @return the wait, or empty when there is no header or it is not valid
     */
    static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
        String value = headers.firstValue("Retry-After").orElse("").strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Duration wait;
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Too many digits for a long is far more than the cap anyway.
            wait = value.length() > 12 ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException e) {
                LOG.debug("ignoring an invalid Retry-After '{}'", SafeText.oneLine(value, 60));
                return Optional.empty();
            }
        }
        return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
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
            if (t instanceof HttpConnection.ConnectFailure failure && failure.handshake()) {
                reason = handshakeFailure(failure);
            } else if (t instanceof HttpConnection.ConnectFailure failure && failure.timedOut()) {
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
        // The hint must survive the length bound: it is what the user has to change.
        String head = "cannot connect to " + uri + ": ";
        return new BackendException(Kind.CONNECTION, head + SafeText.oneLine(reason,
                Math.max(40, SafeText.MAX_MESSAGE_CHARS - head.length())), uri.toString(), -1, cause);
    }

    /** Why a TLS handshake failed, with the likely fix when the port speaks plain HTTP. */
    private String handshakeFailure(HttpConnection.ConnectFailure failure) {
        Throwable cause = failure.getCause();
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        String plainHint = "the server speaks plain HTTP; use http:// instead of https://";
        if (lower.contains("unrecognized ssl message") || lower.contains("plaintext connection")
                || lower.contains("unsupported or unrecognized")) {
            return "TLS handshake failed: " + plainHint;
        }
        if (failure.timedOut()) {
            return "TLS handshake timed out after " + format(config.connectTimeout())
                    + " (if the server speaks plain HTTP, use http:// instead of https://)";
        }
        return "TLS handshake failed: " + describe(cause);
    }

    static BackendException protocol(String message, URI uri, Throwable cause) {
        return new BackendException(Kind.PROTOCOL, oneLine(message), uri.toString(), -1, cause);
    }

    static BackendException tooLarge(String message, URI uri, Throwable cause) {
        return new BackendException(Kind.TOO_LARGE, oneLine(message), uri.toString(), -1, cause);
    }

    /**
     * A body that cannot be used: {@link Kind#INVALID_RESPONSE}, or {@link Kind#TOO_LARGE} when the JSON parser
     * stopped at one of {@link ChatJson}'s limits.
     */
    static BackendException invalid(String message, URI uri, IOException cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException limit) {
                return tooLarge("JSON from " + uri + " exceeds a limit: " + limit.getOriginalMessage(), uri, cause);
            }
        }
        return new BackendException(Kind.INVALID_RESPONSE, oneLine(message), uri.toString(), -1, cause);
    }

    /** {@code ": <excerpt>"} of a body for a message, {@code ""} for an empty one; binary data is only counted. */
    static String excerptOf(byte[] body) {
        if (body.length == 0) {
            return " (empty body)";
        }
        String text = new String(body, 0, Math.min(body.length, MAX_EXCERPT_BYTES), StandardCharsets.UTF_8);
        long unreadable = text.chars().filter(c -> c == 0xFFFD || (c < 0x20 && c != '\n' && c != '\r' && c != '\t'))
                .count();
        if (unreadable * 4 > text.length()) {
            return " (binary data)";
        }
        String excerpt = SafeText.oneLine(text, MAX_EXCERPT_CHARS);
        return excerpt.isEmpty() ? " (unprintable body)" : ": " + excerpt;
    }

    /** An HTML error page in a message: its title when it has one, else a short excerpt. */
    private static String htmlExcerpt(String html) {
        String lower = html.toLowerCase(Locale.ROOT);
        int open = lower.indexOf("<title>");
        int close = open < 0 ? -1 : lower.indexOf("</title>", open);
        if (close > open) {
            String title = SafeText.oneLine(html.substring(open + "<title>".length(), close), MAX_EXCERPT_CHARS);
            if (!title.isEmpty()) {
                return title;
            }
        }
        return SafeText.oneLine(html, MAX_EXCERPT_CHARS);
    }

    // ---- small helpers ----

    /** This module's version for the {@code User-Agent}, {@code dev} when run from classes without one. */
    private static String version() {
        String version = ClientCore.class.getPackage().getImplementationVersion();
        if (version == null && ClientCore.class.getModule().getDescriptor() != null) {
            version = ClientCore.class.getModule().getDescriptor().rawVersion().orElse(null);
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

    /**
     * Messages end up in a table cell, a log line, a CSV and the database: one line, bounded length, no escape
     * sequences or control characters ({@link SafeText#oneLine(String)}).
     */
    static String oneLine(String message) {
        return SafeText.oneLine(message);
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
}
