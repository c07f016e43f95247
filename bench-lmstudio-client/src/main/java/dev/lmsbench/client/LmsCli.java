package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.ModelCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * LM Studio's command-line tool {@code lms}: lists the downloaded models ({@code lms ls --json}) and starts the
 * server ({@code lms server start --port N}). Found through {@code $LMSBENCH_LMS} (or the system property
 * {@code lmsbench.lms}), then {@code PATH}, then the places LM Studio installs it ({@code ~/.lmstudio/bin/lms},
 * {@code ~/.cache/lm-studio/bin/lms}).
 *
 * <p>{@code lms ls --json} prints an array of objects with {@code type}, {@code modelKey}, {@code displayName},
 * {@code sizeBytes}, {@code paramsString}, {@code architecture}, {@code vision}, {@code trainedForToolUse},
 * {@code maxContextLength} and {@code format} (the fields of the LM Studio SDK's downloaded-model info; the CLI may
 * print a "Waking up" line before the JSON, which is skipped). Thread-safe; each call runs a process.
 */
public final class LmsCli implements ModelCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(LmsCli.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);

    private final Path executable;

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
        String out = run(LIST_TIMEOUT, "ls", "--json");
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
        run(timeout, "server", "start", "--port", Integer.toString(port));
    }

    private String run(Duration timeout, String... args) throws BackendException {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable.toString());
        cmd.addAll(List.of(args));
        String shown = String.join(" ", cmd);
        try {
            Path out = Files.createTempFile("lmsbench-lms", ".out");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new BackendException(BackendException.Kind.TIMEOUT, shown + " did not finish within "
                            + timeout.toSeconds() + " s", "", -1, null);
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    String last = text.strip().lines().reduce((a, b) -> b).orElse("");
                    throw new BackendException(BackendException.Kind.PROTOCOL, shown + " failed with exit code "
                            + p.exitValue() + (last.isEmpty() ? "" : ": " + last), "", -1, null);
                }
                LOG.debug("{} printed {} characters", shown, text.length());
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new BackendException(BackendException.Kind.CONNECTION, "cannot run " + shown + ": " + e.getMessage(),
                    "", -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(BackendException.Kind.CANCELLED, shown + " interrupted", "", -1, e);
        }
    }
}
