package dev.lmsbench.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with a header row. Each column is as wide as its widest cell (header included), columns are two
 * spaces apart, and a column whose every cell looks numeric (digits, signs, {@code . , / * %}, or {@code -} for none)
 * is right-aligned.
 */
final class TextTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = List.of(header);
    }

    TextTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        // cells may hold a server's words (model ids, errors): cleaned and bounded before they reach a terminal
        rows.add(java.util.Arrays.stream(cells).map(c -> dev.lmsbench.core.text.SafeText.oneLine(c, 200)).toList());
        return this;
    }

    void print(PrintWriter out) {
        int[] width = new int[header.size()];
        boolean[] numeric = new boolean[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            numeric[c] = !rows.isEmpty();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
                numeric[c] &= r.get(c).matches("[-+0-9.,/*%]*");
            }
        }
        printRow(out, header, width, numeric);
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            rule.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        out.println(rule);
        for (List<String> r : rows) {
            printRow(out, r, width, numeric);
        }
        out.flush();
    }

    private static void printRow(PrintWriter out, List<String> cells, int[] width, boolean[] numeric) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            b.append(c == 0 ? "" : "  ").append(numeric[c] ? pad + cell : cell + pad);
        }
        out.println(b.toString().stripTrailing());
    }
}
