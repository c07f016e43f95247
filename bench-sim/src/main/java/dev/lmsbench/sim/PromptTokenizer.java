package dev.lmsbench.sim;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The sim's own prompt token count: every run of letters or digits is a token, every other non-space character is a
 * token, plus a fixed overhead per message and per request (role markers and the reply primer in chat templates).
 * Deliberately simple and deterministic; it is not, and need not be, any real model's tokenizer.
 */
final class PromptTokenizer {

    static final int TOKENS_PER_MESSAGE = 4;
    static final int TOKENS_PER_REQUEST = 3;

    private PromptTokenizer() {
    }

    /** Tokens of a {@code messages} array; contents may be strings or arrays of {@code {"type":"text"}} parts. */
    static int countMessages(JsonNode messages) {
        int tokens = TOKENS_PER_REQUEST;
        for (JsonNode message : messages) {
            tokens += TOKENS_PER_MESSAGE;
            JsonNode content = message.get("content");
            if (content == null) {
                continue;
            }
            if (content.isTextual()) {
                tokens += count(content.textValue());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    JsonNode text = part.get("text");
                    if (text != null && text.isTextual()) {
                        tokens += count(text.textValue());
                    }
                }
            }
        }
        return tokens;
    }

    /** Tokens of one text. */
    static int count(String text) {
        int tokens = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                if (!inWord) {
                    tokens++;
                    inWord = true;
                }
            } else {
                inWord = false;
                if (!Character.isWhitespace(cp)) {
                    tokens++;
                }
            }
        }
        return tokens;
    }
}
