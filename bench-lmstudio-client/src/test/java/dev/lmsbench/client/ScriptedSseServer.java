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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP/1.1 server on a loopback {@link ServerSocket} that answers every request with a scripted, chunked
 * {@code text/event-stream} body: each step writes raw bytes at a fixed offset from the moment the request was read.
 * Steps are scheduled at absolute times (no sleeping, no drift) and written with TCP_NODELAY, so pauses between steps
 * reach the client as separate reads, and a step can split an SSE event, a CRLF or a UTF-8 character anywhere.
 *
 * <p>It shares no code with the client: it writes bytes, not events. Its send log records {@link System#nanoTime()}
 * right before each step is written ({@link #startedNanos}) and right after it was flushed ({@link #writtenNanos});
 * because it runs in the test's JVM, those times are directly comparable with the client's timings.
 */
final class ScriptedSseServer implements AutoCloseable {

    /** One write: {@code bytes} at {@code atMillis} after the request; {@code null} bytes end the response. */
    record Step(long atMillis, byte[] bytes) {
    }

    /** Builds a script. */
    static final class Script {
        private final List<Step> steps = new ArrayList<>();
        private boolean sendHeaders = true;

        /** Writes UTF-8 text at an offset. */
        Script at(long millis, String text) {
            return at(millis, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Writes bytes at an offset. */
        Script at(long millis, byte[] bytes) {
            steps.add(new Step(millis, bytes.clone()));
            return this;
        }

        /** Ends the chunked body and closes the connection at an offset; without it the response stalls. */
        Script end(long millis) {
            steps.add(new Step(millis, null));
            return this;
        }

        /** Never answers, not even with headers. */
        Script noResponse() {
            sendHeaders = false;
            return this;
        }
    }

    private final ServerSocket serverSocket;
    private final Script script;
    private final ScheduledExecutorService scheduler;
    private final Thread acceptor;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final long[] startedNanos;
    private final long[] writtenNanos;
    private final CountDownLatch[] written;
    private final CountDownLatch requestReceived = new CountDownLatch(1);
    private volatile String lastRequest = "";

    private ScriptedSseServer(Script script) throws IOException {
        this.script = script;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.startedNanos = new long[script.steps.size()];
        this.writtenNanos = new long[script.steps.size()];
        Arrays.fill(startedNanos, -1);
        Arrays.fill(writtenNanos, -1);
        this.written = new CountDownLatch[script.steps.size()];
        for (int i = 0; i < written.length; i++) {
            written[i] = new CountDownLatch(1);
        }
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "scripted-sse-writer");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler = executor;
        this.acceptor = new Thread(this::acceptLoop, "scripted-sse-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server that plays the script to every connection. */
    static ScriptedSseServer start(Script script) throws IOException {
        return new ScriptedSseServer(script);
    }

    /** A new, empty script. */
    static Script script() {
        return new Script();
    }

    /** The base URL, with {@code /v1} so the client uses it as given. */
    String baseUrl() {
        return "http://127.0.0.1:" + serverSocket.getLocalPort() + "/v1";
    }

    /** {@link System#nanoTime()} right before step {@code i} was written, or {@code -1}. */
    long startedNanos(int i) {
        synchronized (writtenNanos) {
            return startedNanos[i];
        }
    }

    /** {@link System#nanoTime()} right after step {@code i} was flushed, or {@code -1}. */
    long writtenNanos(int i) {
        synchronized (writtenNanos) {
            return writtenNanos[i];
        }
    }

    /** Waits until step {@code i} was written. */
    boolean awaitWritten(int i, Duration timeout) throws InterruptedException {
        return written[i].await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until a request was read completely. */
    boolean awaitRequest(Duration timeout) throws InterruptedException {
        return requestReceived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last request: request line, headers and body. */
    String lastRequest() {
        return lastRequest;
    }

    @Override
    public void close() throws IOException {
        scheduler.shutdownNow();
        serverSocket.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                socket.setTcpNoDelay(true);
                connections.add(socket);
                serve(socket);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) throws IOException {
        lastRequest = readRequest(socket.getInputStream());
        long start = System.nanoTime();
        requestReceived.countDown();
        if (!script.sendHeaders) {
            return;
        }
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (int i = 0; i < script.steps.size(); i++) {
            Step step = script.steps.get(i);
            int index = i;
            long delay = start + TimeUnit.MILLISECONDS.toNanos(step.atMillis()) - System.nanoTime();
            scheduler.schedule(() -> write(socket, index, step), Math.max(0, delay), TimeUnit.NANOSECONDS);
        }
    }

    private void write(Socket socket, int index, Step step) {
        long started = System.nanoTime();
        synchronized (writtenNanos) {
            startedNanos[index] = started;
        }
        try {
            OutputStream out = socket.getOutputStream();
            if (step.bytes() == null) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.close();
            } else {
                // One write per step, so a step is one TCP segment and not a chunk header arriving on its own.
                ByteArrayOutputStream chunk = new ByteArrayOutputStream();
                chunk.writeBytes((Integer.toHexString(step.bytes().length).toUpperCase(Locale.ROOT) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                chunk.writeBytes(step.bytes());
                chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(chunk.toByteArray());
                out.flush();
            }
            synchronized (writtenNanos) {
                writtenNanos[index] = System.nanoTime();
            }
        } catch (IOException e) {
            // The client went away (cancel, timeout): the rest of the script has nobody to talk to.
        } finally {
            written[index].countDown();
        }
    }

    /** One request, head and body; the connection must not end before it. */
    private static String readRequest(InputStream in) throws IOException {
        String request = RawHttpServer.readRequest(in);
        if (request == null) {
            throw new IOException("request ended early");
        }
        return request;
    }
}
