package dev.lmsbench.client;

import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.offset;

/**
 * Timing, splitting, timeout and cancel behaviour against {@link ScriptedSseServer}, which writes raw bytes at
 * scheduled times. Tolerances are derived from the script's configured offsets and the server's own send log, never
 * from the speed of this machine: a lower bound is exact (a token cannot arrive before it is written), the upper
 * bound allows scheduling noise.
 *
 * <p>Chunk shapes follow https://platform.openai.com/docs/api-reference/chat-streaming/streaming.
 */
class OpenAiClientTimingTest {

    private static final long MS = 1_000_000L;
    /** How late a read may see bytes after the server flushed them on a loaded machine. */
    private static final long ARRIVAL_SLACK = 50 * MS;
    private static final String DONE = "data: [DONE]\n\n";

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void ignoresRoleOnlyFirstChunkForTtft() throws Exception {
        ScriptedSseServer server = start(ScriptedSseServer.script()
                .at(0, role())
                .at(150, content("Hi"))
                .at(160, content(" there"))
                .at(170, DONE)
                .end(180));

        InferenceResult result = client(server).infer(request(Duration.ofSeconds(10)));

        RequestTimings t = result.timings();
        assertThat(result.content()).isEqualTo("Hi there");
        assertThat(t.ttftSeconds()).as("TTFT is the first content, not the role chunk at ~0 ms")
                .isGreaterThanOrEqualTo(0.150);
        assertArrivedWith(t, t.firstTokenNanos(), server, 1);
        assertThat(t.firstContentNanos()).isEqualTo(t.firstTokenNanos());
        assertArrivedWith(t, t.firstByteNanos(), server, 0);
        assertThat(t.tokenChunkCount()).isEqualTo(2);
    }

    @Test
    void takesTtftAtTheFirstReasoningChunkAndFirstContentLater() throws Exception {
        ScriptedSseServer server = start(ScriptedSseServer.script()
                .at(0, role())
                .at(80, reasoning("Let"))
                .at(90, reasoning(" me think"))
                .at(200, content("Nine"))
                .at(210, DONE)
                .end(220));

        InferenceResult result = client(server).infer(request(Duration.ofSeconds(10)));

        RequestTimings t = result.timings();
        assertArrivedWith(t, t.firstTokenNanos(), server, 1);
        assertArrivedWith(t, t.firstContentNanos(), server, 3);
        assertThat(result.reasoning()).isEqualTo("Let me think");
        assertThat(result.usage().estimated()).isTrue();
        assertThat(result.usage().reasoningTokens()).isEqualTo(2);
        assertThat(result.usage().completionTokens()).isEqualTo(3);
    }

    @Test
    void measuresDecodeTimeOfTwentyTokensSentTenMillisecondsApart() throws Exception {
        ScriptedSseServer.Script script = ScriptedSseServer.script().at(0, role());
        for (int i = 0; i < 20; i++) {
            script.at(50 + 10L * i, content("t" + i));
        }
        ScriptedSseServer server = start(script.at(250, DONE).end(260));

        InferenceResult result = client(server).infer(request(Duration.ofSeconds(10)));

        RequestTimings t = result.timings();
        assertThat(t.tokenChunkCount()).isEqualTo(20);
        double configured = 0.190;
        double serverSent = (server.writtenNanos(20) - server.writtenNanos(1)) / 1e9;
        assertThat(t.decodeSeconds()).as("decode vs the configured 19 x 10 ms").isCloseTo(configured,
                offset(0.040));
        assertThat(t.decodeSeconds()).as("decode vs the server's send log").isCloseTo(serverSent,
                offset(0.020));
        assertThat(t.interTokenSeconds()).hasSize(19);
        assertThat(Arrays.stream(t.interTokenSeconds()).min().orElseThrow()).isNotNegative();
    }

    @Test
    void stampsAnEventSplitAcrossReadsWithTheReadThatCompletedIt() throws Exception {
        String event = content("Hello");
        int half = event.length() / 2;
        ScriptedSseServer server = start(ScriptedSseServer.script()
                .at(0, event.substring(0, half))
                .at(120, event.substring(half))
                .at(130, DONE)
                .end(140));

        InferenceResult result = client(server).infer(request(Duration.ofSeconds(10)));

        RequestTimings t = result.timings();
        assertThat(result.content()).isEqualTo("Hello");
        assertArrivedWith(t, t.firstByteNanos(), server, 0);
        assertArrivedWith(t, t.firstTokenNanos(), server, 1);
    }

    @Test
    void reassemblesCrLfEventsSplitInsideFieldsLineEndsAndUtf8Characters() throws Exception {
        assertSplitStreamIsReassembled("\r\n");
    }

    @Test
    void reassemblesCrOnlyEventsSplitAcrossReads() throws Exception {
        assertSplitStreamIsReassembled("\r");
    }

    @Test
    void treatsAStreamThatEndsWithoutDoneAsComplete() throws Exception {
        ScriptedSseServer server = start(ScriptedSseServer.script()
                .at(0, role())
                .at(20, content("Hi"))
                .end(100));

        InferenceResult result = client(server).infer(request(Duration.ofSeconds(10)));

        assertThat(result.content()).isEqualTo("Hi");
        assertArrivedWith(result.timings(), result.timings().endNanos(), server, 2);
    }

    @Test
    void timesOutMidStreamWhenTheServerStalls() throws Exception {
        ScriptedSseServer server = start(ScriptedSseServer.script()
                .at(0, role())
                .at(10, content("Hi")));
        OpenAiClient client = client(server);

        long start = System.nanoTime();
        BackendException e = catchThrowableOfType(BackendException.class,
                () -> client.infer(request(Duration.ofMillis(400))));
        long elapsed = System.nanoTime() - start;

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.getMessage()).isEqualTo("request to " + server.baseUrl() + "/chat/completions timed out after"
                + " 400 ms");
        assertThat(elapsed).isBetween(400 * MS, 400 * MS + 500 * MS);
    }

    @Test
    void timesOutWhileWaitingForHeaders() throws Exception {
        ScriptedSseServer server = start(ScriptedSseServer.script().noResponse());
        OpenAiClient client = client(server);

        long start = System.nanoTime();
        BackendException e = catchThrowableOfType(BackendException.class,
                () -> client.infer(request(Duration.ofMillis(300))));
        long elapsed = System.nanoTime() - start;

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(elapsed).isBetween(300 * MS, 300 * MS + 500 * MS);
    }

    @Test
    void cancelInFlightUnblocksARequestThatIsReadingItsStream() throws Exception {
        ScriptedSseServer server = start(ScriptedSseServer.script()
                .at(0, role())
                .at(10, content("Hi")));
        OpenAiClient client = client(server);
        CompletableFuture<InferenceResult> call = inferAsync(client, request(Duration.ofSeconds(30)));
        assertThat(server.awaitWritten(1, Duration.ofSeconds(5))).isTrue();

        long start = System.nanoTime();
        client.cancelInFlight();
        BackendException e = failureOf(call, Duration.ofSeconds(5));
        long elapsed = System.nanoTime() - start;

        assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(e.getMessage()).isEqualTo("request to " + server.baseUrl() + "/chat/completions was cancelled");
        assertThat(elapsed).isLessThan(1000 * MS);
    }

    @Test
    void cancelInFlightUnblocksARequestThatWaitsForHeaders() throws Exception {
        ScriptedSseServer server = start(ScriptedSseServer.script().noResponse());
        OpenAiClient client = client(server);
        CompletableFuture<InferenceResult> call = inferAsync(client, request(Duration.ofSeconds(30)));
        assertThat(server.awaitRequest(Duration.ofSeconds(5))).isTrue();

        long start = System.nanoTime();
        client.cancelInFlight();
        BackendException e = failureOf(call, Duration.ofSeconds(5));

        assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(System.nanoTime() - start).isLessThan(1000 * MS);
    }

    @Test
    void closeCancelsRequestsInFlight() throws Exception {
        ScriptedSseServer server = start(ScriptedSseServer.script().at(0, role()));
        OpenAiClient client = client(server);
        CompletableFuture<InferenceResult> call = inferAsync(client, request(Duration.ofSeconds(30)));
        assertThat(server.awaitWritten(0, Duration.ofSeconds(5))).isTrue();

        client.close();

        assertThat(failureOf(call, Duration.ofSeconds(5)).kind()).isEqualTo(Kind.CANCELLED);
    }

    // ---- helpers ----

    private void assertSplitStreamIsReassembled(String newline) throws Exception {
        String body = (": keep-alive\n" + role() + content("héllo 👋") + content(" 日本") + DONE)
                .replace("\n", newline);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ScriptedSseServer.Script script = ScriptedSseServer.script();
        // Cut after "da" of a field name, between CR and LF, and inside each multi-byte character.
        List<Integer> cuts = new ArrayList<>(List.of(indexOf(bytes, "data".getBytes(StandardCharsets.UTF_8)) + 2));
        int firstCr = indexOf(bytes, newline.getBytes(StandardCharsets.UTF_8));
        cuts.add(firstCr + 1);
        for (String character : List.of("é", "👋", "日", "本")) {
            cuts.add(indexOf(bytes, character.getBytes(StandardCharsets.UTF_8)) + 1);
        }
        int from = 0;
        long at = 0;
        // Distinct and ascending: an empty piece would be a zero-length HTTP chunk, which ends the body.
        for (int cut : new java.util.TreeSet<>(cuts)) {
            script.at(at, Arrays.copyOfRange(bytes, from, cut));
            from = cut;
            at += 15;
        }
        script.at(at, Arrays.copyOfRange(bytes, from, bytes.length)).end(at + 10);
        ScriptedSseServer server = start(script);

        InferenceResult result = client(server).infer(request(Duration.ofSeconds(10)));

        assertThat(result.content()).isEqualTo("héllo 👋 日本");
        assertThat(result.timings().tokenChunkCount()).isEqualTo(2);
        assertThat(result.usage().completionTokens()).isEqualTo(2);
    }

    /** Asserts that an offset matches the arrival of a scripted step: not before it was written, not much after. */
    private static void assertArrivedWith(RequestTimings t, long offset, ScriptedSseServer server, int step)
            throws InterruptedException {
        assertThat(offset).isNotEqualTo(RequestTimings.ABSENT);
        // The client may see a step (the end of the stream above all) before the writer thread has recorded it.
        assertThat(server.awaitWritten(step, Duration.ofSeconds(5))).as("step %d recorded", step).isTrue();
        long absolute = t.sentNanos() + offset;
        assertThat(absolute).as("arrival of step %d", step)
                .isBetween(server.startedNanos(step), server.writtenNanos(step) + ARRIVAL_SLACK);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }

    private ScriptedSseServer start(ScriptedSseServer.Script script) throws IOException {
        ScriptedSseServer server = ScriptedSseServer.start(script);
        resources.add(server);
        return server;
    }

    private OpenAiClient client(ScriptedSseServer server) {
        OpenAiClient client = OpenAiClient.create(server.baseUrl());
        resources.add(0, client);
        return client;
    }

    private static InferenceRequest request(Duration timeout) {
        return new InferenceRequest("m", "Say hello", 64, 0.0, true, timeout);
    }

    private static CompletableFuture<InferenceResult> inferAsync(OpenAiClient client, InferenceRequest request) {
        CompletableFuture<InferenceResult> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(client.infer(request));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, "infer-under-test");
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    private static BackendException failureOf(CompletableFuture<InferenceResult> call, Duration timeout)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        try {
            call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(BackendException.class);
            return (BackendException) e.getCause();
        }
        throw new AssertionError("the call completed instead of failing");
    }

    private static String role() {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
    }

    private static String content(String text) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static String reasoning(String text) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":\"" + text + "\"},"
                + "\"finish_reason\":null}]}\n\n";
    }
}
