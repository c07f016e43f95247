package dev.lmsbench.web;

import java.io.Serial;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A start body whose settings cannot be used; the API answers 400 {@code {"error": message, "fields": {...}}}.
 */
public final class StartRequestException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> fields;

    /**
     * @param message one line for the user
     * @param fields  field name (as in the body, e.g. {@code runs}) to what is wrong with it; may be empty
     */
    public StartRequestException(String message, Map<String, String> fields) {
        super(Objects.requireNonNull(message, "message"));
        this.fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** @param field the field @param problem what is wrong with it @return an exception naming one field */
    public static StartRequestException field(String field, String problem) {
        return new StartRequestException(field + ": " + problem, Map.of(field, problem));
    }

    /** @return field name to problem, in the order found; empty when the error concerns no single field */
    public Map<String, String> fields() {
        return fields;
    }
}
