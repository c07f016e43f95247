package dev.lmsbench.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes an HTTP/1.1 {@code Transfer-Encoding: chunked} body (RFC 9112 section 7.1): chunk extensions are ignored,
 * trailers are read and dropped, the zero-length chunk ends the body.
 *
 * <p>Latency is the point of this class: {@link #read(byte[], int, int)} makes at most one data read on the
 * underlying stream and returns whatever it got, so bytes of the current chunk reach the caller (and its
 * {@link System#nanoTime()} stamp) as soon as the underlying stream has any; it never waits to fill the caller's
 * buffer or to see a whole chunk. It blocks only for framing it cannot do without (the CRLF after a chunk and the
 * next size line). The CRLF after a chunk is read lazily, at the next call, so the last data bytes are not held back
 * waiting for it.
 *
 * <p>Not thread-safe: one decoder per response, used by the reading thread.
 */
final class ChunkedInputStream extends InputStream {

    /** A chunk-size line (size plus extensions) longer than this is not a real server: {@code TOO_LARGE}. */
    static final int MAX_SIZE_LINE_BYTES = 8 * 1024;
    /** Trailers are dropped, but must be bounded like headers: more is {@code TOO_LARGE}. */
    static final int MAX_TRAILER_BYTES = 64 * 1024;

    private enum State { SIZE, DATA, CRLF, DONE }

    private final InputStream in;
    private State state = State.SIZE;
    private long remaining;

    /** @param in the raw body bytes; its {@code read(byte[], int, int)} should return as soon as any are available */
    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    /** {@return whether the last chunk and the trailers were read: the connection is positioned after the body} */
    boolean isComplete() {
        return state == State.DONE;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (true) {
            switch (state) {
                case DONE -> {
                    return -1;
                }
                case CRLF -> {
                    readChunkEnd();
                    state = State.SIZE;
                }
                case SIZE -> {
                    long size = readSizeLine();
                    if (size == 0) {
                        readTrailers();
                        state = State.DONE;
                        return -1;
                    }
                    remaining = size;
                    state = State.DATA;
                }
                case DATA -> {
                    int n = in.read(b, off, (int) Math.min(len, remaining));
                    if (n < 0) {
                        throw new EOFException("connection closed inside a chunk, " + remaining + " bytes missing");
                    }
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CRLF;
                    }
                    return n;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    @Override
    public int available() throws IOException {
        return state == State.DATA ? (int) Math.min(in.available(), remaining) : 0;
    }

    /** The caller owns the underlying stream (a pooled connection); closing the decoder does not close it. */
    @Override
    public void close() {
        // Nothing to release here.
    }

    private void readChunkEnd() throws IOException {
        int b = readByte();
        if (b == '\r') {
            b = readByte();
        }
        if (b != '\n') {
            throw new HttpProtocolException("chunk data not followed by CRLF");
        }
    }

    private long readSizeLine() throws IOException {
        String line = readLine(MAX_SIZE_LINE_BYTES, "chunk size line");
        int end = 0;
        while (end < line.length() && Character.digit(line.charAt(end), 16) >= 0) {
            end++;
        }
        // After the hex digits only whitespace (tolerated) and extensions (";name=value") may follow.
        String rest = line.substring(end).stripLeading();
        // More than 15 hex digits is a size beyond any body (and beyond a long): not a real server.
        if (end == 0 || end > 15 || !(rest.isEmpty() || rest.charAt(0) == ';')) {
            throw new HttpProtocolException("invalid chunk size line '" + abbreviate(line) + "'");
        }
        return Long.parseLong(line, 0, end, 16);
    }

    private void readTrailers() throws IOException {
        int total = 0;
        while (true) {
            String line = readLine(MAX_TRAILER_BYTES - total, "trailer section");
            if (line.isEmpty()) {
                return;
            }
            total += line.length() + 2;
        }
    }

    /** Reads a line ending in CRLF (or a bare LF, tolerated) as ISO-8859-1, without the line end. */
    private String readLine(int limit, String what) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = readByte();
            if (b == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            if (line.length() >= limit) {
                throw new TooLargeException(what + " longer than " + limit + " bytes");
            }
            line.append((char) b);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed inside the chunked framing");
        }
        return b;
    }

    private static String abbreviate(String line) {
        return line.length() <= 40 ? line : line.substring(0, 40) + "...";
    }
}
