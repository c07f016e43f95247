package dev.lmsbench.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LM Studio's native wire shapes ({@code /api/v0} and {@code /api/v1}), built as Jackson trees like {@link OpenAiJson}.
 * Every shape names the documentation page it follows; where the pages say nothing the choice is marked as the sim's.
 */
final class NativeJson {

    /** v0 REST API reference: https://lmstudio.ai/docs/developer/rest/endpoints */
    static final String V0_DOC = "https://lmstudio.ai/docs/developer/rest/endpoints";

    /** The sim's runtime version in v0 {@code runtime}; the docs' example shows a llama.cpp runtime at 1.3.0. */
    static final String RUNTIME_VERSION = "1.3.0";

    private static final Pattern FIRST_NUMBER = Pattern.compile("(\\d+)");

    private NativeJson() {
    }

    /**
     * Encodes every native shape once at start-up, so class loading and first compilation stay out of the first
     * native request's measured time to first token (as {@link OpenAiJson#warmUp} does for the OpenAI shapes).
     */
    static void warmUp(List<SimModel> models) {
        SimModel model = models.getFirst();
        ResponsePlan plan = ResponsePlan.create(model.withTokens(0, 4), 8, 4, 0, 0);
        ModelStates.Instance instance = new ModelStates.Instance(model.id(), model, LoadConfig.defaultsFor(model),
                0, true, 1, 1, 1, 1.0, -1);
        v0ModelList(List.of(v0Model(model, 4096)));
        v0Extras(model, plan, 4096, true, stopReason(plan, 1, true), new Draft(model.id(), 0.5));
        v1ModelList(List.of(v1Model(model, List.of(instance))));
        v1Loaded(instance, true);
        v1Error("invalid_request", "warm", null, null);
        V1ChatFormat format = new V1ChatFormat(model, plan, new ModelStates.Ready(instance, 1, true), "resp_warm");
        format.head();
        format.milestones();
        format.token(0, "warm", false);
        format.tail();
        format.complete();
    }

    // ---------------------------------------------------------------- v0

    /**
     * One model of {@code GET /api/v0/models}: id, object, type, publisher, arch, compatibility_type, quantization,
     * state ({@code loaded} / {@code not-loaded}), max_context_length (https://lmstudio.ai/docs/developer/rest/endpoints).
     * {@code loaded_context_length} is not on that page, but LM Studio sends it for loaded models and clients read it.
     *
     * @param loadedContextLength the context length of the first ready instance, or {@code -1} when none is ready
     */
    static ObjectNode v0Model(SimModel model, int loadedContextLength) {
        ObjectNode node = OpenAiJson.MAPPER.createObjectNode();
        node.put("id", model.id());
        node.put("object", "model");
        node.put("type", model.type());
        node.put("publisher", model.publisher());
        node.put("arch", model.architecture());
        node.put("compatibility_type", model.format());
        node.put("quantization", model.quantization());
        node.put("state", loadedContextLength > 0 ? "loaded" : "not-loaded");
        if (model.maxContextLength() > 0) {
            node.put("max_context_length", model.maxContextLength());
        }
        if (loadedContextLength > 0) {
            node.put("loaded_context_length", loadedContextLength);
        }
        return node;
    }

    /** {@code GET /api/v0/models}: {@code {"object": "list", "data": [...]}} (same page). */
    static byte[] v0ModelList(List<ObjectNode> models) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        models.forEach(data::add);
        return bytes(root);
    }

    /**
     * A draft model for speculative decoding (LM Studio 0.3.10's {@code draft_model}): its id and the share of its
     * tokens the main model accepts.
     */
    record Draft(String model, double acceptanceRate) {

        /** Draft tokens proposed for an answer: one per completion token after the first (which the main model
         * decodes alone), as LM Studio's counts run. */
        static int total(int completionTokens) {
            return Math.max(0, completionTokens - 1);
        }

        int accepted(int completionTokens) {
            return (int) Math.round(total(completionTokens) * acceptanceRate);
        }
    }

    /**
     * The fields {@code POST /api/v0/chat/completions} adds to an OpenAI answer: {@code stats} (tokens_per_second,
     * time_to_first_token, generation_time, stop_reason), {@code model_info} (arch, quant, format, context_length) and
     * {@code runtime} (name, version, supported_formats), per https://lmstudio.ai/docs/developer/rest/endpoints.
     * The page shows only the non-streaming answer; in a stream the sim puts them on the chunk with
     * {@code finish_reason}, the first point where all are known to a real server (and, under the
     * {@code no_v0_stream_stats} quirk, leaves {@code stats} out as LM Studio does: lmstudio-bug-tracker #676, #713,
     * lmstudio-js #320). With a draft model {@code stats} also carry draft_model, total_draft_tokens_count,
     * accepted_draft_tokens_count, rejected_draft_tokens_count and ignored_draft_tokens_count (LM Studio
     * api-changelog 0.3.10).
     *
     * <p>Every figure is the sim's configured truth, not a measurement: the decode rate the answer was planned
     * at (the model's, slowed by a partial GPU offload, sped up by a draft model), the TTFT it scheduled (prompt
     * processing included, model load and queueing excluded: v1 reports the load apart), and the decode time of
     * the answer at that rate.
     *
     * @param model      the model as planned: its {@code tokensPerSecond} is the effective rate
     * @param withStats  whether to send {@code stats}
     * @param stopReason {@code stats.stop_reason} ({@link #stopReason})
     * @param draft      the draft model, or null
     */
    static ObjectNode v0Extras(SimModel model, ResponsePlan plan, int contextLength, boolean withStats,
            String stopReason, Draft draft) {
        ObjectNode extras = OpenAiJson.MAPPER.createObjectNode();
        if (withStats) {
            ObjectNode stats = extras.putObject("stats");
            stats.put("tokens_per_second", model.tokensPerSecond());
            stats.put("time_to_first_token", ttftSeconds(model, plan));
            stats.put("generation_time", plan.completionTokens() / model.tokensPerSecond());
            stats.put("stop_reason", stopReason);
            if (draft != null) {
                int total = Draft.total(plan.completionTokens());
                int accepted = draft.accepted(plan.completionTokens());
                stats.put("draft_model", draft.model());
                stats.put("total_draft_tokens_count", total);
                stats.put("accepted_draft_tokens_count", accepted);
                stats.put("rejected_draft_tokens_count", total - accepted);
                stats.put("ignored_draft_tokens_count", 0);
            }
        }
        ObjectNode info = extras.putObject("model_info");
        info.put("arch", model.architecture());
        info.put("quant", model.quantization());
        info.put("format", model.format());
        info.put("context_length", contextLength);
        ObjectNode runtime = extras.putObject("runtime");
        // the page shows "llama.cpp-mac-arm64-apple-metal-advsimd" for gguf; the sim names itself, and lists the
        // model's own format as the supported one (the page shows no MLX example)
        runtime.put("name", model.format().equals("mlx") ? "mlx-llm-sim" : "llama.cpp-sim");
        runtime.put("version", RUNTIME_VERSION);
        runtime.putArray("supported_formats").add(model.format());
        return extras;
    }

    /**
     * v0 {@code stats.stop_reason}: {@code maxPredictedTokensReached} when {@code max_tokens} cut the answer, else
     * {@code eosFound} (the two the page shows); under the {@code stop_reason_variants} quirk a natural end of an
     * odd-numbered request reads {@code stop}, as LM Studio sometimes sends it (lmstudio-bug-tracker #601).
     */
    static String stopReason(ResponsePlan plan, long sequence, boolean variants) {
        if (ResponsePlan.LENGTH.equals(plan.finishReason())) {
            return "maxPredictedTokensReached";
        }
        return variants && sequence % 2 == 1 ? "stop" : "eosFound";
    }

    /** The scheduled time to first token in seconds, without any model load. */
    static double ttftSeconds(SimModel model, ResponsePlan plan) {
        return model.ttftMs(plan.promptTokens() - plan.cachedTokens()) / 1000.0;
    }

    // ---------------------------------------------------------------- v1 models

    /**
     * One model of {@code GET /api/v1/models} (https://lmstudio.ai/docs/developer/rest/list): type ({@code llm} or
     * {@code embedding}; a v0 {@code vlm} is an {@code llm} with the vision capability), publisher, key,
     * display_name, architecture, quantization {name, bits_per_weight}, size_bytes, params_string,
     * loaded_instances [{id, config}], max_context_length, format, capabilities {vision, trained_for_tool_use},
     * description. Each instance's {@code config} also carries its {@code parallel} slots (LM Studio 0.4 gives API and
     * JIT loads 4: lmstudio-bug-tracker #2061). Architecture, capabilities and description are absent for embedding models, as documented.
     */
    static ObjectNode v1Model(SimModel model, List<ModelStates.Instance> ready) {
        boolean embedding = isEmbedding(model);
        ObjectNode node = OpenAiJson.MAPPER.createObjectNode();
        node.put("type", v1Type(model));
        node.put("publisher", model.publisher());
        node.put("key", model.id());
        node.put("display_name", displayName(model.id()));
        if (!embedding) {
            node.put("architecture", model.architecture().isEmpty() ? null : model.architecture());
        }
        ObjectNode quantization = node.putObject("quantization");
        quantization.put("name", model.quantization().isEmpty() ? null : model.quantization());
        Integer bits = bitsPerWeight(model.quantization());
        quantization.put("bits_per_weight", bits);
        if (model.sizeBytes() >= 0) {
            node.put("size_bytes", model.sizeBytes());
        } else {
            // the page types size_bytes as a number; the sim does not know it, so it sends null rather than a lie
            node.putNull("size_bytes");
        }
        node.put("params_string", model.paramsString().isEmpty() ? null : model.paramsString());
        ArrayNode instances = node.putArray("loaded_instances");
        for (ModelStates.Instance instance : ready) {
            ObjectNode entry = instances.addObject();
            entry.put("id", instance.id());
            entry.set("config", loadConfig(instance.config(), embedding).put("parallel", instance.parallel()));
        }
        if (model.maxContextLength() > 0) {
            node.put("max_context_length", model.maxContextLength());
        } else {
            node.putNull("max_context_length");
        }
        node.put("format", model.format());
        if (!embedding) {
            ObjectNode capabilities = node.putObject("capabilities");
            capabilities.put("vision", model.vision());
            capabilities.put("trained_for_tool_use", model.trainedForToolUse());
            node.putNull("description");
        }
        return node;
    }

    /** {@code GET /api/v1/models}: {@code {"models": [...]}} (https://lmstudio.ai/docs/developer/rest/list). */
    static byte[] v1ModelList(List<ObjectNode> models) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("models");
        models.forEach(list::add);
        return bytes(root);
    }

    /**
     * A load configuration as the list and load pages show it: context_length, and for LLMs eval_batch_size,
     * flash_attention, offload_kv_cache_to_gpu (num_experts is for MoE models only, which the sim has none of).
     */
    static ObjectNode loadConfig(LoadConfig config, boolean embedding) {
        ObjectNode node = OpenAiJson.MAPPER.createObjectNode();
        node.put("context_length", config.contextLength());
        if (!embedding) {
            node.put("eval_batch_size", config.evalBatchSize());
            node.put("flash_attention", config.flashAttention());
            node.put("offload_kv_cache_to_gpu", config.offloadKvCacheToGpu());
        }
        return node;
    }

    /**
     * {@code POST /api/v1/models/load}: type, instance_id, load_time_seconds, status {@code loaded}, and load_config
     * when the request set {@code echo_load_config} (https://lmstudio.ai/docs/developer/rest/load).
     */
    static byte[] v1Loaded(ModelStates.Instance instance, boolean echoLoadConfig) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.put("type", v1Type(instance.model()));
        root.put("instance_id", instance.id());
        root.put("load_time_seconds", instance.loadNanos() / 1e9);
        root.put("status", "loaded");
        if (echoLoadConfig) {
            root.set("load_config", loadConfig(instance.config(), isEmbedding(instance.model()))
                    .put("parallel", instance.parallel()));
        }
        return bytes(root);
    }

    /** {@code POST /api/v1/models/unload}: {@code {"instance_id": ...}} (https://lmstudio.ai/docs/developer/rest/unload). */
    static byte[] v1Unloaded(String instanceId) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.put("instance_id", instanceId);
        return bytes(root);
    }

    /**
     * A v1 error. The pages document the error object only inside the streaming {@code error} event
     * (https://lmstudio.ai/docs/developer/rest/streaming-events): {type, message, code?, param?} with type one of
     * invalid_request, unknown, mcp_connection_error, plugin_connection_error, not_implemented, model_not_found,
     * job_not_found, internal_error. The sim sends that object under {@code "error"} as the HTTP error body.
     */
    static byte[] v1Error(String type, String message, String code, String param) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.set("error", v1ErrorObject(type, message, code, param));
        return bytes(root);
    }

    static ObjectNode v1ErrorObject(String type, String message, String code, String param) {
        ObjectNode error = OpenAiJson.MAPPER.createObjectNode();
        error.put("type", type);
        error.put("message", message);
        if (code != null) {
            error.put("code", code);
        }
        if (param != null) {
            error.put("param", param);
        }
        return error;
    }

    // ---------------------------------------------------------------- helpers

    static String v1Type(SimModel model) {
        return isEmbedding(model) ? "embedding" : "llm";
    }

    static boolean isEmbedding(SimModel model) {
        return model.type().startsWith("embedding");
    }

    /**
     * A human-readable name from a model id, as LM Studio's display names read ("Gemma 3 270m Instruct Qat"): the
     * part after the last {@code /} and before {@code @}, split at {@code -} and {@code _}, each word capitalized.
     */
    static String displayName(String id) {
        String name = id.substring(id.lastIndexOf('/') + 1);
        int at = name.indexOf('@');
        if (at > 0) {
            name = name.substring(0, at);
        }
        StringBuilder out = new StringBuilder();
        for (String word : name.split("[-_]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
        }
        return out.isEmpty() ? id : out.toString();
    }

    /** The first number in a quantization name ({@code Q4_K_M} 4, {@code F16} 16, {@code 4bit} 4), or null. */
    static Integer bitsPerWeight(String quantization) {
        Matcher m = FIRST_NUMBER.matcher(quantization);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    /** A server-sent event with a name, as the v1 chat stream writes them: {@code event: <type>\ndata: <json>\n\n}. */
    static byte[] event(String type, ObjectNode data) {
        String text = "event: " + type + "\ndata: " + new String(bytes(data), StandardCharsets.UTF_8) + "\n\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A v1 event object: {@code {"type": <type>, ...}}, type first as on the streaming events page. */
    static ObjectNode eventData(String type) {
        ObjectNode node = OpenAiJson.MAPPER.createObjectNode();
        node.put("type", type);
        return node;
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return OpenAiJson.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            // a tree of strings and numbers always serializes
            throw new UncheckedIOException(e);
        }
    }
}
