package dev.lmsbench.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback server that misbehaves on purpose, one {@link Behaviour} for every connection (closed when the behaviour
 * returns): it may answer garbage,
 * stall, trickle, reset the connection, speak TLS bytes to a plain client or HTTP to a TLS one. It counts requests
 * and bytes written, so a test can tell that a POST was not sent twice or that a client stopped reading early. It
 * shares no code with the client except {@link RawHttpServer#readRequest}, which only reads.
 */
final class FaultServer implements AutoCloseable {

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    interface Behaviour {
        void serve(Connection connection) throws IOException;
    }

    /** One accepted connection, as the behaviour sees it. */
    final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads one request (head and body); {@code false} when the client closed first. */
        boolean readRequest() throws IOException {
            String request = RawHttpServer.readRequest(in);
            if (request == null) {
                return false;
            }
            requests.incrementAndGet();
            lastRequest = request;
            return true;
        }

        /** Writes text (ISO-8859-1, so any byte can be given as a char) in one write. */
        Connection write(String text) throws IOException {
            return write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Writes bytes in one write. */
        Connection write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            written.addAndGet(bytes.length);
            return this;
        }

        /** Writes {@code block} again and again until the client goes away (the write fails). */
        void writeForever(byte[] block) {
            try {
                while (true) {
                    write(block);
                }
            } catch (IOException e) {
                // The client stopped reading and closed: what the test waits for.
            }
        }

        /** Writes {@code bytes} every {@code periodMillis} from the server's scheduler, until the client is gone. */
        void trickle(byte[] bytes, long periodMillis) {
            scheduler.scheduleAtFixedRate(() -> {
                try {
                    write(bytes);
                } catch (IOException e) {
                    throw new IllegalStateException("client gone", e);
                }
            }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }

        /** Keeps the connection open, reading and dropping whatever comes, until the client closes it. */
        void holdOpen() throws IOException {
            in.transferTo(OutputStream.nullOutputStream());
        }

        /** Closes with a TCP reset instead of a clean close. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    private final ServerSocket serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final Behaviour behaviour;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong written = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private volatile String lastRequest = "";

    private FaultServer(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "fault-server-trickle");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler = executor;
        Thread acceptor = new Thread(this::acceptLoop, "fault-server-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server that treats every connection with {@code behaviour}. */
    static FaultServer start(Behaviour behaviour) throws IOException {
        return new FaultServer(behaviour);
    }

    /** A behaviour that reads the request and answers {@code response} (ISO-8859-1), then holds the connection. */
    static Behaviour answering(String response) {
        return connection -> {
            while (connection.readRequest()) {
                connection.write(response);
            }
        };
    }

    /** The base URL, {@code http}, with {@code /v1} so the client uses it as given. */
    String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    /** {@return how many requests were read completely} */
    int requests() {
        return requests.get();
    }

    /** {@return how many connections were accepted} */
    int accepted() {
        return accepted.get();
    }

    /** {@return how many bytes the server managed to write} */
    long written() {
        return written.get();
    }

    /** {@return the last request read, head and body} */
    String lastRequest() {
        return lastRequest;
    }

    @Override
    public void close() throws IOException {
        scheduler.shutdownNow();
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
                Thread handler = new Thread(() -> serve(socket), "fault-server-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Runs the behaviour; when it returns, the connection is closed cleanly (unless it was reset). */
    private void serve(Socket socket) {
        try (socket) {
            behaviour.serve(new Connection(socket));
        } catch (IOException e) {
            // The client went away, or the behaviour reset the connection.
        }
    }
}
