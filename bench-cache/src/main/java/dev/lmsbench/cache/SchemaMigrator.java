package dev.lmsbench.cache;

import dev.lmsbench.core.spi.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Brings a database to the current schema in one transaction: the missing migrations, then the missing optional
 * columns. The version lives in SQLite's {@code PRAGMA user_version} (0 for a new or foreign file), which is part of the
 * database header and so commits or rolls back with the transaction.
 */
final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private final List<Migration> migrations;
    private final List<OptionalColumn> optionalColumns;

    /**
     * @param migrations      versions 1..n in order, without gaps
     * @param optionalColumns columns to add when missing
     */
    SchemaMigrator(List<Migration> migrations, List<OptionalColumn> optionalColumns) {
        this.migrations = List.copyOf(migrations);
        this.optionalColumns = List.copyOf(optionalColumns);
        for (int i = 0; i < this.migrations.size(); i++) {
            if (this.migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migrations must be versions 1..n in order, without gaps");
            }
        }
    }

    /** The migrator of this build's {@link Schema}. */
    static SchemaMigrator current() {
        return new SchemaMigrator(Schema.MIGRATIONS, Schema.OPTIONAL_COLUMNS);
    }

    /** The version this migrator brings databases to. */
    int targetVersion() {
        return migrations.size();
    }

    /**
     * Migrates the database.
     *
     * @param connection an open connection in auto-commit mode
     * @param file       the database file, for messages
     * @return the version found before migrating
     * @throws StoreException when the database is newer than this code
     * @throws SQLException   when SQLite fails; nothing has changed then
     */
    int migrate(Connection connection, Path file) throws SQLException, StoreException {
        return Transactions.inTransaction(connection, c -> {
            int found = userVersion(c);
            int target = targetVersion();
            if (found > target) {
                throw new StoreException("results database " + file + " has schema version " + found
                        + ", newer than this lmsbench supports (" + target + "); upgrade lmsbench", null);
            }
            if (found < target) {
                LOG.info("Migrating results database {} from schema version {} to {}", file, found, target);
            }
            for (Migration m : migrations.subList(found, target)) {
                LOG.debug("Applying schema migration {}: {}", m.version(), m.description());
                m.step().apply(c);
            }
            addMissingColumns(c);
            if (found != target) {
                setUserVersion(c, target);
            }
            return found;
        });
    }

    private void addMissingColumns(Connection c) throws SQLException {
        for (OptionalColumn col : optionalColumns) {
            if (!columns(c, col.table()).contains(col.name().toLowerCase(Locale.ROOT))) {
                LOG.info("Adding column {}.{} to the results database", col.table(), col.name());
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("ALTER TABLE " + col.table() + " ADD COLUMN " + col.name() + " "
                            + col.definition());
                }
            }
        }
    }

    /** The lower-case column names of a table; empty when it does not exist. */
    static Set<String> columns(Connection c, String table) throws SQLException {
        Set<String> names = new HashSet<>();
        try (var ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** The schema version recorded in the database header. */
    static int userVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void setUserVersion(Connection c, int version) throws SQLException {
        try (Statement st = c.createStatement()) {
            // PRAGMA takes no bind parameters; version is an int
            st.executeUpdate("PRAGMA user_version = " + version);
        }
    }
}
