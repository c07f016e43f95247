package dev.lmsbench.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The OpenAI wire shapes the sim writes, built as Jackson trees so field order is fixed and strings are escaped.
 * One instance per response carries the fields every chunk repeats.
 */
final class OpenAiJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final byte[] DONE_EVENT = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    /** Stands for the token text while the fixed halves of a token chunk are encoded; needs no escaping. */
    private static final String MARKER = "SIM-TOKEN-MARKER";

    private final String id;
    private final long created;
    private final String model;
    private final boolean usageNullInChunks;
    private final ObjectNode extras;
    private final boolean usageOffByOne;
    private final byte[][] tokenChunkHalves = new byte[4][];

    /**
     * @param usageNullInChunks OpenAI sends {@code "usage": null} in every chunk but the last when usage was requested
     */
    OpenAiJson(String id, long created, String model, boolean usageNullInChunks) {
        this(id, created, model, usageNullInChunks, null);
    }

    /**
     * @param extras fields appended to the finish chunk and to the complete answer (LM Studio's v0 {@code stats},
     *               {@code model_info}, {@code runtime}), or null for plain OpenAI
     */
    OpenAiJson(String id, long created, String model, boolean usageNullInChunks, ObjectNode extras) {
        this(id, created, model, usageNullInChunks, extras, false);
    }

    /**
     * @param usageOffByOne LM Studio's {@code usage_off_by_one} quirk (lmstudio-bug-tracker #2335): an answer cut at
     *                      {@code max_tokens} reports one completion token less than it sent
     */
    OpenAiJson(String id, long created, String model, boolean usageNullInChunks, ObjectNode extras,
            boolean usageOffByOne) {
        this.id = id;
        this.usageOffByOne = usageOffByOne;
        this.created = created;
        this.model = model;
        this.usageNullInChunks = usageNullInChunks;
        this.extras = extras;
        // Token chunks differ only in the escaped text: encode the rest once per response. The halves come from
        // the same tree code as every other chunk, split around a marker, so the shape cannot drift.
        for (boolean reasoning : new boolean[] {false, true}) {
            String event = new String(event(chunk(MAPPER.createObjectNode()
                    .put(reasoning ? "reasoning_content" : "content", MARKER), null)), StandardCharsets.UTF_8);
            int at = event.lastIndexOf('"' + MARKER + '"');
            int half = reasoning ? 2 : 0;
            tokenChunkHalves[half] = event.substring(0, at).getBytes(StandardCharsets.UTF_8);
            tokenChunkHalves[half + 1] = event.substring(at + MARKER.length() + 2).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Encodes every shape once, so Jackson's class loading and first compilation happen at start-up instead of
     * inside the first request's measured time to first token.
     */
    static void warmUp(List<SimModel> models) {
        SimModel model = models.getFirst();
        ResponsePlan plan = ResponsePlan.create(model, 8, 4, 0, 0);
        OpenAiJson json = new OpenAiJson("chatcmpl-warmup", 0, model.id(), true, null, true);
        json.roleChunk();
        json.tokenChunk("warm", false);
        json.tokenChunk("warm", true);
        json.finishChunk(plan.finishReason());
        json.usageChunk(plan);
        json.completion(plan, true);
        error("warm", "invalid_request_error", null, null);
        modelList(models, 0);
    }

    byte[] roleChunk() {
        ObjectNode delta = MAPPER.createObjectNode().put("role", "assistant").put("content", "");
        return event(chunk(delta, null));
    }

    byte[] tokenChunk(String piece, boolean reasoning) {
        byte[] head = tokenChunkHalves[reasoning ? 2 : 0];
        byte[] tail = tokenChunkHalves[reasoning ? 3 : 1];
        byte[] text = JsonStringEncoder.getInstance().quoteAsUTF8(piece);
        byte[] event = new byte[head.length + text.length + 2 + tail.length];
        System.arraycopy(head, 0, event, 0, head.length);
        event[head.length] = '"';
        System.arraycopy(text, 0, event, head.length + 1, text.length);
        event[head.length + 1 + text.length] = '"';
        System.arraycopy(tail, 0, event, head.length + text.length + 2, tail.length);
        return event;
    }


    byte[] finishChunk(String finishReason) {
        ObjectNode chunk = chunk(MAPPER.createObjectNode(), finishReason);
        if (extras != null) {
            chunk.setAll(extras);
        }
        return event(chunk);
    }

    byte[] usageChunk(ResponsePlan plan) {
        ObjectNode chunk = header("chat.completion.chunk");
        chunk.putArray("choices");
        chunk.set("usage", usage(plan));
        return event(chunk);
    }

    byte[] completion(ResponsePlan plan, boolean withUsage) {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        List<String> pieces = plan.pieces();
        for (int i = 0; i < pieces.size(); i++) {
            (i < plan.reasoningTokens() ? reasoning : content).append(pieces.get(i));
        }
        ObjectNode root = header("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", content.toString());
        if (plan.reasoningTokens() > 0) {
            message.put("reasoning_content", reasoning.toString());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", plan.finishReason());
        if (withUsage) {
            root.set("usage", usage(plan));
        }
        if (extras != null) {
            root.setAll(extras);
        }
        return bytes(root);
    }

    static byte[] error(String message, String type, String param, String code) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return bytes(root);
    }

    static byte[] modelList(List<SimModel> models, long created) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (SimModel model : models) {
            data.add(modelObject(model, created));
        }
        return bytes(root);
    }

    static byte[] model(SimModel model, long created) {
        return bytes(modelObject(model, created));
    }

    private static ObjectNode modelObject(SimModel model, long created) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", model.id());
        node.put("object", "model");
        node.put("created", created);
        node.put("owned_by", model.publisher().isEmpty() ? "sim" : model.publisher());
        return node;
    }

    private ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = header("chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (usageNullInChunks) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private ObjectNode header(String object) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", id);
        node.put("object", object);
        node.put("created", created);
        node.put("model", model);
        return node;
    }

    private ObjectNode usage(ResponsePlan plan) {
        ObjectNode usage = MAPPER.createObjectNode();
        // lmstudio-bug-tracker #2335: at the max_tokens limit LM Studio counts max_tokens - 1 completion tokens while
        // it streams max_tokens of them
        int completion = usageOffByOne && ResponsePlan.LENGTH.equals(plan.finishReason())
                ? plan.completionTokens() - 1 : plan.completionTokens();
        usage.put("prompt_tokens", plan.promptTokens());
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", plan.promptTokens() + completion);
        // as OpenAI and llama.cpp report it: the prompt tokens the sim's prefix cache held
        usage.putObject("prompt_tokens_details").put("cached_tokens", plan.cachedTokens());
        usage.putObject("completion_tokens_details").put("reasoning_tokens", plan.reasoningTokens());
        return usage;
    }

    private static byte[] event(ObjectNode node) {
        byte[] json = bytes(node);
        byte[] event = new byte[DATA.length + json.length + 2];
        System.arraycopy(DATA, 0, event, 0, DATA.length);
        System.arraycopy(json, 0, event, DATA.length, json.length);
        event[event.length - 2] = '\n';
        event[event.length - 1] = '\n';
        return event;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            // a tree of strings and numbers always serializes
            throw new UncheckedIOException(e);
        }
    }
}
