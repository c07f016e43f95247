package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceResult;
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
         * @param kind       {@link Kind#HTTP_STATUS} or {@link Kind#PROTOCOL}
         * @param message    the one-line message
         * @param uri        the URL involved
         * @param httpStatus the status, or {@code -1} for an error inside a stream
         * @param error      what the server said
         */
        BackendException create(Kind kind, String message, URI uri, int httpStatus, ChatJson.ServerError error);

        /** Plain {@link BackendException}s, as the OpenAI-compatible client reports them. */
        ServerFailures PLAIN = (kind, message, uri, status, error) ->
                new BackendException(kind, message, uri.toString(), status, null);
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
     * A response whose headers arrived with a status below 400.
     *
     * @param uri          the URL the call was made to (before any redirect), for messages
     * @param response     the final response
     * @param sentNanos    when the first request of the exchange was sent
     * @param headersNanos when the final response's headers were read
     */
    record Opened(URI uri, HttpTransport.Response response, long sentNanos, long headersNanos) {

        /** {@return the response's {@code Content-Type}, lower case, or {@code ""}} */
        String contentType() {
            return response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        }
    }

    static final String JSON = "application/json";
    static final String EVENT_STREAM = "text/event-stream";
    static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);
    private static final String DONE = "[DONE]";
    private static final int READ_BUFFER_BYTES = 8192;
    private static final int MAX_MESSAGE_CHARS = 300;
    private static final int MAX_REDIRECTS = 5;
    /** How long to wait for the end of a body after its end marker so its connection can be reused. */
    private static final Duration DRAIN_BUDGET = Duration.ofMillis(250);
    private static final String USER_AGENT = "lmsbench/" + version();

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
     * Sends to the endpoint's target URLs in turn; see {@link Endpoints} for when a second one is tried.
     *
     * @throws BackendException for a status of 400 or more (after the fallback), or when nothing answered
     */
    Opened open(InFlight call, Endpoints endpoints, String endpoint, byte[] body, String accept)
            throws BackendException {
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
     * Sends to one URL and fails on a status of 400 or more.
     *
     * @throws BackendException {@link Kind#HTTP_STATUS} (built by the {@link ServerFailures}) for a status of 400 or
     *                          more, or when nothing answered
     */
    Opened openOk(InFlight call, URI uri, byte[] body, String accept) throws BackendException {
        Opened opened = send(call, uri, body, accept);
        if (opened.response().status() >= 400) {
            throw httpStatus(call, opened);
        }
        return opened;
    }

    /**
     * Sends one request, following up to {@value #MAX_REDIRECTS} redirects: 301, 302, 303, 307 and 308 for a GET,
     * 307 and 308 (which keep the method and body) for a POST; only to the same scheme or from http to https. The
     * token goes only to the original host. A redirect not followed is returned as it is; so is an error status.
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
            throwIfAborted(call, uri, e);
            if (e instanceof HttpProtocolException) {
                throw protocol("invalid HTTP response from " + uri + ": " + e.getMessage(), uri, e);
            }
            throw connectionFailure(uri, e);
        }
    }

    // ---- reading chat completions ----

    /**
     * Reads a chat completion response, streamed (SSE chunks) or not (one JSON completion), and measures it.
     *
     * @param prompt      the prompt sent, for token estimates
     * @param stream      whether the request asked for a stream
     * @param statsSource the label for LM Studio's {@code stats}, or {@code null} to ignore them
     * @return the result and what the recorder saw
     */
    ResponseRecorder readChat(InFlight call, Opened opened, String prompt, boolean stream, String statsSource)
            throws BackendException {
        String contentType = opened.contentType();
        boolean eventStream = contentType.startsWith(EVENT_STREAM) || (stream && !contentType.contains("json"));
        if (stream && !eventStream) {
            LOG.debug("{} answered a streaming request with {}; reading it as one completion, without token"
                    + " times", opened.uri(), contentType);
        }
        ResponseRecorder recorder = new ResponseRecorder(opened.sentNanos(), opened.headersNanos(), eventStream,
                statsSource);
        if (eventStream) {
            long end = readSse(call, opened, recorder, event -> {
                if (isDone(event)) {
                    return true;
                }
                recorder.chunk(parseChunk(event, opened.uri()), event.nanos());
                return false;
            });
            recorder.end(end);
        } else {
            byte[] body = readFully(call, opened, MAX_BODY_BYTES, recorder);
            ChatJson.Completion completion;
            try {
                completion = json.parseCompletion(body);
            } catch (IOException e) {
                ChatJson.ServerError error = json.serverError(body);
                if (!error.message().isEmpty()) {
                    // An error object where the completion should be: the server's words, through the failures, so
                    // a client can recognize them (LM Studio's "Model unloaded").
                    throw failures.create(Kind.PROTOCOL, oneLine("invalid chat completion from " + opened.uri()
                            + ": " + error.message()), opened.uri(), -1, error);
                }
                throw protocol("invalid chat completion from " + opened.uri() + ": " + e.getMessage(), opened.uri(),
                        e);
            }
            recorder.completion(completion);
        }
        return recorder;
    }

    /** {@link #readChat} returning only the result. */
    InferenceResult readChatResult(InFlight call, Opened opened, String prompt, boolean stream, String statsSource)
            throws BackendException {
        return readChat(call, opened, prompt, stream, statsSource).result(prompt);
    }

    /**
     * Reads an SSE body to its end marker or the end of the stream. Every read that returns bytes is reported to
     * {@code recorder} (first byte time); each completed event goes to {@code handler} with the time of the read
     * that completed it.
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
            for (SseParser.Event event : parser.feed(buffer, 0, n, now)) {
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
     * Reads a whole body, up to {@code limit} bytes (the rest is not read).
     *
     * @param recorder receives the first-byte and end times, or {@code null}
     * @throws BackendException a {@link Kind#PROTOCOL} failure when a measured body is larger than {@code limit}
     */
    byte[] readFully(InFlight call, Opened opened, int limit, ResponseRecorder recorder) throws BackendException {
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
    private static int read(InFlight call, URI uri, InputStream in, byte[] buffer) throws BackendException {
        int n;
        try {
            n = in.read(buffer);
        } catch (IOException e) {
            throwIfAborted(call, uri, e);
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
            throw streamError(uri, json.serverError(event.data().getBytes(StandardCharsets.UTF_8)), chunk.error());
        }
        return chunk;
    }

    // ---- failures ----

    /** An error object the server sent inside a stream (status 200): {@link Kind#PROTOCOL}. */
    BackendException streamError(URI uri, ChatJson.ServerError error, String message) {
        return failures.create(Kind.PROTOCOL, oneLine("server error in stream from " + uri + ": " + message), uri,
                -1, error);
    }

    /** Reads the error body of a response with a status of 400 or more and builds its exception. */
    BackendException httpStatus(InFlight call, Opened opened) throws BackendException {
        int status = opened.response().status();
        byte[] body = readFully(call, opened, MAX_ERROR_BODY_BYTES, null);
        call.release();
        ChatJson.ServerError error = json.serverError(body);
        String message = "HTTP " + status + " from " + opened.uri()
                + (error.message().isBlank() ? "" : ": " + error.message());
        return failures.create(Kind.HTTP_STATUS, oneLine(message), opened.uri(), status, error);
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

    static BackendException protocol(String message, URI uri, Throwable cause) {
        return new BackendException(Kind.PROTOCOL, oneLine(message), uri.toString(), -1, cause);
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
}
