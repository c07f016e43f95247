package dev.lmsbench.cache;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Raw JDBC access to a database file, as another process would have. */
final class Sqlite implements AutoCloseable {

    private final Connection connection;

    private Sqlite(Connection connection) {
        this.connection = connection;
    }

    static Sqlite open(Path file) throws SQLException {
        return new Sqlite(DriverManager.getConnection("jdbc:sqlite:" + file));
    }

    Connection connection() {
        return connection;
    }

    void execute(String... statements) throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** The first column of every row, as strings ({@code null} for SQL NULL). */
    List<String> column(String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** The single value of a query. */
    String value(String query) throws SQLException {
        List<String> values = column(query);
        if (values.size() != 1) {
            throw new AssertionError("expected one row from " + query + " but got " + values);
        }
        return values.getFirst();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
