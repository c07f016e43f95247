package dev.lmsbench.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SseParserTest {

    private static final String STREAM = """
            : keep-alive
            retry: 1000
            event: message
            id: 7
            data: {"a":"héllo 👋 日本"}

            data:{"b":2}
            data: line two

            data: [DONE]

            """;

    private static final List<String> STREAM_EVENTS = List.of("{\"a\":\"héllo 👋 日本\"}", "{\"b\":2}\nline two", "[DONE]");

    @Test
    void parsesDataEventsAndIgnoresCommentsAndOtherFields() throws TooLargeException {
        assertThat(parseWhole(STREAM)).isEqualTo(STREAM_EVENTS);
    }

    @Test
    void joinsMultipleDataLinesOfOneEventWithNewline() throws TooLargeException {
        assertThat(parseWhole("data: one\ndata: two\ndata:three\n\n")).containsExactly("one\ntwo\nthree");
    }

    @Test
    void acceptsDataWithOrWithoutTheSpaceAndStripsOnlyOneSpace() throws TooLargeException {
        assertThat(parseWhole("data:x\n\ndata: y\n\ndata:  z\n\n")).containsExactly("x", "y", " z");
    }

    @Test
    void treatsCrLfAndCrOnlyLineEndsLikeLf() throws TooLargeException {
        assertThat(parseWhole(STREAM.replace("\n", "\r\n"))).isEqualTo(STREAM_EVENTS);
        assertThat(parseWhole(STREAM.replace("\n", "\r"))).isEqualTo(STREAM_EVENTS);
    }

    @Test
    void givesTheSameEventsWhereverTheStreamIsSplitAcrossReads() throws TooLargeException {
        for (String stream : List.of(STREAM, STREAM.replace("\n", "\r\n"), STREAM.replace("\n", "\r"))) {
            byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
            for (int first = 0; first <= bytes.length; first++) {
                for (int second = first; second <= bytes.length; second += 7) {
                    SseParser parser = new SseParser();
                    List<String> events = new ArrayList<>();
                    feed(parser, bytes, 0, first, events);
                    feed(parser, bytes, first, second, events);
                    feed(parser, bytes, second, bytes.length, events);
                    parser.finish(0).forEach(e -> events.add(e.data()));
                    assertThat(events).as("split at %d and %d", first, second).isEqualTo(STREAM_EVENTS);
                }
            }
        }
    }

    @Test
    void givesTheSameEventsWhenFedOneByteAtATime() throws TooLargeException {
        for (String stream : List.of(STREAM, STREAM.replace("\n", "\r\n"), STREAM.replace("\n", "\r"))) {
            byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
            SseParser parser = new SseParser();
            List<String> events = new ArrayList<>();
            for (int i = 0; i < bytes.length; i++) {
                feed(parser, bytes, i, i + 1, events);
            }
            assertThat(events).isEqualTo(STREAM_EVENTS);
        }
    }

    @Test
    void keepsMultiByteCharactersThatAreSplitInsideTheirBytes() throws TooLargeException {
        byte[] bytes = "data: é👋日\n\n".getBytes(StandardCharsets.UTF_8);
        // "data: " is 6 bytes; é is 2 bytes, 👋 is 4, 日 is 3: split after every byte inside them.
        for (int split = 7; split < 15; split++) {
            SseParser parser = new SseParser();
            List<String> events = new ArrayList<>();
            feed(parser, bytes, 0, split, events);
            feed(parser, bytes, split, bytes.length, events);
            assertThat(events).as("split at %d", split).containsExactly("é👋日");
        }
    }

    @Test
    void treatsCrAtTheEndOfOneReadAndLfAtTheStartOfTheNextAsOneLineEnd() throws TooLargeException {
        SseParser parser = new SseParser();
        List<String> events = new ArrayList<>();
        feed(parser, "data: a\r".getBytes(StandardCharsets.UTF_8), events);
        feed(parser, "\ndata: b\r".getBytes(StandardCharsets.UTF_8), events);
        assertThat(events).as("a CR LF pair split across reads is not an empty line").isEmpty();
        feed(parser, "\n\r\n".getBytes(StandardCharsets.UTF_8), events);
        assertThat(events).containsExactly("a\nb");
    }

    @Test
    void stampsEachEventWithTheTimeOfTheReadThatCompletedIt() throws TooLargeException {
        SseParser parser = new SseParser();
        assertThat(parser.feed(bytes("data: {\"x\":"), 0, 11, 100)).isEmpty();
        assertThat(parser.feed(bytes("1}\n"), 0, 3, 200)).isEmpty();
        List<SseParser.Event> events = parser.feed(bytes("\ndata: y\n\n"), 0, 10, 300);
        assertThat(events).containsExactly(new SseParser.Event("{\"x\":1}", 300), new SseParser.Event("y", 300));
    }

    @Test
    void dispatchesACompleteLastEventWithoutTheFinalBlankLineAtEndOfStream() throws TooLargeException {
        SseParser parser = new SseParser();
        assertThat(parser.feed(bytes("data: last\n"), 0, 11, 1)).isEmpty();
        assertThat(parser.hasPartialLine()).isFalse();
        assertThat(parser.finish(2)).containsExactly(new SseParser.Event("last", 2));
    }

    @Test
    void dropsAnUnterminatedLastLineAtEndOfStreamBecauseItMayBeCutOff() throws TooLargeException {
        SseParser parser = new SseParser();
        parser.feed(bytes("data: {\"cut"), 0, 11, 1);
        assertThat(parser.hasPartialLine()).isTrue();
        assertThat(parser.finish(2)).isEmpty();
    }

    @Test
    void dispatchesAnEmptyStringForADataLineWithoutValue() throws TooLargeException {
        assertThat(parseWhole("data\n\ndata:\n\n")).containsExactly("", "");
    }

    @Test
    void ignoresBlankLinesAndCommentOnlyBlocks() throws TooLargeException {
        assertThat(parseWhole("\n\n: ping\n\n\r\n:\n\n")).isEmpty();
    }

    @Test
    void stripsAByteOrderMarkAtTheStartOfTheStream() throws TooLargeException {
        assertThat(parseWhole("\uFEFFdata: x\n\n")).containsExactly("x");
    }

    @Test
    void failsALineLongerThanTheLimitAsSoonAsTheLimitIsPassedNotAtItsEnd() throws TooLargeException {
        SseParser parser = new SseParser();
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, (byte) 'x');
        parser.feed(bytes("data: "), 0, 6, 0);
        long fed = 6;
        TooLargeException failure = null;
        while (failure == null && fed < 4L * SseParser.MAX_LINE_BYTES) {
            try {
                parser.feed(block, 0, block.length, 0);
                fed += block.length;
            } catch (TooLargeException e) {
                failure = e;
            }
        }
        assertThat(failure).as("an endless line must fail").isNotNull();
        assertThat(failure).hasMessage("SSE line longer than 1048576 bytes");
        assertThat(fed).as("bytes fed before the failure").isLessThanOrEqualTo(SseParser.MAX_LINE_BYTES);
    }

    @Test
    void acceptsALineOfExactlyTheLimit() throws TooLargeException {
        String value = "x".repeat(SseParser.MAX_LINE_BYTES - "data: ".length());

        assertThat(parseWhole("data: " + value + "\n\n")).containsExactly(value);
    }

    @Test
    void failsAnEventWhoseDataLinesAddUpToMoreThanTheEventLimit() {
        SseParser parser = new SseParser();
        byte[] line = bytes("data: " + "y".repeat(512 * 1024) + "\n");

        TooLargeException e = catchThrowableOfType(TooLargeException.class, () -> {
            for (int i = 0; i < 16; i++) {
                parser.feed(line, 0, line.length, 0);
            }
        });

        assertThat(e).hasMessage("SSE event data larger than 4194304 bytes");
    }

    private static List<String> parseWhole(String text) throws TooLargeException {
        SseParser parser = new SseParser();
        List<String> events = new ArrayList<>();
        feed(parser, text.getBytes(StandardCharsets.UTF_8), events);
        parser.finish(0).forEach(e -> events.add(e.data()));
        return events;
    }

    private static void feed(SseParser parser, byte[] bytes, List<String> events) throws TooLargeException {
        feed(parser, bytes, 0, bytes.length, events);
    }

    private static void feed(SseParser parser, byte[] bytes, int from, int to, List<String> events)
            throws TooLargeException {
        parser.feed(bytes, from, to - from, 0).forEach(e -> events.add(e.data()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
