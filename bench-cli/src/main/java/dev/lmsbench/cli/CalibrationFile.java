package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.engine.CalibrationCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The sweep's prompt calibrations in a JSON file (seed 004's {@code CALIBRATION_CACHE}), {@code calibration.json}
 * beside the results database: an object whose keys are {@code server|model|target tokens} ({@link #key}) and whose
 * values are characters per token. Read on first use, rewritten atomically after each change. Bounded: a file above
 * {@value #MAX_BYTES} bytes or an entry that is not a positive number is ignored (logged), and at most
 * {@value #MAX_ENTRIES} entries are kept (the oldest go first). Never stops a run: every failure is logged.
 */
final class CalibrationFile implements CalibrationCache {

    static final long MAX_BYTES = 1_000_000;
    static final int MAX_ENTRIES = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(CalibrationFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private ObjectNode entries;

    CalibrationFile(Path file) {
        this.file = file;
    }

    /**
     * The entry's key. The built-in simulator listens on a new port each time, with the same tokenizer: its runs
     * ({@code sim:http://127.0.0.1:PORT}) share the key {@code sim}.
     */
    static String key(String server, String model, int targetTokens) {
        String s = server.startsWith("sim:") ? "sim" : server;
        return s + "|" + model + "|" + targetTokens;
    }

    @Override
    public synchronized OptionalDouble charsPerToken(String server, String model, int targetTokens) {
        JsonNode v = entries().get(key(server, model, targetTokens));
        return v != null && v.isNumber() && v.asDouble() > 0 && Double.isFinite(v.asDouble())
                ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty();
    }

    @Override
    public synchronized void put(String server, String model, int targetTokens, double charsPerToken) {
        ObjectNode e = entries();
        String k = key(server, model, targetTokens);
        e.remove(k);
        e.put(k, charsPerToken);
        Iterator<String> oldest = e.fieldNames();
        while (e.size() > MAX_ENTRIES && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), e);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            LOG.warn("cannot write the calibration cache {}: {}", file, IoErrors.reason(ex));
        } catch (RuntimeException ex) {
            LOG.warn("cannot write the calibration cache {}: {}", file, ex.toString());
        }
    }

    private ObjectNode entries() {
        if (entries != null) {
            return entries;
        }
        entries = JSON.createObjectNode();
        try {
            if (Files.isRegularFile(file)) {
                if (Files.size(file) > MAX_BYTES) {
                    LOG.warn("ignoring the calibration cache {}: larger than {} bytes", file, MAX_BYTES);
                    return entries;
                }
                JsonNode n = JSON.readTree(file.toFile());
                if (n instanceof ObjectNode o) {
                    for (Map.Entry<String, JsonNode> e : o.properties()) {
                        if (e.getValue().isNumber() && e.getValue().asDouble() > 0 && entries.size() < MAX_ENTRIES) {
                            entries.put(e.getKey(), e.getValue().asDouble());
                        }
                    }
                } else {
                    LOG.warn("ignoring the calibration cache {}: not a JSON object", file);
                }
            }
        } catch (IOException e) {
            LOG.warn("ignoring the calibration cache {}: {}", file, IoErrors.reason(e));
        } catch (RuntimeException e) {
            LOG.warn("ignoring the calibration cache {}: {}", file, e.toString());
        }
        return entries;
    }
}
