package dev.lmsbench.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.config.ConfigException;
import dev.lmsbench.core.config.ConfigKey;
import dev.lmsbench.core.config.ConfigKeys;
import dev.lmsbench.core.config.ConfigLayer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON side of configuration: reads {@code defaults.json} files and presets into core {@link ConfigLayer}s
 * (flattening {@code {"inference": {"temperature": 0.2}}} into {@code inference.temperature}) and writes presets.
 * bench-core validates; this class only parses.
 */
final class ConfigFiles {

    /** The largest configuration or preset file read (bytes); see docs/limits.md. */
    static final long MAX_FILE_BYTES = 1024 * 1024;
    /** The deepest JSON nesting a configuration file may have; see docs/limits.md. */
    static final int MAX_DEPTH = 32;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength((int) MAX_FILE_BYTES).build())
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Keys a preset may carry besides configuration keys. */
    static final String DESCRIPTION = "description";

    private ConfigFiles() {
    }

    /** Reads a configuration file (or preset) into a layer named after the file. */
    static ConfigLayer read(Path file, String source) {
        JsonNode root;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(source, "", "file is " + size + " bytes, larger than the limit of "
                        + MAX_FILE_BYTES + " bytes");
            }
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String at = where == null || where.getLineNr() < 1 ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            throw new ConfigException(source, "", "not valid JSON" + at + ": "
                    + Main.oneLine(firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new ConfigException(source, "", "cannot read it: " + Main.oneLine(firstLine(e.getMessage())));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source, "", "expected a JSON object at the top level");
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals(DESCRIPTION) || key.startsWith("_")) {
                continue; // documentation in the file
            }
            if (ConfigKeys.sections().contains(key)) {
                if (value.isNull()) {
                    continue;
                }
                if (!value.isObject()) {
                    throw new ConfigException(source, key, "expected an object (a section), got " + value);
                }
                for (Iterator<Map.Entry<String, JsonNode>> inner = value.fields(); inner.hasNext(); ) {
                    Map.Entry<String, JsonNode> ie = inner.next();
                    flat.put(key + "." + ie.getKey(), plain(ie.getValue()));
                }
            } else {
                flat.put(key, plain(value));
            }
        }
        return ConfigLayer.of(source, flat);
    }

    /** The description line of a preset file, or "". */
    static String description(Path file) {
        try {
            JsonNode d = JSON.readTree(file.toFile()).get(DESCRIPTION);
            return d != null && d.isTextual() ? d.asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Writes a layer as a nested JSON file (sections as objects). */
    static void write(ConfigLayer layer, String description, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!description.isEmpty()) {
            root.put(DESCRIPTION, description);
        }
        for (Map.Entry<ConfigKey<?>, Object> e : layer.values().entrySet()) {
            String path = e.getKey().path();
            int dot = path.indexOf('.');
            ObjectNode target = dot < 0 ? root : root.with(path.substring(0, dot));
            String name = dot < 0 ? path : path.substring(dot + 1);
            target.set(name, JSON.valueToTree(e.getValue()));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Object plain(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(plain(x)));
            return l;
        }
        return n.toString(); // an object where a value belongs: coerce() rejects it with the text shown
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
