package dev.lmsbench.core.model;

import java.util.Locale;

/**
 * What kind of failure a request (or a model) ended in. Every error recorded in results carries one, beside its
 * sanitized one-line message, so reports and scripts can group failures without parsing text. The labels are the
 * stable names written to results.json, requests.csv and the database; {@code docs/errors.md} lists them all.
 */
public enum ErrorType {
    /** No error: the request succeeded. Label {@code ""}. */
    NONE(""),
    /** Nothing answered: connection refused, unknown host, connect timeout, TLS handshake failure. */
    CONNECT("connect"),
    /** The request took longer than its timeout (the server stalled, trickled, or never answered). */
    TIMEOUT("timeout"),
    /** The server answered with an HTTP error status (the status is recorded beside it), or a redirect not followed. */
    HTTP_STATUS("http_status"),
    /** The connection broke after the response had started (server crash, reset, short body). */
    DISCONNECTED("disconnected"),
    /** The bytes were not valid HTTP or SSE framing (bad status line, bad chunk size, unsupported encoding). */
    PROTOCOL("protocol"),
    /**
     * The framing was fine but the content was not a usable answer: wrong content type (HTML), invalid JSON, wrong
     * field types, no event at all, a stream without a single token-carrying chunk.
     */
    INVALID_RESPONSE("invalid_response"),
    /** The server reported an error inside a successful response (an {@code error} object in the stream). */
    SERVER_ERROR("server_error"),
    /** A documented input limit was exceeded (line, event, body, header, JSON depth); see {@code docs/limits.md}. */
    TOO_LARGE("too_large"),
    /**
     * The answer came from another model than the one asked for (its {@code model} field, or LM Studio's
     * {@code model_instance_id}, names another model): never counted as a measurement of the model asked for.
     */
    WRONG_MODEL("wrong_model"),
    /**
     * The server has the model but it is not loaded and the server would not load it (LM Studio with JIT loading
     * off: "No models loaded").
     */
    MODEL_NOT_LOADED("model_not_loaded"),
    /** The request was cancelled (Ctrl-C). */
    CANCELLED("cancelled"),
    /** A failure inside this tool (a bug): recorded so it is never mistaken for the server's. */
    CLIENT("client"),
    /** Stored before error types existed: the type is not known. */
    UNKNOWN("unknown");

    private final String label;

    ErrorType(String label) {
        this.label = label;
    }

    /** {@return the stable lower-case name used in CSV, JSON and the database; {@code ""} for NONE} */
    public String label() {
        return label;
    }

    /**
     * The type with this label; {@code ""} and {@code null} are {@link #NONE}, anything unrecognized is
     * {@link #UNKNOWN}.
     *
     * @param label a label as written by {@link #label()}
     * @return the type
     */
    public static ErrorType fromLabel(String label) {
        if (label == null || label.isEmpty()) {
            return NONE;
        }
        String l = label.strip().toLowerCase(Locale.ROOT);
        for (ErrorType t : values()) {
            if (t.label.equals(l)) {
                return t;
            }
        }
        return UNKNOWN;
    }
}
