package dev.lmsbench.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A chat request over a bare socket, for tests that need a client which reads slowly, never, or by thousands. */
final class RawStream implements AutoCloseable {

    private final Socket socket = new Socket();

    /**
     * Connects and sends a streaming chat request for {@code model}.
     *
     * @param receiveBuffer the socket's receive buffer in bytes (small: the server's writes block sooner), or 0 for
     *                      the system's default
     */
    RawStream(int port, String model, int receiveBuffer) throws IOException {
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        byte[] body = TestClient.chat(model, true, "").getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** Reads the whole response until the {@code [DONE]} event; @return the raw bytes read, as text */
    String readToDone() throws IOException {
        socket.setSoTimeout(60_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            all.write(buffer, 0, n);
            // the last chunk of a few bytes may split the marker; looking at the tail of what was read is enough
            String tail = all.toString(StandardCharsets.UTF_8);
            if (tail.contains("data: [DONE]")) {
                return tail;
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
