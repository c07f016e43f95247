package dev.lmsbench.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of LM Studio's {@code POST /api/v1/chat}: the whole result (https://lmstudio.ai/docs/developer/rest/chat)
 * and its stream of named events (https://lmstudio.ai/docs/developer/rest/streaming-events).
 *
 * <p>Stream, in the documented order: {@code chat.start}; when this request loads the model, {@code model_load.start},
 * {@code model_load.progress} at a quarter, half, three quarters and all of the load time, {@code model_load.end};
 * {@code prompt_processing.start} once the model is ready, {@code prompt_processing.progress} at half and all of the
 * TTFT, {@code prompt_processing.end}; {@code reasoning.start}, one {@code reasoning.delta} per reasoning token,
 * {@code reasoning.end}; {@code message.start}, one {@code message.delta} per token, {@code message.end};
 * {@code chat.end} with the result. How many progress events there are is the sim's choice (the page does not say).
 */
final class V1ChatFormat implements StreamFormat {

    private static final int LOAD_PROGRESS_STEPS = 4;

    private final SimModel model;
    private final ResponsePlan plan;
    private final ModelStates.Ready ready;
    private final String responseId;

    /**
     * @param model      the model as planned (with reasoning removed when the request said {@code reasoning: off})
     * @param responseId the new response id, or null when the request set {@code store: false}
     */
    V1ChatFormat(SimModel model, ResponsePlan plan, ModelStates.Ready ready, String responseId) {
        this.model = model;
        this.plan = plan;
        this.ready = ready;
        this.responseId = responseId;
    }

    /** The non-streaming body: the result object itself. */
    byte[] complete() {
        return NativeJson.bytes(result());
    }

    /**
     * model_instance_id, output (a {@code reasoning} item when there was reasoning, a {@code message} item when there
     * was content), stats, and response_id unless {@code store} was false.
     */
    ObjectNode result() {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.put("model_instance_id", ready.instance().id());
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        List<String> pieces = plan.pieces();
        for (int i = 0; i < pieces.size(); i++) {
            (i < plan.reasoningTokens() ? reasoning : content).append(pieces.get(i));
        }
        ArrayNode output = root.putArray("output");
        if (plan.reasoningTokens() > 0) {
            output.addObject().put("type", "reasoning").put("content", reasoning.toString());
        }
        if (plan.completionTokens() > plan.reasoningTokens()) {
            output.addObject().put("type", "message").put("content", content.toString());
        }
        root.set("stats", stats());
        if (responseId != null) {
            root.put("response_id", responseId);
        }
        return root;
    }

    /**
     * input_tokens, total_output_tokens, reasoning_output_tokens, tokens_per_second, time_to_first_token_seconds and,
     * when this request loaded the model, model_load_time_seconds. The figures are the sim's configured truth: the
     * decode rate, the TTFT it scheduled after the model was ready, and the load time it simulated.
     */
    ObjectNode stats() {
        ObjectNode stats = OpenAiJson.MAPPER.createObjectNode();
        stats.put("input_tokens", plan.promptTokens());
        stats.put("total_output_tokens", plan.completionTokens());
        stats.put("reasoning_output_tokens", plan.reasoningTokens());
        stats.put("tokens_per_second", model.tokensPerSecond());
        stats.put("time_to_first_token_seconds", NativeJson.ttftSeconds(model, plan));
        if (ready.loadedNow()) {
            stats.put("model_load_time_seconds", ready.instance().loadNanos() / 1e9);
        }
        return stats;
    }

    @Override
    public byte[] head() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(NativeJson.event("chat.start", instanceEvent("chat.start")));
        if (ready.loadedNow()) {
            out.writeBytes(NativeJson.event("model_load.start", instanceEvent("model_load.start")));
        }
        return out.toByteArray();
    }

    @Override
    public List<Milestone> milestones() {
        List<Milestone> list = new ArrayList<>();
        // prompt processing starts once the model is loaded and a parallel slot is free
        long wait = ready.delayNanos();
        if (ready.loadedNow()) {
            long load = ready.instance().loadNanos();
            for (int step = 1; step <= LOAD_PROGRESS_STEPS; step++) {
                double progress = (double) step / LOAD_PROGRESS_STEPS;
                ObjectNode data = instanceEvent("model_load.progress").put("progress", progress);
                list.add(new Milestone(Math.round(load * progress), NativeJson.event("model_load.progress", data)));
            }
            ObjectNode end = instanceEvent("model_load.end").put("load_time_seconds", load / 1e9);
            list.add(new Milestone(load, NativeJson.event("model_load.end", end)));
        }
        long firstToken = plan.offsetsNanos()[0];
        long ttft = firstToken - wait;
        list.add(new Milestone(wait, NativeJson.event("prompt_processing.start",
                NativeJson.eventData("prompt_processing.start"))));
        list.add(new Milestone(wait + ttft / 2, NativeJson.event("prompt_processing.progress",
                NativeJson.eventData("prompt_processing.progress").put("progress", 0.5))));
        list.add(new Milestone(firstToken, NativeJson.event("prompt_processing.progress",
                NativeJson.eventData("prompt_processing.progress").put("progress", 1.0))));
        list.add(new Milestone(firstToken, NativeJson.event("prompt_processing.end",
                NativeJson.eventData("prompt_processing.end"))));
        return list;
    }

    @Override
    public byte[] token(int index, String piece, boolean reasoning) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (reasoning) {
            if (index == 0) {
                out.writeBytes(NativeJson.event("reasoning.start", NativeJson.eventData("reasoning.start")));
            }
            out.writeBytes(NativeJson.event("reasoning.delta",
                    NativeJson.eventData("reasoning.delta").put("content", piece)));
        } else {
            if (index == plan.reasoningTokens()) {
                if (index > 0) {
                    out.writeBytes(NativeJson.event("reasoning.end", NativeJson.eventData("reasoning.end")));
                }
                out.writeBytes(NativeJson.event("message.start", NativeJson.eventData("message.start")));
            }
            out.writeBytes(NativeJson.event("message.delta",
                    NativeJson.eventData("message.delta").put("content", piece)));
        }
        return out.toByteArray();
    }

    @Override
    public byte[] tail() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean endedInReasoning = plan.completionTokens() == plan.reasoningTokens();
        String end = endedInReasoning ? "reasoning.end" : "message.end";
        out.writeBytes(NativeJson.event(end, NativeJson.eventData(end)));
        ObjectNode data = NativeJson.eventData("chat.end");
        data.set("result", result());
        out.writeBytes(NativeJson.event("chat.end", data));
        return out.toByteArray();
    }

    private ObjectNode instanceEvent(String type) {
        return NativeJson.eventData(type).put("model_instance_id", ready.instance().id());
    }
}
