package dev.lmsbench.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Ollama's wire shapes as the sim writes them, following https://github.com/ollama/ollama/blob/main/docs/api.md
 * (sections named per method); its own code, shared with nothing in the client. Where the page says nothing the
 * choice is marked as the sim's.
 */
final class OllamaJson {

    /** Ollama API reference. */
    static final String DOC = "https://github.com/ollama/ollama/blob/main/docs/api.md";
    /** What {@code GET /api/version} answers: the sim's own version string. */
    static final String VERSION = "0.0.0-lmsbench-sim";

    /**
     * The durations and counts one chat answer reports, in nanoseconds: the configured truth the answer was
     * scheduled from.
     *
     * @param loadNanos       {@code load_duration}: how long the request waited for its model (0 when it was ready)
     * @param promptEvalNanos {@code prompt_eval_duration}: the configured TTFT for the prompt
     * @param evalNanos       {@code eval_duration}: {@code eval_count} tokens at the configured decode rate
     * @param promptTokens    {@code prompt_eval_count}
     * @param evalTokens      {@code eval_count}
     */
    record Truth(long loadNanos, long queueNanos, long promptEvalNanos, long evalNanos, int promptTokens,
            int evalTokens) {

        /**
         * @param model      the model as planned (its rate is the instance's effective decode rate)
         * @param queueNanos time spent waiting for a parallel slot: part of {@code total_duration} only
         */
        static Truth of(SimModel model, ResponsePlan plan, long waitNanos, long queueNanos) {
            return new Truth(waitNanos, queueNanos, Math.round(model.ttftMs(plan.promptTokens()) * 1e6),
                    Math.round(plan.completionTokens() * 1e9 / model.tokensPerSecond()), plan.promptTokens(),
                    plan.completionTokens());
        }

        long totalNanos() {
            return loadNanos + queueNanos + promptEvalNanos + evalNanos;
        }
    }

    private OllamaJson() {
    }

    /** "Version": {@code {"version": "..."}}. */
    static byte[] version() {
        return bytes(OpenAiJson.MAPPER.createObjectNode().put("version", VERSION));
    }

    /** "List Local Models": {@code {"models": [{name, model, modified_at, size, digest, details}]}}. */
    static byte[] tags(List<SimModel> models, Instant modified) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("models");
        for (SimModel model : models) {
            ObjectNode entry = list.addObject();
            entry.put("name", model.id());
            entry.put("model", model.id());
            entry.put("modified_at", modified.toString());
            entry.put("size", Math.max(0, model.sizeBytes()));
            entry.put("digest", digest(model.id()));
            entry.set("details", details(model));
        }
        return bytes(root);
    }

    /**
     * "Show Model Information": details, {@code model_info} with {@code general.architecture} and
     * {@code <architecture>.context_length}, and {@code capabilities} ({@code completion} or {@code embedding},
     * {@code vision}, {@code tools}, {@code thinking}: the capability names of Ollama's show answer).
     */
    static byte[] show(SimModel model) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.put("modelfile", "# simulated model " + model.id());
        root.put("parameters", "");
        root.put("template", "{{ .Prompt }}");
        root.set("details", details(model));
        ObjectNode info = root.putObject("model_info");
        String architecture = architecture(model);
        info.put("general.architecture", architecture);
        if (model.maxContextLength() > 0) {
            info.put(architecture + ".context_length", model.maxContextLength());
        }
        ArrayNode capabilities = root.putArray("capabilities");
        capabilities.add(NativeJson.isEmbedding(model) ? "embedding" : "completion");
        if (model.vision()) {
            capabilities.add("vision");
        }
        if (model.trainedForToolUse()) {
            capabilities.add("tools");
        }
        if (model.reasoningTokens() > 0) {
            capabilities.add("thinking");
        }
        return bytes(root);
    }

    /**
     * "List Running Models": every ready instance with {@code size} and {@code size_vram} (the sim's machine holds
     * everything in GPU memory, so both are the instance's memory), {@code expires_at} (the sim never expires a
     * model; it says five minutes from now, Ollama's default keep-alive) and {@code context_length}.
     */
    static byte[] ps(List<ModelStates.Instance> instances, Instant now) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("models");
        for (ModelStates.Instance instance : instances) {
            SimModel model = instance.model();
            ObjectNode entry = list.addObject();
            entry.put("name", model.id());
            entry.put("model", model.id());
            entry.put("size", instance.memoryBytes());
            entry.put("digest", digest(model.id()));
            entry.set("details", details(model));
            entry.put("expires_at", now.plus(Duration.ofMinutes(5)).toString());
            // the part of its memory on the GPU: all of it unless an lms load offloaded less
            entry.put("size_vram", Math.round(instance.memoryBytes() * instance.gpuOffload()));
            entry.put("context_length", instance.config().contextLength());
        }
        return bytes(root);
    }

    /**
     * "Load a model" / "Unload a model" of {@code /api/generate}: {@code {model, created_at, response: "", done: true,
     * done_reason}}; the {@code /api/chat} variant carries an empty assistant {@code message} instead of
     * {@code response}.
     */
    static byte[] lifecycle(String model, String doneReason, boolean chat, Instant now) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.put("model", model);
        root.put("created_at", now.toString());
        if (chat) {
            root.putObject("message").put("role", "assistant").put("content", "");
        } else {
            root.put("response", "");
        }
        root.put("done_reason", doneReason);
        root.put("done", true);
        return bytes(root);
    }

    /**
     * The final object of a chat answer ("Generate a chat completion", final response): {@code done: true},
     * {@code done_reason}, the durations and counts. Streamed, its {@code message.content} is empty; not streamed it
     * carries the whole answer ({@code content}, and {@code thinking} for the reasoning part).
     */
    static ObjectNode done(String model, Instant createdAt, String content, String thinking, String doneReason,
            Truth truth) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.put("model", model);
        root.put("created_at", createdAt.toString());
        ObjectNode message = root.putObject("message").put("role", "assistant").put("content", content);
        if (!thinking.isEmpty()) {
            message.put("thinking", thinking);
        }
        root.put("done_reason", doneReason);
        root.put("done", true);
        root.put("total_duration", truth.totalNanos());
        root.put("load_duration", truth.loadNanos());
        root.put("prompt_eval_count", truth.promptTokens());
        root.put("prompt_eval_duration", truth.promptEvalNanos());
        root.put("eval_count", truth.evalTokens());
        root.put("eval_duration", truth.evalNanos());
        return root;
    }

    /** An error answer: {@code {"error": "..."}}, the shape Ollama's errors have. */
    static byte[] error(String message) {
        return bytes(OpenAiJson.MAPPER.createObjectNode().put("error", message));
    }

    /** The compact encoding of a tree. */
    static byte[] bytes(ObjectNode node) {
        try {
            return OpenAiJson.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #bytes} followed by the line end of NDJSON. */
    static byte[] line(ObjectNode node) {
        byte[] json = bytes(node);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    private static ObjectNode details(SimModel model) {
        ObjectNode details = OpenAiJson.MAPPER.createObjectNode();
        details.put("parent_model", "");
        details.put("format", model.format());
        details.put("family", model.architecture());
        ArrayNode families = details.putArray("families");
        if (!model.architecture().isEmpty()) {
            families.add(model.architecture());
        }
        details.put("parameter_size", model.paramsString());
        details.put("quantization_level", model.quantization());
        return details;
    }

    /** The architecture named in {@code model_info}; the sim's {@code sim} for a model that names none. */
    private static String architecture(SimModel model) {
        return model.architecture().isEmpty() ? "sim" : model.architecture();
    }

    /** A stable digest per model, as Ollama lists the sha256 of each model's manifest (the sim's: of the id). */
    private static String digest(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
