package dev.lmsbench.cache;

import dev.lmsbench.core.spi.StoreException;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Explicit {@code BEGIN IMMEDIATE ... COMMIT} on a connection left in auto-commit mode.
 *
 * <p>Why not {@code setAutoCommit(false)}: sqlite-jdbc then begins a new transaction right after every commit, which
 * with {@code IMMEDIATE} would hold the write lock between saves. {@code IMMEDIATE} itself is wanted: it takes the
 * write lock up front, so two processes writing (or migrating) at once wait on the busy timeout instead of failing
 * with {@code SQLITE_BUSY} half way.
 */
final class Transactions {

    /** Work run inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException, StoreException;
    }

    private Transactions() {
    }

    /** Runs {@code work} in one write transaction: committed when it returns, rolled back when it throws. */
    static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException, StoreException {
        try (Statement st = connection.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run(connection);
                st.execute("COMMIT");
                return result;
            } catch (SQLException | StoreException | RuntimeException e) {
                rollback(st, e);
                throw e;
            }
        }
    }

    private static void rollback(Statement st, Exception cause) {
        try {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
