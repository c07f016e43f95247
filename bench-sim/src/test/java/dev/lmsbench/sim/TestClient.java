package dev.lmsbench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The tests' own HTTP and SSE reader, written independently of the sim's encoder: it timestamps each event when its
 * terminating blank line arrives.
 */
final class TestClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;
    private String token;

    TestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    TestClient withToken(String bearer) {
        this.token = bearer;
        return this;
    }

    HttpClient http() {
        return http;
    }

    /** A plain request; the body is read whole. */
    Reply get(String path) {
        return send(builder(path).GET().build());
    }

    Reply post(String path, String body) {
        return send(builder(path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build());
    }

    HttpRequest.Builder builder(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(20));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    HttpRequest chatRequest(String path, String body) {
        return builder(path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
    }

    Reply send(HttpRequest request) {
        try {
            long sent = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), System.nanoTime() - sent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Streams a chat completion and timestamps every event. */
    Stream stream(String path, String body) {
        return stream(path, body, Integer.MAX_VALUE);
    }

    /** Like {@link #stream(String, String)}, but hangs up after {@code maxEvents} events. */
    Stream stream(String path, String body, int maxEvents) {
        HttpRequest request = chatRequest(path, body);
        try {
            long sent = System.nanoTime();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            long headers = System.nanoTime();
            List<Event> events = new ArrayList<>();
            try (InputStream in = new BufferedInputStream(response.body())) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                StringBuilder data = new StringBuilder();
                String name = null;
                int b;
                while (events.size() < maxEvents && (b = in.read()) != -1) {
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    if (text.isEmpty()) {
                        if (!data.isEmpty()) {
                            events.add(new Event(System.nanoTime() - sent, data.toString(), name));
                            data.setLength(0);
                            name = null;
                        }
                    } else if (text.startsWith("data: ")) {
                        data.append(text.substring(6));
                    } else if (text.startsWith("event: ")) {
                        name = text.substring(7);
                    } else {
                        throw new IllegalStateException("unexpected SSE line: " + text);
                    }
                }
            }
            return new Stream(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    headers - sent, sent, events);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chat request body. */
    static String chat(String model, boolean stream, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}],"
                + "\"stream\":" + stream + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    record Reply(int status, String contentType, String body, long elapsedNanos) {
        JsonNode json() {
            return parse(body);
        }
    }

    /**
     * @param atNanos arrival of the event's blank line, from just before the request was sent
     * @param name    the {@code event:} name (LM Studio's v1 stream), or null
     */
    record Event(long atNanos, String data, String name) {
        boolean done() {
            return data.equals("[DONE]");
        }

        JsonNode json() {
            return parse(data);
        }

        JsonNode delta() {
            JsonNode choices = json().path("choices");
            return choices.isEmpty() ? null : choices.get(0).get("delta");
        }

        /** A chunk carrying a reasoning or content token (not the role chunk, not the finish chunk). */
        boolean token() {
            if (done()) {
                return false;
            }
            JsonNode delta = delta();
            return delta != null && (delta.path("content").asText("").length() > 0
                    || delta.path("reasoning_content").asText("").length() > 0);
        }
    }

    /**
     * @param headersNanos response headers, from just before the request was sent
     * @param sentNanos    {@link System#nanoTime()} just before the request was sent
     */
    record Stream(int status, String contentType, long headersNanos, long sentNanos, List<Event> events) {
        List<Event> tokens() {
            return events.stream().filter(Event::token).toList();
        }

        /** Tokens per second between the first and the last token. */
        double decodeRate() {
            List<Event> tokens = tokens();
            long span = tokens.getLast().atNanos() - tokens.getFirst().atNanos();
            return (tokens.size() - 1) / (span / 1e9);
        }

        double ttftMs() {
            return tokens().getFirst().atNanos() / 1e6;
        }

        String content() {
            StringBuilder text = new StringBuilder();
            for (Event event : tokens()) {
                text.append(event.delta().path("content").asText(""));
            }
            return text.toString();
        }
    }
}
