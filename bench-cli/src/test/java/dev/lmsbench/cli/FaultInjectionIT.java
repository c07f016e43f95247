package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.cli.FaultServer.Mode;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.spi.StoredResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault-injection suite: {@code lmsbench run} against a server that misbehaves in one way per test. Each must end
 * in a typed error recorded in results.json, requests.csv and the database, within the request timeout plus a second
 * per request, with one clean line per failure on the terminal and no stack trace, exit 1 (every model failed), and
 * nothing reusable left in the cache.
 */
class FaultInjectionIT {

    /** The request timeout of every run here, in seconds. */
    private static final int TIMEOUT_S = 2;

    @TempDir
    Path dir;

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of(Mode.DISCONNECT_MID_STREAM, ErrorType.DISCONNECTED, -1),
                Arguments.of(Mode.NO_RESPONSE, ErrorType.TIMEOUT, -1),
                Arguments.of(Mode.HEADERS_THEN_NOTHING, ErrorType.TIMEOUT, -1),
                Arguments.of(Mode.TRICKLE, ErrorType.TIMEOUT, -1),
                Arguments.of(Mode.HUGE_CHUNK, ErrorType.TOO_LARGE, -1),
                Arguments.of(Mode.ABSURD_CHUNK_SIZE, ErrorType.PROTOCOL, -1),
                Arguments.of(Mode.ENDLESS_LINE, ErrorType.TOO_LARGE, -1),
                Arguments.of(Mode.INVALID_JSON, ErrorType.INVALID_RESPONSE, -1),
                Arguments.of(Mode.WRONG_TYPES, ErrorType.INVALID_RESPONSE, -1),
                Arguments.of(Mode.GARBAGE, ErrorType.INVALID_RESPONSE, -1),
                Arguments.of(Mode.HTML, ErrorType.INVALID_RESPONSE, -1),
                Arguments.of(Mode.GZIP, ErrorType.PROTOCOL, -1),
                Arguments.of(Mode.ERROR_500_JSON, ErrorType.HTTP_STATUS, 500),
                Arguments.of(Mode.ERROR_503_HTML, ErrorType.HTTP_STATUS, 503),
                Arguments.of(Mode.TOO_MANY_REQUESTS, ErrorType.HTTP_STATUS, 429),
                Arguments.of(Mode.BAD_CHUNK_SIZE, ErrorType.PROTOCOL, -1),
                Arguments.of(Mode.SHORT_BODY, ErrorType.DISCONNECTED, -1),
                Arguments.of(Mode.REDIRECT_302, ErrorType.HTTP_STATUS, 302),
                Arguments.of(Mode.REDIRECT_307, ErrorType.HTTP_STATUS, 307),
                Arguments.of(Mode.ESCAPE_SEQUENCES, ErrorType.HTTP_STATUS, 500),
                Arguments.of(Mode.EMPTY_STREAM, ErrorType.INVALID_RESPONSE, -1));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("faults")
    void aMisbehavingServerEndsInATypedBoundedErrorThatIsRecordedEverywhereAndNeverCached(
            Mode mode, ErrorType expected, int status) throws Exception {
        try (FaultServer server = FaultServer.start(mode)) {
            long start = System.nanoTime();
            MainTest.Outcome o = run(server.baseUrl(), "out");
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.FAILURE);
            assertClean(o.err());
            assertClean(o.out());
            // one streamed request (plus one retry after Retry-After: 1 for a 429), each bounded by the timeout
            assertThat(seconds).as("whole run").isLessThan(mode == Mode.TOO_MANY_REQUESTS ? 2 * (TIMEOUT_S + 1) + 1
                    : TIMEOUT_S + 1 + 3);

            JsonNode results = new ObjectMapper().readTree(dir.resolve("out/results.json").toFile());
            assertThat(results.path("run").path("status").asText()).isEqualTo("failed");
            JsonNode model = results.path("models").get(0);
            assertThat(model.path("status").asText()).isEqualTo("failed");
            assertThat(model.path("error_type").asText()).isEqualTo(expected.label());
            assertThat(results.path("requests")).isNotEmpty().allSatisfy(r -> {
                assertThat(r.path("ok").asBoolean()).isFalse();
                assertThat(r.path("error_type").asText()).isEqualTo(expected.label());
                assertThat(r.path("http_status").isNull() ? -1 : r.path("http_status").asInt()).isEqualTo(status);
                assertThat(r.path("wall_s").asDouble()).isLessThan(TIMEOUT_S + 1);
                assertClean(r.path("error").asText());
            });

            List<String> csv = Files.readAllLines(dir.resolve("out/requests.csv"), StandardCharsets.UTF_8);
            List<String> header = List.of(csv.get(0).split(",", -1));
            assertThat(csv).hasSizeGreaterThan(1);
            for (String line : csv.subList(1, csv.size())) {
                List<String> cells = CsvCells.parse(line);
                assertThat(cells.get(header.indexOf("error_type"))).isEqualTo(expected.label());
                assertThat(cells.get(header.indexOf("http_status"))).isEqualTo(status < 0 ? "" : "" + status);
                assertClean(line);
            }

            try (SqliteResultStore store = SqliteResultStore.open(dir.resolve("cache.db"))) {
                List<StoredResult> stored = store.list();
                assertThat(stored).as("the failed model is stored, with its typed errors").hasSize(1);
                assertThat(ResultCache.unusable(stored.get(0))).as("never reusable").isNotNull();
                List<RequestResult> requests = store.listRequests(stored.get(0).id());
                assertThat(requests).isNotEmpty().allSatisfy(r -> {
                    assertThat(r.errorType()).isEqualTo(expected);
                    assertThat(r.httpStatus()).isEqualTo(status);
                    assertClean(r.error());
                });
            }
            if (mode == Mode.REDIRECT_302 || mode == Mode.REDIRECT_307) {
                assertThat(server.chatRequests()).as("a redirected POST is never sent again").isEqualTo(1);
            }
            if (mode == Mode.TOO_MANY_REQUESTS) {
                assertThat(server.chatRequests()).as("Retry-After honoured with one retry").isEqualTo(2);
            }
            if (mode == Mode.ESCAPE_SEQUENCES) {
                assertThat(o.err()).contains("boom").contains("here");
            }
        }
    }

    @Test
    void nothingListeningIsAConnectErrorAndTheNextRunMeasuresAgain() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        MainTest.Outcome first = run("http://127.0.0.1:" + port, "a");
        assertThat(first.code()).as(first.err()).isEqualTo(ExitCodes.FAILURE);
        assertClean(first.err());
        JsonNode results = new ObjectMapper().readTree(dir.resolve("a/results.json").toFile());
        assertThat(results.path("requests")).allSatisfy(r ->
                assertThat(r.path("error_type").asText()).isEqualTo("connect"));

        MainTest.Outcome second = run("http://127.0.0.1:" + port, "b");
        assertThat(second.err()).as("a failed model is measured again, never taken from the cache")
                .doesNotContain("[cached]");
        assertThat(new ObjectMapper().readTree(dir.resolve("b/results.json").toFile()).path("requests"))
                .isNotEmpty();
    }

    /**
     * Through the packaged jar with a small heap, as a user runs it: an endless SSE line and a hostile error message
     * reach neither the memory limit nor the real terminal (logback's console included).
     */
    @ParameterizedTest(name = "{0} through the jar")
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"ENDLESS_LINE", "ESCAPE_SEQUENCES"})
    void thePackagedToolStaysWithinASmallHeapAndKeepsTheTerminalClean(Mode mode) throws Exception {
        try (FaultServer server = FaultServer.start(mode)) {
            JarProcess p = JarProcess.start(dir, java.util.Map.of(), List.of("-Xmx64m"), "run", "--base-url",
                    server.baseUrl(), "--model", "fault-model", "--runs", "2", "--warmup", "0",
                    "--request-timeout", Integer.toString(TIMEOUT_S), "--output-dir", dir.resolve("jar").toString(),
                    "--db", dir.resolve("cache.db").toString(), "-v");
            assertThat(p.waitFor(java.time.Duration.ofSeconds(60))).as(p.err()).isEqualTo(ExitCodes.FAILURE);
            assertClean(p.err());
            assertClean(p.out());
            assertClean(Files.readString(dir.resolve("jar/lmsbench.log"), StandardCharsets.UTF_8)
                    .replaceAll("(?m)^\\s+at .*$", "").replace("Exception", ""));
            assertThat(p.err()).doesNotContain("OutOfMemoryError");
        }
    }

    private MainTest.Outcome run(String baseUrl, String out) {
        List<String> args = new ArrayList<>(List.of("run", "--base-url", baseUrl, "--model", "fault-model",
                "--runs", "1", "--warmup", "0", "--stream-only", "--max-tokens", "8",
                "--request-timeout", Integer.toString(TIMEOUT_S),
                "--output-dir", dir.resolve(out).toString(), "--db", dir.resolve("cache.db").toString()));
        return MainTest.run(args.toArray(String[]::new));
    }

    /** No escape sequence, NUL or other control character but line ends, and no stack trace. */
    private static void assertClean(String text) {
        assertThat(text).doesNotContain("\u001b").doesNotContain("\u0000").doesNotContain("\u0007")
                .doesNotContain("\u009b").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(text.chars().filter(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t').count()).isZero();
    }

    /** Splits one CSV line (RFC 4180 quoting, no line ends inside cells). */
    static final class CsvCells {
        static List<String> parse(String line) {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            cells.add(cell.toString());
            return cells;
        }
    }
}
