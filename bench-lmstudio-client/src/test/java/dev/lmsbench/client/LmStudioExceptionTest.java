package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.text.SafeText;
import org.junit.jupiter.api.Test;

import static dev.lmsbench.client.LmStudioException.Reason.INSUFFICIENT_MEMORY;
import static dev.lmsbench.client.LmStudioException.Reason.MODEL_NOT_FOUND;
import static dev.lmsbench.client.LmStudioException.Reason.MODEL_NOT_LOADED;
import static dev.lmsbench.client.LmStudioException.Reason.MODEL_UNLOADED;
import static dev.lmsbench.client.LmStudioException.Reason.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

/** Recognizing what a server error is about from its message, type and code. */
class LmStudioExceptionTest {

    @Test
    void recognizesUnloadedModelsInBothWordings() {
        assertThat(LmStudioException.classify("Model unloaded", "", "")).isEqualTo(MODEL_UNLOADED);
        assertThat(LmStudioException.classify("Error: Model is unloaded.", "", "")).isEqualTo(MODEL_UNLOADED);
        assertThat(LmStudioException.classify("model qwen unloaded", "", "")).isEqualTo(OTHER);
    }

    @Test
    void recognizesMissingModelsByCodeTypeOrMessage() {
        assertThat(LmStudioException.classify("nope", "invalid_request_error", "model_not_found"))
                .isEqualTo(MODEL_NOT_FOUND);
        assertThat(LmStudioException.classify("nope", "model_not_found", "")).isEqualTo(MODEL_NOT_FOUND);
        assertThat(LmStudioException.classify("The model `x` does not exist", "", "")).isEqualTo(MODEL_NOT_FOUND);
        assertThat(LmStudioException.classify("Model \"x\" not found", "", "")).isEqualTo(MODEL_NOT_FOUND);
    }

    @Test
    void recognizesMemoryRefusalsBeforeAnythingNamingTheModel() {
        assertThat(LmStudioException.classify("Model loading was stopped due to insufficient system resources. "
                + "Under the current settings, this model requires approximately 22 GB", "", ""))
                .isEqualTo(INSUFFICIENT_MEMORY);
        assertThat(LmStudioException.classify("Not enough resources to load the model", "", ""))
                .isEqualTo(INSUFFICIENT_MEMORY);
        assertThat(LmStudioException.classify("cudaMalloc failed: out of memory", "", ""))
                .isEqualTo(INSUFFICIENT_MEMORY);
        assertThat(LmStudioException.classify("context length exceeded", "", "")).isEqualTo(OTHER);
    }

    @Test
    void recognizesNoModelsLoadedAndJitLoadingOffAsNotLoaded() {
        // LM Studio's wording: https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/1730
        assertThat(LmStudioException.classify("No models loaded. Please load a model in the developer page or use the"
                + " 'lms load' command.", "invalid_request_error", "")).isEqualTo(MODEL_NOT_LOADED);
        // the simulator's, for a model that is not loaded while another one is
        assertThat(LmStudioException.classify("Model 'sim/b' is not loaded and JIT loading is off. Load it first.",
                "invalid_request_error", "")).isEqualTo(MODEL_NOT_LOADED);
        assertThat(LmStudioException.classify("Model unloaded.", "", "")).as("still the reload case")
                .isEqualTo(MODEL_UNLOADED);
        assertThat(LmStudioException.classify("Model is unloaded.", "", "")).isEqualTo(MODEL_UNLOADED);
        assertThat(LmStudioException.classify("the adapter is not loaded", "", "")).isEqualTo(OTHER);
    }

    @Test
    void aNotLoadedFailureIsKindModelNotLoadedAndSaysWhatToDo() {
        LmStudioException e = LmStudioException.fromServer(Kind.HTTP_STATUS, "HTTP 404 from http://h:1234/api/v0/chat"
                + "/completions: No models loaded. Please load a model in the developer page or use the 'lms load'"
                + " command.", "http://h:1234/api/v0/chat/completions", 404, "invalid_request_error", "",
                "No models loaded. Please load a model in the developer page or use the 'lms load' command.");

        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_LOADED);
        assertThat(e.reason()).isEqualTo(MODEL_NOT_LOADED);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.getMessage()).startsWith("HTTP 404 from http://h:1234/api/v0/chat/completions: No models loaded")
                .endsWith("turn on JIT loading (Developer > Server Settings) or load the model first (lms load)");
        assertThat(e.isModelUnloaded()).as("no reload for this one").isFalse();
    }

    @Test
    void keepsTheHintWhenTheServersMessageIsLong() {
        String message = "HTTP 400 from http://h/api/v1/chat: No models loaded. " + "x".repeat(400);

        LmStudioException e = LmStudioException.fromServer(Kind.HTTP_STATUS, message, "http://h/api/v1/chat", 400, "",
                "", message);

        assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(SafeText.MAX_MESSAGE_CHARS)
                .endsWith(LmStudioException.NOT_LOADED_HINT);
    }

    @Test
    void otherFailuresKeepTheirKindAndMessage() {
        LmStudioException e = LmStudioException.fromServer(Kind.SERVER_ERROR, "server error in stream from u: boom",
                "u", -1, "", "", "boom");

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.getMessage()).isEqualTo("server error in stream from u: boom");
    }
}
