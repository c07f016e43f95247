package dev.lmsbench.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Line splitting, timestamps and the line bound of Ollama's NDJSON streams. */
class NdjsonParserTest {

    private static List<NdjsonParser.Line> feed(NdjsonParser parser, String text, long nanos)
            throws TooLargeException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return parser.feed(bytes, 0, bytes.length, nanos);
    }

    @Test
    void aLineSplitAcrossReadsGetsTheTimeOfTheReadThatCompletedIt() throws TooLargeException {
        NdjsonParser parser = new NdjsonParser();

        assertThat(feed(parser, "{\"a\":", 1)).isEmpty();
        List<NdjsonParser.Line> lines = feed(parser, "1}\n{\"b\":2}\r\n\n{\"c\"", 2);

        assertThat(lines).containsExactly(new NdjsonParser.Line("{\"a\":1}", 2), new NdjsonParser.Line("{\"b\":2}", 2));
        assertThat(parser.finish(3)).containsExactly(new NdjsonParser.Line("{\"c\"", 3));
    }

    @Test
    void aMultiByteCharacterSplitAcrossReadsIsKeptWhole() throws TooLargeException {
        NdjsonParser parser = new NdjsonParser();
        byte[] bytes = "\"é\"\n".getBytes(StandardCharsets.UTF_8);

        assertThat(parser.feed(bytes, 0, 2, 1)).isEmpty();
        assertThat(parser.feed(bytes, 2, bytes.length - 2, 2)).extracting(NdjsonParser.Line::text)
                .containsExactly("\"é\"");
    }

    @Test
    void aLineLongerThanTheLimitFailsAsSoonAsItPassesIt() throws TooLargeException {
        NdjsonParser parser = new NdjsonParser();
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        long fed = 0;
        TooLargeException failure = null;
        while (failure == null && fed < 4L * NdjsonParser.MAX_LINE_BYTES) {
            try {
                parser.feed(chunk, 0, chunk.length, fed);
                fed += chunk.length;
            } catch (TooLargeException e) {
                failure = e;
            }
        }
        assertThat(failure).isNotNull();
        assertThat(fed).isLessThanOrEqualTo(NdjsonParser.MAX_LINE_BYTES);
    }
}
