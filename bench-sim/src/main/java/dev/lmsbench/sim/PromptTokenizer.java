package dev.lmsbench.sim;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The sim's own prompt tokens: every run of letters or digits is a token, every other non-space character is a
 * token, plus a fixed overhead per message and per request (role markers and the reply primer in chat templates).
 * Deliberately simple and deterministic; it is not, and need not be, any real model's tokenizer.
 *
 * <p>The sim's chat template, for the prefix cache ({@link PrefixCache}): {@code <bos>}, then per message
 * {@code <start> role <sep>}, its content tokens and {@code <end>}, then the reply primer {@code <start> assistant}.
 * So the first {@value #TEMPLATE_HEAD} tokens (bos and the first message's header) are the same in any two requests
 * whose first message has the same role: the template's fixed head, which a prefix cache always matches.
 */
final class PromptTokenizer {

    static final int TOKENS_PER_MESSAGE = 4;
    static final int TOKENS_PER_REQUEST = 3;
    /** Tokens before the first message's content: {@code <bos> <start> role <sep>}. */
    static final int TEMPLATE_HEAD = 4;

    private PromptTokenizer() {
    }

    /**
     * The tokens of a {@code messages} array as the sim's template lays them out; {@code size()} is
     * {@link #countMessages}. Marker tokens cannot collide with text tokens: they contain {@code <}, which text
     * splits off as a token of its own.
     */
    static java.util.List<String> tokens(JsonNode messages) {
        java.util.List<String> tokens = new java.util.ArrayList<>();
        tokens.add("<bos>");
        for (JsonNode message : messages) {
            JsonNode role = message.get("role");
            tokens.add("<start>");
            tokens.add("<role:" + (role != null && role.isTextual() ? role.textValue() : "") + ">");
            tokens.add("<sep>");
            JsonNode content = message.get("content");
            if (content != null && content.isTextual()) {
                split(content.textValue(), tokens);
            } else if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    JsonNode text = part.get("text");
                    if (text != null && text.isTextual()) {
                        split(text.textValue(), tokens);
                    }
                }
            }
            tokens.add("<end>");
        }
        tokens.add("<start>");
        tokens.add("<role:assistant>");
        return tokens;
    }

    /** Appends the tokens of one text, by the rule {@link #count} counts. */
    private static void split(String text, java.util.List<String> out) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                word.appendCodePoint(cp);
                continue;
            }
            if (!word.isEmpty()) {
                out.add(word.toString());
                word.setLength(0);
            }
            if (!Character.isWhitespace(cp)) {
                out.add(new String(Character.toChars(cp)));
            }
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
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
