package dev.lmsbench.cache;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * One forward step of the schema: applied once to a database whose version is {@code version - 1}.
 * Steps never change once released; a change to the schema is a new step.
 *
 * @param version     the schema version after this step ({@code >= 1})
 * @param description what the step does, for the log
 * @param step        the work, run inside the migration transaction
 */
record Migration(int version, String description, Step step) {

    /** The work of one migration; runs inside the caller's transaction and must not commit. */
    @FunctionalInterface
    interface Step {
        void apply(Connection connection) throws SQLException;
    }

    Migration {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(step, "step");
        if (version < 1) {
            throw new IllegalArgumentException("migration version must be >= 1: " + version);
        }
    }

    /** A step made of SQL statements run in order. */
    static Migration sql(int version, String description, String... statements) {
        List<String> sql = List.of(statements);
        return new Migration(version, description, connection -> {
            try (Statement st = connection.createStatement()) {
                for (String s : sql) {
                    st.executeUpdate(s);
                }
            }
        });
    }
}
