package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.ErrorType;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to a server failed. The message is one line a user can act on and names the URL involved.
 */
public class BackendException extends Exception {

    /** What kind of failure. */
    public enum Kind {
        /** Nothing answered: connection refused, unknown host, reset before a response. */
        CONNECTION(ErrorType.CONNECT),
        /** The request took longer than its timeout. */
        TIMEOUT(ErrorType.TIMEOUT),
        /** The server answered with an HTTP error status (or a redirect that is not followed). */
        HTTP_STATUS(ErrorType.HTTP_STATUS),
        /** The server answered bytes that are not valid HTTP or SSE framing. */
        PROTOCOL(ErrorType.PROTOCOL),
        /** The request was cancelled (Ctrl-C). */
        CANCELLED(ErrorType.CANCELLED),
        /** The connection broke after the response had started. */
        DISCONNECTED(ErrorType.DISCONNECTED),
        /** Valid framing, but not a usable answer (wrong content type, invalid JSON, no event, no token). */
        INVALID_RESPONSE(ErrorType.INVALID_RESPONSE),
        /** The server reported an error inside a successful response (an error object in a stream). */
        SERVER_ERROR(ErrorType.SERVER_ERROR),
        /** A documented input limit was exceeded (line, event, body, header, JSON depth). */
        TOO_LARGE(ErrorType.TOO_LARGE),
        /** The answer came from another model than the one asked for. */
        WRONG_MODEL(ErrorType.WRONG_MODEL),
        /** The model is not loaded and the server would not load it (JIT loading off). */
        MODEL_NOT_LOADED(ErrorType.MODEL_NOT_LOADED);

        private final ErrorType errorType;

        Kind(ErrorType errorType) {
            this.errorType = errorType;
        }

        /** {@return the error type recorded in results for a failure of this kind} */
        public ErrorType errorType() {
            return errorType;
        }
    }

    private final Kind kind;
    private final int httpStatus;
    private final String url;
    private Duration retryAfter;

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
     * The wait the server asked for with {@code Retry-After} (on a 429 or 503), bounded by the client that parsed it.
     *
     * @return the wait, or empty when the server asked for none
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Records the server's {@code Retry-After}.
     *
     * @param value the wait, or {@code null}
     * @return this exception
     */
    public BackendException withRetryAfter(Duration value) {
        this.retryAfter = value;
        return this;
    }

    /** {@return the error type recorded in results for this failure} */
    public ErrorType errorType() {
        return kind.errorType();
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
