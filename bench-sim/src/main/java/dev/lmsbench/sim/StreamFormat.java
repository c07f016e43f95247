package dev.lmsbench.sim;

import java.util.List;

/**
 * The bytes of one streamed response in one API's wire format. {@link StreamingResponse} owns the timing; a format
 * only says what to write at each point.
 */
interface StreamFormat {

    /**
     * An event that is not a token, due at a fixed offset from the request (model load and prompt processing
     * progress). Milestones are due no later than the first token and come in order.
     *
     * @param offsetNanos due time after the request was read
     * @param bytes       the encoded event
     */
    record Milestone(long offsetNanos, byte[] bytes) {
    }

    /** The response's {@code Content-Type}: server-sent events unless the format says otherwise. */
    default String contentType() {
        return "text/event-stream; charset=utf-8";
    }

    /** Written with the response headers, at once. */
    byte[] head();

    /** Events between the head and the first token, in order. */
    List<Milestone> milestones();

    /** The event(s) carrying token {@code index}. */
    byte[] token(int index, String piece, boolean reasoning);

    /** Everything after the last token, up to the end of the stream. */
    byte[] tail();
}
