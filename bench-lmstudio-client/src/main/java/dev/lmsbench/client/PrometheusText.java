package dev.lmsbench.client;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parser of Prometheus' text exposition format, version 0.0.4, as llama.cpp's server ({@code --metrics}) and vLLM
 * serve it at {@code /metrics}. Each line is a comment ({@code #} first: {@code # HELP}, {@code # TYPE} and any other
 * comment are ignored), blank, or a sample {@code name{label="value",...} value [timestamp]}: the metric name
 * ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}), an optional label set (label names {@code [a-zA-Z_][a-zA-Z0-9_]*}, values in
 * double quotes with the escapes {@code \\}, {@code \"} and {@code \n}, an optional trailing comma), the value (a
 * float as Go's {@code ParseFloat} reads it, including {@code NaN}, {@code +Inf} and {@code -Inf}) and an optional
 * integer timestamp in milliseconds, which is ignored. Tokens are separated by blanks and tabs; a line may end with
 * {@code \r\n}. A line that is none of these is skipped.
 *
 * <p>Each sample's key is its name with its label set exactly as written ({@code
 * vllm:num_requests_waiting{model_name="m"}}), escapes included, so a key can be compared between two readings of one
 * server. Only printable ASCII is kept in a key: a sample whose name or labels contain a control character (C0, DEL
 * or C1) is dropped, any other character outside printable ASCII is removed. When two samples have the same key, the
 * first is kept.
 *
 * <p>Bounded: at most {@link #MAX_BODY_BYTES} of a body are read (the rest, and a line cut off there, are ignored),
 * at most {@link #MAX_SAMPLES} samples are kept (later ones are ignored), and a line longer than
 * {@link #MAX_LINE_BYTES} is skipped. Never throws on any input.
 */
final class PrometheusText {

    /** The most of a body parsed (4 MiB); the rest is ignored. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** The most samples kept. */
    static final int MAX_SAMPLES = 10_000;
    /** The longest line parsed (64 KiB, without its line end); a longer line is skipped. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    /**
     * What one parse found.
     *
     * @param samples      each sample's value by its key, in the order of the body, unmodifiable
     * @param skippedLines lines that were not comments, blank or a usable sample (malformed, too long, a name with
     *                     control characters, a duplicate key)
     * @param truncated    whether a limit cut the body short ({@link #MAX_BODY_BYTES} or {@link #MAX_SAMPLES})
     */
    record Result(Map<String, Double> samples, int skippedLines, boolean truncated) {
    }

    private PrometheusText() {
    }

    /**
     * Parses a body; {@code body} may be longer than {@link #MAX_BODY_BYTES}, only its first bytes are read.
     *
     * @param body the body, or {@code null} for none
     * @return what was found; empty for {@code null}
     */
    static Result parse(byte[] body) {
        Map<String, Double> samples = new LinkedHashMap<>();
        if (body == null) {
            return new Result(Map.of(), 0, false);
        }
        boolean truncated = body.length > MAX_BODY_BYTES;
        int end = Math.min(body.length, MAX_BODY_BYTES);
        int skipped = 0;
        int start = 0;
        while (start < end) {
            int newline = indexOf(body, (byte) '\n', start, end);
            if (newline < 0) {
                if (truncated) {
                    // the line was cut off by the limit: not a line
                    break;
                }
                newline = end;
            }
            int lineEnd = newline;
            if (lineEnd > start && body[lineEnd - 1] == '\r') {
                lineEnd--;
            }
            int length = lineEnd - start;
            if (length > MAX_LINE_BYTES) {
                skipped++;
            } else if (length > 0) {
                String line = new String(body, start, length, StandardCharsets.UTF_8);
                int outcome = line(line, samples);
                if (outcome < 0) {
                    skipped++;
                } else if (outcome > 0 && samples.size() >= MAX_SAMPLES) {
                    truncated |= hasMoreSamples(body, newline + 1, end);
                    break;
                }
            }
            start = newline + 1;
        }
        return new Result(Collections.unmodifiableMap(samples), skipped, truncated);
    }

    /** Whether anything but blank lines and comments follows (a sample the limit dropped). */
    private static boolean hasMoreSamples(byte[] body, int from, int end) {
        int start = from;
        while (start < end) {
            int newline = indexOf(body, (byte) '\n', start, end);
            int lineEnd = newline < 0 ? end : newline;
            String line = new String(body, start, Math.min(lineEnd - start, 256), StandardCharsets.UTF_8).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                return true;
            }
            start = lineEnd + 1;
        }
        return false;
    }

    private static int indexOf(byte[] bytes, byte b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One line. @return 1 when a sample was added, 0 for a comment or a blank line, -1 when the line was skipped
     */
    private static int line(String line, Map<String, Double> samples) {
        int i = skipBlanks(line, 0);
        if (i == line.length() || line.charAt(i) == '#') {
            return 0;
        }
        int nameStart = i;
        if (!isNameStart(line.charAt(i))) {
            return -1;
        }
        while (i < line.length() && isNamePart(line.charAt(i))) {
            i++;
        }
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1);
            if (i < 0) {
                return -1;
            }
        }
        String key = line.substring(nameStart, i);
        if (i == line.length() || !isBlank(line.charAt(i))) {
            return -1;
        }
        i = skipBlanks(line, i);
        int valueStart = i;
        while (i < line.length() && !isBlank(line.charAt(i))) {
            i++;
        }
        Double value = value(line.substring(valueStart, i));
        if (value == null) {
            return -1;
        }
        i = skipBlanks(line, i);
        if (i < line.length()) {
            int timestampStart = i;
            while (i < line.length() && !isBlank(line.charAt(i))) {
                i++;
            }
            if (!isTimestamp(line.substring(timestampStart, i)) || skipBlanks(line, i) != line.length()) {
                return -1;
            }
        }
        String safe = sanitized(key);
        if (safe == null || samples.containsKey(safe)) {
            return -1;
        }
        samples.put(safe, value);
        return 1;
    }

    /**
     * A label set after its {@code {}. @return the index after its closing brace, or -1 when it is malformed
     */
    private static int labels(String line, int from) {
        int i = skipBlanks(line, from);
        while (true) {
            if (i == line.length()) {
                return -1;
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            if (!isLabelStart(line.charAt(i))) {
                return -1;
            }
            while (i < line.length() && isLabelPart(line.charAt(i))) {
                i++;
            }
            i = skipBlanks(line, i);
            if (i == line.length() || line.charAt(i) != '=') {
                return -1;
            }
            i = skipBlanks(line, i + 1);
            if (i == line.length() || line.charAt(i) != '"') {
                return -1;
            }
            i++;
            while (true) {
                if (i == line.length()) {
                    return -1;
                }
                char c = line.charAt(i);
                if (c == '"') {
                    i++;
                    break;
                }
                if (c == '\\') {
                    if (i + 1 == line.length()) {
                        return -1;
                    }
                    char escaped = line.charAt(i + 1);
                    if (escaped != '\\' && escaped != '"' && escaped != 'n') {
                        return -1;
                    }
                    i += 2;
                } else {
                    i++;
                }
            }
            i = skipBlanks(line, i);
            if (i < line.length() && line.charAt(i) == ',') {
                i = skipBlanks(line, i + 1);
            } else if (i == line.length() || line.charAt(i) != '}') {
                return -1;
            }
        }
    }

    /** A sample value as Go's {@code ParseFloat} reads it (decimal only), or {@code null}. */
    static Double value(String text) {
        if (text.isEmpty() || text.length() > 64) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "nan", "+nan", "-nan":
                return Double.NaN;
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        // Double.parseDouble also takes hex floats, "Infinity" and a trailing d or f: only plain decimals here
        int i = 0;
        if (text.charAt(0) == '+' || text.charAt(0) == '-') {
            i++;
        }
        int digits = 0;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < text.length() && text.charAt(i) == '.') {
            i++;
            while (i < text.length() && isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < text.length() && isDigit(text.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return null;
            }
        }
        if (i != text.length()) {
            return null;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isTimestamp(String text) {
        int i = text.startsWith("-") ? 1 : 0;
        if (i == text.length() || text.length() > 20) {
            return false;
        }
        for (; i < text.length(); i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The key with only printable ASCII, or {@code null} when it holds a control character (a raw one can only sit
     * inside a label value).
     */
    private static String sanitized(String key) {
        StringBuilder out = null;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c)) {
                return null;
            }
            boolean printable = c >= 0x20 && c < 0x7F;
            if (!printable && out == null) {
                out = new StringBuilder(key.length()).append(key, 0, i);
            } else if (printable && out != null) {
                out.append(c);
            }
        }
        return out == null ? key : out.toString();
    }

    private static int skipBlanks(String line, int from) {
        int i = from;
        while (i < line.length() && isBlank(line.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLabelStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isLabelPart(char c) {
        return isLabelStart(c) || isDigit(c);
    }

    private static boolean isNameStart(char c) {
        return isLabelStart(c) || c == ':';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || isDigit(c);
    }
}
