package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code lmsbench run} against a real engine: llama.cpp's {@code llama-server}, built by {@code .ci/llama-server.sh},
 * serving the tiny random-weight model of {@link TinyGguf}. The binary comes from the system property
 * {@value #PROPERTY} or the environment variable {@value #ENV}; without either the test is skipped (a developer's
 * build stays green), except under CI ({@code CI=true}), where it fails.
 */
class LlamaServerIT {

    static final String ENV = "LMSBENCH_LLAMA_SERVER";
    static final String PROPERTY = "lmsbench.llama.server";
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final int MAX_TOKENS = 32;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private Process server;
    private Path serverLog;
    private String baseUrl;

    @BeforeEach
    void startServer() throws Exception {
        Path binary = binary();
        Path model = dir.resolve("tiny-llama.gguf");
        TinyGguf.write(model, 42);
        int port = freePort();
        baseUrl = "http://127.0.0.1:" + port;
        serverLog = dir.resolve("llama-server.log");
        // run in the temporary directory with a relative model path: the model id is then the file name
        List<String> command = List.of(binary.toString(), "-m", model.getFileName().toString(),
                "--host", "127.0.0.1", "--port", String.valueOf(port), "-c", String.valueOf(TinyGguf.N_CTX),
                "-np", "1", "--ignore-eos", "-t", "1", "-tb", "1", "--no-webui");
        // one thread: on 2 cores the other is left to the server's HTTP thread and to the client reading the stream
        server = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(serverLog.toFile()).start();
        waitForHealth();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server == null) {
            return;
        }
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void lmsbenchMeasuresARealLlamaServerAndAgreesWithItsOwnTimings() throws Exception {
        JsonNode props = getJson("/props");
        assertThat(props.path("build_info").asText()).as("/props build_info").isNotBlank();
        JsonNode models = getJson("/v1/models");
        assertThat(models.path("data").path(0).path("owned_by").asText()).isEqualTo("llamacpp");
        String modelId = models.path("data").path(0).path("id").asText();
        assertThat(modelId).isEqualTo("tiny-llama.gguf");

        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.run("run", "--base-url", baseUrl, "--model", modelId, "--runs", "3",
                "--warmup", "1", "--max-tokens", String.valueOf(MAX_TOKENS), "--no-use-rest-api",
                "--output-dir", out.toString(), "--db", dir.resolve("cache.db").toString());
        assertThat(o.code()).as("lmsbench run: %s%nllama-server log:%n%s", o.err(), serverLogTail()).isZero();

        JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
        assertThat(results.path("run").path("status").asText()).isEqualTo("completed");
        assertThat(results.path("run").path("server").path("kind").asText()).isEqualTo("llama.cpp");
        JsonNode model = results.path("models").get(0);
        assertThat(model.path("model").path("id").asText()).isEqualTo(modelId);
        assertThat(model.path("status").asText()).isEqualTo("completed");
        assertThat(model.path("request_count").asInt()).isEqualTo(3);
        assertThat(model.path("success_count").asInt()).isEqualTo(3);
        assertThat(model.path("tokens_estimated").asBoolean()).as("the server sent usage").isFalse();
        assertThat(o.out()).contains("3/3 ok");

        List<JsonNode> calls = new ArrayList<>();
        results.path("requests").forEach(calls::add);
        assertThat(calls).hasSize(1 + 3 * 2)
                .allSatisfy(r -> assertThat(r.path("ok").asBoolean()).as("%s", r).isTrue());
        List<Integer> streamed = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            if (!calls.get(i).path("warmup").asBoolean() && calls.get(i).path("run_mode").asText().equals("stream")) {
                streamed.add(i);
            }
        }
        assertThat(streamed).hasSize(3).allSatisfy(i -> {
            JsonNode r = calls.get(i);
            assertThat(r.path("completion_tokens").asInt()).as("completion tokens").isEqualTo(MAX_TOKENS);
            assertThat(r.path("finish_reason").asText()).isEqualTo("length");
            assertThat(r.path("decode_toks_per_s").asDouble()).isPositive();
        });
        double ours = model.path("distributions").path("decode_toks_per_s").path("p50").asDouble();
        assertThat(ours).isPositive();

        // 1. The engine's own rate for the very calls lmsbench timed. llama-server logs "eval time = ... tokens per
        // second" for each call; with one slot they run one after another, in the order of results.json's requests.
        // (Until our results carry the server-reported timings themselves, the log of the pinned build is the source.)
        List<Double> logged = engineLoggedRates();
        assertThat(logged).as("one 'eval time' line per call in the llama-server log (has its format changed?):%n%s",
                serverLogTail()).hasSize(calls.size());
        double engineSame = median(streamed.stream().map(logged::get).toList());

        // 2. timings.predicted_per_second of streamed requests of our own, made after the run
        List<Double> engine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            engine.add(enginePredictedPerSecond(modelId));
        }
        double engineOwn = median(engine);
        System.out.printf(Locale.ROOT, "LlamaServerIT: model %s (%d bytes, %d parameters); decode tok/s: lmsbench p50"
                        + " %.1f; llama-server for the same streamed calls %s (median %.1f, ratio %.3f);"
                        + " llama-server timings.predicted_per_second of 5 requests of the test's own %s"
                        + " (median %.1f, ratio %.2f); every call in the log %s%n", modelId,
                Files.size(dir.resolve("tiny-llama.gguf")), TinyGguf.parameters(), ours,
                streamed.stream().map(logged::get).toList(), engineSame, ours / engineSame, engine, engineOwn,
                ours / engineOwn, logged);
        // Loose for now; the strict check comes with the server-reported timings in our own results. Measured: the
        // same calls agree within 6%. The test's own requests are read by a lighter client, which takes less CPU
        // from the engine on 2 cores, so the engine runs them faster (up to 2.3x so far, 2.9x with 2 server
        // threads): that comparison only checks the order of magnitude (docs/performance.md).
        assertThat(ours / engineSame).as("lmsbench decode tok/s %.1f vs llama-server's %.1f for the same calls", ours,
                engineSame).isBetween(0.5, 2.0);
        assertThat(ours / engineOwn).as("lmsbench decode tok/s %.1f vs llama-server's %.1f for the test's requests",
                ours, engineOwn).isBetween(0.25, 4.0);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * One streamed request of {@value #MAX_TOKENS} tokens; the {@code timings} of its last chunk that has them. Sent
     * over a plain socket and read chunk by chunk on this thread, with nothing parsed until the end: as light a
     * reader as can be (the JDK's HttpClient, with its own threads, took visibly more CPU from the engine).
     */
    private double enginePredictedPerSecond(String modelId) throws Exception {
        String body = JSON.createObjectNode().put("model", modelId).put("stream", true).put("max_tokens", MAX_TOKENS)
                .set("messages", JSON.createArrayNode().add(JSON.createObjectNode().put("role", "user")
                        .put("content", "Explain in a short paragraph why the sky is blue."))).toString();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(baseUrl);
        JsonNode timings = null;
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String status = line(in);
            assertThat(status).as("status line").startsWith("HTTP/1.1 200");
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                chunked |= h.toLowerCase(Locale.ROOT).replace(" ", "").equals("transfer-encoding:chunked");
            }
            byte[] payload = chunked ? dechunk(in) : in.readAllBytes();
            for (String l : new String(payload, StandardCharsets.UTF_8).split("\n")) {
                if (l.startsWith("data: ") && !l.strip().equals("data: [DONE]")) {
                    JsonNode chunk = JSON.readTree(l.substring(6));
                    if (chunk.has("timings")) {
                        timings = chunk.path("timings");
                    }
                }
            }
        }
        assertThat(timings).as("a streamed chunk with timings").isNotNull();
        assertThat(timings.path("predicted_n").asInt()).isEqualTo(MAX_TOKENS);
        double perSecond = timings.path("predicted_per_second").asDouble();
        assertThat(perSecond).isPositive();
        return perSecond;
    }

    /** One CRLF-terminated header line, without the line end. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed in a header line: " + sb);
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** The body of a chunked transfer encoding (RFC 9112 section 7.1), trailers ignored. */
    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (n == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line(in);
        }
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Polls {@code /health} until it answers 200 (the model is loaded), the server exits, or {@link #STARTUP}. */
    private void waitForHealth() throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("llama-server exited with %d before it was healthy:%n%s", server.exitValue(), serverLogTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            server.waitFor(100, TimeUnit.MILLISECONDS);
        }
        fail("llama-server was not healthy within %s (last: %s):%n%s", STARTUP, last, serverLogTail());
    }

    /** The {@code tokens per second} of each {@code eval time} line in the server's log, in order. */
    private List<Double> engineLoggedRates() throws IOException {
        Pattern eval = Pattern.compile("\\|\\s+eval time =.*\\(.*?([0-9.]+) tokens per second\\)");
        List<Double> rates = new ArrayList<>();
        for (String l : Files.readAllLines(serverLog, StandardCharsets.UTF_8)) {
            Matcher m = eval.matcher(l);
            if (m.find()) {
                rates.add(Double.parseDouble(m.group(1)));
            }
        }
        return rates;
    }

    private String serverLogTail() {
        try {
            List<String> lines = Files.readAllLines(serverLog, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static Path binary() {
        String value = System.getProperty(PROPERTY, "");
        if (value.isBlank()) {
            value = System.getenv().getOrDefault(ENV, "");
        }
        if (value.isBlank()) {
            String how = "no llama-server: set " + ENV + " (or -D" + PROPERTY + ") to the binary that"
                    + " .ci/llama-server.sh builds and prints, e.g. " + ENV + "=$(.ci/llama-server.sh) ./mvnw verify";
            if ("true".equals(System.getenv("CI"))) {
                fail(how + " (CI must run this test)");
            }
            assumeTrue(false, how);
        }
        Path binary = Path.of(value);
        assertThat(binary).as(ENV + " / " + PROPERTY).isRegularFile().isExecutable();
        return binary;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
