package dev.lmsbench.client;

import org.junit.jupiter.api.Test;

import static dev.lmsbench.client.LmStudioException.Reason.INSUFFICIENT_MEMORY;
import static dev.lmsbench.client.LmStudioException.Reason.MODEL_NOT_FOUND;
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
}
