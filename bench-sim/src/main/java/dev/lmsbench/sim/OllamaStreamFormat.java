package dev.lmsbench.sim;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Ollama's streamed {@code /api/chat} answer (https://github.com/ollama/ollama/blob/main/docs/api.md, "Chat Request
 * (Streaming)"): newline-delimited JSON, one object per token ({@code message.content}, or {@code message.thinking}
 * for the reasoning part), then the final object with {@code done: true}, {@code done_reason}, the counts and the
 * nanosecond durations of {@link OllamaJson.Truth}. No head: Ollama sends nothing before the first token.
 */
final class OllamaStreamFormat implements StreamFormat {

    private static final String MARKER = "SIM-TOKEN-MARKER";

    private final String model;
    private final Instant createdAt;
    private final ResponsePlan plan;
    private final OllamaJson.Truth truth;
    /** The encoded halves around the token text: content prefix, content suffix, thinking prefix, thinking suffix. */
    private final byte[][] halves = new byte[4][];

    OllamaStreamFormat(String model, Instant createdAt, ResponsePlan plan, OllamaJson.Truth truth) {
        this.model = model;
        this.createdAt = createdAt;
        this.plan = plan;
        this.truth = truth;
        // token lines differ only in the escaped text: encode the rest once, from the same tree code
        for (boolean thinking : new boolean[] {false, true}) {
            String line = new String(OllamaJson.line(tokenNode(MARKER, thinking)), StandardCharsets.UTF_8);
            int at = line.indexOf('"' + MARKER + '"');
            int half = thinking ? 2 : 0;
            halves[half] = line.substring(0, at).getBytes(StandardCharsets.UTF_8);
            halves[half + 1] = line.substring(at + MARKER.length() + 2).getBytes(StandardCharsets.UTF_8);
        }
    }

    private com.fasterxml.jackson.databind.node.ObjectNode tokenNode(String piece, boolean thinking) {
        var node = OpenAiJson.MAPPER.createObjectNode();
        node.put("model", model);
        node.put("created_at", createdAt.toString());
        var message = node.putObject("message").put("role", "assistant");
        if (thinking) {
            message.put("content", "").put("thinking", piece);
        } else {
            message.put("content", piece);
        }
        node.put("done", false);
        return node;
    }

    @Override
    public String contentType() {
        return "application/x-ndjson";
    }

    @Override
    public byte[] head() {
        return new byte[0];
    }

    @Override
    public List<Milestone> milestones() {
        return List.of();
    }

    @Override
    public byte[] token(int index, String piece, boolean reasoning) {
        byte[] prefix = halves[reasoning ? 2 : 0];
        byte[] suffix = halves[reasoning ? 3 : 1];
        byte[] text = JsonStringEncoder.getInstance().quoteAsUTF8(piece);
        byte[] out = new byte[prefix.length + text.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        out[prefix.length] = '"';
        System.arraycopy(text, 0, out, prefix.length + 1, text.length);
        out[prefix.length + 1 + text.length] = '"';
        System.arraycopy(suffix, 0, out, prefix.length + text.length + 2, suffix.length);
        return out;
    }

    @Override
    public byte[] tail() {
        return OllamaJson.line(OllamaJson.done(model, createdAt, "", "", plan.finishReason(), truth));
    }
}
