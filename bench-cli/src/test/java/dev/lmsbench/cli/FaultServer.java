package dev.lmsbench.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A loopback server that misbehaves on purpose, made of raw bytes on a {@link ServerSocket} and sharing no code with
 * the client: every {@code POST .../chat/completions} is answered with one {@link Mode}'s fault; every other request
 * (the LM Studio native-API probe, model lists) gets a plain JSON 404, as an OpenAI-compatible server without those
 * endpoints answers. One thread per connection, so a stalled answer never blocks the next request.
 */
final class FaultServer implements AutoCloseable {

    /** One way of answering a chat completion badly. */
    enum Mode {
        /** Two SSE events in a chunked body, then the connection closes without the last chunk. */
        DISCONNECT_MID_STREAM,
        /** Reads the request and never answers, not even with a status line. */
        NO_RESPONSE,
        /** Sends the response headers, then nothing. */
        HEADERS_THEN_NOTHING,
        /** Sends one byte of an SSE comment every 100 ms, forever: never an event, never an end. */
        TRICKLE,
        /** One 64 MiB chunk holding a single SSE line that never ends within it. */
        HUGE_CHUNK,
        /** A chunk-size line announcing a chunk of 2^63 - 1 bytes. */
        ABSURD_CHUNK_SIZE,
        /** {@code data: } followed by an endless line of {@code x}. */
        ENDLESS_LINE,
        /** An event whose data is not JSON. */
        INVALID_JSON,
        /** An event whose JSON has the wrong types ({@code choices} is a string). */
        WRONG_TYPES,
        /** 200 with binary garbage as {@code application/octet-stream}. */
        GARBAGE,
        /** 200 with an HTML page. */
        HTML,
        /** A valid event stream, gzip-encoded although the client asked for identity. */
        GZIP,
        /** 500 with an OpenAI-style JSON error. */
        ERROR_500_JSON,
        /** 503 with an HTML page. */
        ERROR_503_HTML,
        /** 429 with {@code Retry-After: 1}. */
        TOO_MANY_REQUESTS,
        /** A chunk-size line that is not hexadecimal. */
        BAD_CHUNK_SIZE,
        /** An event stream with {@code Content-Length: 5000}, one event, then the connection closes. */
        SHORT_BODY,
        /** 302 to the same URL. */
        REDIRECT_302,
        /** 307 to the same URL: a client that follows it re-POSTs forever. */
        REDIRECT_307,
        /** 500 whose error message holds terminal escape sequences and NUL bytes. */
        ESCAPE_SEQUENCES,
        /** A well-formed event stream with only {@code [DONE]}: no token at all. */
        EMPTY_STREAM
    }

    /** The message of {@link Mode#ESCAPE_SEQUENCES}: clears the screen, retitles the window, hides text. */
    static final String HOSTILE_MESSAGE = "\u001b[2J\u001b[Hboom\u001b]0;pwned\u0007\u0000 here\u001b[8mhidden";

    private final ServerSocket serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final Mode mode;
    private final AtomicInteger chatRequests = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private FaultServer(Mode mode) throws IOException {
        this.mode = mode;
        Thread acceptor = new Thread(this::acceptLoop, "fault-server-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static FaultServer start(Mode mode) throws IOException {
        return new FaultServer(mode);
    }

    /** The base URL, without a path (the client tries /v1 first). */
    String baseUrl() {
        return "http://127.0.0.1:" + serverSocket.getLocalPort();
    }

    /** {@return how many chat completion requests arrived} */
    int chatRequests() {
        return chatRequests.get();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                Thread t = new Thread(() -> serve(socket), "fault-server-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readRequest(in);
                if (head == null) {
                    return;
                }
                String requestLine = head.substring(0, head.indexOf('\r'));
                if (!requestLine.startsWith("POST ") || !requestLine.contains("/chat/completions")) {
                    byte[] body = "{\"error\":{\"message\":\"Not found\"}}".getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    continue;
                }
                chatRequests.incrementAndGet();
                if (!answer(socket, out, requestLine.split(" ")[1])) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client gave up (timeout, cancel): nobody left to misbehave for
        }
    }

    /** Writes the fault; returns whether the connection may serve another request. */
    private boolean answer(Socket socket, OutputStream out, String path) throws IOException {
        String sse = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        String event = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"fault-model\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
        switch (mode) {
            case DISCONNECT_MID_STREAM -> {
                write(out, sse + chunk(event) + chunk(event));
                return false;
            }
            case NO_RESPONSE -> {
                block(socket);
                return false;
            }
            case HEADERS_THEN_NOTHING -> {
                write(out, sse);
                block(socket);
                return false;
            }
            case TRICKLE -> {
                write(out, sse);
                // one byte every 100 ms until the client hangs up: the pause is a read of the client's side that
                // times out, so the loop ends the moment the client closes the connection
                socket.setSoTimeout(100);
                InputStream in = socket.getInputStream();
                while (true) {
                    write(out, chunk(":"));
                    try {
                        if (in.read() < 0) {
                            return false;
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        // 100 ms without a word from the client: time for the next byte
                    }
                }
            }
            case HUGE_CHUNK -> {
                int size = 64 * 1024 * 1024;
                write(out, sse + Integer.toHexString(size) + "\r\ndata: ");
                byte[] xs = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                for (int sent = 6; sent + xs.length <= size && !socket.isClosed(); sent += xs.length) {
                    out.write(xs);
                }
                return false;
            }
            case ABSURD_CHUNK_SIZE -> {
                write(out, sse + "7FFFFFFFFFFFFFFF\r\ndata: ");
                block(socket);
                return false;
            }
            case ENDLESS_LINE -> {
                write(out, sse + chunk("data: "));
                String xs = chunk("x".repeat(60_000));
                while (!socket.isClosed()) {
                    write(out, xs);
                }
                return false;
            }
            case INVALID_JSON -> {
                write(out, sse + chunk("data: {not json at all\n\n") + chunk("data: [DONE]\n\n") + "0\r\n\r\n");
                return true;
            }
            case WRONG_TYPES -> {
                write(out, sse + chunk("data: {\"choices\":\"nope\",\"usage\":\"many\"}\n\n")
                        + chunk("data: [DONE]\n\n") + "0\r\n\r\n");
                return true;
            }
            case GARBAGE -> {
                byte[] garbage = new byte[2048];
                new java.util.Random(42).nextBytes(garbage);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                        + garbage.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(garbage);
                out.flush();
                return true;
            }
            case HTML -> {
                respond(out, "200 OK", "text/html; charset=utf-8", "",
                        "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>");
                return true;
            }
            case GZIP -> {
                ByteArrayOutputStream zipped = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                    gz.write((event + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
                }
                byte[] body = zipped.toByteArray();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                return true;
            }
            case ERROR_500_JSON -> {
                respond(out, "500 Internal Server Error", "application/json", "",
                        "{\"error\":{\"message\":\"model crashed: out of memory\",\"type\":\"server_error\"}}");
                return true;
            }
            case ERROR_503_HTML -> {
                respond(out, "503 Service Unavailable", "text/html", "",
                        "<html><body>503 Service Temporarily Unavailable</body></html>");
                return true;
            }
            case TOO_MANY_REQUESTS -> {
                respond(out, "429 Too Many Requests", "application/json", "Retry-After: 1\r\n",
                        "{\"error\":{\"message\":\"rate limited\"}}");
                return true;
            }
            case BAD_CHUNK_SIZE -> {
                write(out, sse + "zz\r\ndata: x\r\n");
                return false;
            }
            case SHORT_BODY -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 5000\r\n\r\n"
                        + event);
                return false;
            }
            case REDIRECT_302 -> {
                respond(out, "302 Found", "text/plain", "Location: " + path + "\r\n", "moved");
                return true;
            }
            case REDIRECT_307 -> {
                respond(out, "307 Temporary Redirect", "text/plain", "Location: " + path + "\r\n", "moved");
                return true;
            }
            case ESCAPE_SEQUENCES -> {
                String json = "{\"error\":{\"message\":\"" + jsonEscape(HOSTILE_MESSAGE) + "\"}}";
                respond(out, "500 Internal Server Error", "application/json", "", json);
                return true;
            }
            case EMPTY_STREAM -> {
                write(out, sse + chunk("data: [DONE]\n\n") + "0\r\n\r\n");
                return true;
            }
            default -> throw new IllegalStateException("unhandled mode " + mode);
        }
    }

    private static void respond(OutputStream out, String status, String type, String extraHeaders, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\n" + extraHeaders + "Content-Length: "
                + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String chunk(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return Integer.toHexString(bytes.length).toUpperCase(Locale.ROOT) + "\r\n" + data + "\r\n";
    }

    /** Keeps the connection open and silent until the client closes it. */
    private static void block(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[1024];
        while (in.read(buffer) >= 0) {
            // discard: the client has nothing more to say on this connection
        }
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Reads one request (head and Content-Length body); returns its head, or null at end of stream. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.readNBytes(length);
        return text;
    }
}
