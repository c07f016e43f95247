package dev.lmsbench.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection over a blocking {@link Socket} (TLS-wrapped for {@code https}), read and written only by
 * the thread running the exchange. Reads go straight to the socket on that thread, so a {@link System#nanoTime()}
 * taken right after a read returns is when the bytes reached this process, with no hand-off in between.
 *
 * <p>Another thread may only call {@link #abort()}: it closes the plain socket, which makes a blocked connect, read
 * or write fail at once with a {@code SocketException}. Closing the plain socket (not the TLS one) never blocks on
 * TLS locks or a {@code close_notify} write.
 *
 * <p>Lifecycle: created by {@link HttpTransport}, used for one exchange at a time, then {@linkplain #release()
 * released}: back to the {@link ConnectionPool} when the response body was read to its end and the server allows
 * keep-alive, closed otherwise.
 */
final class HttpConnection {

    /**
     * Where a connection goes; the pool key.
     *
     * @param scheme {@code http} or {@code https}, lower case
     * @param host   host name or IP literal, without IPv6 brackets
     * @param port   the port, defaults resolved
     */
    record Route(String scheme, String host, int port) {

        boolean tls() {
            return "https".equals(scheme);
        }
    }

    /**
     * A response's status line and header block.
     *
     * @param minorVersion the x of {@code HTTP/1.x}
     * @param status       the status code
     * @param headers      the header fields
     * @param nanos        {@link System#nanoTime()} right after the read that delivered the end of the block
     */
    record Head(int minorVersion, int status, HttpHeaders headers, long nanos) {
    }

    /** A connect (TCP or TLS handshake) failed: nothing was sent, nothing answered. */
    static final class ConnectFailure extends IOException {

        private static final long serialVersionUID = 1L;

        private final boolean handshake;

        ConnectFailure(IOException cause, boolean handshake) {
            super(cause.getMessage(), cause);
            this.handshake = handshake;
        }

        /** {@return whether the TCP connect or the TLS handshake timed out (the configured connect timeout)} */
        boolean timedOut() {
            return getCause() instanceof SocketTimeoutException;
        }

        /** {@return whether the TCP connect succeeded and the TLS handshake failed} */
        boolean handshake() {
            return handshake;
        }
    }

    /**
     * A plain {@code http://} request was answered with TLS bytes (a record starting with 0x15 alert or 0x16
     * handshake): the port speaks TLS.
     */
    static final class TlsAnswer extends IOException {

        private static final long serialVersionUID = 1L;

        TlsAnswer() {
            super("the server answered with TLS bytes");
        }
    }

    /** The most header fields a response may have. */
    static final int MAX_HEADER_FIELDS = 100;

    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int UNSET = -1;

    private final Route route;
    private final ConnectionPool pool;
    private final Socket plain = new Socket();
    private Socket socket;
    private InputStream socketIn;
    private OutputStream socketOut;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    /** When the bytes now in {@link #buffer} were read. */
    private long fillNanos;
    private long received;
    private LongSupplier remainingNanos = () -> Long.MAX_VALUE;
    private int soTimeoutMillis = UNSET;
    private volatile boolean broken;
    private boolean reusable;
    private long idleSinceNanos;
    private final InputStream bodyInput = new BodyInput();

    HttpConnection(Route route, ConnectionPool pool) {
        this.route = route;
        this.pool = pool;
    }

    Route route() {
        return route;
    }

    /**
     * Connects the socket (and shakes hands for {@code https}).
     *
     * @param connectTimeoutMillis the TCP connect timeout
     * @throws ConnectFailure on any failure, with the original exception as cause
     */
    void connect(int connectTimeoutMillis) throws ConnectFailure {
        boolean connected = false;
        try {
            // The latency of every request depends on this: never let Nagle hold back the request bytes.
            plain.setTcpNoDelay(true);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(route.host()), route.port());
            plain.connect(address, connectTimeoutMillis);
            connected = true;
            socket = route.tls() ? handshake(connectTimeoutMillis) : plain;
            socketIn = socket.getInputStream();
            socketOut = socket.getOutputStream();
        } catch (IOException e) {
            closeQuietly();
            throw new ConnectFailure(e, connected && route.tls());
        }
    }

    /**
     * Shakes hands within the connect timeout: a server that never answers the ClientHello (a plain HTTP server
     * waiting for a request line) fails the connect instead of hanging. Later reads set their own timeout.
     */
    private Socket handshake(int timeoutMillis) throws IOException {
        SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        SSLSocket tls = (SSLSocket) factory.createSocket(plain, route.host(), route.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        // Verify that the certificate names the host (the JDK does not unless asked) and send SNI for host names.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(route.host())) {
            parameters.setServerNames(List.of(new SNIHostName(route.host())));
        }
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(timeoutMillis);
        tls.startHandshake();
        return tls;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /**
     * Sets the deadline of the exchange in progress: every socket read gets an {@code SO_TIMEOUT} no longer than what
     * is left of it, a safety net behind the watchdog.
     *
     * @param remaining tells what is left of the deadline, in nanoseconds, when asked
     */
    void deadline(LongSupplier remaining) {
        remainingNanos = remaining;
    }

    /** Bytes read from the socket so far; tells whether a response had started when something failed. */
    long received() {
        return received;
    }

    /** Writes a whole request in one write, so it leaves in as few segments as possible, and flushes. */
    void write(byte[] request) throws IOException {
        socketOut.write(request);
        socketOut.flush();
    }

    /**
     * Reads a status line and header block.
     *
     * @param maxBytes the most bytes the block may have
     * @throws HttpProtocolException when it is malformed or too large
     * @throws EOFException          when the server closed the connection before the block ended
     */
    Head readHead(int maxBytes) throws IOException {
        int[] budget = {maxBytes};
        if (position == limit && fill() < 0) {
            throw new EOFException("the server closed the connection without answering");
        }
        if (buffer[position] == 0x15 || buffer[position] == 0x16) {
            // A TLS record (alert or handshake) where "HTTP/1.x" should start: this port speaks TLS.
            throw new TlsAnswer();
        }
        String statusLine = readLine(budget, true);
        int minor = parseVersion(statusLine);
        int status = parseStatus(statusLine);
        List<String[]> fields = new ArrayList<>();
        while (true) {
            String line = readLine(budget, false);
            if (line.isEmpty()) {
                break;
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                // Obsolete line folding: the line continues the previous field's value.
                if (fields.isEmpty()) {
                    throw new HttpProtocolException("header block starts with a continuation line");
                }
                String[] last = fields.getLast();
                last[1] = (last[1] + " " + line.strip()).strip();
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon);
            if (name.isEmpty() || !name.chars().allMatch(HttpConnection::isTokenChar)) {
                throw new HttpProtocolException("malformed header line '" + abbreviate(line) + "'");
            }
            if (fields.size() == MAX_HEADER_FIELDS) {
                throw new TooLargeException("response has more than " + MAX_HEADER_FIELDS + " header fields");
            }
            fields.add(new String[] {name, line.substring(colon + 1).strip()});
        }
        HttpHeaders.Builder headers = new HttpHeaders.Builder();
        for (String[] field : fields) {
            headers.add(field[0], field[1]);
        }
        return new Head(minor, status, headers.build(), fillNanos);
    }

    private static int parseVersion(String line) throws HttpProtocolException {
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || !isDigit(line.charAt(7)) || line.charAt(8) != ' ') {
            throw new HttpProtocolException("malformed status line '" + abbreviate(line) + "'");
        }
        return line.charAt(7) - '0';
    }

    private static int parseStatus(String line) throws HttpProtocolException {
        boolean valid = isDigit(line.charAt(9)) && isDigit(line.charAt(10)) && isDigit(line.charAt(11))
                && (line.length() == 12 || line.charAt(12) == ' ');
        if (!valid) {
            throw new HttpProtocolException("malformed status line '" + abbreviate(line) + "'");
        }
        return Integer.parseInt(line, 9, 12, 10);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** RFC 9110 token characters, the only ones allowed in a field name. */
    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /** Reads a line of the header block (CRLF or bare LF), charging its bytes to {@code budget[0]}. */
    private String readLine(int[] budget, boolean statusLine) throws IOException {
        int start = position;
        StringBuilder carried = null;
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    budget[0] -= i + 1 - start;
                    checkBudget(budget);
                    String part = new String(buffer, start, i - start, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    String line = carried == null ? part : carried.append(part).toString();
                    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                }
            }
            budget[0] -= limit - start;
            checkBudget(budget);
            if (carried == null) {
                carried = new StringBuilder();
            }
            carried.append(new String(buffer, start, limit - start, StandardCharsets.ISO_8859_1));
            if (fill() < 0) {
                if (statusLine && carried.isEmpty()) {
                    throw new EOFException("the server closed the connection without answering");
                }
                throw new EOFException("the server closed the connection inside the response headers");
            }
            start = position;
        }
    }

    private static void checkBudget(int[] budget) throws TooLargeException {
        if (budget[0] < 0) {
            throw new TooLargeException("response headers larger than " + HttpTransport.MAX_HEADER_BYTES
                    + " bytes");
        }
    }

    /** Refills the empty buffer with one socket read. */
    private int fill() throws IOException {
        int n = socketRead(buffer, 0, buffer.length);
        fillNanos = System.nanoTime();
        position = 0;
        limit = Math.max(n, 0);
        return n;
    }

    /** One socket read, with {@code SO_TIMEOUT} capped at what is left of the deadline. */
    private int socketRead(byte[] b, int off, int len) throws IOException {
        long left = remainingNanos.getAsLong();
        if (left <= 0) {
            throw new SocketTimeoutException("the request's deadline passed");
        }
        int millis = (int) Math.clamp(TimeUnit.NANOSECONDS.toMillis(left) + 1, 1, Integer.MAX_VALUE);
        if (millis != soTimeoutMillis) {
            socket.setSoTimeout(millis);
            soTimeoutMillis = millis;
        }
        int n = socketIn.read(b, off, len);
        if (n > 0) {
            received += n;
        }
        return n;
    }

    /**
     * The raw bytes after the header block: buffered bytes first, then straight from the socket, one read per call,
     * returning as soon as any bytes are there. Closing it does nothing: the connection is released separately.
     */
    InputStream bodyInput() {
        return bodyInput;
    }

    private final class BodyInput extends InputStream {

        @Override
        public int read() throws IOException {
            if (position == limit && fill() < 0) {
                return -1;
            }
            return buffer[position++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (position < limit) {
                int n = Math.min(len, limit - position);
                System.arraycopy(buffer, position, b, off, n);
                position += n;
                return n;
            }
            // Nothing buffered: read into the caller's array directly, no copy and no extra wait.
            return socketRead(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return limit - position + (socketIn == null ? 0 : socketIn.available());
        }
    }

    /** Called when the response body was read to its end: the connection may serve another request. */
    void responseComplete(boolean keepAlive) {
        reusable = keepAlive;
    }

    /** Marks the connection unusable (a failure mid-exchange) and closes it. */
    void discard() {
        broken = true;
        closeQuietly();
    }

    /** Aborts from another thread: closes the socket, which unblocks the reading or writing thread. */
    void abort() {
        broken = true;
        closeQuietly();
    }

    /** Ends the exchange: pools the connection when its response was complete and keep-alive, else closes it. */
    void release() {
        if (reusable && !broken && position == limit) {
            reusable = false;
            pool.offer(this);
        } else {
            discard();
        }
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    void idleSince(long nanos) {
        idleSinceNanos = nanos;
    }

    void closeQuietly() {
        try {
            plain.close();
        } catch (IOException e) {
            // Closing only frees the socket; there is nothing left to do when that fails.
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 60) + "...";
    }

    @Override
    public String toString() {
        return "HttpConnection[" + route.scheme() + "://" + route.host() + ":" + route.port() + "]";
    }
}
