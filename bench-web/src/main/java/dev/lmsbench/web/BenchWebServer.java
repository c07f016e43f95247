package dev.lmsbench.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.config.ResolvedConfig;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.ResultStore;
import dev.lmsbench.core.spi.StoredResult;
import dev.lmsbench.core.text.SafeText;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The dashboard's HTTP server: the JSON API and live event stream of {@code docs/web-api.md} over a
 * {@link BenchmarkController}, a result source and the program's own start logic. Embeddable: another program
 * passes its own controller, store and port.
 *
 * <pre>{@code
 * try (BenchWebServer server = BenchWebServer.builder()
 *         .controller(controller)
 *         .starter(request -> listener -> buildJob(request, listener))
 *         .results(store)
 *         .port(0)
 *         .build()
 *         .start()) {
 *     System.out.println(server.url());
 *     server.awaitShutdown();            // until POST /api/system/shutdown or stop()
 * }
 * }</pre>
 *
 * <p>Security: binds 127.0.0.1 unless told otherwise, and another address only with an access token (required as
 * {@code Authorization: Bearer} on every request); refuses foreign {@code Host} headers (DNS rebinding),
 * cross-origin and token-less ({@code X-CSRF-Token}) mutating requests, and bodies over {@link #MAX_BODY_BYTES}.
 * Thread-safe; {@link #stop()} is idempotent.
 */
public final class BenchWebServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BenchWebServer.class);

    /** The largest request body accepted (413 beyond). */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** How much of a refused (too large) body is read and dropped before the 413, so the answer reaches the client. */
    static final int DRAIN_LIMIT_BYTES = 1024 * 1024;

    /** Events a slow SSE client may have queued before the oldest are dropped (and a {@code resync} sent). */
    public static final int SSE_QUEUE_CAPACITY = 1024;

    /** A connection idle (nothing read, nothing written) this long is closed; event streams send a heartbeat sooner. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** The header carrying the CSRF token of {@code GET /api/session} on mutating requests. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    /** The cookie that carries the access token for a browser after {@code /?access_token=...}. */
    public static final String TOKEN_COOKIE = "lmsbench_token";

    private static final Set<HandlerType> MUTATING = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
            HandlerType.DELETE);
    private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}");
    private static final int MAX_LIMIT = 1000;
    private static final int MAX_REPORT_DIRS = 200;
    private static final int MAX_LOG_LINES = 200;
    private static final int MAX_REPORT_FILES = 100;
    /** The most load stages {@code GET /api/load} answers with: the newest ones. */
    static final int MAX_LOAD_STAGES = 5000;

    private final Builder cfg;
    private final DashboardPages ui = new DashboardPages();
    private final ObjectMapper json;
    private final String csrfToken;
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final Object stopLock = new Object();
    private EventStream events;
    private Javalin app;
    private int port = -1;
    private Set<String> allowedHosts = Set.of();
    private String origin;
    private boolean stopped;

    private BenchWebServer(Builder b) {
        this.cfg = b;
        this.json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        json.getFactory().setCharacterEscapes(new HtmlSafeEscapes());
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        this.csrfToken = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** @return a builder; {@link Builder#controller} and {@link Builder#starter} are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving.
     *
     * @return this server
     * @throws IllegalStateException when started twice or the port cannot be bound
     */
    public BenchWebServer start() {
        synchronized (stopLock) {
            if (app != null || stopped) {
                throw new IllegalStateException("the server was already started");
            }
            events = new EventStream(cfg.controller, json, cfg.sseQueueCapacity, cfg.heartbeat);
            app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.startup.showOldJavalinVersionWarning = false;
                config.http.maxRequestSize = MAX_BODY_BYTES;
                config.concurrency.useVirtualThreads = true;
                config.routes.before(this::guard);
                routes(config.routes);
                config.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage(), e.fields));
                config.routes.exception(Exception.class, (e, ctx) -> {
                    LOG.warn("request {} {} failed: {}", ctx.method(), ctx.path(), e.toString());
                    LOG.debug("request failure", e);
                    error(ctx, 500, "internal error", Map.of());
                });
                config.routes.error(404, ctx -> {
                    if (!"application/json".equals(ctx.res().getContentType())) {
                        error(ctx, 404, "not found", Map.of());
                    }
                });
                config.routes.error(405, ctx -> error(ctx, 405, "method not allowed", Map.of()));
            });
            try {
                app.start(cfg.host, cfg.port);
            } catch (RuntimeException e) {
                events.close();
                throw new IllegalStateException("could not listen on " + cfg.host + ":" + cfg.port + ": "
                        + SafeText.oneLine(String.valueOf(e.getMessage()), 200), e);
            }
            port = app.port();
            for (org.eclipse.jetty.server.Connector c : app.jettyServer().server().getConnectors()) {
                if (c instanceof org.eclipse.jetty.server.ServerConnector sc) {
                    // a connection that accepts no byte for this long is closed: an event stream whose client
                    // stopped reading ends (its blocked write fails) instead of holding a thread forever
                    sc.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                    if (cfg.socketSendBuffer > 0) {
                        sc.setAcceptedSendBufferSize(cfg.socketSendBuffer);
                    }
                }
            }
            String hostPart = cfg.host.contains(":") ? "[" + cfg.host + "]" : cfg.host;
            origin = "http://" + hostPart + ":" + port;
            allowedHosts = Set.copyOf(List.of(hostPart.toLowerCase(Locale.ROOT) + ":" + port, "localhost:" + port,
                    "127.0.0.1:" + port, "[::1]:" + port));
            LOG.info("dashboard server listening on {}", origin);
            return this;
        }
    }

    /** @return the server's base URL, e.g. {@code http://127.0.0.1:41234}, without a trailing slash */
    public String url() {
        requireStarted();
        return origin;
    }

    /** @return the bound port */
    public int port() {
        requireStarted();
        return port;
    }

    /** @return the CSRF token that {@code GET /api/session} hands out (for programs that drive the API) */
    public String csrfToken() {
        return csrfToken;
    }

    /**
     * Stops serving (open event streams are closed), then runs the builder's {@code onShutdown} once, then releases
     * {@link #awaitShutdown()}. Leaves a
     * running benchmark alone; {@code POST /api/system/shutdown} stops that first. Idempotent.
     */
    public void stop() {
        Javalin a;
        synchronized (stopLock) {
            if (stopped) {
                return;
            }
            stopped = true;
            a = app;
        }
        try {
            if (events != null) {
                events.close();
            }
            if (a != null) {
                a.stop();
            }
        } finally {
            try {
                cfg.onShutdown.run();
            } catch (RuntimeException e) {
                LOG.warn("the shutdown callback failed: {}", e.toString());
            }
            LOG.info("dashboard server stopped");
            shutdown.countDown(); // last: awaitShutdown returns after the callback ran
        }
    }

    /**
     * Waits until the server has stopped ({@link #stop()} or {@code POST /api/system/shutdown}).
     *
     * @throws InterruptedException when interrupted
     */
    public void awaitShutdown() throws InterruptedException {
        shutdown.await();
    }

    /**
     * @param timeout the longest wait
     * @return true when the server stopped within it
     * @throws InterruptedException when interrupted
     */
    public boolean awaitShutdown(Duration timeout) throws InterruptedException {
        return shutdown.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Live SSE figures for tests and the benchmark class: connected clients, events written, events dropped. */
    long[] streamFigures() {
        return new long[] {events.clientCount(), events.delivered(), events.dropped()};
    }

    private void requireStarted() {
        if (port < 0) {
            throw new IllegalStateException("the server is not started");
        }
    }

    // ---------------------------------------------------------------- security

    /** Runs before every route: Host, access token, Origin, CSRF token, body size. */
    private void guard(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        String host = ctx.header("Host");
        if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            throw new ApiError(403, "forbidden host header");
        }
        if (cfg.accessToken != null && !authorized(ctx)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "missing or wrong access token");
        }
        boolean mutating = MUTATING.contains(ctx.method());
        String requestOrigin = ctx.header("Origin");
        if ((mutating || ctx.path().equals("/api/session")) && requestOrigin != null
                && !allowedOrigin(requestOrigin)) {
            throw new ApiError(403, "cross-origin request refused");
        }
        if (mutating) {
            String token = ctx.header(CSRF_HEADER);
            if (token == null || !constantTimeEquals(token, csrfToken)) {
                throw new ApiError(403, "missing or wrong " + CSRF_HEADER + " header (GET /api/session)");
            }
            long length = ctx.req().getContentLengthLong();
            if (length > MAX_BODY_BYTES) {
                // read (up to a bound) what the client is still sending before answering: closing a connection
                // with unread data resets it, and the client would lose the 413 (a race the tests met)
                drain(ctx, DRAIN_LIMIT_BYTES);
                throw new ApiError(413, "request body over " + MAX_BODY_BYTES + " bytes");
            }
        }
    }

    private boolean allowedOrigin(String value) {
        try {
            URI u = new URI(value);
            if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getPort() != port
                    || u.getRawPath() != null && !u.getRawPath().isEmpty()) {
                return false;
            }
            String h = u.getHost().toLowerCase(Locale.ROOT);
            return allowedHosts.contains((h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h) + ":" + port);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private boolean authorized(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && constantTimeEquals(auth.substring(7).strip(), cfg.accessToken)) {
            return true;
        }
        String cookie = ctx.cookie(TOKEN_COOKIE);
        if (cookie != null && constantTimeEquals(cookie, cfg.accessToken)) {
            return true;
        }
        // a browser's first visit: GET /?access_token=... sets the cookie (see the root route)
        String query = ctx.queryParam("access_token");
        return ctx.method() == HandlerType.GET && ctx.path().equals("/") && query != null
                && constantTimeEquals(query, cfg.accessToken);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- routes

    private void routes(io.javalin.config.RoutesConfig r) {
        for (DashboardPages.Page p : DashboardPages.PAGES) {
            r.get(p.path(), ctx -> page(ctx, p.path()));
        }
        r.get("/assets/{name}", this::asset);
        r.get("/api/reports", this::reports);
        r.get("/api/log", ctx -> {
            List<String> lines = Objects.requireNonNullElse(cfg.logTail.get(), List.<String>of());
            ok(ctx, Map.of("lines", lines.stream().skip(Math.max(0, lines.size() - MAX_LOG_LINES))
                    .map(l -> SafeText.oneLine(l, 500)).toList()));
        });
        r.get("/api/compare", this::compareRuns);
        r.get("/api/status", ctx -> ok(ctx, Shapes.status(cfg.controller.status())));
        r.get("/api/session", ctx -> ok(ctx, Map.of("csrf_token", csrfToken)));
        r.post("/api/benchmark/start", this::startBenchmark);
        r.post("/api/benchmark/pause", ctx -> {
            readBody(ctx);
            cfg.controller.pause();
            ok(ctx, Map.of("status", cfg.controller.status().state().label()));
        });
        r.post("/api/benchmark/resume", ctx -> {
            readBody(ctx);
            cfg.controller.resume();
            ok(ctx, Map.of("status", cfg.controller.status().state().label()));
        });
        r.post("/api/benchmark/stop", ctx -> {
            readBody(ctx);
            cfg.controller.stop();
            ok(ctx, Map.of("status", cfg.controller.status().state().label()));
        });
        r.post("/api/system/shutdown", this::shutdown);
        r.get("/api/results", this::results);
        r.get("/api/load", this::loadStages);
        r.get("/api/dashboard/stats", ctx -> ok(ctx, Stats.of(listResults())));
        r.get("/api/comparison/<model>", this::comparison); // <...>: model ids contain '/'
        r.get("/api/models", this::models);
        r.get("/api/presets", ctx -> ok(ctx, Map.of("presets", presets())));
        r.get("/api/config", ctx -> ok(ctx, config()));
        r.get("/api/files/<path>", this::file);
        r.get("/api/events", this::eventStream);
    }

    /**
     * {@code GET /api/events}: written on the request's own thread, by hand, not with Javalin's asynchronous SSE
     * support, whose completion after the server stopped (a response already closed) could spin in Javalin's
     * exception handling and starve Jetty's selector, so that stopping never returned.
     */
    private void eventStream(Context ctx) throws IOException {
        jakarta.servlet.http.HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        java.io.OutputStream out = res.getOutputStream();
        res.flushBuffer();
        events.serve(new EventStream.Sink() {
            @Override
            public void event(String name, String json) throws IOException {
                out.write(("event: " + name + "\ndata: " + json + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
            }

            @Override
            public void comment(String text) throws IOException {
                out.write((": " + text + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
            }
        });
    }

    /** A dashboard page; {@code /?access_token=...} first sets the token cookie (see the security rules). */
    private void page(Context ctx, String path) {
        if (path.equals("/")) {
            String token = ctx.queryParam("access_token");
            if (cfg.accessToken != null && token != null) {
                ctx.header("Set-Cookie", TOKEN_COOKIE + "=" + cfg.accessToken
                        + "; Path=/; HttpOnly; SameSite=Strict");
                ctx.redirect("/");
                return;
            }
        }
        ctx.header("Content-Security-Policy", DashboardPages.CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.contentType("text/html; charset=utf-8").result(ui.page(path));
    }

    /** One of the pages' fixed assets (scripts, style, the chart library); revalidated by its ETag. */
    private void asset(Context ctx) {
        DashboardPages.Asset a = ui.asset(ctx.pathParam("name"));
        if (a == null) {
            throw new ApiError(404, "not found");
        }
        String etag = a.etag();
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", etag);
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(a.contentType()).result(a.bytes());
    }

    /** {@code GET /api/reports}: the output directory's run directories and their report files, newest first. */
    private void reports(Context ctx) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (cfg.outputDir != null && Files.isDirectory(cfg.outputDir)) {
            Path root = cfg.outputDir.toRealPath();
            List<Path> dirs = new ArrayList<>();
            dirs.add(root);
            try (java.util.stream.Stream<Path> s = Files.list(root)) {
                s.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && safe(d))
                        .sorted(Comparator.comparing(Path::toString).reversed())
                        .limit(MAX_REPORT_DIRS).forEach(dirs::add);
            }
            for (Path d : dirs) {
                List<Map<String, Object>> files = new ArrayList<>();
                try (java.util.stream.Stream<Path> s = Files.list(d)) {
                    for (Path f : s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && safe(f))
                            .sorted().limit(MAX_REPORT_FILES).toList()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("name", f.getFileName().toString());
                        m.put("path", root.relativize(f).toString().replace('\\', '/'));
                        m.put("bytes", Files.size(f));
                        m.put("modified", Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toInstant()
                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                        files.add(m);
                    }
                }
                if (!files.isEmpty()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("dir", d.equals(root) ? "" : d.getFileName().toString());
                    m.put("files", files);
                    out.add(m);
                }
            }
        }
        ok(ctx, Map.of("reports", out));
    }

    private static boolean safe(Path p) {
        String name = p.getFileName().toString();
        return SAFE_SEGMENT.matcher(name).matches() && !name.contains("..");
    }

    /** {@code GET /api/compare?baseline=RUN&current=RUN}: two stored runs by the program's comparison. */
    private void compareRuns(Context ctx) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        String baseline = runIdQuery(ctx, "baseline", fields);
        String current = runIdQuery(ctx, "current", fields);
        if (!fields.isEmpty()) {
            throw new ApiError(400, "baseline and current: two stored run ids", fields);
        }
        if (cfg.comparer == null) {
            throw new ApiError(404, "run comparison is not available in this server");
        }
        java.util.Optional<RunComparer.Table> table = cfg.comparer.compare(baseline, current);
        if (table.isEmpty()) {
            throw new ApiError(404, "no such run");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("baseline", baseline);
        out.put("current", current);
        out.put("title", table.get().title());
        out.put("header", table.get().header());
        out.put("rows", table.get().rows());
        ok(ctx, out);
    }

    private static String runIdQuery(Context ctx, String name, Map<String, String> fields) {
        String v = query(ctx, name);
        if (v == null) {
            fields.put(name, "required");
        } else if (!RUN_ID.matcher(v).matches()) {
            fields.put(name, "not a run id");
        }
        return v;
    }

    private void startBenchmark(Context ctx) throws Exception {
        JsonNode body = readBody(ctx);
        StartRequest request;
        try {
            request = StartRequest.parse(body);
        } catch (StartRequestException e) {
            throw new ApiError(400, e.getMessage(), e.fields());
        }
        if (cfg.controller.status().state().active()) {
            throw new ApiError(409, "a benchmark is already running");
        }
        String runId;
        try {
            BenchmarkController.JobFactory factory = cfg.starter.prepare(request);
            runId = cfg.controller.start(factory);
        } catch (StartRequestException e) {
            throw new ApiError(400, SafeText.oneLine(e.getMessage(), 500), e.fields());
        } catch (BenchmarkController.BusyException e) {
            throw new ApiError(409, "a benchmark is already running");
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, SafeText.oneLine(String.valueOf(e.getMessage()), 500));
        } catch (Exception e) {
            LOG.debug("the benchmark could not start", e);
            throw new ApiError(500, "could not start: "
                    + SafeText.oneLine(e.getMessage() == null ? e.toString() : e.getMessage(), 500));
        }
        ok(ctx, Map.of("run_id", runId));
    }

    private void shutdown(Context ctx) throws Exception {
        readBody(ctx);
        cfg.controller.stop();
        ok(ctx, Map.of("shutting_down", true));
        // answer first: the stop happens on another thread once this response is on its way
        Thread.ofPlatform().name("lmsbench-web-shutdown").daemon(false).start(() -> {
            try {
                if (!cfg.controller.awaitIdle(Duration.ofSeconds(30))) {
                    LOG.warn("the benchmark did not stop within 30 s; shutting down anyway");
                }
                Thread.sleep(100); // let the shutdown answer reach the client before the connector closes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop();
        });
    }

    private void results(Context ctx) throws Exception {
        String model = query(ctx, "model");
        String quant = query(ctx, "quantization");
        String status = query(ctx, "status");
        String sort = Objects.requireNonNullElse(query(ctx, "sort"), "finished_at");
        String order = Objects.requireNonNullElse(query(ctx, "order"), "desc");
        int limit = intQuery(ctx, "limit", 100, 1, MAX_LIMIT);
        int offset = intQuery(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        Comparator<StoredResult> by = Stats.SORTS.get(sort);
        if (by == null) {
            throw new ApiError(400, "sort: one of " + String.join(", ", Stats.SORTS.keySet().stream().sorted()
                    .toList()), Map.of("sort", "unknown sort field"));
        }
        if (!order.equals("asc") && !order.equals("desc")) {
            throw new ApiError(400, "order: asc or desc", Map.of("order", "asc or desc"));
        }
        List<StoredResult> rows = new ArrayList<>();
        for (StoredResult r : listResults()) {
            if (model != null && !r.summary().model().id().toLowerCase(Locale.ROOT)
                    .contains(model.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (quant != null && !r.summary().model().quantization().equalsIgnoreCase(quant)) {
                continue;
            }
            if (status != null && !r.summary().status().label().equalsIgnoreCase(status)) {
                continue;
            }
            rows.add(r);
        }
        Comparator<StoredResult> c = by.thenComparingLong(StoredResult::id);
        rows.sort(order.equals("desc") ? c.reversed() : c);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", rows.size());
        out.put("limit", limit);
        out.put("offset", offset);
        out.put("results", rows.stream().skip(offset).limit(limit).map(Shapes::result).toList());
        ok(ctx, out);
    }

    /**
     * {@code GET /api/load}: every stored load stage (a result with a load test), oldest first, at most the newest
     * {@link #MAX_LOAD_STAGES}; results of ordinary runs are not listed.
     */
    private void loadStages(Context ctx) throws Exception {
        List<StoredResult> stages = new ArrayList<>();
        for (StoredResult r : listResults()) {
            if (r.summary().load() != null) {
                stages.add(r);
            }
        }
        stages.sort(Comparator.comparing((StoredResult r) -> r.summary().finishedAt(),
                        Comparator.nullsFirst(Comparator.naturalOrder())).thenComparingLong(StoredResult::id));
        int total = stages.size();
        List<StoredResult> shown = stages.subList(Math.max(0, total - MAX_LOAD_STAGES), total);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", total);
        out.put("limit", MAX_LOAD_STAGES);
        out.put("truncated", total > shown.size());
        out.put("stages", shown.stream().map(Shapes::loadStage).toList());
        ok(ctx, out);
    }

    private void comparison(Context ctx) throws Exception {
        String model = ctx.pathParam("model");
        // the model is only compared with stored ids, never used as a path; refuse what no model id looks like
        if (model.isBlank() || model.length() > 512 || model.chars().anyMatch(ch -> ch < 0x20)
                || java.util.Arrays.asList(model.split("[/\\\\]", -1)).contains("..")) {
            throw new ApiError(400, "not a model id");
        }
        List<Map<String, Object>> history = listResults().stream()
                .filter(r -> r.summary().model().id().equals(model))
                .sorted(Comparator.comparing((StoredResult r) -> r.summary().finishedAt())
                        .thenComparingLong(StoredResult::id))
                .map(Shapes::result).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model);
        out.put("count", history.size());
        out.put("history", history);
        ok(ctx, out);
    }

    /** A file of the output directory, by a relative path of safe segments; never anything outside it. */
    private void file(Context ctx) throws IOException {
        if (cfg.outputDir == null) {
            throw new ApiError(404, "no output directory");
        }
        String raw = ctx.pathParam("path");
        String[] parts = raw.split("/", -1);
        if (parts.length > 8) {
            throw new ApiError(400, "path too deep");
        }
        for (String p : parts) {
            if (!SAFE_SEGMENT.matcher(p).matches() || p.contains("..")) {
                throw new ApiError(400, "not a file name");
            }
        }
        Path root = cfg.outputDir.toRealPath();
        Path target = root.resolve(String.join("/", parts)).normalize();
        if (!target.startsWith(root) || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                || !target.toRealPath().startsWith(root)) {
            throw new ApiError(404, "no such file");
        }
        String name = target.getFileName().toString();
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        ctx.contentType(contentType(name));
        ctx.result(Files.newInputStream(target));
    }

    private static String contentType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".json")) {
            return "application/json";
        } else if (n.endsWith(".csv")) {
            return "text/csv; charset=utf-8";
        } else if (n.endsWith(".md")) {
            return "text/markdown; charset=utf-8";
        } else if (n.endsWith(".pdf")) {
            return "application/pdf";
        } else if (n.endsWith(".png")) {
            return "image/png";
        }
        return "application/octet-stream";
    }

    private void models(Context ctx) throws JsonProcessingException {
        List<ModelInfo> listed;
        try {
            listed = Objects.requireNonNullElse(cfg.models.get(), List.<ModelInfo>of());
        } catch (RuntimeException e) {
            LOG.debug("listing models failed", e);
            throw new ApiError(502, SafeText.oneLine(String.valueOf(e.getMessage()), 300));
        }
        ok(ctx, Map.of("models", listed.stream().map(Shapes::model).toList()));
    }

    private List<Map<String, Object>> presets() {
        Map<String, ? extends Map<String, ?>> all = Objects.requireNonNullElse(cfg.presets.get(), Map.of());
        List<Map<String, Object>> out = new ArrayList<>();
        all.forEach((name, settings) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("settings", settings);
            out.add(m);
        });
        return out;
    }

    private Map<String, Object> config() {
        ResolvedConfig rc = cfg.config.get();
        List<Map<String, Object>> entries = new ArrayList<>();
        if (rc != null) {
            for (ResolvedConfig.Entry e : rc.entries()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", e.key().path());
                Object v = e.value();
                if (v != null && e.key().path().toLowerCase(Locale.ROOT).contains("token")) {
                    v = "<redacted>"; // never hand a secret to a page
                }
                m.put("value", v == null || v instanceof Number || v instanceof Boolean || v instanceof String
                        || v instanceof List<?> || v instanceof Map<?, ?> ? v : String.valueOf(v));
                m.put("source", e.source());
                m.put("flag", e.key().flag());
                m.put("description", e.key().description());
                entries.add(m);
            }
        }
        return Map.of("entries", entries);
    }

    private List<StoredResult> listResults() throws Exception {
        return Objects.requireNonNullElse(cfg.results.list(), List.of());
    }

    // ---------------------------------------------------------------- helpers

    /** Reads and drops up to {@code limit} bytes of the request body; never throws. */
    private static void drain(Context ctx, int limit) {
        try {
            java.io.InputStream in = ctx.req().getInputStream();
            byte[] buffer = new byte[8192];
            int left = limit;
            int n;
            while (left > 0 && (n = in.read(buffer, 0, Math.min(buffer.length, left))) > 0) {
                left -= n;
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("could not drain a refused request body", e);
        }
    }

    /** Reads a bounded body and parses it; null when empty. */
    private JsonNode readBody(Context ctx) throws IOException {
        byte[] bytes;
        try (InputStream in = ctx.bodyInputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiError(413, "request body over " + MAX_BODY_BYTES + " bytes");
        }
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "malformed JSON: " + SafeText.oneLine(e.getOriginalMessage(), 200)
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    private static String query(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static int intQuery(Context ctx, String name, int dflt, int min, int max) {
        String v = query(ctx, name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiError(400, name + ": a whole number from " + min + " to " + max,
                Map.of(name, "a whole number from " + min + " to " + max));
    }

    private void ok(Context ctx, Object body) throws JsonProcessingException {
        ctx.status(200).contentType("application/json").result(json.writeValueAsString(body));
    }

    private void error(Context ctx, int status, String message, Map<String, String> fields) {
        try {
            if (ctx.res().isCommitted()) {
                return; // an event stream, or a response already on its way: nothing can be said any more
            }
        } catch (RuntimeException e) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (fields != null && !fields.isEmpty()) {
            body.put("fields", fields);
        }
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.status(500).result("{\"error\":\"internal error\"}");
        } catch (RuntimeException e) {
            // an exception handler that throws would be handled again by Javalin, forever: never throw from here
            LOG.debug("could not answer {} {} with {}", ctx.method(), ctx.path(), status, e);
        }
    }

    /** Builds a {@link BenchWebServer}. Not thread-safe. */
    public static final class Builder {
        private BenchmarkController controller;
        private StartHandler starter;
        private ResultSource results = ResultSource.EMPTY;
        private Supplier<? extends Map<String, ? extends Map<String, ?>>> presets = Map::of;
        private Supplier<ResolvedConfig> config = () -> null;
        private Supplier<List<ModelInfo>> models = List::of;
        private String host = "127.0.0.1";
        private int port;
        private String accessToken;
        private Path outputDir;
        private RunComparer comparer;
        private Supplier<List<String>> logTail = List::of;
        private Runnable onShutdown = () -> { };
        private Duration heartbeat = Duration.ofSeconds(15);
        private int sseQueueCapacity = SSE_QUEUE_CAPACITY;
        private int socketSendBuffer;

        private Builder() {
        }

        /** @param value the controller the API drives (required) @return this */
        public Builder controller(BenchmarkController value) {
            this.controller = Objects.requireNonNull(value, "controller");
            return this;
        }

        /** @param value turns start bodies into jobs (required) @return this */
        public Builder starter(StartHandler value) {
            this.starter = Objects.requireNonNull(value, "starter");
            return this;
        }

        /** @param value where results are read from; default none @return this */
        public Builder results(ResultSource value) {
            this.results = Objects.requireNonNull(value, "results");
            return this;
        }

        /** @param store the store results are read from (its {@code list()}) @return this */
        public Builder results(ResultStore store) {
            Objects.requireNonNull(store, "store");
            this.results = store::list;
            return this;
        }

        /**
         * @param value preset name to its settings (JSON-encodable values), for {@code GET /api/presets}
         * @return this
         */
        public Builder presets(Supplier<? extends Map<String, ? extends Map<String, ?>>> value) {
            this.presets = Objects.requireNonNull(value, "presets");
            return this;
        }

        /** @param value the merged configuration with sources, for {@code GET /api/config} @return this */
        public Builder config(Supplier<ResolvedConfig> value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** @param value the discovered models, for {@code GET /api/models} (called per request) @return this */
        public Builder models(Supplier<List<ModelInfo>> value) {
            this.models = Objects.requireNonNull(value, "models");
            return this;
        }

        /** @param value the address to bind; default {@code 127.0.0.1} @return this */
        public Builder host(String value) {
            this.host = Objects.requireNonNull(value, "host").strip();
            return this;
        }

        /** @param value the port, 0 (default) for a free one @return this */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535: " + value);
            }
            this.port = value;
            return this;
        }

        /**
         * @param value the token every request must carry as {@code Authorization: Bearer}; null for none
         *              (loopback only)
         * @return this
         */
        public Builder accessToken(String value) {
            this.accessToken = value == null || value.isBlank() ? null : value;
            return this;
        }

        /** @param value the only directory {@code GET /api/files/...} may read; null (default) for none @return this */
        public Builder outputDir(Path value) {
            this.outputDir = value;
            return this;
        }

        /** @param value compares two stored runs for {@code GET /api/compare}; null (default): not offered @return this */
        public Builder runComparer(RunComparer value) {
            this.comparer = value;
            return this;
        }

        /**
         * @param value the last lines of the current or last benchmark's output, for {@code GET /api/log} (the Run
         *              page's log tail); default none
         * @return this
         */
        public Builder logTail(Supplier<List<String>> value) {
            this.logTail = Objects.requireNonNull(value, "logTail");
            return this;
        }

        /** @param value run once after the server stopped (e.g. let {@code main} exit) @return this */
        public Builder onShutdown(Runnable value) {
            this.onShutdown = Objects.requireNonNull(value, "onShutdown");
            return this;
        }

        /** @param value the interval of SSE heartbeat comments; default 15 s @return this */
        public Builder heartbeat(Duration value) {
            if (value.isNegative() || value.isZero() || value.compareTo(IDLE_TIMEOUT) >= 0) {
                throw new IllegalArgumentException("heartbeat must be positive and under " + IDLE_TIMEOUT);
            }
            this.heartbeat = value;
            return this;
        }

        /** Tests and the benchmark class: a smaller per-client event queue. */
        Builder sseQueueCapacity(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("capacity must be >= 1");
            }
            this.sseQueueCapacity = value;
            return this;
        }

        /** Tests: a small socket send buffer for connections accepted later, so a client that stops reading blocks
         * its writer soon (the kernel's autotuned buffer would absorb megabytes first). */
        Builder socketSendBuffer(int bytes) {
            this.socketSendBuffer = bytes;
            return this;
        }

        /**
         * @return the server, not yet listening
         * @throws IllegalStateException when required parts are missing, or a non-loopback host has no token
         */
        public BenchWebServer build() {
            if (controller == null || starter == null) {
                throw new IllegalStateException("a controller and a starter are required");
            }
            if (!isLoopback(host) && accessToken == null) {
                throw new IllegalStateException("binding " + host + " (beyond loopback) needs an access token");
            }
            return new BenchWebServer(this);
        }

        private static boolean isLoopback(String host) {
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
                return false; // a name other than localhost: not resolved here
            }
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }
}
