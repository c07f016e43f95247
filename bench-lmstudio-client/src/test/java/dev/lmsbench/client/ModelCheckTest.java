package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static dev.lmsbench.client.ModelCheck.LM_STUDIO;
import static dev.lmsbench.client.ModelCheck.OLLAMA;
import static dev.lmsbench.client.ModelCheck.OPENAI_COMPATIBLE;
import static dev.lmsbench.client.ModelCheck.sameModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** When an answering model counts as the model asked for, per server. */
class ModelCheckTest {

    private static final URI URL = URI.create("http://127.0.0.1:1234/api/v0/chat/completions");

    @Test
    void theSameNameIsTheSameModelWhateverTheCase() {
        assertThat(sameModel("qwen/qwen3-8b", "qwen/qwen3-8b", LM_STUDIO)).isTrue();
        assertThat(sameModel("Qwen/Qwen3-8B", "qwen/qwen3-8b", OLLAMA)).isTrue();
        assertThat(sameModel("sim/b", "sim/a", OPENAI_COMPATIBLE)).isFalse();
    }

    @Test
    void anLmStudioInstanceIsItsModelButNotAnotherInstance() {
        assertThat(sameModel("sim/a", "sim/a:2", LM_STUDIO)).as("an instance answering for its key").isTrue();
        assertThat(sameModel("sim/a:2", "sim/a", LM_STUDIO)).as("the key answering for an instance").isTrue();
        assertThat(sameModel("sim/a:2", "sim/a:2", LM_STUDIO)).isTrue();
        assertThat(sameModel("sim/a:2", "sim/a:3", LM_STUDIO)).as("two instances").isFalse();
        assertThat(sameModel("sim/b", "sim/a:2", LM_STUDIO)).isFalse();
        assertThat(sameModel("sim/a", "sim/a:x", LM_STUDIO)).as("digits only").isFalse();
        assertThat(sameModel("sim/a", "sim/a:2", OLLAMA)).as("not an Ollama rule").isFalse();
    }

    @Test
    void anLmStudioIdWithoutItsPublisherIsTheSameModel() {
        assertThat(sameModel("qwen/qwen3-8b", "qwen3-8b", LM_STUDIO)).isTrue();
        assertThat(sameModel("qwen3-8b", "qwen/qwen3-8b:2", LM_STUDIO)).isTrue();
        assertThat(sameModel("lmstudio-community/qwen3-8b", "qwen/qwen3-8b", LM_STUDIO))
                .as("two publishers").isFalse();
        assertThat(sameModel("qwen/qwen3-8b", "qwen3-8b", OLLAMA)).isFalse();
    }

    @Test
    void ollamasImplicitLatestTagIsTheSameModel() {
        assertThat(sameModel("llama3.2", "llama3.2:latest", OLLAMA)).isTrue();
        assertThat(sameModel("llama3.2:latest", "llama3.2", OLLAMA)).isTrue();
        assertThat(sameModel("llama3.2:1b", "llama3.2", OLLAMA)).isFalse();
        assertThat(sameModel("llama3.2", "llama3.2:latest", LM_STUDIO)).isFalse();
    }

    @Test
    void openAisDatedSnapshotAnswersForItsAlias() {
        // OpenAI's chat completion object example: request gpt-4.1, answer gpt-4.1-2025-04-14
        assertThat(sameModel("gpt-4.1", "gpt-4.1-2025-04-14", OPENAI_COMPATIBLE)).isTrue();
        assertThat(sameModel("gpt-4", "gpt-4-0613", OPENAI_COMPATIBLE)).isTrue();
        assertThat(sameModel("gpt-4.1", "gpt-4.1-mini", OPENAI_COMPATIBLE)).isFalse();
        assertThat(sameModel("gpt-4.1-2025-04-14", "gpt-4.1", OPENAI_COMPATIBLE)).as("only that way").isFalse();
        assertThat(sameModel("gpt-4.1", "gpt-4.1-2025-04-14", LM_STUDIO)).isFalse();
    }

    @Test
    void anAnswerNamingNoModelCannotBeCheckedAndIsAccepted() {
        assertThat(ModelCheck.otherModel("sim/b", List.of(), LM_STUDIO, null)).isNull();
    }

    @Test
    void everyModelAStreamNamedIsChecked() {
        assertThat(ModelCheck.otherModel("sim/a", List.of("sim/a", "sim/a:2", "sim/c"), LM_STUDIO, null))
                .isEqualTo("sim/c");
        assertThat(ModelCheck.otherModel("sim/a", List.of("sim/a", "sim/a:2"), LM_STUDIO, null)).isNull();
    }

    @Test
    void whatTheClientAddsForItsServerCountsAsTheSameModel() {
        assertThat(ModelCheck.otherModel("foo", List.of("tiny.gguf"), OPENAI_COMPATIBLE, "tiny.gguf"::equals))
                .isNull();
        assertThat(ModelCheck.otherModel("foo", List.of("other.gguf"), OPENAI_COMPATIBLE, "tiny.gguf"::equals))
                .isEqualTo("other.gguf");
    }

    @Test
    void aWrongModelFailsWithAOneLineMessageNamingBothAndWhatToDo() {
        BackendException e = catchThrowableOfType(BackendException.class, () -> ModelCheck.require("sim/b",
                List.of("sim/a"), LM_STUDIO, null, URL, ModelCheck.lmStudioHint("sim/b"),
                LmStudioException::wrongModel));

        assertThat(e).isInstanceOf(LmStudioException.class);
        assertThat(e.kind()).isEqualTo(Kind.WRONG_MODEL);
        assertThat(((LmStudioException) e).reason()).isEqualTo(LmStudioException.Reason.WRONG_MODEL);
        assertThat(e.getMessage()).isEqualTo("asked for 'sim/b' but 'sim/a' answered (" + URL + "): LM Studio"
                + " answered with the model it has loaded; load 'sim/b' or turn on JIT loading");
        assertThat(e.url()).isEqualTo(URL.toString());
    }

    @Test
    void aHostileModelNameIsQuotedSafeAndShort() {
        BackendException e = catchThrowableOfType(BackendException.class, () -> ModelCheck.require("m",
                List.of("\u001b[31mevil\nname" + "x".repeat(500)), OLLAMA, null, URL, "hint",
                ModelCheck.Failure.PLAIN));

        assertThat(e.getMessage()).doesNotContain("\u001b").doesNotContain("\n").endsWith(": hint")
                .contains("evil");
        assertThat(e.getMessage().length()).isLessThanOrEqualTo(dev.lmsbench.core.text.SafeText.MAX_MESSAGE_CHARS);
    }
}
