package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection "fail the next K requests": after {@code after} chat requests, the next {@code fail_next} chat
 * requests (all models and surfaces, streaming or not) answer the plan's status with the surface's own error shape,
 * before any token and without {@code Retry-After}; then the sim serves again. From the config file and at run time
 * through {@code /__sim/faults}.
 */
class FaultPlanTest {

    private static final SimModel MODEL = SimModel.of("sim/flaky", 5, 1_000, 3).withLoadMs(0);
    private static final String CHAT = "/v1/chat/completions";

    @TempDir
    Path dir;

    private static HttpResponse<String> send(TestClient client, String path, String body) throws Exception {
        HttpRequest request = client.chatRequest(path, body);
        return client.http().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String ollama(boolean stream) {
        return "{\"model\":\"" + MODEL.id() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":"
                + stream + "}";
    }

    private static String v1(boolean stream) {
        return "{\"model\":\"" + MODEL.id() + "\",\"input\":\"Hi\",\"stream\":" + stream + "}";
    }

    /** An injected failure: the status, JSON, no Retry-After, no token. */
    private static JsonNode failed(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        assertThat(response.body()).doesNotContain("data:");
        return TestClient.parse(response.body());
    }

    @Test
    void theConfiguredPlanFailsTheRequestsAfterTheFirstMOnEverySurfaceThenServesAgain() throws Exception {
        Path file = dir.resolve("sim.json");
        Files.writeString(file, """
                {"faults": {"fail_next": 6, "after": 2, "status": 503, "message": "try later"},
                 "models": [{"id": "sim/flaky", "tokens_per_second": 1000, "ttft_ms": 5, "response_tokens": 3,
                             "load_ms": 0}]}
                """);
        SimConfig config = SimConfig.fromJson(file);
        assertThat(config.faults()).isEqualTo(new FaultPlan(6, 2, 503, "try later"));
        try (SimServer sim = SimServer.start(config); TestClient client = new TestClient(sim.baseUrl())) {
            // M = 2 served
            assertThat(send(client, CHAT, TestClient.chat(MODEL.id(), true, "")).statusCode()).isEqualTo(200);
            assertThat(send(client, "/api/chat", ollama(false)).statusCode()).isEqualTo(200);

            // K = 6 failed, each in its surface's error shape
            JsonNode openAiStream = failed(send(client, CHAT, TestClient.chat(MODEL.id(), true, "")), 503);
            assertThat(openAiStream.at("/error/message").asText()).isEqualTo("try later");
            assertThat(openAiStream.at("/error/type").asText()).isEqualTo("server_error");
            assertThat(openAiStream.at("/error/code").asText()).isEqualTo("simulated_fault");
            JsonNode openAi = failed(send(client, CHAT, TestClient.chat(MODEL.id(), false, "")), 503);
            assertThat(openAi.at("/error/message").asText()).isEqualTo("try later");
            JsonNode v0 = failed(send(client, "/api/v0/chat/completions", TestClient.chat(MODEL.id(), true, "")),
                    503);
            assertThat(v0.at("/error/message").asText()).isEqualTo("try later");
            JsonNode lmStudioV1 = failed(send(client, "/api/v1/chat", v1(true)), 503);
            assertThat(lmStudioV1.at("/error/message").asText()).isEqualTo("try later");
            assertThat(lmStudioV1.at("/error/type").asText()).isEqualTo("server_error");
            assertThat(lmStudioV1.at("/error/code").asText()).isEqualTo("simulated_fault");
            JsonNode ollamaStream = failed(send(client, "/api/chat", ollama(true)), 503);
            assertThat(ollamaStream.get("error").asText()).isEqualTo("try later");
            assertThat(failed(send(client, "/api/chat", ollama(false)), 503).get("error").asText())
                    .isEqualTo("try later");
            assertThat(sim.faultPlanFailures()).isEqualTo(6);
            assertThat(sim.sendLog()).as("failures are not answers").hasSize(2);

            // request M + K + 1 is served, on any surface
            assertThat(send(client, "/api/v1/chat", v1(false)).statusCode()).isEqualTo(200);
            assertThat(send(client, CHAT, TestClient.chat(MODEL.id(), true, "")).statusCode()).isEqualTo(200);

            JsonNode status = client.get(ApiHandler.FAULTS).json();
            assertThat(status.get("fail_next").asInt()).isEqualTo(6);
            assertThat(status.get("after").asInt()).isEqualTo(2);
            assertThat(status.get("status").asInt()).isEqualTo(503);
            assertThat(status.get("message").asText()).isEqualTo("try later");
            assertThat(status.get("counted").asLong()).isEqualTo(10);
            assertThat(status.get("failed").asLong()).isEqualTo(6);
        }
    }

    @Test
    void invalidRequestsAreNotCounted() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL))
                .withFaults(FaultPlan.failNext(1)));
                TestClient client = new TestClient(sim.baseUrl())) {
            assertThat(send(client, CHAT, TestClient.chat("sim/unknown", false, "")).statusCode()).isEqualTo(404);
            assertThat(send(client, CHAT, "{\"model\":").statusCode()).isEqualTo(400);

            failed(send(client, CHAT, TestClient.chat(MODEL.id(), false, "")), 503);
            assertThat(send(client, CHAT, TestClient.chat(MODEL.id(), false, "")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void postingAPlanReplacesTheOneInForceAndResetsItsCounters() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)));
                TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode none = client.get(ApiHandler.FAULTS).json();
            assertThat(none.get("fail_next").asInt()).isZero();
            assertThat(none.get("status").asInt()).isEqualTo(503);
            assertThat(none.get("message").asText()).isEqualTo(FaultPlan.DEFAULT_MESSAGE);
            assertThat(send(client, CHAT, TestClient.chat(MODEL.id(), false, "")).statusCode()).isEqualTo(200);
            assertThat(client.get(ApiHandler.FAULTS).json().get("counted").asLong()).isEqualTo(1);

            TestClient.Reply posted = client.post(ApiHandler.FAULTS,
                    "{\"fail_next\": 2, \"after\": 1, \"status\": 500, \"message\": \"boom\"}");
            assertThat(posted.status()).as(posted.body()).isEqualTo(200);
            assertThat(posted.json().get("fail_next").asInt()).isEqualTo(2);
            assertThat(posted.json().get("after").asInt()).isEqualTo(1);
            assertThat(posted.json().get("status").asInt()).isEqualTo(500);
            assertThat(posted.json().get("message").asText()).isEqualTo("boom");
            assertThat(posted.json().get("counted").asLong()).isZero();
            assertThat(posted.json().get("failed").asLong()).isZero();

            assertThat(send(client, CHAT, TestClient.chat(MODEL.id(), true, "")).statusCode()).isEqualTo(200);
            assertThat(failed(send(client, CHAT, TestClient.chat(MODEL.id(), true, "")), 500)
                    .at("/error/message").asText()).isEqualTo("boom");
            assertThat(failed(send(client, "/api/chat", ollama(true)), 500).get("error").asText()).isEqualTo("boom");
            assertThat(send(client, CHAT, TestClient.chat(MODEL.id(), true, "")).statusCode()).isEqualTo(200);
            JsonNode status = client.get(ApiHandler.FAULTS).json();
            assertThat(status.get("counted").asLong()).isEqualTo(4);
            assertThat(status.get("failed").asLong()).isEqualTo(2);

            // a partial plan takes the defaults; a new plan starts counting again
            JsonNode defaults = client.post(ApiHandler.FAULTS, "{\"fail_next\": 1}").json();
            assertThat(defaults.get("after").asInt()).isZero();
            assertThat(defaults.get("status").asInt()).isEqualTo(503);
            failed(send(client, "/api/v1/chat", v1(false)), 503);
            assertThat(send(client, "/api/v1/chat", v1(false)).statusCode()).isEqualTo(200);
            // the Java API does the same
            sim.replaceFaultPlan(new FaultPlan(1, 0, 429, null));
            assertThat(failed(send(client, CHAT, TestClient.chat(MODEL.id(), false, "")), 429)
                    .at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(sim.faultPlanFailures()).isEqualTo(1);
        }
    }

    @Test
    void theEndpointRefusesBadPlansOtherMethodsAndMissingTokens() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)).withApiToken("s3cret"));
                TestClient client = new TestClient(sim.baseUrl()).withToken("s3cret");
                TestClient anonymous = new TestClient(sim.baseUrl())) {
            assertThat(anonymous.get(ApiHandler.FAULTS).status()).isEqualTo(401);
            assertThat(anonymous.post(ApiHandler.FAULTS, "{\"fail_next\": 3}").status()).isEqualTo(401);

            TestClient.Reply unknown = client.post(ApiHandler.FAULTS, "{\"fail_nxt\": 3}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().at("/error/message").asText()).contains("fail_nxt");
            assertThat(client.post(ApiHandler.FAULTS, "{\"status\": 200}").status()).isEqualTo(400);
            assertThat(client.post(ApiHandler.FAULTS, "{\"fail_next\": -1}").status()).isEqualTo(400);
            assertThat(client.post(ApiHandler.FAULTS, "{\"fail_next\": \"2\"}").status()).isEqualTo(400);
            assertThat(client.post(ApiHandler.FAULTS, "[]").status()).isEqualTo(400);
            HttpResponse<String> put = client.http().send(client.builder(ApiHandler.FAULTS)
                    .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(405);
            assertThat(client.get(ApiHandler.FAULTS).json().get("fail_next").asInt()).as("plan unchanged").isZero();
        }
    }

    @Test
    void theConfigFileRejectsBadPlansNamingTheKey() throws Exception {
        Path file = dir.resolve("sim.json");
        String models = "\"models\": [{\"id\": \"sim/x\", \"tokens_per_second\": 40}]";
        Files.writeString(file, "{\"faults\": {\"fail_next\": 1, \"retry\": 2}, " + models + "}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(file))
                .withMessageStartingWith("sim config " + file + ": faults.retry: unknown key");
        Files.writeString(file, "{\"faults\": {\"status\": 302}, " + models + "}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(file))
                .withMessageContaining("faults.status must be an HTTP error status");
        Files.writeString(file, "{\"faults\": 3, " + models + "}");
        assertThatIllegalArgumentException().isThrownBy(() -> SimConfig.fromJson(file))
                .withMessageContaining("faults: expected an object");
        Files.writeString(file, "{" + models + "}");
        assertThat(SimConfig.fromJson(file).faults()).isEqualTo(FaultPlan.NONE);
    }
}
