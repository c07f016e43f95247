package dev.lmsbench.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental newline-delimited JSON splitter, fed raw bytes as they come off the socket: Ollama's streamed answers
 * are one JSON object per line (https://github.com/ollama/ollama/blob/main/docs/api.md, "Streaming responses").
 *
 * <p>Lines end with LF (a CR before it is dropped); blank lines are skipped. Bytes are buffered per line and decoded
 * as UTF-8 only once the line is complete, so a multi-byte character split across reads is never corrupted. Each line
 * carries the timestamp of the {@link #feed} call whose bytes completed it, as {@link SseParser}'s events do.
 *
 * <p>Bounded: a line longer than {@link #MAX_LINE_BYTES} (the SSE line limit, 1 MiB) fails {@link #feed} with a
 * {@link TooLargeException} as soon as the limit is passed.
 *
 * <p>Not thread-safe: one parser per response, used by the thread that reads the body.
 */
final class NdjsonParser {

    /** The longest line accepted, in bytes: {@link SseParser#MAX_LINE_BYTES} (1 MiB). */
    static final int MAX_LINE_BYTES = SseParser.MAX_LINE_BYTES;

    /**
     * One complete line.
     *
     * @param text  the line without its line end
     * @param nanos {@link System#nanoTime()} of the read that completed it
     */
    record Line(String text, long nanos) {
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private byte[] line = new byte[512];
    private int lineLength;

    /**
     * Feeds the bytes of one read.
     *
     * @param nanos {@link System#nanoTime()} taken right after the read returned
     * @return the non-blank lines these bytes completed, in order
     * @throws TooLargeException when a line passes {@link #MAX_LINE_BYTES}
     */
    List<Line> feed(byte[] bytes, int offset, int length, long nanos) throws TooLargeException {
        List<Line> lines = null;
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == LF) {
                Line done = endLine(nanos);
                if (done != null) {
                    if (lines == null) {
                        lines = new ArrayList<>(2);
                    }
                    lines.add(done);
                }
            } else {
                append(b);
            }
        }
        return lines == null ? List.of() : lines;
    }

    /**
     * Ends the stream.
     *
     * @return the last line when it was not terminated by a line end (Ollama ends its last object with one; a server
     *         that does not still loses nothing)
     */
    List<Line> finish(long nanos) {
        Line last = endLine(nanos);
        return last == null ? List.of() : List.of(last);
    }

    private void append(byte b) throws TooLargeException {
        if (lineLength == line.length) {
            if (lineLength >= MAX_LINE_BYTES) {
                throw new TooLargeException("NDJSON line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_LINE_BYTES));
        }
        line[lineLength++] = b;
    }

    private Line endLine(long nanos) {
        int end = lineLength;
        if (end > 0 && line[end - 1] == CR) {
            end--;
        }
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        lineLength = 0;
        return text.isBlank() ? null : new Line(text, nanos);
    }
}
