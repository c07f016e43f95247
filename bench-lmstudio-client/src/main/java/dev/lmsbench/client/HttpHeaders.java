package dev.lmsbench.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Response header fields, looked up case-insensitively. A field sent several times keeps every value in order.
 *
 * <p>Immutable once built by {@link Builder}; safe to share.
 */
final class HttpHeaders {

    private final Map<String, List<String>> fields;

    private HttpHeaders(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /** Collects fields while the header block is parsed. Not thread-safe. */
    static final class Builder {
        private final Map<String, List<String>> fields = new LinkedHashMap<>();

        /** Adds one field value; the name is case-insensitive. */
        Builder add(String name, String value) {
            fields.computeIfAbsent(name.toLowerCase(Locale.ROOT), key -> new ArrayList<>(1)).add(value);
            return this;
        }

        HttpHeaders build() {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            fields.forEach((name, values) -> copy.put(name, List.copyOf(values)));
            return new HttpHeaders(copy);
        }
    }

    /** {@return the first value of a field, if it was sent} */
    Optional<String> firstValue(String name) {
        List<String> values = fields.get(name.toLowerCase(Locale.ROOT));
        return values == null ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** {@return every value of a field, in order; empty when it was not sent} */
    List<String> values(String name) {
        return fields.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /**
     * Whether a comma-separated field (such as {@code Connection} or {@code Transfer-Encoding}) lists a token,
     * case-insensitively, in any of its values.
     */
    boolean hasToken(String name, String token) {
        for (String value : values(name)) {
            for (String part : value.split(",")) {
                if (part.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@return every token of a comma-separated field, in order, lower case} */
    List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : values(name)) {
            for (String part : value.split(",")) {
                String token = part.strip();
                if (!token.isEmpty()) {
                    tokens.add(token.toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
