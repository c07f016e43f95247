package dev.lmsbench.report;

import dev.lmsbench.core.text.SafeText;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Writes RFC 4180 CSV: a header row, {@code ,} separators, fields quoted only when they hold a comma, a quote, CR or
 * LF (quotes doubled), {@code \n} line ends, UTF-8 without BOM. Cells never depend on the default locale. Text cells
 * are made safe with {@link SafeText} (one line, no control characters or escape sequences).
 */
final class Csv {

    /** Decimal places kept for doubles: microseconds for times in seconds. */
    static final int DECIMALS = 6;

    /** A bound on text cells: only a safety net, longer than anything the engine records. */
    static final int MAX_TEXT_CHARS = 4096;

    private Csv() {
    }

    /**
     * One column: its header and how to render a row's cell.
     *
     * @param <T> the row type
     */
    record Column<T>(String name, Function<T, String> cell) {

        /**
         * A text cell, quoted when needed. The text goes through {@link SafeText#oneLine(String, int)} first (a
         * second line of defence for text from servers): no control characters, no escape sequences, one line.
         */
        static <T> Column<T> text(String name, Function<T, String> value) {
            return new Column<>(name, row -> SafeText.oneLine(value.apply(row), MAX_TEXT_CHARS));
        }

        /** A cell for a count whose values below 1 mean "none" and are written empty (an HTTP status). */
        static <T> Column<T> positiveInteger(String name, ToLongFunction<T> value) {
            return new Column<>(name, row -> {
                long v = value.applyAsLong(row);
                return v < 1 ? "" : Long.toString(v);
            });
        }

        /** A decimal cell; {@code NaN} and infinities are empty. */
        static <T> Column<T> decimal(String name, ToDoubleFunction<T> value) {
            return new Column<>(name, row -> Csv.decimal(value.applyAsDouble(row)));
        }

        /** An integer cell. */
        static <T> Column<T> integer(String name, ToLongFunction<T> value) {
            return new Column<>(name, row -> Long.toString(value.applyAsLong(row)));
        }

        /** An integer cell whose negative values mean "unknown" and are written empty. */
        static <T> Column<T> knownInteger(String name, ToLongFunction<T> value) {
            return new Column<>(name, row -> {
                long v = value.applyAsLong(row);
                return v < 0 ? "" : Long.toString(v);
            });
        }

        /** A {@code true}/{@code false} cell. */
        static <T> Column<T> bool(String name, Predicate<T> value) {
            return new Column<>(name, row -> Boolean.toString(value.test(row)));
        }

        /** An ISO-8601 UTC timestamp cell, e.g. {@code 2026-11-25T14:46:30.250Z}. */
        static <T> Column<T> instant(String name, Function<T, Instant> value) {
            return new Column<>(name, row -> DateTimeFormatter.ISO_INSTANT.format(value.apply(row)));
        }
    }

    /** The header names of the columns, in order. */
    static <T> List<String> header(List<Column<T>> columns) {
        return columns.stream().map(Column::name).toList();
    }

    /** Writes a header row and one row per element. Does not close {@code out}. */
    static <T> void write(OutputStream out, List<Column<T>> columns, List<T> rows) throws IOException {
        Set<String> names = new HashSet<>();
        for (Column<T> c : columns) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("duplicate column " + c.name());
            }
        }
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        writeRow(w, header(columns));
        for (T row : rows) {
            writeRow(w, columns.stream().map(c -> c.cell().apply(row)).toList());
        }
        w.flush();
    }

    private static void writeRow(Writer w, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(field(cells.get(i)));
        }
        w.write('\n');
    }

    /** A field as RFC 4180 wants it: as is, or in quotes with inner quotes doubled when it holds , " CR or LF. */
    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /**
     * A double with at most {@link #DECIMALS} decimal places (half-up), trailing zeros dropped, {@code .} as separator,
     * no grouping and no exponent: {@code 0.1234567 -> 0.123457}, {@code 2.0 -> 2}, {@code 1e-9 -> 0}. {@code NaN} and
     * infinities are {@code ""}.
     */
    static String decimal(double value) {
        if (!Double.isFinite(value)) {
            return "";
        }
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(DECIMALS, RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.signum() == 0 ? "0" : rounded.toPlainString();
    }
}
