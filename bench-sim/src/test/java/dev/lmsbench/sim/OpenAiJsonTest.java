package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiJsonTest {

    private static final OpenAiJson JSON = new OpenAiJson("chatcmpl-1", 1_700_000_000L, "sim/\"odd\"\\model", true);

    private static JsonNode parseEvent(byte[] event) {
        String text = new String(event, StandardCharsets.UTF_8);
        assertThat(text).startsWith("data: ").endsWith("\n\n");
        assertThat(text.substring(0, text.length() - 2)).doesNotContain("\n");
        return TestClient.parse(text.substring("data: ".length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {" plain", "\"quoted\"", "back\\slash", "line\nbreak", "tab\t", "ünïcödé 🚀", "</script>"})
    void encodesTokenChunksLikeEveryOtherChunkWithTheTextEscaped(String piece) {
        for (boolean reasoning : new boolean[] {false, true}) {
            JsonNode chunk = parseEvent(JSON.tokenChunk(piece, reasoning));

            ObjectNode expected = (ObjectNode) parseEvent(JSON.finishChunk("stop")).deepCopy();
            ObjectNode choice = (ObjectNode) expected.path("choices").get(0);
            choice.putObject("delta").put(reasoning ? "reasoning_content" : "content", piece);
            choice.putNull("finish_reason");
            assertThat(chunk).isEqualTo(expected);
        }
    }

    @Test
    void keepsOpenAiFieldOrderInTokenChunks() {
        String event = new String(JSON.tokenChunk("hi", false), StandardCharsets.UTF_8);

        assertThat(event).isEqualTo("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1700000000,\"model\":\"sim/\\\"odd\\\"\\\\model\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"hi\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    }

    @Test
    void writesErrorsInOpenAiShape() {
        JsonNode error = TestClient.parse(new String(
                OpenAiJson.error("model 'x' not found", "invalid_request_error", "model", "model_not_found"),
                StandardCharsets.UTF_8));

        assertThat(error).isEqualTo(TestClient.parse("""
                {"error": {"message": "model 'x' not found", "type": "invalid_request_error", "param": "model",
                           "code": "model_not_found"}}
                """));
    }
}
