package dev.lmsbench.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental Server-Sent Events parser following the WHATWG "event stream interpretation" rules, fed raw bytes as
 * they come off the socket.
 *
 * <p>Lines end with CRLF, LF or CR; a CR at the end of one read and the LF at the start of the next are one line end.
 * Bytes are buffered per line and decoded as UTF-8 only once the line is complete, so a multi-byte character split
 * across reads is never corrupted (CR and LF never occur inside a UTF-8 sequence). {@code data} lines are joined with
 * {@code "\n"}; comments ({@code :...}) and the {@code event}, {@code id} and {@code retry} fields are ignored because
 * chat completions do not use them.
 *
 * <p>Each event carries the timestamp of the {@link #feed} call whose bytes completed it: that is when the client
 * could first have seen it, which is what the timings measure.
 *
 * <p>Deliberate deviation from WHATWG at end of stream: an event whose lines are complete but which lacks the final
 * blank line is still dispatched (servers that close right after the last event lose nothing); an unterminated last
 * line is dropped, as the spec says, because it may be truncated.
 *
 * <p>Bounded: a line longer than {@link #MAX_LINE_BYTES} or an event whose data lines add up to more than
 * {@link #MAX_EVENT_BYTES} fails {@link #feed} with a {@link TooLargeException} as soon as the limit is passed, so an
 * endless line costs at most the limit in memory, never an {@code OutOfMemoryError}.
 *
 * <p>Not thread-safe: one parser per response, used by the thread that reads the body.
 */
final class SseParser {

    /** The longest SSE line accepted, in bytes (1 MiB); chat chunks are a few hundred bytes. */
    static final int MAX_LINE_BYTES = 1024 * 1024;
    /** The most data one event may carry, in bytes of its data lines (4 MiB). */
    static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    /**
     * One dispatched event.
     *
     * @param data  the event's data lines joined with {@code "\n"}
     * @param nanos {@link System#nanoTime()} of the read that completed the event
     */
    record Event(String data, long nanos) {
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final char BOM = '\uFEFF';

    private byte[] line = new byte[512];
    private int lineLength;
    /** The previous byte was a CR: a directly following LF belongs to the same line end, even across reads. */
    private boolean skipLf;
    private boolean firstLine = true;
    private final StringBuilder data = new StringBuilder();
    private long eventBytes;

    /**
     * Feeds the bytes of one read.
     *
     * @param bytes  buffer
     * @param offset start in the buffer
     * @param length number of bytes
     * @param nanos  {@link System#nanoTime()} taken right after the read returned
     * @return the events these bytes completed, in order, possibly empty
     * @throws TooLargeException when a line or an event passes its limit
     */
    List<Event> feed(byte[] bytes, int offset, int length, long nanos) throws TooLargeException {
        List<Event> events = null;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (skipLf) {
                skipLf = false;
                if (b == LF) {
                    continue;
                }
            }
            if (b == CR || b == LF) {
                skipLf = b == CR;
                Event event = endLine(nanos);
                if (event != null) {
                    if (events == null) {
                        events = new ArrayList<>(2);
                    }
                    events.add(event);
                }
            } else {
                append(b);
            }
        }
        return events == null ? List.of() : events;
    }

    /**
     * Ends the stream.
     *
     * @param nanos {@link System#nanoTime()} when the end of stream was seen
     * @return the last event, when its lines were complete but the blank line after it never came
     */
    List<Event> finish(long nanos) {
        lineLength = 0;
        Event event = dispatch(nanos);
        return event == null ? List.of() : List.of(event);
    }

    /** Whether bytes of an unterminated line are pending (used to tell a truncated stream apart in logs). */
    boolean hasPartialLine() {
        return lineLength > 0;
    }

    private void append(byte b) throws TooLargeException {
        if (lineLength == line.length) {
            if (lineLength >= MAX_LINE_BYTES) {
                throw new TooLargeException("SSE line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_LINE_BYTES));
        }
        line[lineLength++] = b;
    }

    private Event endLine(long nanos) throws TooLargeException {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        int bytes = lineLength;
        lineLength = 0;
        if (firstLine) {
            firstLine = false;
            if (!text.isEmpty() && text.charAt(0) == BOM) {
                text = text.substring(1);
            }
        }
        if (text.isEmpty()) {
            return dispatch(nanos);
        }
        if (text.charAt(0) == ':') {
            return null;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        if (!"data".equals(field)) {
            return null;
        }
        int valueStart = colon < 0 ? text.length() : colon + 1;
        if (valueStart < text.length() && text.charAt(valueStart) == ' ') {
            valueStart++;
        }
        // The line's bytes, plus one for the line end that joins data lines.
        eventBytes += bytes + 1L;
        if (eventBytes > MAX_EVENT_BYTES) {
            throw new TooLargeException("SSE event data larger than " + MAX_EVENT_BYTES + " bytes");
        }
        data.append(text, valueStart, text.length()).append('\n');
        return null;
    }

    private Event dispatch(long nanos) {
        eventBytes = 0;
        if (data.isEmpty()) {
            return null;
        }
        String joined = data.substring(0, data.length() - 1);
        data.setLength(0);
        return new Event(joined, nanos);
    }
}
