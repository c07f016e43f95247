package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding the server and its models is bounded by --request-timeout and says what is wrong in one line. */
class DiscoveryIT {

    @TempDir
    Path dir;

    /** Accepts connections and reads requests, but never answers. */
    static final class SilentServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> accepted = new CopyOnWriteArrayList<>();

        SilentServer() throws IOException {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        accepted.add(s);
                        Thread reader = new Thread(() -> drain(s));
                        reader.setDaemon(true);
                        reader.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private static void drain(Socket s) {
            try (InputStream in = s.getInputStream()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the client gave up
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aServerThatNeverAnswersFailsDiscoveryWithinTheRequestTimeoutNotAMinute() throws Exception {
        try (SilentServer server = new SilentServer()) {
            long start = System.nanoTime();
            MainTest.Outcome o = MainTest.run("run", "--base-url", "http://127.0.0.1:" + server.socket.getLocalPort(),
                    "--request-timeout", "2", "--output-dir", dir.resolve("o").toString(),
                    "--db", dir.resolve("cache.db").toString());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.FAILURE);
            assertThat(o.err().strip()).doesNotContain("\n").contains("timed out after 2.0 s");
            // the native-API probe (/api/v1, /api/v0) and the model list, each bounded by the 2 s timeout
            assertThat(seconds).isLessThan(4 * 2 + 2);
        }
    }

    @Test
    void httpsToAPlainHttpServerSaysToUseHttp() throws Exception {
        try (FaultServer plain = FaultServer.start(FaultServer.Mode.HTML)) {
            long start = System.nanoTime();
            String url = plain.baseUrl().replace("http://", "https://");
            MainTest.Outcome o = MainTest.run("run", "--base-url", url, "--request-timeout", "5",
                    "--output-dir", dir.resolve("o").toString(), "--db", dir.resolve("cache.db").toString());
            assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.FAILURE);
            assertThat(o.err().strip()).doesNotContain("\n").contains("use http:// instead of https://");
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(6);
        }
    }
}
