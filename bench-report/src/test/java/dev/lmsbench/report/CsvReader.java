package dev.lmsbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 4180 reader for tests, written independently of {@link Csv}: it rejects bare quotes inside unquoted
 * fields, text after a closing quote, and CR outside quotes, so a quoting bug in the writer cannot hide.
 */
final class CsvReader {

    private CsvReader() {
    }

    /** Every record of the text, header included. */
    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        boolean fieldStart = true;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (fieldStart && c == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException("unterminated quoted field");
                    }
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.append(q);
                    i++;
                }
                if (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != '\n') {
                    throw new IllegalArgumentException("text after closing quote at " + i);
                }
                fieldStart = false;
                continue;
            }
            if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                fieldStart = true;
            } else if (c == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(List.copyOf(row));
                row.clear();
                fieldStart = true;
            } else if (c == '"' || c == '\r') {
                throw new IllegalArgumentException("unquoted " + (c == '"' ? "quote" : "CR") + " at " + i);
            } else {
                field.append(c);
                fieldStart = false;
            }
            i++;
        }
        if (!row.isEmpty() || field.length() > 0) {
            throw new IllegalArgumentException("last record not terminated by \\n");
        }
        return rows;
    }

    /** The data rows of a file as header-to-cell maps; checks every row has as many cells as the header. */
    static List<Map<String, String>> read(Path file) throws IOException {
        List<List<String>> rows = parse(Files.readString(file, StandardCharsets.UTF_8));
        List<String> header = rows.get(0);
        List<Map<String, String>> out = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " cells, header " + header.size());
            }
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                map.put(header.get(i), row.get(i));
            }
            out.add(map);
        }
        return out;
    }

    /** The header row of a file. */
    static List<String> header(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8)).get(0);
    }
}
