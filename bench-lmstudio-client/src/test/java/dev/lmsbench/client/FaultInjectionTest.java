package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real clients against a {@link FaultServer} that misbehaves in one way per test. Each test checks the typed
 * {@link Kind}, that the failure comes within the configured timeout plus two seconds, and (through
 * {@link OpenAiClientTest#failure}) that nothing was reported as a success and the message is one clean line.
 */
class FaultInjectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Room for a loaded machine: what is checked is that a stall costs the timeout, not the 5-minute one. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final String SSE_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
    private static final String TOKEN = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n";

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    // ---- the connection ----

    @Test
    void aConnectionDroppedMidStreamIsADisconnect() throws Exception {
        FaultServer server = server(c -> {
            c.readRequest();
            c.write(SSE_HEAD + chunk(TOKEN));
            c.reset();
        });

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.DISCONNECTED);
        assertThat(e.getMessage()).startsWith("connection to " + server.baseUrl() + "/chat/completions broke"
                + " mid-response");
    }

    @Test
    void aChunkedStreamClosedBeforeItsLastChunkIsADisconnect() throws Exception {
        FaultServer server = server(c -> {
            c.readRequest();
            c.write(SSE_HEAD + chunk(TOKEN));
        });

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.DISCONNECTED);
        assertThat(e.getMessage()).contains("connection closed inside the chunked framing");
    }

    @Test
    void aServerThatSendsHeadersAndThenNothingTimesOut() throws Exception {
        FaultServer server = server(c -> {
            c.readRequest();
            c.write(SSE_HEAD);
            c.holdOpen();
        });

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.getMessage()).isEqualTo("request to " + server.baseUrl() + "/chat/completions timed out after"
                + " 2.0 s");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        FaultServer server = server(c -> {
            c.readRequest();
            c.holdOpen();
        });

        BackendException e = failsInTime(() -> client(server).infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void aServerThatTricklesOneBytePerHundredMillisecondsForeverTimesOut() throws Exception {
        FaultServer server = server(c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: ");
            c.trickle(new byte[] {'x'}, 100);
            c.holdOpen();
        });

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(server.written()).as("the trickle did run").isGreaterThan(60);
    }

    @Test
    void nothingListeningIsAConnectionFailure() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port + "/v1";

        BackendException e = failsInTime(() -> client(base).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.getMessage()).isEqualTo("cannot connect to " + base + "/chat/completions: connection refused");
    }

    @Test
    void httpsToAPlainHttpPortIsAConnectionFailureThatSaysToUseHttp() throws Exception {
        // Like real servers, it answers the ClientHello it cannot parse with a 400 right away.
        FaultServer server = server(c -> {
            c.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            c.holdOpen();
        });
        String base = "https://127.0.0.1:" + server.port() + "/v1";

        BackendException e = failsInTime(() -> client(base).listModels());

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.getMessage()).isEqualTo("cannot connect to " + base + "/models: TLS handshake failed: the"
                + " server speaks plain HTTP; use http:// instead of https://");
    }

    @Test
    void aTlsHandshakeNobodyAnswersEndsWithinTheConnectTimeout() throws Exception {
        FaultServer server = server(FaultServer.Connection::holdOpen);
        String base = "https://127.0.0.1:" + server.port() + "/v1";
        OpenAiClient client = track(OpenAiClient.create(new ClientConfig(base, "", TIMEOUT, Duration.ofMinutes(5))));

        BackendException e = failsInTime(client::listModels);

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.getMessage()).isEqualTo("cannot connect to " + base + "/models: TLS handshake timed out after"
                + " 2.0 s (if the server speaks plain HTTP, use http:// instead of https://)");
    }

    @Test
    void plainHttpToATlsPortIsAConnectionFailureThatSaysToUseHttps() throws Exception {
        // What a TLS server sends to bytes that are no ClientHello: a fatal alert record (21, TLS 1.2, 2 bytes).
        FaultServer server = server(c -> {
            c.readRequest();
            c.write(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46});
        });

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(e.getMessage()).isEqualTo("cannot talk to " + server.baseUrl() + "/chat/completions: the server"
                + " speaks TLS; use https:// instead of http://");
    }

    @Test
    void aTlsPortThatAnswersPlainHttpWithA400SaysToUseHttps() throws Exception {
        FaultServer server = server(FaultServer.answering(html(400, "<html><head><title>400 The plain HTTP request"
                + " was sent to HTTPS port</title></head><body>nginx</body></html>")));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.getMessage()).isEqualTo("HTTP 400 from " + server.baseUrl() + "/chat/completions: 400 The"
                + " plain HTTP request was sent to HTTPS port: the server speaks TLS; use https:// instead of"
                + " http://");
    }

    // ---- framing ----

    @Test
    void anAbsurdlyLongChunkSizeLineIsTooLarge() throws Exception {
        byte[] digits = new byte[4096];
        Arrays.fill(digits, (byte) '1');
        FaultServer server = server(c -> {
            c.readRequest();
            c.write(SSE_HEAD);
            c.writeForever(digits);
        });

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(e.getMessage()).endsWith("chunk size line longer than 8192 bytes");
    }

    @Test
    void aChunkSizeBeyondAnyBodyIsAProtocolError() throws Exception {
        FaultServer server = server(FaultServer.answering(SSE_HEAD + "FFFFFFFFFFFFFFFFFFFF\r\nxx"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
        assertThat(e.getMessage()).contains("invalid chunk size line 'FFFFFFFFFFFFFFFFFFFF'");
    }

    @Test
    void aBadChunkSizeIsAProtocolError() throws Exception {
        FaultServer server = server(FaultServer.answering(SSE_HEAD + "zz\r\n" + TOKEN + "\r\n0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
        assertThat(e.getMessage()).isEqualTo("invalid HTTP body from " + server.baseUrl() + "/chat/completions:"
                + " invalid chunk size line 'zz'");
    }

    @Test
    void aBodyShorterThanItsContentLengthIsADisconnect() throws Exception {
        FaultServer server = server(c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
                    + "{\"choices\":[{\"message\":{\"content\":\"Hel");
        });

        BackendException e = failsInTime(() -> client(server).infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.DISCONNECTED);
        assertThat(e.getMessage()).contains("bytes of the body missing");
    }

    @Test
    void aGzipBodyThatWasNotAskedForIsAProtocolError() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write((TOKEN + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = zipped.toByteArray();
        FaultServer server = server(c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n");
            c.write(body);
            c.holdOpen();
        });

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
        assertThat(e.getMessage()).isEqualTo("server sent a gzip-encoded body although the request asked for"
                + " identity (" + server.baseUrl() + "/chat/completions)");
    }

    @Test
    void aFloodOfInterimResponsesIsTooLarge() throws Exception {
        FaultServer server = server(FaultServer.answering("HTTP/1.1 100 Continue\r\n\r\n".repeat(20)));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(e.getMessage()).endsWith("more than 10 interim (1xx) responses");
    }

    @Test
    void aFinal304IsAStatusErrorNotAnAnswer() throws Exception {
        FaultServer server = server(FaultServer.answering("HTTP/1.1 304 Not Modified\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).listModels());

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(304);
        assertThat(e.getMessage()).isEqualTo("HTTP 304 from " + server.baseUrl() + "/models is not an answer");
    }

    // ---- SSE and content ----

    @Test
    void anEndlessSseLineFailsAsTooLargeOnceTheLineLimitIsPassed() throws Exception {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) 'x');
        FaultServer server = server(c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: ");
            c.writeForever(block);
        });

        OpenAiClient client = client(server);

        BackendException e = failsInTime(() -> client.infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("stream from " + server.baseUrl() + "/chat/completions exceeds a limit:"
                + " SSE line longer than 1048576 bytes");
        failsInTime(() -> client.infer(request(true)));
        assertThat(server.accepted()).as("the connection of the breach was discarded, not reused").isEqualTo(2);
    }

    @Test
    void jsonNestedDeeperThanTheLimitIsTooLarge() throws Exception {
        String deep = "[".repeat(1000) + "]".repeat(1000);
        FaultServer server = server(FaultServer.answering(SSE_HEAD + chunk("data: {\"choices\":" + deep + "}\n\n")
                + "0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(e.getMessage()).startsWith("JSON from " + server.baseUrl() + "/chat/completions exceeds a limit:")
                .contains("nesting depth");
    }

    @Test
    void aLineOfOneAndAHalfMebibytesFailsAsTooLargeWithoutWaitingForMore() throws Exception {
        // The server sends 1.5 MiB of one line and then stalls: only a limit below that ends the call before its
        // timeout, so this fails if the line limit were 2 MiB or more.
        byte[] line = new byte[3 * 512 * 1024];
        Arrays.fill(line, (byte) 'x');
        FaultServer server = server(c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: ");
            c.write(line);
            c.holdOpen();
        });
        OpenAiClient client = client(server.baseUrl());

        BackendException e = failsInTime(() -> client.infer(
                new InferenceRequest("m", "hi", 8, 0.0, true, Duration.ofSeconds(30))));

        assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
    }

    @Test
    void anEventThatIsNotJsonIsAnInvalidResponse() throws Exception {
        FaultServer server = server(FaultServer.answering(SSE_HEAD + chunk("data: {\"choices\":[{\"delta\":\n\n")
                + "0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).startsWith("invalid JSON in stream from " + server.baseUrl()
                + "/chat/completions").endsWith(": {\"choices\":[{\"delta\":");
    }

    @Test
    void anEventWithFieldsOfTheWrongTypeIsAnInvalidResponse() throws Exception {
        FaultServer server = server(FaultServer.answering(SSE_HEAD + chunk("data: {\"choices\":\"Hi\"}\n\n")
                + "0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("\"choices\" is a string, not an array");
    }

    @Test
    void aStreamWithoutASingleTokenIsAnInvalidResponseNotASuccessWithZeroTokens() throws Exception {
        FaultServer server = server(FaultServer.answering(SSE_HEAD + chunk("data: {\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\"}}]}\n\ndata: [DONE]\n\n") + "0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).isEqualTo("no tokens in the answer from " + server.baseUrl() + "/chat/completions");
    }

    @Test
    void anEmptyEventStreamIsAnInvalidResponse() throws Exception {
        FaultServer server = server(FaultServer.answering(SSE_HEAD + chunk(": ping\n\n") + "0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).isEqualTo("no events in the answer from " + server.baseUrl() + "/chat/completions");
    }

    @Test
    void aNonStreamedCompletionWithoutContentOrTokensIsAnInvalidResponse() throws Exception {
        FaultServer server = server(FaultServer.answering(json(200, "{\"choices\":[{\"message\":{\"content\":\"\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":0}}")));

        BackendException e = failsInTime(() -> client(server).infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).startsWith("no tokens in the answer");
    }

    @Test
    void binaryGarbageIsAnInvalidResponseThatIsNotQuoted() throws Exception {
        byte[] garbage = new byte[300];
        new Random(9).nextBytes(garbage);
        FaultServer server = server(c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 300\r\n\r\n");
            c.write(garbage);
            c.holdOpen();
        });

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).isEqualTo(server.baseUrl() + "/chat/completions answered with"
                + " application/octet-stream instead of text/event-stream (binary data)");
    }

    @Test
    void binaryGarbageLabelledAsAnEventStreamHasNoEventsAndIsAnInvalidResponse() throws Exception {
        byte[] garbage = new byte[300];
        new Random(4).nextBytes(garbage);
        FaultServer server = server(c -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 300\r\n\r\n");
            c.write(garbage);
            c.holdOpen();
        });

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
    }

    @Test
    void anHtmlPageAnsweringAStreamingRequestIsAnInvalidResponseWithAShortExcerpt() throws Exception {
        String page = "<!DOCTYPE html><html><head><title>Welcome</title></head><body>" + "lorem ipsum ".repeat(50)
                + "</body></html>";
        FaultServer server = server(FaultServer.answering(html(200, page)));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        String prefix = server.baseUrl() + "/chat/completions answered with text/html; charset=utf-8 instead of"
                + " text/event-stream: ";
        assertThat(e.getMessage()).startsWith(prefix + "<!DOCTYPE html><html><head><title>Welcome");
        assertThat(e.getMessage().length() - prefix.length()).isLessThanOrEqualTo(ClientCore.MAX_EXCERPT_CHARS);
    }

    @Test
    void anHtmlPageAnsweringANonStreamingRequestIsAnInvalidResponse() throws Exception {
        FaultServer server = server(FaultServer.answering(html(200, "<html><body>Log in</body></html>")));

        BackendException e = failsInTime(() -> client(server).infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).endsWith("answered with text/html; charset=utf-8 instead of application/json:"
                + " <html><body>Log in</body></html>");
    }

    // ---- statuses ----

    @Test
    void aServerErrorWithAJsonBodyIsAStatusErrorWithTheServersMessage() throws Exception {
        FaultServer server = server(FaultServer.answering(json(500,
                "{\"error\":{\"message\":\"CUDA error: out of memory\",\"type\":\"server_error\"}}")));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.getMessage()).isEqualTo("HTTP 500 from " + server.baseUrl() + "/chat/completions: CUDA error:"
                + " out of memory");
    }

    @Test
    void aServerErrorWithAnHtmlPageIsAStatusErrorNamedByThePageTitle() throws Exception {
        FaultServer server = server(FaultServer.answering(html(502, "<html>\r\n<head><title>502 Bad Gateway</title>"
                + "</head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
                + "</body>\r\n</html>\r\n")));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.getMessage()).isEqualTo("HTTP 502 from " + server.baseUrl() + "/chat/completions: 502 Bad"
                + " Gateway");
    }

    @Test
    void aTooManyRequestsAnswerCarriesItsParsedRetryAfter() throws Exception {
        FaultServer server = server(FaultServer.answering(json(429, "{\"error\":\"slow down, queue full\"}")
                .replace("\r\n\r\n", "\r\nRetry-After: 7\r\n\r\n")));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).endsWith(": slow down, queue full");
    }

    @Test
    void aServiceUnavailableAnswerAskingForAnHourIsCappedAtSixtySeconds() throws Exception {
        FaultServer server = server(FaultServer.answering("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3600\r\n"
                + "Content-Length: 0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.retryAfter()).contains(ClientCore.MAX_RETRY_AFTER);
    }

    @Test
    void a302ToAPostIsRefusedAfterOneRequest() throws Exception {
        FaultServer server = server(FaultServer.answering("HTTP/1.1 302 Found\r\nLocation: http://elsewhere.test"
                + "/v1/chat/completions\r\nContent-Length: 0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(302);
        assertThat(e.getMessage()).isEqualTo("HTTP 302 from " + server.baseUrl() + "/chat/completions redirects the"
                + " request to http://elsewhere.test/v1/chat/completions; a POST is not re-sent: set --base-url to"
                + " the final URL");
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void a307ToAPostIsRefusedAfterOneRequest() throws Exception {
        FaultServer server = server(FaultServer.answering("HTTP/1.1 307 Temporary Redirect\r\nLocation:"
                + " /v1/chat/completions\r\nContent-Length: 0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(false)));

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.getMessage()).contains("a POST is not re-sent");
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aRedirectLoopForAGetStopsAfterFiveRedirects() throws Exception {
        FaultServer server = server(FaultServer.answering("HTTP/1.1 302 Found\r\nLocation: /v1/models\r\n"
                + "Content-Length: 0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).listModels());

        assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(e.getMessage()).isEqualTo("too many redirects (5) from " + server.baseUrl() + "/models");
        assertThat(server.requests()).isEqualTo(6);
    }

    // ---- sanitizing ----

    @Test
    void escapeSequencesAndControlBytesInAnErrorMessageNeverReachTheMessage() throws Exception {
        FaultServer server = server(FaultServer.answering(json(500, "{\"error\":{\"message\":\"boom\\u001b[2J"
                + "\\u001b]0;pwned\\u0007 and \\u0000 NUL\\r\\nnext\\u202Eline\"}}")));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.getMessage()).isEqualTo("HTTP 500 from " + server.baseUrl() + "/chat/completions: boom and NUL"
                + " nextline");
        assertThat(e.getMessage()).doesNotContain("\u001b", "\u0007", "\u0000", "pwned", "\u202E");
    }

    @Test
    void escapeSequencesInAnErrorEventInsideAStreamNeverReachTheMessage() throws Exception {
        FaultServer server = server(FaultServer.answering(SSE_HEAD + chunk("data: {\"error\":{\"message\":"
                + "\"bad\\u001b[31m red\\u009b2J\"}}\n\n") + "0\r\n\r\n"));

        BackendException e = failsInTime(() -> client(server).infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.getMessage()).isEqualTo("server error in stream from " + server.baseUrl()
                + "/chat/completions: bad red");
    }

    // ---- LM Studio's native client ----

    @Test
    void theNativeModelListProbeEndsWithinTheConfiguredRequestTimeout() throws Exception {
        FaultServer server = server(c -> {
            c.readRequest();
            c.holdOpen();
        });
        LmStudioClient client = track(LmStudioClient.create(
                new ClientConfig(server.baseUrl(), "", TIMEOUT).withRequestTimeout(TIMEOUT)));

        BackendException e = failsInTime(client::nativeModels);

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.getMessage()).endsWith("timed out after 2.0 s");
    }

    @Test
    void theNativeClientRefusesAnHtmlAnswerToAStreamedChat() throws Exception {
        FaultServer server = server(FaultServer.answering(html(200, "<html><title>Proxy login</title></html>")));
        LmStudioClient client = track(LmStudioClient.create(new ClientConfig(server.baseUrl(), "", TIMEOUT)));

        BackendException e = failsInTime(() -> client.infer(request(true)));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).contains("answered with text/html");
    }

    @Test
    void theNativeClientRefusesAStatefulChatStreamWithoutEvents() throws Exception {
        FaultServer server = server(FaultServer.answering(SSE_HEAD + "0\r\n\r\n"));
        LmStudioClient client = track(LmStudioClient.create(new ClientConfig(server.baseUrl(), "", TIMEOUT)));

        BackendException e = failsInTime(() -> client.session(ChatOptions.defaults().withStream(true)
                .withTimeout(TIMEOUT)).chat("m", "Hi"));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE);
        assertThat(e.getMessage()).startsWith("no events in the answer from");
    }

    // ---- helpers ----

    /** Runs a call that must fail, within the timeout plus {@link #SLACK}. */
    private static BackendException failsInTime(OpenAiClientTest.Call call) {
        long start = System.nanoTime();
        BackendException e = OpenAiClientTest.failure(call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("time to fail").isLessThanOrEqualTo(TIMEOUT.plus(SLACK));
        return e;
    }

    private FaultServer server(FaultServer.Behaviour behaviour) throws IOException {
        FaultServer server = FaultServer.start(behaviour);
        resources.add(server);
        return server;
    }

    private OpenAiClient client(FaultServer server) {
        return client(server.baseUrl());
    }

    private OpenAiClient client(String baseUrl) {
        return track(OpenAiClient.create(new ClientConfig(baseUrl, "", TIMEOUT, TIMEOUT)));
    }

    private <T extends AutoCloseable> T track(T client) {
        resources.add(0, client);
        return client;
    }

    private static InferenceRequest request(boolean stream) {
        return new InferenceRequest("m", "hi", 8, 0.0, stream, TIMEOUT);
    }

    private static String chunk(String data) {
        int length = data.getBytes(StandardCharsets.UTF_8).length;
        return Integer.toHexString(length) + "\r\n" + new String(data.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1) + "\r\n";
    }

    private static String json(int status, String body) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String html(int status, String body) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }
}
