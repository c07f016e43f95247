package dev.lmsbench.core.spi;

import java.util.Objects;

/**
 * A request to a server failed. The message is one line a user can act on and names the URL involved.
 */
public class BackendException extends Exception {

    /** What kind of failure. */
    public enum Kind {
        /** Nothing answered: connection refused, unknown host, reset before a response. */
        CONNECTION,
        /** The request took longer than its timeout. */
        TIMEOUT,
        /** The server answered with an HTTP error status. */
        HTTP_STATUS,
        /** The server answered something we could not understand. */
        PROTOCOL,
        /** The request was cancelled (Ctrl-C). */
        CANCELLED
    }

    private final Kind kind;
    private final int httpStatus;
    private final String url;

    /**
     * @param kind       the failure kind
     * @param message    a one-line message
     * @param url        the URL involved, or {@code ""}
     * @param httpStatus the HTTP status, or {@code -1}
     * @param cause      the cause, or {@code null}
     */
    public BackendException(Kind kind, String message, String url, int httpStatus, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.url = Objects.requireNonNullElse(url, "");
        this.httpStatus = httpStatus;
    }

    /** The failure kind. */
    public Kind kind() {
        return kind;
    }

    /** The HTTP status for {@link Kind#HTTP_STATUS}, else {@code -1}. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The URL involved, or {@code ""}. */
    public String url() {
        return url;
    }

    /**
     * Whether the server refused because the machine lacks the memory (a load that would not fit). The engine then
     * skips the model with this reason instead of failing it. Backends that recognize such refusals override this.
     *
     * @return true for a resource refusal
     */
    public boolean insufficientResources() {
        return false;
    }
}
