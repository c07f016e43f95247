package dev.lmsbench.web;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;

import java.io.Serial;

/**
 * Jackson's escapes plus {@code < > & '} and U+2028/U+2029 as {@code \\uXXXX}: the JSON stays the same value, and a
 * page that inlines it (or a browser that sniffs it as HTML) never sees markup from a model id or an error text.
 */
final class HtmlSafeEscapes extends CharacterEscapes {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int[] table;

    HtmlSafeEscapes() {
        table = standardAsciiEscapesForJSON();
        for (char c : new char[] {'<', '>', '&', '\''}) {
            table[c] = ESCAPE_STANDARD;
        }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return table;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        if (ch == 0x2028 || ch == 0x2029) {
            return new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch));
        }
        return null;
    }
}
