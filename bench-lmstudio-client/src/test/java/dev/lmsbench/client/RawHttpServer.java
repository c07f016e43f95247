package dev.lmsbench.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server made of raw bytes, for the transport's framing and keep-alive behaviour: it answers the
 * requests on every connection, in arrival order, with queued {@link Answer}s, counts the connections it accepted and
 * records each request. It shares no code with the client.
 */
final class RawHttpServer implements AutoCloseable {

    /**
     * One scripted answer.
     *
     * @param bytes      written in one write, exactly as given
     * @param closeAfter close the connection right after writing (without necessarily saying so in the headers)
     */
    record Answer(byte[] bytes, boolean closeAfter) {

        static Answer of(String text) {
            return new Answer(text.getBytes(StandardCharsets.UTF_8), false);
        }

        static Answer closing(String text) {
            return new Answer(text.getBytes(StandardCharsets.UTF_8), true);
        }

        /** Reads the request and then never answers. */
        static Answer stall() {
            return new Answer(null, false);
        }
    }

    private final ServerSocket serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RawHttpServer() throws IOException {
        Thread acceptor = new Thread(this::acceptLoop, "raw-http-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Queues answers for the next requests, in order. */
    RawHttpServer answer(Answer... next) {
        answers.addAll(List.of(next));
        return this;
    }

    /** The base URL, with {@code /v1} so the client uses it as given. */
    String baseUrl() {
        return "http://127.0.0.1:" + serverSocket.getLocalPort() + "/v1";
    }

    /** {@return how many connections were accepted} */
    int accepted() {
        return accepted.get();
    }

    /** The next request received (head and body), waiting at most {@code timeout}; {@code null} if none came. */
    String nextRequest(Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                accepted.incrementAndGet();
                sockets.add(socket);
                socket.setTcpNoDelay(true);
                Thread handler = new Thread(() -> serve(socket), "raw-http-connection");
                handler.setDaemon(true);
                handler.start();
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
                String request = readRequest(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                Answer answer = answers.poll(10, TimeUnit.SECONDS);
                if (answer == null || answer.bytes() == null) {
                    // Stall: keep the connection open until the client or close() ends it.
                    in.transferTo(OutputStream.nullOutputStream());
                    return;
                }
                out.write(answer.bytes());
                out.flush();
                if (answer.closeAfter()) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one request (head plus a Content-Length body); {@code null} at a clean end of stream. */
    static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] terminator = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("request ended early");
            }
            head.write(b);
            matched = b == terminator[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
