package dev.lmsbench.core.text;

/**
 * Makes text that came from a server or a file safe to show in a terminal, a CSV cell, a JSON report or the
 * database: no control characters, no terminal escape sequences (which can clear the screen, retitle the window or
 * hide text), no bidirectional overrides (which can make a line read differently than it is), no lone surrogates,
 * bounded length. Every string a server sends (error messages, model ids, finish reasons) goes through here before it
 * is recorded; the outputs apply it again as a second line of defence.
 *
 * <p>Pure functions, thread-safe.
 */
public final class SafeText {

    /** The longest one-line message recorded for an error (characters), the excerpt included. */
    public static final int MAX_MESSAGE_CHARS = 300;

    private static final char ESC = 0x1b;
    private static final char REPLACEMENT = '\uFFFD';

    private SafeText() {
    }

    /**
     * Removes escape sequences and control characters; keeps tabs and line ends (for multi-line text such as a
     * saved answer). {@code null} becomes {@code ""}.
     *
     * @param text the text, or {@code null}
     * @return the cleaned text
     */
    public static String clean(String text) {
        return filter(text, false);
    }

    /**
     * One line of at most {@code maxChars} characters: escape sequences and control characters removed, any run of
     * whitespace (line ends included) folded to one space, cut with {@code "..."} when longer. {@code null} becomes
     * {@code ""}.
     *
     * @param text     the text, or {@code null}
     * @param maxChars the longest result, at least 4
     * @return the line
     */
    public static String oneLine(String text, int maxChars) {
        if (maxChars < 4) {
            throw new IllegalArgumentException("maxChars must be at least 4, got " + maxChars);
        }
        String line = filter(text, true);
        if (line.length() <= maxChars) {
            return line;
        }
        int end = maxChars - 3;
        if (Character.isHighSurrogate(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(0, end) + "...";
    }

    /** {@link #oneLine(String, int)} at {@link #MAX_MESSAGE_CHARS}. @param text the text @return the line */
    public static String oneLine(String text) {
        return oneLine(text, MAX_MESSAGE_CHARS);
    }

    /**
     * Whether the text is already what {@link #clean} makes of it.
     *
     * @param text the text
     * @return true when nothing would be removed
     */
    public static boolean isClean(String text) {
        return text == null || clean(text).equals(text);
    }

    private static String filter(String text, boolean oneLine) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), 4096));
        boolean space = false;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == ESC || c == 0x9b || c == 0x9d || c == 0x90 || c == 0x9e || c == 0x9f) {
                i = skipEscape(text, i) - 1;
                continue;
            }
            boolean lineBreak = c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029' || c == 0x85;
            if (oneLine && (lineBreak || c == '\t' || Character.isWhitespace(c) || Character.isSpaceChar(c))) {
                space = out.length() > 0;
                continue;
            }
            if (!oneLine && (c == '\n' || c == '\t')) {
                out.append(c);
                continue;
            }
            if (!oneLine && c == '\r') {
                // a lone CR would move the cursor back over what was printed: keep CRLF as LF only
                continue;
            }
            if (Character.isISOControl(c) || isInvisibleFormat(c)) {
                continue;
            }
            if (Character.isSurrogate(c)) {
                boolean pair = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1));
                if (!pair) {
                    c = REPLACEMENT;
                } else {
                    if (space) {
                        out.append(' ');
                        space = false;
                    }
                    out.append(c).append(text.charAt(++i));
                    continue;
                }
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Bidirectional overrides and isolates, and zero-width characters that hide text. */
    private static boolean isInvisibleFormat(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F'
                || c == '\u061C' || c == '\uFEFF' || c == '\u200B';
    }

    /**
     * The index after the escape sequence that starts at {@code start}: CSI ({@code ESC [} ... final byte), OSC,
     * DCS, SOS, PM and APC strings (up to BEL or ST), or ESC and one following character.
     */
    private static int skipEscape(String text, int start) {
        int n = text.length();
        char c = text.charAt(start);
        int i = start + 1;
        char kind;
        if (c == ESC) {
            if (i >= n) {
                return i;
            }
            kind = text.charAt(i++);
        } else {
            kind = switch (c) {
                case 0x9b -> '[';
                case 0x9d -> ']';
                case 0x90 -> 'P';
                default -> '_';
            };
        }
        if (kind == '[') {
            // CSI: parameter and intermediate bytes 0x20-0x3f, then one final byte 0x40-0x7e
            while (i < n && text.charAt(i) >= 0x20 && text.charAt(i) <= 0x3f) {
                i++;
            }
            return i < n && text.charAt(i) >= 0x40 && text.charAt(i) <= 0x7e ? i + 1 : i;
        }
        if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
            // a string terminated by BEL or ST (ESC \ or 0x9c); unterminated: to the end
            while (i < n) {
                char d = text.charAt(i);
                if (d == 0x07 || d == 0x9c) {
                    return i + 1;
                }
                if (d == ESC && i + 1 < n && text.charAt(i + 1) == '\\') {
                    return i + 2;
                }
                i++;
            }
            return n;
        }
        // two-character sequences (ESC c resets the terminal, ESC 7 saves the cursor, ...)
        return i;
    }
}
