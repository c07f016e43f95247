package dev.lmsbench.sim;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * OpenAI's chat completion chunks (also LM Studio's {@code /api/v0/chat/completions}, whose finish chunk carries the
 * native extras through {@link OpenAiJson}): role chunk, one chunk per token, finish chunk, optional usage chunk,
 * {@code [DONE]}.
 */
final class OpenAiStreamFormat implements StreamFormat {

    private final OpenAiJson json;
    private final ResponsePlan plan;
    private final boolean sendUsage;

    OpenAiStreamFormat(OpenAiJson json, ResponsePlan plan, boolean sendUsage) {
        this.json = json;
        this.plan = plan;
        this.sendUsage = sendUsage;
    }

    @Override
    public byte[] head() {
        return json.roleChunk();
    }

    @Override
    public List<Milestone> milestones() {
        return List.of();
    }

    @Override
    public byte[] token(int index, String piece, boolean reasoning) {
        return json.tokenChunk(piece, reasoning);
    }

    @Override
    public byte[] tail() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(json.finishChunk(plan.finishReason()));
        if (sendUsage) {
            out.writeBytes(json.usageChunk(plan));
        }
        out.writeBytes(OpenAiJson.DONE_EVENT);
        return out.toByteArray();
    }
}
