package dev.lmsbench.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.spi.InferenceRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class ChatJsonTest {

    private final ChatJson json = new ChatJson();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void writesTheOpenAiRequestShapeWithStreamOptionsWhenStreaming() throws IOException {
        byte[] body = json.chatRequest(request(true));
        assertThat(mapper.readTree(body)).isEqualTo(mapper.readTree(Contracts.text("chat-request-stream.json")));
    }

    @Test
    void writesNoStreamOptionsWhenNotStreaming() throws IOException {
        byte[] body = json.chatRequest(request(false));
        assertThat(mapper.readTree(body)).isEqualTo(mapper.readTree(Contracts.text("chat-request-no-stream.json")));
    }

    @Test
    void readsContentReasoningAndFinishReasonFromADelta() throws IOException {
        ChatJson.Chunk chunk = json.parseChunk("""
                {"choices":[{"index":0,"delta":{"content":"Hi","reasoning_content":"hm"},"finish_reason":"stop"}]}""");
        assertThat(chunk).isEqualTo(new ChatJson.Chunk("Hi", "hm", "stop", null, null));
        assertThat(chunk.carriesToken()).isTrue();
    }

    @Test
    void acceptsReasoningUnderTheShorterName() throws IOException {
        ChatJson.Chunk chunk = json.parseChunk("{\"choices\":[{\"delta\":{\"reasoning\":\"hm\",\"content\":null}}]}");
        assertThat(chunk.reasoning()).isEqualTo("hm");
        assertThat(chunk.content()).isEmpty();
    }

    @Test
    void readsAbsentNullOrEmptyDeltasAsChunksWithoutToken() throws IOException {
        for (String data : new String[] {
                "{\"choices\":[{\"index\":0,\"delta\":null}]}",
                "{\"choices\":[{\"index\":0}]}",
                "{\"choices\":[]}",
                "{\"choices\":null}",
                "{}",
                "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":null,\"reasoning_content\":null}}]}"}) {
            ChatJson.Chunk chunk = json.parseChunk(data);
            assertThat(chunk.carriesToken()).as(data).isFalse();
            assertThat(chunk.error()).as(data).isNull();
        }
    }

    @Test
    void refusesKnownFieldsOfTheWrongTypeInsteadOfReadingThemAsAbsent() {
        for (String data : new String[] {
                "{\"choices\":\"hello\"}",
                "{\"choices\":[\"hello\"]}",
                "{\"choices\":[{\"delta\":\"hello\"}]}",
                "{\"choices\":[{\"delta\":{\"content\":42}}]}",
                "{\"choices\":[{\"delta\":{\"reasoning_content\":{\"x\":1}}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":7}]}",
                "{\"choices\":[],\"usage\":\"lots\"}"}) {
            assertThat(catchThrowable(() -> json.parseChunk(data))).as(data).isInstanceOf(IOException.class)
                    .hasMessageContaining(" is a");
        }
        assertThat(catchThrowable(() -> json.parseCompletion(
                "{\"choices\":{\"message\":{}}}".getBytes(StandardCharsets.UTF_8))))
                .hasMessage("\"choices\" is an object, not an array");
    }

    @Test
    void refusesJsonNestedDeeperThanTheLimit() {
        String deep = "[".repeat(ChatJson.MAX_JSON_DEPTH + 1) + "]".repeat(ChatJson.MAX_JSON_DEPTH + 1);

        assertThat(catchThrowable(() -> json.parseChunk("{\"x\":" + deep + "}")))
                .isInstanceOf(com.fasterxml.jackson.core.exc.StreamConstraintsException.class)
                .hasMessageContaining("nesting depth");
    }

    @Test
    void sanitizesModelIdsAndMetadataAndDropsIdsMadeOnlyOfGarbage() throws IOException {
        ChatJson.ModelList list = json.parseModelList(("{\"data\":["
                + "{\"id\":\"qwen\\u001b[2J3\\u0000-8b\",\"owned_by\":\"llamacpp\\u0007\",\"publisher\":\"a\\u202Eb\"},"
                + "{\"id\":\"\\u001b]0;pwned\\u0007\\u0000\"},"
                + "{\"id\":\"" + "m".repeat(ChatJson.MAX_MODEL_ID_CHARS + 1) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(list.models()).extracting(m -> m.id()).containsExactly("qwen3-8b");
        assertThat(list.models().get(0).publisher()).isEqualTo("ab");
        assertThat(list.ownedBy()).isEqualTo("llamacpp");
    }

    @Test
    void readsUsageWithAndWithoutReasoningDetails() throws IOException {
        ChatJson.Chunk withDetails = json.parseChunk("""
                {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,
                 "completion_tokens_details":{"reasoning_tokens":4}}}""");
        assertThat(withDetails.usage()).isEqualTo(new ChatJson.Usage(9, 12, 4));
        ChatJson.Chunk without = json.parseChunk("{\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12}}");
        assertThat(without.usage()).isEqualTo(new ChatJson.Usage(9, 12, -1));
    }

    @Test
    void ignoresAUsageObjectThatLacksACount() throws IOException {
        assertThat(json.parseChunk("{\"usage\":{\"completion_tokens\":12}}").usage()).isNull();
        assertThat(json.parseChunk("{\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":12}}").usage()).isNull();
        assertThat(json.parseChunk("{\"usage\":null}").usage()).isNull();
    }

    @Test
    void reportsTheMessageOfAnErrorChunk() throws IOException {
        assertThat(json.parseChunk("{\"error\":{\"message\":\"out of memory\",\"code\":500}}").error())
                .isEqualTo("out of memory");
        assertThat(json.parseChunk("{\"error\":\"boom\"}").error()).isEqualTo("boom");
    }

    @Test
    void rejectsDataThatIsNotAJsonObject() {
        assertThatThrownBy(() -> json.parseChunk("{\"choices\":[")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> json.parseChunk("[1,2]")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> json.parseChunk("")).isInstanceOf(IOException.class);
    }

    @Test
    void writesLlamaCppParameterCountsAsTheModelFiltersReadThem() throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(ChatJson.paramCount(m.readTree("4647450147"))).isEqualTo("4.6B");
        assertThat(ChatJson.paramCount(m.readTree("8030261248"))).isEqualTo("8B");
        assertThat(ChatJson.paramCount(m.readTree("596049920"))).isEqualTo("596M");
        assertThat(ChatJson.paramCount(m.readTree("\"7B\""))).isEmpty();
        assertThat(ChatJson.paramCount(m.readTree("-1"))).isEmpty();
    }

    @Test
    void readsANonStreamedCompletion() throws IOException {
        ChatJson.Completion completion = json.parseCompletion(bytes(Contracts.text("chat-completion.json")));
        assertThat(completion).isEqualTo(new ChatJson.Completion("Hello! How can I assist you today?",
                "The user greets me.", "stop", new ChatJson.Usage(19, 15, 5, 0), null, null, "qwen3-8b"));
    }

    @Test
    void rejectsACompletionWithoutChoices() {
        assertThatThrownBy(() -> json.parseCompletion(bytes("{\"choices\":[]}"))).isInstanceOf(IOException.class);
    }

    @Test
    void readsTheOpenAiModelListAndSkipsEntriesWithoutId() throws IOException {
        assertThat(json.parseModels(bytes(Contracts.text("models-openai.json")))).containsExactly(
                ModelInfo.named("qwen3-8b"), ModelInfo.named("text-embedding-nomic-embed-text-v1.5"));
    }

    @Test
    void readsLmStudioModelDetailsWhenPresent() throws IOException {
        assertThat(json.parseModels(bytes(Contracts.text("models-lmstudio.json")))).containsExactly(
                new ModelInfo("qwen2-vl-7b-instruct", "vlm", "mlx-community", "qwen2_vl", "4bit", -1, 32768),
                new ModelInfo("meta-llama-3.1-8b-instruct", "llm", "lmstudio-community", "llama", "Q4_K_M", -1,
                        131072));
    }

    @Test
    void acceptsABareArrayOfModelsAndRejectsABodyWithoutOne() throws IOException {
        assertThat(json.parseModels(bytes("[{\"id\":\"m\"}]"))).containsExactly(ModelInfo.named("m"));
        assertThatThrownBy(() -> json.parseModels(bytes("{\"models\":[]}"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> json.parseModels(bytes("<html>"))).isInstanceOf(IOException.class);
    }

    @Test
    void findsTheServerMessageInEveryCommonErrorShape() {
        assertThat(json.errorMessage(bytes(Contracts.text("error-404-model-not-found.json"))))
                .isEqualTo("The model `gpt-5-nano-x` does not exist or you do not have access to it.");
        assertThat(json.errorMessage(bytes("{\"error\":\"plain\"}"))).isEqualTo("plain");
        assertThat(json.errorMessage(bytes("{\"message\":\"top\"}"))).isEqualTo("top");
        assertThat(json.errorMessage(bytes("{\"detail\":\"Not Found\"}"))).isEqualTo("Not Found");
        assertThat(json.errorMessage(bytes("  Bad Gateway \n"))).isEqualTo("Bad Gateway");
        assertThat(json.errorMessage(new byte[0])).isEmpty();
    }

    private static InferenceRequest request(boolean stream) {
        return new InferenceRequest("qwen3-8b", "Say hello", 64, 0.1, stream, Duration.ofSeconds(5));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
