package dev.lmsbench.client;

import java.io.IOException;

/**
 * The server sent more than one of the client's documented input limits allows (a header block, a header count, a
 * chunk-size line, an SSE line or event, a body). Reported as {@code TOO_LARGE}; the connection is discarded, because
 * the rest of what the server sends is not read.
 */
final class TooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message which limit, with its value, one line */
    TooLargeException(String message) {
        super(message);
    }
}
