package dev.lmsbench.report;

import dev.lmsbench.core.stats.Distribution;
import dev.lmsbench.core.text.SafeText;

import java.util.List;
import java.util.Locale;

/** Markdown text from untrusted strings and our numbers, independent of the default locale. */
final class Markdown {

    private Markdown() {
    }

    /**
     * Any string as inline Markdown text safe in a table cell: one line (control characters and escape sequences
     * removed, line ends folded), and every character that could end a cell, open code, a tag or an entity written
     * as an HTML entity ({@code | ` < > & \}). {@code ""} becomes {@code -} in cells; see {@link #cell}.
     */
    static String text(String s) {
        String line = SafeText.oneLine(s, Integer.MAX_VALUE);
        StringBuilder b = new StringBuilder(line.length() + 8);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            switch (c) {
                case '|' -> b.append("&#124;");
                case '`' -> b.append("&#96;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\\' -> b.append("&#92;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** {@link #text}, or {@code -} for an empty string. */
    static String cell(String s) {
        String t = text(s);
        return t.isEmpty() ? "-" : t;
    }

    /** A fixed-point number with a dot, {@code -} for NaN. */
    static String num(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** {@code mean ± sd}, the mean alone for one value, {@code -} for none. */
    static String meanSd(Distribution d, int decimals) {
        if (d.count() == 0 || Double.isNaN(d.mean())) {
            return "-";
        }
        if (d.count() == 1 || Double.isNaN(d.stdev())) {
            return num(d.mean(), decimals);
        }
        return num(d.mean(), decimals) + " ± " + num(d.stdev(), decimals);
    }

    /** One table row of already escaped cells. */
    static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    /** The header and alignment rows; {@code right} marks the right-aligned (numeric) columns. */
    static String header(List<String> names, boolean[] right) {
        StringBuilder b = new StringBuilder(row(names)).append('|');
        for (int i = 0; i < names.size(); i++) {
            b.append(right[i] ? " ---: |" : " --- |");
        }
        return b.append('\n').toString();
    }
}
