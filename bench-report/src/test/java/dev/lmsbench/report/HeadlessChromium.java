package dev.lmsbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with the JDK's WebSocket client: no Selenium, no
 * driver binary. One browser, one page (a target attached in flat mode), every protocol event kept in order.
 *
 * <pre>{@code
 * try (HeadlessChromium browser = HeadlessChromium.launch(HeadlessChromium.find().orElseThrow(), tmp)) {
 *     browser.send("Network.enable");
 *     browser.navigate("file:///.../report.html", Duration.ofSeconds(20));
 *     JsonNode n = browser.evaluate("document.querySelectorAll('tr').length");
 *     Files.write(png, browser.screenshot());
 *     browser.events("Runtime.exceptionThrown"); // what the page threw
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one test drives it. {@link #close()} closes the browser and kills its process tree.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** The environment variable that names a Chromium binary other than the ones {@link #find} looks for. */
    public static final String ENV = "CHROMIUM";

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration COMMAND = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path userDataDir;
    private final WebSocket socket;
    private final String sessionId;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();

    private HeadlessChromium(Process process, Path userDataDir, URI browserSocket) throws IOException {
        this.process = process;
        this.userDataDir = userDataDir;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(STARTUP)
                .buildAsync(browserSocket, new Listener())
                .join();
        ObjectNode create = JSON.createObjectNode().put("url", "about:blank");
        String targetId = call(null, "Target.createTarget", create).path("targetId").asText();
        ObjectNode attach = JSON.createObjectNode().put("targetId", targetId).put("flatten", true);
        this.sessionId = call(null, "Target.attachToTarget", attach).path("sessionId").asText();
    }

    /**
     * The Chromium binary: {@value #ENV} when set, else the first of the usual Debian and Chrome paths.
     *
     * @return the binary, or empty when none is installed
     */
    public static Optional<Path> find() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(Files::isExecutable);
        }
        return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts {@code chromium --headless} with a fresh profile and remote debugging on a free port (read back from the
     * profile's {@code DevToolsActivePort}), and attaches to a new blank page.
     *
     * @param binary      the browser
     * @param userDataDir an empty directory for the profile; the browser's output goes to {@code chromium.log} in it
     * @return the browser, ready for {@link #send}
     * @throws IOException when the browser does not start or its DevTools socket does not answer in time
     */
    public static HeadlessChromium launch(Path binary, Path userDataDir) throws IOException {
        Files.createDirectories(userDataDir);
        Path log = userDataDir.resolve("chromium.log");
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--no-default-browser-check", "--user-data-dir=" + userDataDir.toAbsolutePath(),
                "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            Path portFile = userDataDir.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + STARTUP.toNanos();
            List<String> lines = List.of();
            while (lines.size() < 2) {
                if (!process.isAlive()) {
                    throw new IOException("chromium exited with " + process.exitValue() + ": " + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("chromium wrote no DevToolsActivePort within " + STARTUP + ": " + tail(log));
                }
                if (Files.isRegularFile(portFile)) {
                    lines = Files.readAllLines(portFile, StandardCharsets.UTF_8);
                }
                if (lines.size() < 2) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the browser writes the file soon
                }
            }
            URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
            return new HeadlessChromium(process, userDataDir, uri);
        } catch (IOException | RuntimeException e) {
            kill(process);
            throw e;
        }
    }

    /**
     * Sends a command to the page and waits for its result.
     *
     * @param method e.g. {@code Network.enable}
     * @return the result object
     * @throws IOException when the browser answers with an error or not in time
     */
    public JsonNode send(String method) throws IOException {
        return send(method, JSON.createObjectNode());
    }

    /**
     * Sends a command with parameters to the page and waits for its result.
     *
     * @param method e.g. {@code Page.navigate}
     * @param params its parameters
     * @return the result object
     * @throws IOException when the browser answers with an error or not in time
     */
    public JsonNode send(String method, ObjectNode params) throws IOException {
        return call(sessionId, method, params);
    }

    /** A new empty parameter object for {@link #send(String, ObjectNode)}. */
    public static ObjectNode params() {
        return JSON.createObjectNode();
    }

    /**
     * Opens a URL in the page and waits for its load event ({@code Page} is enabled first).
     *
     * @param url     e.g. a {@code file://} URL
     * @param timeout how long the page may take to load
     * @throws IOException when navigation fails or the load event does not come in time
     */
    public void navigate(String url, Duration timeout) throws IOException {
        send("Page.enable");
        int before = eventCount();
        JsonNode result = send("Page.navigate", params().put("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IOException("navigation to " + url + " failed: " + result.get("errorText").asText());
        }
        awaitEvent(before, e -> e.path("method").asText().equals("Page.loadEventFired"), timeout);
    }

    /**
     * Evaluates a JavaScript expression in the page (promises awaited) and returns its value.
     *
     * @param expression the expression
     * @return the value, as JSON ({@code returnByValue})
     * @throws IOException when the expression throws (the exception's description in the message)
     */
    public JsonNode evaluate(String expression) throws IOException {
        JsonNode result = send("Runtime.evaluate", params().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IOException("evaluating " + expression + " threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /**
     * Sets the page's viewport.
     *
     * @param width  CSS pixels
     * @param height CSS pixels
     * @param mobile whether to emulate a phone (viewport meta, touch)
     * @throws IOException when the browser refuses
     */
    public void viewport(int width, int height, boolean mobile) throws IOException {
        send("Emulation.setDeviceMetricsOverride", params().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", mobile));
    }

    /**
     * Switches {@code prefers-color-scheme} (or back to the default with {@code null}).
     *
     * @param scheme {@code light}, {@code dark} or null
     * @throws IOException when the browser refuses
     */
    public void colorScheme(String scheme) throws IOException {
        ObjectNode feature = params().put("name", "prefers-color-scheme").put("value", scheme == null ? "" : scheme);
        ObjectNode p = params();
        p.putArray("features").add(feature);
        send("Emulation.setEmulatedMedia", p);
    }

    /**
     * A PNG of the page, the whole page when {@code fullPage}.
     *
     * @param fullPage beyond the viewport, down to the end of the page
     * @return the PNG bytes
     * @throws IOException when the browser refuses
     */
    public byte[] screenshot(boolean fullPage) throws IOException {
        ObjectNode p = params().put("format", "png").put("captureBeyondViewport", fullPage);
        return Base64.getDecoder().decode(send("Page.captureScreenshot", p).path("data").asText());
    }

    /**
     * The protocol events received so far, of the page and the browser, in order.
     *
     * @return a copy
     */
    public List<JsonNode> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * The events with one method name.
     *
     * @param method e.g. {@code Network.requestWillBeSent}
     * @return their {@code params}, in order
     */
    public List<JsonNode> events(String method) {
        return events().stream().filter(e -> e.path("method").asText().equals(method))
                .map(e -> e.path("params")).toList();
    }

    /** How many events have arrived: pass it to {@link #awaitEvent} to wait for a later one. */
    public int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    /**
     * Waits for an event after the first {@code from} events that matches.
     *
     * @param from    events to skip ({@link #eventCount()} before the action)
     * @param matches the event wanted (the whole message: {@code method}, {@code params}, {@code sessionId})
     * @param timeout how long to wait
     * @return the event
     * @throws IOException when it does not come in time
     */
    public JsonNode awaitEvent(int from, Predicate<JsonNode> matches, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            int seen = from;
            while (true) {
                for (; seen < events.size(); seen++) {
                    if (matches.test(events.get(seen))) {
                        return events.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no matching DevTools event within " + timeout);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(events, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    /** Closes the browser, kills what is left of its processes and removes the profile. */
    @Override
    public void close() {
        try {
            call(null, "Browser.close", JSON.createObjectNode());
        } catch (IOException | RuntimeException ignored) {
            // the process is killed below anyway
        }
        socket.abort();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill(process);
        deleteProfile();
    }

    private JsonNode call(String session, String method, ObjectNode params) throws IOException {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(JSON.writeValueAsString(message), true).get(COMMAND.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IOException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(method + " got no answer within " + COMMAND, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    private void deleteProfile() {
        // the profile holds only what this browser wrote; the log stays if the test wants it (it copies it first)
        try (Stream<Path> files = Files.walk(userDataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: JUnit or the OS cleans up what is left
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Reassembles messages split into parts, answers the waiting command or records the event. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                receive(message);
            }
            webSocket.request(1);
            return null;
        }

        private void receive(String message) {
            JsonNode node;
            try {
                node = JSON.readTree(message);
            } catch (IOException e) {
                return; // not JSON: the protocol never sends that
            }
            if (node.has("id")) {
                CompletableFuture<JsonNode> answer = pending.get(node.get("id").asInt());
                if (answer != null) {
                    answer.complete(node);
                }
                return;
            }
            synchronized (events) {
                events.add(node);
                events.notifyAll();
            }
        }
    }
}
