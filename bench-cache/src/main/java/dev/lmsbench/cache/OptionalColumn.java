package dev.lmsbench.cache;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A column added at open time when missing, without a schema version: for nullable or defaulted columns that older
 * databases of the same version may lack. {@code ALTER TABLE ... ADD COLUMN} is cheap and idempotent when checked first.
 *
 * @param table      the table
 * @param name       the column name
 * @param definition the column type and constraints as {@code ADD COLUMN} accepts them, e.g. {@code REAL} or
 *                   {@code TEXT NOT NULL DEFAULT ''}
 */
record OptionalColumn(String table, String name, String definition) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    OptionalColumn {
        Objects.requireNonNull(definition, "definition");
        // identifiers are spliced into SQL, so only plain names are allowed
        if (!IDENTIFIER.matcher(Objects.requireNonNull(table, "table")).matches()
                || !IDENTIFIER.matcher(Objects.requireNonNull(name, "name")).matches()) {
            throw new IllegalArgumentException("not a plain identifier: " + table + "." + name);
        }
    }
}
