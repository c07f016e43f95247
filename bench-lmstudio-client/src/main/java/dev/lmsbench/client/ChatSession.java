package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;

import java.util.Objects;

/**
 * A stateful conversation over {@code POST /api/v1/chat} (https://lmstudio.ai/docs/developer/rest/stateful-chats):
 * LM Studio keeps the history, and each turn after the first passes the previous reply's {@code response_id} as
 * {@code previous_response_id}.
 *
 * <pre>{@code
 * ChatSession session = client.session(ChatOptions.defaults());
 * ChatReply first = session.chat("qwen/qwen3-8b", "My favourite colour is blue.");
 * ChatReply second = session.send("Which colour did I mention?");   // previous_response_id = first.responseId()
 * }</pre>
 *
 * <p>Every turn asks LM Studio to keep the conversation ({@code "store": true}) unless the options say
 * {@link ChatOptions#withStore(Boolean) store false}: then nothing is kept and each {@link #send} starts over.
 *
 * <p>Thread-safe: turns are serialized, since each one depends on the one before.
 */
public final class ChatSession {

    private final LmStudioClient client;
    private final ChatOptions options;
    private String model;
    private String lastResponseId = "";

    ChatSession(LmStudioClient client, ChatOptions options) {
        this.client = client;
        // a session continues its conversation: keep it on the server unless told otherwise
        this.options = Objects.requireNonNull(options, "options").store() == null ? options.withStore(true) : options;
    }

    /**
     * Starts the conversation (again): sends {@code input} to {@code model} without {@code previous_response_id}.
     *
     * @param model the model key
     * @param input the user message
     * @return the reply
     * @throws BackendException when the request failed (after one reload and retry when the model was unloaded)
     */
    public synchronized ChatReply chat(String model, String input) throws BackendException {
        this.model = Objects.requireNonNull(model, "model");
        return turn(input, "");
    }

    /**
     * Continues the conversation: sends {@code input} with the last reply's {@code response_id}.
     *
     * @param input the user message
     * @return the reply
     * @throws BackendException when the request failed
     * @throws IllegalStateException before {@link #chat}
     */
    public synchronized ChatReply send(String input) throws BackendException {
        if (model == null) {
            throw new IllegalStateException("start the session with chat(model, input) first");
        }
        return turn(input, lastResponseId);
    }

    /** {@return the last reply's {@code response_id}, or {@code ""}} */
    public synchronized String lastResponseId() {
        return lastResponseId;
    }

    /** {@return the options every turn is sent with} */
    public ChatOptions options() {
        return options;
    }

    private ChatReply turn(String input, String previousResponseId) throws BackendException {
        Objects.requireNonNull(input, "input");
        ChatReply reply = client.chatTurn(model, input, previousResponseId, options);
        lastResponseId = reply.responseId();
        return reply;
    }
}
