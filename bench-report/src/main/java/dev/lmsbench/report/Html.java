package dev.lmsbench.report;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lmsbench.core.text.SafeText;

/**
 * The one escaping function of the HTML report, and JSON that can sit inside a {@code <script>} element. Stateless.
 */
final class Html {

    /** Writes JSON with {@code <}, {@code >}, {@code &} and the JS line separators as {@code \}{@code uXXXX}. */
    private static final ObjectWriter SCRIPT_JSON = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build()
            .writer()
            .with(new ScriptSafeEscapes());

    private Html() {
    }

    /**
     * Text for an HTML element or a quoted attribute value: control characters and escape sequences removed (as in
     * every other output), then {@code & < > " '} as character references. {@code null} is {@code ""}.
     *
     * @param text any user or server string
     * @return the escaped text
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        String clean = SafeText.clean(text);
        StringBuilder b = new StringBuilder(clean.length() + 16);
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A JSON document as text that no string in it can end early when it is the content of a {@code <script>}
     * element: no {@code </script}, no {@code <!--}, no {@code ]]>}, because no {@code <} or {@code >} is left.
     *
     * @param document the document
     * @return compact JSON
     */
    static String scriptJson(JsonNode document) {
        try {
            return SCRIPT_JSON.writeValueAsString(document);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialize", e); // cannot happen for our trees
        }
    }

    /** Escapes the characters that matter to an HTML parser, and the two that end a line in JavaScript. */
    private static final class ScriptSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;

        private final int[] ascii;

        ScriptSafeEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return switch (ch) {
                case 0x2028 -> new SerializedString("\\u2028");
                case 0x2029 -> new SerializedString("\\u2029");
                default -> null;
            };
        }
    }
}
