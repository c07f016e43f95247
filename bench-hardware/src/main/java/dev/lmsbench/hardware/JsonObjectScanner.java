package dev.lmsbench.hardware;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts the top-level JSON objects out of a tool's output and parses each with Jackson. Whatever lies between or
 * around them is skipped: the {@code [} that {@code intel_gpu_top -J} opens its array with, the commas newer versions
 * put between samples (older ones put none) and the {@code ]} that only comes when the tool exits, or a warning a tool
 * prints before its JSON. Braces inside strings are respected. Feed it text as it arrives; not thread-safe.
 */
final class JsonObjectScanner {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Consumer<JsonNode> sink;
    private final StringBuilder current = new StringBuilder();
    private int depth;
    private boolean inString;
    private boolean escaped;

    /** @param sink receives each complete top-level object */
    JsonObjectScanner(Consumer<JsonNode> sink) {
        this.sink = sink;
    }

    /** Every top-level object of a complete text, in order. */
    static List<JsonNode> objects(CharSequence text) throws JsonProcessingException {
        List<JsonNode> found = new ArrayList<>();
        new JsonObjectScanner(found::add).feed(text);
        return found;
    }

    /**
     * Consumes more output.
     *
     * @throws JsonProcessingException if a complete top-level object is not valid JSON (scanning can continue)
     */
    void feed(CharSequence text) throws JsonProcessingException {
        JsonProcessingException failure = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (depth == 0) {
                if (c == '{') {
                    depth = 1;
                    current.setLength(0);
                    current.append(c);
                }
                continue; // '[', ',', ']', whitespace and stray text between objects
            }
            current.append(c);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    try {
                        sink.accept(MAPPER.readTree(current.toString()));
                    } catch (JsonProcessingException e) {
                        failure = e;
                    }
                    current.setLength(0);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
