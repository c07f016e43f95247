package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.ModelCatalog;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LM Studio's command-line tool {@code lms}: lists the downloaded models ({@code lms ls --json}), starts the server
 * ({@code lms server start --port N}), loads models with the settings LM Studio's REST load cannot set
 * ({@link #load}: {@code lms load}) and names the selected runtime ({@link #runtime}: {@code lms runtime ls}). Found
 * through {@code $LMSBENCH_LMS} (or the system property {@code lmsbench.lms}), then {@code PATH}, then the places
 * LM Studio installs it ({@code ~/.lmstudio/bin/lms}, {@code ~/.cache/lm-studio/bin/lms}).
 *
 * <p>{@code lms ls --json} prints an array of objects with {@code type}, {@code modelKey}, {@code displayName},
 * {@code sizeBytes}, {@code paramsString}, {@code architecture}, {@code vision}, {@code trainedForToolUse},
 * {@code maxContextLength} and {@code format} (the fields of the LM Studio SDK's downloaded-model info; the CLI may
 * print a "Waking up" line before the JSON, which is skipped).
 *
 * <p>Every command runs with its standard input closed, a deadline (killed after it), and its output (standard error
 * merged) bounded: 8 MiB, of which only the last 16 KiB are kept beyond that. A non-zero exit is a
 * {@link BackendException} whose message is the command line and the last meaningful line it printed, sanitized.
 * Nothing is printed; output is logged at debug. Thread-safe; each call runs a process.
 */
public final class LmsCli implements ModelCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(LmsCli.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);
    /** The deadline of {@code lms runtime ls} (each of the two attempts). */
    static final Duration RUNTIME_TIMEOUT = Duration.ofSeconds(30);
    /** The most output of one command that is read whole (bytes); of a longer one only the tail is kept. */
    static final int MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
    /** How much of an output longer than {@link #MAX_OUTPUT_BYTES} is kept: its end, where the error is. */
    static final int TAIL_BYTES = 16 * 1024;
    /** lms load.ts: {@code To use the model in the API/SDK, use the identifier "<id>".} */
    private static final Pattern IDENTIFIER = Pattern.compile("use the identifier \"([^\"\\r\\n]{1,512})\"");
    private static final Pattern BORDERS = Pattern.compile("^[\\s\\p{InBOX_DRAWING}]+|[\\s\\p{InBOX_DRAWING}]+$");
    private static final Pattern ERROR_LINE = Pattern.compile("[^\\p{L}\\p{N}]*(error|fatal)\\b\\W*[\\p{L}\\p{N}]",
            Pattern.CASE_INSENSITIVE);

    private final Path executable;
    /** The processes running now; {@code true} once {@link #cancelRunning()} killed one. */
    private final Map<Process, Boolean> running = new ConcurrentHashMap<>();

    private LmsCli(Path executable) {
        this.executable = executable;
    }

    /** The {@code lms} of this machine, if there is one. @return it, or empty */
    public static Optional<LmsCli> locate() {
        return locate(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * Looks for {@code lms} with the given environment and home directory (tests).
     *
     * @param env  environment variables
     * @param home the home directory
     * @return it, or empty
     */
    public static Optional<LmsCli> locate(Map<String, String> env, Path home) {
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getProperty("lmsbench.lms", env.getOrDefault("LMSBENCH_LMS", ""));
        if (!explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        }
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "lms"));
            }
        }
        candidates.add(home.resolve(".lmstudio").resolve("bin").resolve("lms"));
        candidates.add(home.resolve(".cache").resolve("lm-studio").resolve("bin").resolve("lms"));
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst()
                .map(LmsCli::new);
    }

    /** The executable. @return its path */
    public Path executable() {
        return executable;
    }

    /** Lists the downloaded models with {@code lms ls --json} (embedding models included; the engine skips them). */
    @Override
    public List<ModelInfo> listModels() throws BackendException {
        String out = run(LIST_TIMEOUT, "ls", "--json").text();
        return parse(out, executable + " ls --json");
    }

    /**
     * Parses the output of {@code lms ls --json}.
     *
     * @param out    the output
     * @param source what produced it, for messages
     * @return the models
     * @throws BackendException PROTOCOL when it is not the expected JSON
     */
    static List<ModelInfo> parse(String out, String source) throws BackendException {
        int start = out.indexOf('[');
        if (start < 0) {
            throw new BackendException(BackendException.Kind.PROTOCOL, source + " printed no JSON list", "", -1,
                    null);
        }
        JsonNode root;
        try {
            root = JSON.readTree(out.substring(start));
        } catch (IOException e) {
            throw new BackendException(BackendException.Kind.PROTOCOL, source + " printed invalid JSON", "", -1, e);
        }
        List<ModelInfo> models = new ArrayList<>();
        for (JsonNode n : root) {
            String id = ChatJson.modelId(n.path("modelKey").asText(n.path("path").asText("")));
            if (id == null) {
                continue;
            }
            Set<Capability> caps = EnumSet.noneOf(Capability.class);
            if (n.path("vision").asBoolean(false)) {
                caps.add(Capability.VISION);
            }
            if (n.path("trainedForToolUse").asBoolean(false)) {
                caps.add(Capability.TOOL_USE);
            }
            JsonNode quant = n.path("quantization");
            String quantization = quant.isObject() ? quant.path("name").asText("") : quant.asText("");
            String type = n.path("type").asText("");
            models.add(new ModelInfo(id, ChatJson.field("embedding".equals(type) ? "embeddings" : type),
                    ChatJson.field(n.path("publisher").asText("")), ChatJson.field(n.path("architecture").asText("")),
                    ChatJson.field(quantization),
                    n.path("sizeBytes").isNumber() ? Math.max(-1, n.path("sizeBytes").asLong()) : -1,
                    n.path("maxContextLength").isNumber() ? Math.max(-1, n.path("maxContextLength").asInt()) : -1,
                    ChatJson.field(n.path("paramsString").asText("")), caps));
        }
        return models;
    }

    /**
     * Starts LM Studio's server with {@code lms server start --port PORT}.
     *
     * @param port    the port
     * @param timeout the longest the command may take
     * @throws BackendException when the command fails
     */
    public void startServer(int port, Duration timeout) throws BackendException {
        run(timeout, List.of("server", "start", "--port", Integer.toString(port)));
    }

    /**
     * Loads a model with {@code lms load}, for the settings LM Studio's REST load cannot set (GPU offload, TTL,
     * parallel slots). The command line is always, in this order:
     * <pre>{@code
     * lms load <key> --yes [--context-length N] [--gpu off|max|R] [--ttl S] [--parallel N] [--identifier ID]
     *                      [--host H] [--port P]
     * }</pre>
     * {@code --yes} because the process has no terminal (its standard input is closed at once): without it lms would
     * ask which model to load when several match. {@code --exact} is not passed: in lms's {@code load.ts} it compares
     * the argument with the model's file <em>path</em> ({@code qwen/qwen3-8b/Qwen3-8B-Q4_K_M.gguf}), not with the key
     * LM Studio lists, so it would refuse every key. lms then matches the key fuzzily against the paths and loads the
     * best match; the caller checks what was loaded (see {@link LmStudioClient}).
     *
     * @param modelKey the model key as LM Studio lists it
     * @param options  what to pass
     * @param timeout  the longest the load may take; the process is killed after it
     * @return the instance identifier lms printed ({@code To use the model in the API/SDK, use the identifier
     *         "..."}), or {@code ""} when it printed none
     * @throws BackendException TIMEOUT after the timeout, CANCELLED after {@link #cancelRunning()} or an interrupt,
     *                          CONNECTION when the process cannot start, PROTOCOL on a non-zero exit (the message ends
     *                          with the last meaningful line lms printed)
     */
    public String load(String modelKey, LmsLoad options, Duration timeout) throws BackendException {
        Objects.requireNonNull(modelKey, "modelKey");
        Objects.requireNonNull(options, "options");
        if (modelKey.isBlank() || modelKey.startsWith("-") || !SafeText.isClean(modelKey)) {
            throw new IllegalArgumentException("not a model key lms can be given: " + SafeText.oneLine(modelKey, 80));
        }
        String out = run(timeout, options.arguments(modelKey)).text();
        Matcher m = IDENTIFIER.matcher(SafeText.clean(out));
        String identifier = "";
        while (m.find()) {
            identifier = m.group(1);
        }
        String safe = ChatJson.modelId(identifier);
        return safe == null ? "" : safe;
    }

    /**
     * The selected runtime (inference engine) of the local LM Studio: {@link #runtime(String, int)} without host or
     * port.
     *
     * @return {@code "<name> <version>"}, or {@code ""} when none is selected or the output names none
     * @throws BackendException when {@code lms runtime ls} fails
     */
    public String runtime() throws BackendException {
        return runtime("", 0);
    }

    /**
     * The selected runtime (inference engine) of an LM Studio server, as {@code "<name> <version>"}, e.g.
     * {@code llama.cpp-linux-x86_64-avx2 1.50.0}: the same spelling as the {@code runtime} object of LM Studio's
     * {@code /api/v0} answers. Runs {@code lms runtime ls --json [--host H] [--port P]}; when lms rejects
     * {@code --json} (versions that print only a table) or prints no JSON, {@code lms runtime ls [--host H]
     * [--port P]} and reads the table.
     *
     * <p>What is assumed of the JSON (its shape is not documented; lms's {@code runtime/list.ts} builds each engine
     * from the SDK's {@code RuntimeEngineInfo}, {@code {name, version, engine, platform, cpu, gpu,
     * supportedModelFormatNames}}, plus the model formats it is selected for): an array of entries, or an object
     * holding one under {@code runtimes}, {@code engines}, {@code items} or {@code data}, or an object whose values
     * are the entries. An entry's name is {@code name} (or {@code specifier.name}, or the part of {@code engine} /
     * {@code minimalAlias} / {@code fullAlias} before the last {@code @}), its version {@code version} (or
     * {@code specifier.version}, or the part after that {@code @}). It is selected when {@code selected},
     * {@code isSelected}, {@code active} or {@code current} is {@code true} or {@code "✓"}, or when
     * {@code selectedModelFormatNames} / {@code selectedModelFormats} / {@code selectedFor} is a non-empty array. The
     * first selected entry in the printed order wins (on a Mac one engine is selected for GGUF and another for MLX;
     * lms sorts by name, so llama.cpp comes before mlx).
     *
     * <p>The table (lms {@code runtime/list.ts}): a header starting {@code LLM ENGINE}, then one row per engine,
     * {@code name@version}, a {@code ✓} in the {@code SELECTED} column, and the model formats.
     *
     * @param host the host, {@code ""} for the local server
     * @param port the port, {@code 0} for lms's default
     * @return {@code "<name> <version>"}, or {@code ""} when none is selected or the output names none
     * @throws BackendException when the plain {@code lms runtime ls} fails too
     */
    public String runtime(String host, int port) throws BackendException {
        List<String> server = LmsLoad.serverArguments(host, port);
        List<String> json = new ArrayList<>(List.of("runtime", "ls", "--json"));
        json.addAll(server);
        Output out = exec(RUNTIME_TIMEOUT, json);
        if (out.exitCode() == 0 && !out.truncated()) {
            Optional<String> selected = parseRuntimeJson(out.text());
            if (selected.isPresent()) {
                return selected.get();
            }
            LOG.debug("{} printed no JSON; reading the table of lms runtime ls", shown(json));
        } else {
            LOG.debug("{} failed (exit code {}): {}; reading the table of lms runtime ls", shown(json),
                    out.exitCode(), lastMeaningfulLine(out.text()));
        }
        List<String> table = new ArrayList<>(List.of("runtime", "ls"));
        table.addAll(server);
        return parseRuntimeTable(run(RUNTIME_TIMEOUT, table).text());
    }

    /**
     * Reads the selected runtime from {@code lms runtime ls --json} output (see {@link #runtime(String, int)}).
     *
     * @param out the output; anything before the first {@code [} or <code>{</code> (a "Waking up" line) is skipped
     * @return the runtime ({@code ""} when no entry is selected), or empty when the output holds no JSON
     */
    static Optional<String> parseRuntimeJson(String out) {
        int start = firstJson(out);
        if (start < 0) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(out.substring(start));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (root == null) {
            return Optional.empty();
        }
        for (JsonNode entry : runtimeEntries(root)) {
            if (entry.isObject() && isSelected(entry)) {
                String named = runtimeName(entry);
                if (!named.isEmpty()) {
                    return Optional.of(named);
                }
            }
        }
        return Optional.of("");
    }

    /**
     * Reads the selected runtime from the table {@code lms runtime ls} prints (see {@link #runtime(String, int)}).
     *
     * @param out the output
     * @return the runtime, or {@code ""} when no row is selected
     */
    static String parseRuntimeTable(String out) {
        for (String raw : SafeText.clean(out).lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.toUpperCase(java.util.Locale.ROOT).startsWith("LLM ENGINE")) {
                continue;
            }
            String[] cells = line.split("\\s+");
            if (cells.length < 2 || cells[0].indexOf('@') <= 0 || !(line.contains("✓") || line.contains("✔"))) {
                continue;
            }
            String named = nameAndVersion(cells[0], "");
            if (!named.isEmpty()) {
                return named;
            }
        }
        return "";
    }

    /**
     * Kills every {@code lms} process this object runs now; each waiting call throws a CANCELLED exception. Used by
     * {@link LmStudioClient#cancelInFlight()}.
     */
    void cancelRunning() {
        for (Process p : running.keySet()) {
            running.put(p, Boolean.TRUE);
            p.destroyForcibly();
        }
    }

    // ---- running the process ----

    /** What a finished process printed (standard output and error, merged). */
    private record Output(int exitCode, String text, boolean truncated) {
    }

    /** Runs a command and fails on a non-zero exit. */
    private Output run(Duration timeout, List<String> args) throws BackendException {
        Output out = exec(timeout, args);
        if (out.exitCode() != 0) {
            String last = lastMeaningfulLine(out.text());
            throw new BackendException(BackendException.Kind.PROTOCOL, shown(args) + " failed with exit code "
                    + out.exitCode() + (last.isEmpty() ? "" : ": " + last), "", -1, null);
        }
        return out;
    }

    private Output run(Duration timeout, String... args) throws BackendException {
        Output out = run(timeout, List.of(args));
        if (out.truncated()) {
            throw new BackendException(BackendException.Kind.TOO_LARGE, shown(List.of(args)) + " printed more than "
                    + MAX_OUTPUT_BYTES / (1024 * 1024) + " MiB", "", -1, null);
        }
        return out;
    }

    /**
     * Runs a command with its standard input closed, its output (standard error merged) in a temporary file, and a
     * deadline. Of an output longer than {@link #MAX_OUTPUT_BYTES} only the last {@link #TAIL_BYTES} are kept
     * ({@code truncated}). The output goes to a file rather than a pipe because lms may start LM Studio's service,
     * which inherits the output and outlives the command: a pipe would never end.
     */
    private Output exec(Duration timeout, List<String> args) throws BackendException {
        List<String> cmd = new ArrayList<>(args.size() + 1);
        cmd.add(executable.toString());
        cmd.addAll(args);
        String shown = shown(args);
        Path file = null;
        Process p = null;
        try {
            file = Files.createTempFile("lmsbench-lms", ".out");
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(file.toFile()).start();
            running.put(p, Boolean.FALSE);
            p.getOutputStream().close();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            boolean cancelled = Boolean.TRUE.equals(running.get(p));
            if (cancelled) {
                p.destroyForcibly();
                throw new BackendException(BackendException.Kind.CANCELLED, shown + " cancelled", "", -1, null);
            }
            if (!finished) {
                p.destroyForcibly();
                throw new BackendException(BackendException.Kind.TIMEOUT, shown + " did not finish within "
                        + timeout.toSeconds() + " s", "", -1, null);
            }
            Output out = read(file, p.exitValue());
            LOG.debug("{} exited with {} after printing {} characters", shown, out.exitCode(), out.text().length());
            return out;
        } catch (IOException e) {
            throw new BackendException(BackendException.Kind.CONNECTION, "cannot run " + shown + ": "
                    + SafeText.oneLine(e.getMessage(), 200), "", -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(BackendException.Kind.CANCELLED, shown + " interrupted", "", -1, e);
        } finally {
            if (p != null) {
                running.remove(p);
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
            deleteQuietly(file);
        }
    }

    private static Output read(Path file, int exitCode) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            boolean truncated = size > MAX_OUTPUT_BYTES;
            long from = truncated ? size - TAIL_BYTES : 0;
            ByteBuffer buffer = ByteBuffer.allocate((int) (size - from));
            channel.position(from);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // reads until the buffer is full
            }
            return new Output(exitCode, new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8),
                    truncated);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}", file, e);
        }
    }

    /** The command line for messages: the executable and the arguments, one line. */
    private String shown(List<String> args) {
        return SafeText.oneLine(executable + " " + String.join(" ", args), 500);
    }

    /**
     * The line of an output worth showing: the last line that starts with {@code Error} and says more (after any symbols), else the
     * last line with a letter or digit; sanitized, box-drawing borders removed, at most 200 characters.
     */
    static String lastMeaningfulLine(String out) {
        String last = "";
        String lastError = "";
        for (String raw : SafeText.clean(out).lines().toList()) {
            String line = BORDERS.matcher(SafeText.oneLine(raw, 1000)).replaceAll("");
            if (line.codePoints().noneMatch(Character::isLetterOrDigit)) {
                continue;
            }
            last = line;
            if (ERROR_LINE.matcher(line).lookingAt()) {
                lastError = line;
            }
        }
        return SafeText.oneLine(lastError.isEmpty() ? last : lastError, 200);
    }

    // ---- runtime JSON ----

    private static int firstJson(String out) {
        int array = out.indexOf('[');
        int object = out.indexOf('{');
        if (array < 0) {
            return object;
        }
        return object < 0 ? array : Math.min(array, object);
    }

    private static Iterable<JsonNode> runtimeEntries(JsonNode root) {
        if (root.isArray()) {
            return root;
        }
        for (String field : List.of("runtimes", "engines", "items", "data")) {
            if (root.path(field).isArray()) {
                return root.path(field);
            }
        }
        if (root.isObject() && (root.has("name") || root.has("engine") || root.has("specifier"))) {
            return List.of(root);
        }
        List<JsonNode> values = new ArrayList<>();
        root.elements().forEachRemaining(values::add);
        return values;
    }

    private static boolean isSelected(JsonNode entry) {
        for (String field : List.of("selected", "isSelected", "active", "current")) {
            JsonNode flag = entry.path(field);
            if (flag.asBoolean(false) || "✓".equals(flag.asText("")) || "✔".equals(flag.asText(""))) {
                return true;
            }
        }
        for (String field : List.of("selectedModelFormatNames", "selectedModelFormats", "selectedFor")) {
            JsonNode formats = entry.path(field);
            if (formats.isArray() && !formats.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static String runtimeName(JsonNode entry) {
        JsonNode specifier = entry.path("specifier");
        String name = text(entry.path("name"), text(specifier.path("name"), ""));
        String version = text(entry.path("version"), text(specifier.path("version"), ""));
        if (!name.isEmpty()) {
            return nameAndVersion(name, version);
        }
        for (String field : List.of("engine", "minimalAlias", "fullAlias")) {
            String alias = text(entry.path(field), "");
            if (alias.indexOf('@') > 0) {
                return nameAndVersion(alias, version);
            }
        }
        return "";
    }

    /** {@code name@version} or a name and a version as {@code "name version"}, sanitized; {@code ""} without name. */
    private static String nameAndVersion(String name, String version) {
        String n = name;
        String v = version;
        int at = name.lastIndexOf('@');
        if (at > 0 && v.isEmpty()) {
            n = name.substring(0, at);
            v = name.substring(at + 1);
        }
        return SafeText.oneLine((n.strip() + " " + v.strip()).strip(), 128);
    }

    private static String text(JsonNode node, String otherwise) {
        return node.isTextual() && !node.textValue().isBlank() ? node.textValue() : otherwise;
    }
}
