package dev.lmsbench.client;

import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.lmsbench.client.OpenAiClientTest.failure;
import static dev.lmsbench.client.RawHttpServer.Answer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blocking HTTP/1.1 transport under {@link OpenAiClient}, against {@link RawHttpServer}: body framing, keep-alive
 * and connection reuse, the stale-connection retry, malformed responses, redirects and the request it writes.
 */
class HttpTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"m1\",\"object\":\"model\"}]}";
    private static final String COMPLETION = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}";

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void twoSequentialRequestsShareOneKeepAliveConnection() throws Exception {
        RawHttpServer server = server().answer(Answer.of(json(MODELS)), Answer.of(json(MODELS)));
        OpenAiClient client = client(server);

        client.listModels();
        client.listModels();

        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void connectionCloseFromTheServerMakesTheNextRequestOpenANewConnection() throws Exception {
        // The server leaves the socket open: only the header tells the client not to reuse it.
        RawHttpServer server = server().answer(Answer.of(json(MODELS, "Connection: close")), Answer.of(json(MODELS)));
        OpenAiClient client = client(server);

        client.listModels();
        client.listModels();

        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void anHttp10AnswerWithoutKeepAliveIsNotReused() throws Exception {
        String http10 = json(MODELS).replace("HTTP/1.1 200 OK", "HTTP/1.0 200 OK");
        RawHttpServer server = server().answer(Answer.of(http10), Answer.of(json(MODELS)));
        OpenAiClient client = client(server);

        client.listModels();
        client.listModels();

        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void aStalePooledConnectionIsRetriedOnceOnANewConnection() throws Exception {
        // The server closes after the first answer without saying so: the pooled connection is dead.
        RawHttpServer server = server().answer(Answer.closing(json(COMPLETION)), Answer.of(json(COMPLETION)));
        OpenAiClient client = client(server);

        client.infer(request(false, Duration.ofSeconds(10)));
        InferenceResult second = client.infer(request(false, Duration.ofSeconds(10)));

        assertThat(second.content()).isEqualTo("ok");
        assertThat(server.accepted()).isEqualTo(2);
        assertThat(server.nextRequest(WAIT)).startsWith("POST /v1/chat/completions");
        assertThat(server.nextRequest(WAIT)).startsWith("POST /v1/chat/completions");
        assertThat(server.nextRequest(Duration.ZERO)).as("the stale connection never delivered a request").isNull();
    }

    @Test
    void aNewConnectionClosedWithoutAnswerIsAConnectionErrorAndIsNotRetried() throws Exception {
        RawHttpServer server = server().answer(Answer.closing(""));
        OpenAiClient client = client(server);

        BackendException e = failure(client::listModels);

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.getMessage()).isEqualTo("no response from " + server.baseUrl()
                + "/models: the server closed the connection without answering");
        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void parsesContentLengthChunkedAndCloseDelimitedBodiesOnOneConnection() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunks(MODELS, 7) + "0;final=yes\r\nX-Trailer: t\r\n\r\n";
        String closeDelimited = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + MODELS;
        RawHttpServer server = server().answer(Answer.of(json(MODELS)), Answer.of(chunked),
                Answer.closing(closeDelimited), Answer.of(json(MODELS)));
        OpenAiClient client = client(server);

        for (int i = 0; i < 3; i++) {
            assertThat(client.listModels()).as("answer %d", i).extracting(ModelInfo::id).containsExactly("m1");
        }
        assertThat(server.accepted()).as("Content-Length and chunked bodies leave the connection reusable")
                .isEqualTo(1);
        client.listModels();
        assertThat(server.accepted()).as("a close-delimited body ends its connection").isEqualTo(2);
    }

    @Test
    void skipsAHundredContinueBeforeTheRealAnswer() throws Exception {
        RawHttpServer server = server().answer(Answer.of("HTTP/1.1 100 Continue\r\n\r\n" + json(MODELS)));

        assertThat(client(server).listModels()).extracting(ModelInfo::id).containsExactly("m1");
    }

    @Test
    void toleratesFoldedAndRepeatedHeadersInAnyCase() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nX-Folded: a\r\n  b\r\n"
                + "TRANSFER-ENCODING: chunked\r\nVia: 1\r\nVia: 2\r\n\r\n"
                + chunks("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}\n\ndata: [DONE]\n\n", 5)
                + "0\r\n\r\n";
        RawHttpServer server = server().answer(Answer.of(answer));

        InferenceResult result = client(server).infer(request(true, Duration.ofSeconds(10)));

        assertThat(result.content()).isEqualTo("ok");
        assertThat(result.timings().tokenChunkCount()).isEqualTo(1);
    }

    @Test
    void reusesTheConnectionOfAStreamAfterDone() throws Exception {
        String stream = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunks("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}\n\ndata: [DONE]\n\n", 1000)
                + "0\r\n\r\n";
        RawHttpServer server = server().answer(Answer.of(stream), Answer.of(stream));
        OpenAiClient client = client(server);

        client.infer(request(true, Duration.ofSeconds(10)));
        client.infer(request(true, Duration.ofSeconds(10)));

        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void headersLargerThanTheLimitAreTooLarge() throws Exception {
        String big = "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\nContent-Length: 0\r\n\r\n";
        RawHttpServer server = server().answer(Answer.of(big));

        BackendException e = failure(() -> client(server).listModels());

        assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("response from " + server.baseUrl()
                + "/models exceeds a limit: response headers larger than 65536 bytes");
    }

    @Test
    void moreHeaderFieldsThanTheLimitAreTooLarge() throws Exception {
        StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i <= HttpConnection.MAX_HEADER_FIELDS; i++) {
            many.append("X-F").append(i).append(": v\r\n");
        }
        RawHttpServer server = server().answer(Answer.of(many.append("Content-Length: 0\r\n\r\n").toString()));

        BackendException e = failure(() -> client(server).listModels());

        assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(e.getMessage()).endsWith("response has more than 100 header fields");
    }

    @Test
    void aMalformedStatusLineIsAProtocolError() throws Exception {
        RawHttpServer server = server().answer(Answer.of("HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n"));

        BackendException e = failure(() -> client(server).listModels());

        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
        assertThat(e.getMessage()).isEqualTo("invalid HTTP response from " + server.baseUrl()
                + "/models: malformed status line 'HTTP/1.1 OK'");
    }

    @Test
    void aMalformedChunkIsAProtocolError() throws Exception {
        RawHttpServer server = server().answer(Answer.of(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));

        BackendException e = failure(() -> client(server).listModels());

        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
        assertThat(e.getMessage()).contains("invalid chunk size line 'zz'");
    }

    @Test
    void aBodyCutShortOfItsContentLengthIsADisconnect() throws Exception {
        RawHttpServer server = server().answer(Answer.closing(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\":"));

        BackendException e = failure(() -> client(server).listModels());

        assertThat(e.kind()).isEqualTo(Kind.DISCONNECTED);
        assertThat(e.getMessage()).startsWith("connection to " + server.baseUrl() + "/models broke mid-response");
    }

    @Test
    void neverReusesAConnectionAfterATimeout() throws Exception {
        String headersOnly = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        RawHttpServer server = server().answer(Answer.of(headersOnly), Answer.of(json(MODELS)));
        OpenAiClient client = client(server);

        BackendException e = failure(() -> client.infer(request(true, Duration.ofMillis(200))));
        client.listModels();

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void followsARedirectForGetOnTheSameConnection() throws Exception {
        RawHttpServer server = server().answer(
                Answer.of("HTTP/1.1 302 Found\r\nLocation: /v1/elsewhere\r\nContent-Length: 0\r\n\r\n"),
                Answer.of(json(MODELS)));
        OpenAiClient client = client(server);

        assertThat(client.listModels()).hasSize(1);

        assertThat(server.nextRequest(WAIT)).startsWith("GET /v1/models ");
        assertThat(server.nextRequest(WAIT)).startsWith("GET /v1/elsewhere ");
        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void refusesA307ToAPostWithoutSendingItAgain() throws Exception {
        RawHttpServer server = server().answer(
                Answer.of("HTTP/1.1 307 Temporary Redirect\r\nLocation: /v1/moved/chat\r\nContent-Length: 2\r\n\r\nno"),
                Answer.of(json(COMPLETION)));
        OpenAiClient client = client(server);

        BackendException e = failure(() -> client.infer(request(false, Duration.ofSeconds(10))));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(307);
        assertThat(e.getMessage()).isEqualTo("HTTP 307 from " + server.baseUrl() + "/chat/completions redirects the"
                + " request to " + server.baseUrl() + "/moved/chat; a POST is not re-sent: set --base-url to the"
                + " final URL");
        assertThat(server.nextRequest(WAIT)).startsWith("POST /v1/chat/completions ");
        assertThat(server.nextRequest(Duration.ofMillis(200))).as("the POST was not sent again").isNull();
    }

    @Test
    void writesTheRequestLineAndHeaders() throws Exception {
        RawHttpServer server = server().answer(Answer.of(json(COMPLETION)));
        OpenAiClient client = track(OpenAiClient.create(ClientConfig.of(server.baseUrl()).withApiToken("sk-1")));

        client.infer(request(false, Duration.ofSeconds(10)));

        String sent = server.nextRequest(WAIT);
        int port = Integer.parseInt(server.baseUrl().replaceAll(".*:(\\d+)/v1", "$1"));
        String body = sent.substring(sent.indexOf("\r\n\r\n") + 4);
        assertThat(sent).startsWith("POST /v1/chat/completions HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:" + port + "\r\n")
                .contains("\r\nUser-Agent: lmsbench/")
                .contains("\r\nAccept: application/json\r\n")
                .contains("\r\nAccept-Encoding: identity\r\n")
                .contains("\r\nAuthorization: Bearer sk-1\r\n")
                .contains("\r\nContent-Type: application/json\r\n")
                .contains("\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n")
                .contains("\r\nConnection: keep-alive\r\n");
    }

    // ---- helpers ----

    private RawHttpServer server() throws Exception {
        RawHttpServer server = new RawHttpServer();
        resources.add(server);
        return server;
    }

    private OpenAiClient client(RawHttpServer server) {
        return track(OpenAiClient.create(server.baseUrl()));
    }

    private OpenAiClient track(OpenAiClient client) {
        resources.add(0, client);
        return client;
    }

    private static InferenceRequest request(boolean stream, Duration timeout) {
        return new InferenceRequest("m", "hi", 8, 0.0, stream, timeout);
    }

    /** A 200 JSON answer with a Content-Length, plus extra header lines. */
    private static String json(String body, String... extraHeaders) {
        StringBuilder answer = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n");
        for (String header : extraHeaders) {
            answer.append(header).append("\r\n");
        }
        return answer.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length)
                .append("\r\n\r\n").append(body).toString();
    }

    /** The body as chunks of at most {@code size} bytes (ASCII), the first one with an extension. */
    private static String chunks(String body, int size) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i += size) {
            String piece = body.substring(i, Math.min(body.length(), i + size));
            out.append(Integer.toHexString(piece.length())).append(i == 0 ? ";ext=1" : "").append("\r\n")
                    .append(piece).append("\r\n");
        }
        return out.toString();
    }
}
