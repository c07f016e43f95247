package dev.lmsbench.client;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Chunked decoding (RFC 9112 section 7.1) and its promise to hand out bytes as soon as they are there. */
class ChunkedInputStreamTest {

    private static final String ENCODED = "5;name=value;quoted=\"a;b\"\r\nHello\r\n"
            + "7\r\n, world\r\n"
            + "A \r\n: chunked!\r\n"
            + "0;last\r\nX-Trailer: one\r\nX-Other: two\r\n\r\n";
    private static final String DECODED = "Hello, world: chunked!";

    @Test
    void decodesChunksWithExtensionsAndDropsTheTrailers() throws IOException {
        ChunkedInputStream in = chunked(ENCODED);

        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(DECODED);
        assertThat(in.isComplete()).isTrue();
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void endsAtTheZeroLengthChunkAndLeavesWhatFollowsUnread() throws IOException {
        ByteArrayInputStream raw = new ByteArrayInputStream(bytes("3\r\nabc\r\n0\r\n\r\nHTTP/1.1 next"));
        ChunkedInputStream in = new ChunkedInputStream(raw);

        assertThat(in.readAllBytes()).isEqualTo(bytes("abc"));
        assertThat(in.isComplete()).isTrue();
        assertThat(new String(raw.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 next");
    }

    @Test
    void decodesAnEmptyBodyThatIsOnlyTheLastChunk() throws IOException {
        ChunkedInputStream in = chunked("0\r\n\r\n");

        assertThat(in.read(new byte[8], 0, 8)).isEqualTo(-1);
        assertThat(in.isComplete()).isTrue();
    }

    @Test
    void decodesTheSameWhenTheStreamIsSplitAtEveryByte() throws IOException {
        byte[] encoded = bytes(ENCODED);
        for (int cut = 1; cut < encoded.length; cut++) {
            PieceStream pieces = new PieceStream(List.of(Arrays.copyOfRange(encoded, 0, cut),
                    Arrays.copyOfRange(encoded, cut, encoded.length)));
            ChunkedInputStream in = new ChunkedInputStream(pieces);

            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).as("cut at %d", cut).isEqualTo(DECODED);
            assertThat(in.isComplete()).isTrue();
        }
    }

    @Test
    void decodesTheSameWhenEveryByteArrivesAlone() throws IOException {
        byte[] encoded = bytes(ENCODED);
        List<byte[]> single = new java.util.ArrayList<>();
        for (byte b : encoded) {
            single.add(new byte[] {b});
        }
        ChunkedInputStream in = new ChunkedInputStream(new PieceStream(single));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64];
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            assertThat(n).as("one byte arrived, one byte returned").isEqualTo(1);
            out.write(buffer, 0, n);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(DECODED);
    }

    @Test
    void returnsThePartOfAChunkThatArrivedWithoutWaitingForTheRest() throws IOException {
        // The second piece is never asked for: PieceStream fails if a read would have to wait for it.
        PieceStream pieces = new PieceStream(List.of(bytes("10\r\nfirst"), bytes("-half-of-it\r\n0\r\n\r\n")));
        pieces.blockAfterFirstPiece = true;
        ChunkedInputStream in = new ChunkedInputStream(pieces);

        byte[] buffer = new byte[8192];
        int n = in.read(buffer, 0, buffer.length);

        assertThat(new String(buffer, 0, n, StandardCharsets.US_ASCII)).isEqualTo("first");
        assertThat(in.isComplete()).isFalse();
    }

    @Test
    void doesNotWaitForTheLineEndAfterAChunkBeforeReturningIt() throws IOException {
        PieceStream pieces = new PieceStream(List.of(bytes("5\r\nHello"), bytes("\r\n0\r\n\r\n")));
        pieces.blockAfterFirstPiece = true;
        ChunkedInputStream in = new ChunkedInputStream(pieces);

        byte[] buffer = new byte[100];
        int n = in.read(buffer, 0, buffer.length);

        assertThat(new String(buffer, 0, n, StandardCharsets.US_ASCII)).isEqualTo("Hello");
    }

    @Test
    void rejectsAnInvalidChunkSize() {
        for (String bad : List.of("zz\r\n", "\r\n", "-1\r\n", "5 x\r\nHello\r\n", "1000000000000000000\r\n")) {
            Throwable thrown = catchThrowable(() -> chunked(bad + "0\r\n\r\n").readAllBytes());

            assertThat(thrown).as(bad).isInstanceOf(HttpProtocolException.class)
                    .hasMessageStartingWith("invalid chunk size line");
        }
    }

    @Test
    void rejectsChunkDataNotFollowedByCrLf() {
        Throwable thrown = catchThrowable(() -> chunked("3\r\nabcX\r\n0\r\n\r\n").readAllBytes());

        assertThat(thrown).isInstanceOf(HttpProtocolException.class).hasMessage("chunk data not followed by CRLF");
    }

    @Test
    void rejectsAChunkSizeLineLongerThanTheLimitAsTooLarge() {
        String line = "1".repeat(ChunkedInputStream.MAX_SIZE_LINE_BYTES + 1) + "\r\n";

        Throwable thrown = catchThrowable(() -> chunked(line + "0\r\n\r\n").readAllBytes());

        assertThat(thrown).isInstanceOf(TooLargeException.class)
                .hasMessage("chunk size line longer than 8192 bytes");
    }

    @Test
    void rejectsTrailersLargerThanTheLimit() {
        String trailer = "X-Big: " + "a".repeat(ChunkedInputStream.MAX_TRAILER_BYTES) + "\r\n";

        Throwable thrown = catchThrowable(() -> chunked("0\r\n" + trailer + "\r\n").readAllBytes());

        assertThat(thrown).isInstanceOf(TooLargeException.class).hasMessageContaining("trailer section");
    }

    @Test
    void reportsAConnectionClosedInsideAChunkAsEndOfFileError() {
        Throwable thrown = catchThrowable(() -> chunked("a\r\nabc").readAllBytes());

        assertThat(thrown).isInstanceOf(EOFException.class).isNotInstanceOf(HttpProtocolException.class);
    }

    @Test
    void reportsAConnectionClosedBeforeTheLastChunkAsEndOfFileError() {
        Throwable thrown = catchThrowable(() -> chunked("3\r\nabc\r\n").readAllBytes());

        assertThat(thrown).isInstanceOf(EOFException.class);
    }

    @Test
    void acceptsBareLineFeedsAsLineEnds() throws IOException {
        assertThat(chunked("3\nabc\n0\n\n").readAllBytes()).isEqualTo(bytes("abc"));
    }

    // ---- helpers ----

    private static ChunkedInputStream chunked(String encoded) {
        return new ChunkedInputStream(new ByteArrayInputStream(bytes(encoded)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Hands out its pieces like a socket: a read returns bytes of the current piece only, never more than arrived
     * together. With {@link #blockAfterFirstPiece}, a read that would have to wait for the second piece fails the
     * test instead of blocking.
     */
    private static final class PieceStream extends InputStream {
        private final Deque<byte[]> pieces;
        private byte[] current = new byte[0];
        private int position;
        private int piecesTaken;
        boolean blockAfterFirstPiece;

        PieceStream(List<byte[]> pieces) {
            this.pieces = new ArrayDeque<>(pieces);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position == current.length) {
                if (pieces.isEmpty()) {
                    return -1;
                }
                if (blockAfterFirstPiece && piecesTaken == 1) {
                    throw new AssertionError("this read would block waiting for more bytes");
                }
                current = pieces.poll();
                position = 0;
                piecesTaken++;
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    }
}
