package dev.lmsbench.web;

import java.io.Serial;
import java.util.Map;

/** An error answer: a status and one line, with optional field errors; sent as {@code {"error": ...}}. */
final class ApiError extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    final int status;
    final transient Map<String, String> fields;

    ApiError(int status, String message) {
        this(status, message, Map.of());
    }

    ApiError(int status, String message, Map<String, String> fields) {
        super(message, null, false, false);
        this.status = status;
        this.fields = fields;
    }
}
