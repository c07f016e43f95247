package dev.lmsbench.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A small HTTP/1.1 client over blocking sockets, for {@link OpenAiClient}: one request, one response, on the calling
 * thread.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it moves every exchange between its selector thread, its executor and
 * the reading thread; on a 2-core machine each hand-off costs up to milliseconds, which lands in TTFT. Here the
 * request is one socket write and every response read is a blocking socket read on the caller's thread, so the caller
 * can stamp bytes the moment the read returns.
 *
 * <p>Supported: {@code http} and {@code https} (default trust store, host name verification, SNI); bodies framed by
 * {@code Content-Length}, {@code Transfer-Encoding: chunked} or connection close; 1xx responses skipped (at most
 * {@value #MAX_INTERIM_RESPONSES}); keep-alive with a {@link ConnectionPool}. Not supported (not needed against LLM
 * servers): HTTP/2, proxies, compression (every request says {@code Accept-Encoding: identity}; the caller refuses
 * any other {@code Content-Encoding}), cookies, request bodies other than a byte array.
 *
 * <p>Thread-safe: concurrent {@link #send} calls each use their own connection.
 */
final class HttpTransport implements AutoCloseable {

    /**
     * What came back: status, headers and the body to read.
     *
     * @param status       the final (non-1xx) status code
     * @param headers      its header fields
     * @param body         the decoded body; reads go to the socket on the calling thread. Its end marks the connection
     *                     reusable; the connection itself is released through the {@link InFlight} it is attached to
     * @param sentNanos    {@link System#nanoTime()} just before the connection was taken (and connected when new)
     * @param headersNanos {@link System#nanoTime()} right after the read that completed the header block
     * @param connection   the connection the body comes from
     */
    record Response(int status, HttpHeaders headers, InputStream body, long sentNanos, long headersNanos,
                    HttpConnection connection) {
    }

    /** The largest header block accepted, status line included (64 KiB); more is {@code TOO_LARGE}. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** The most interim (1xx) responses skipped before the final one; more is {@code TOO_LARGE}. */
    static final int MAX_INTERIM_RESPONSES = 10;

    /**
     * The connection broke (reset, closed) after the server had started answering, inside the status line or
     * headers: reported as {@code DISCONNECTED}, never retried.
     */
    static final class Disconnected extends IOException {

        private static final long serialVersionUID = 1L;

        Disconnected(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final long MAX_DRAIN_BYTES = 64 * 1024;
    private static final InputStream EMPTY = InputStream.nullInputStream();

    private final int connectTimeoutMillis;
    private final String userAgent;
    private final ConnectionPool pool = new ConnectionPool();

    /**
     * @param connectTimeout the TCP connect timeout
     * @param userAgent      the {@code User-Agent} value
     */
    HttpTransport(Duration connectTimeout, String userAgent) {
        this.connectTimeoutMillis = (int) Math.clamp(connectTimeout.toMillis(), 1, Integer.MAX_VALUE);
        this.userAgent = userAgent;
    }

    /**
     * Sends one request and reads the response's status line and headers. The connection is attached to
     * {@code call}, which aborts it (closes the socket) on timeout or cancel and releases it when the call ends.
     *
     * @param call   the call, for abort and its deadline
     * @param method {@code GET}, {@code POST} or {@code HEAD}
     * @param uri    an absolute {@code http} or {@code https} URL
     * @param accept the {@code Accept} value
     * @param token  the bearer token, or {@code null} for none
     * @param body   the request body (sent as {@code application/json}), or {@code null} for none
     * @return the response, its body not read yet
     * @throws HttpConnection.ConnectFailure when no connection could be made
     * @throws HttpProtocolException         when the response is not valid HTTP
     * @throws IOException                   when the connection failed otherwise (or was aborted: check the call)
     */
    Response send(InFlight call, String method, URI uri, String accept, String token, byte[] body)
            throws IOException {
        HttpConnection.Route route = route(uri);
        byte[] request = encode(method, uri, accept, token, body);
        for (int attempt = 0; ; attempt++) {
            long sentNanos = System.nanoTime();
            HttpConnection connection = pool.acquire(route);
            boolean reused = connection != null;
            if (!reused) {
                connection = new HttpConnection(route, pool);
                // Attach before connecting, so a cancel during the connect closes the socket and ends it.
                call.attach(connection);
                connection.connect(connectTimeoutMillis);
            } else {
                call.attach(connection);
            }
            connection.deadline(call::remainingNanos);
            long receivedBefore = connection.received();
            HttpConnection.Head head;
            try {
                connection.write(request);
                head = readFinalHead(connection);
            } catch (IOException e) {
                connection.discard();
                boolean nothingAnswered = connection.received() == receivedBefore;
                boolean framing = e instanceof HttpProtocolException || e instanceof TooLargeException
                        || e instanceof HttpConnection.TlsAnswer || e instanceof SocketTimeoutException;
                if (reused && attempt == 0 && nothingAnswered && call.abortReason() == null && !framing) {
                    // A keep-alive connection the server closed while it was idle in the pool: the request never
                    // reached a live server, so sending it again on a new connection is safe.
                    LOG.debug("pooled connection to {} was stale ({}); retrying once on a new connection", uri,
                            e.toString());
                    continue;
                }
                if (!nothingAnswered && !framing) {
                    throw new Disconnected(e);
                }
                throw e;
            }
            return new Response(head.status(), head.headers(), body(method, head, connection), sentNanos,
                    head.nanos(), connection);
        }
    }

    /**
     * Reads what is left of a body the caller no longer needs (the last chunk after {@code data: [DONE]}), so the
     * connection can be reused, but only for a short while: a server that does not end its body promptly costs a
     * closed connection, never a slow caller. Failures are ignored; the connection is then not reused.
     *
     * @param call     the call, whose deadline still applies
     * @param response the response
     * @param budget   the longest time to wait for the rest
     */
    static void drainQuietly(InFlight call, Response response, Duration budget) {
        long end = System.nanoTime() + InFlight.saturatedNanos(budget);
        response.connection().deadline(() -> Math.min(call.remainingNanos(), Math.max(0, end - System.nanoTime())));
        byte[] buffer = new byte[8192];
        long drained = 0;
        try {
            int n;
            while ((n = response.body().read(buffer)) >= 0) {
                drained += n;
                if (drained > MAX_DRAIN_BYTES) {
                    return;
                }
            }
        } catch (IOException e) {
            response.connection().discard();
        } finally {
            response.connection().deadline(call::remainingNanos);
        }
    }

    /** Closes the idle connections; connections in use are closed when released. */
    @Override
    public void close() {
        pool.close();
    }

    /** {@return how many idle connections are pooled, for tests} */
    int idleConnections() {
        return pool.idleCount();
    }

    private static HttpConnection.Head readFinalHead(HttpConnection connection) throws IOException {
        for (int interim = 0; ; interim++) {
            HttpConnection.Head head = connection.readHead(MAX_HEADER_BYTES);
            if (head.status() >= 200) {
                return head;
            }
            if (head.status() == 101) {
                throw new HttpProtocolException("unexpected 101 Switching Protocols");
            }
            if (interim == MAX_INTERIM_RESPONSES) {
                throw new TooLargeException("more than " + MAX_INTERIM_RESPONSES + " interim (1xx) responses");
            }
            // 100 Continue and other interim responses carry no body; the real answer follows.
        }
    }

    /** Picks the body framing (RFC 9112 section 6.3) and whether the connection may be reused after it. */
    private static InputStream body(String method, HttpConnection.Head head, HttpConnection connection)
            throws HttpProtocolException {
        HttpHeaders headers = head.headers();
        boolean keepAlive = head.minorVersion() >= 1
                ? !headers.hasToken("Connection", "close")
                : headers.hasToken("Connection", "keep-alive");
        int status = head.status();
        if ("HEAD".equals(method) || status == 204 || status == 304) {
            connection.responseComplete(keepAlive);
            return EMPTY;
        }
        List<String> codings = headers.tokens("Transfer-Encoding");
        if (!codings.isEmpty()) {
            if (!"chunked".equals(codings.getLast())
                    || codings.subList(0, codings.size() - 1).stream().anyMatch(c -> !"identity".equals(c))) {
                throw new HttpProtocolException("unsupported Transfer-Encoding " + codings);
            }
            ChunkedInputStream chunked = new ChunkedInputStream(connection.bodyInput());
            return new Body(chunked, connection, keepAlive);
        }
        List<String> lengths = headers.values("Content-Length");
        if (!lengths.isEmpty()) {
            long length = contentLength(lengths);
            if (length == 0) {
                connection.responseComplete(keepAlive);
                return EMPTY;
            }
            return new Body(new FixedLengthInputStream(connection.bodyInput(), length), connection, keepAlive);
        }
        // No framing: the body ends when the server closes the connection, which therefore cannot be reused.
        return new Body(connection.bodyInput(), connection, false);
    }

    private static long contentLength(List<String> values) throws HttpProtocolException {
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",")) {
                String digits = part.strip();
                long parsed;
                try {
                    parsed = digits.chars().allMatch(c -> c >= '0' && c <= '9') ? Long.parseLong(digits) : -1;
                } catch (NumberFormatException e) {
                    parsed = -1;
                }
                if (parsed < 0 || (length >= 0 && parsed != length)) {
                    throw new HttpProtocolException("invalid Content-Length " + values);
                }
                length = parsed;
            }
        }
        return length;
    }

    static HttpConnection.Route route(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        return new HttpConnection.Route(scheme, host, port);
    }

    /** The whole request in one array, so it goes out in one write. */
    private byte[] encode(String method, URI uri, String accept, String token, byte[] body) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader(uri)).append("\r\n")
                .append("User-Agent: ").append(userAgent).append("\r\n")
                .append("Accept: ").append(accept).append("\r\n")
                .append("Accept-Encoding: identity\r\n");
        if (token != null && !token.isEmpty()) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: application/json\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: keep-alive\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null) {
            return headBytes;
        }
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    private static String hostHeader(URI uri) {
        String host = uri.getHost();
        int port = uri.getPort();
        boolean defaultPort = port < 0 || ("http".equalsIgnoreCase(uri.getScheme()) && port == 80)
                || ("https".equalsIgnoreCase(uri.getScheme()) && port == 443);
        return defaultPort ? host : host + ":" + port;
    }

    /** A body whose end (a clean end of stream) makes its connection reusable when keep-alive allows. */
    private static final class Body extends InputStream {
        private final InputStream in;
        private final HttpConnection connection;
        private final boolean keepAlive;

        Body(InputStream in, HttpConnection connection, boolean keepAlive) {
            this.in = in;
            this.connection = connection;
            this.keepAlive = keepAlive;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                connection.responseComplete(keepAlive);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                connection.responseComplete(keepAlive);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }

    /** A body of a known length; the connection ending before it is an error, not an end. */
    private static final class FixedLengthInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        FixedLengthInputStream(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed with " + remaining + " bytes of the body missing");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }
    }
}
