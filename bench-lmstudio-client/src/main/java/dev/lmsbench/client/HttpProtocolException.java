package dev.lmsbench.client;

import java.io.IOException;

/**
 * The server sent something that is not valid HTTP/1.1 (a malformed status line, header or chunk, or headers larger
 * than the limit). Reported as {@code PROTOCOL}, not as a connection failure, and never retried.
 */
final class HttpProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, one line */
    HttpProtocolException(String message) {
        super(message);
    }
}
