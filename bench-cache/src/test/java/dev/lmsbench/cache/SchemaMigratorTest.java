package dev.lmsbench.cache;

import dev.lmsbench.core.spi.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import static dev.lmsbench.cache.Fixtures.QWEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaMigratorTest {

    private static final Migration ONE = Migration.sql(1, "t1", "CREATE TABLE t1 (a INTEGER)");
    private static final Migration TWO = Migration.sql(2, "t2", "CREATE TABLE t2 (b INTEGER)",
            "INSERT INTO t1 VALUES (2)");
    private static final Migration BROKEN = Migration.sql(3, "broken", "CREATE TABLE t3 (c INTEGER)",
            "INSERT INTO no_such_table VALUES (1)");

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("test.db");
    }

    private int migrate(List<Migration> migrations, List<OptionalColumn> columns) throws Exception {
        try (Sqlite raw = Sqlite.open(db())) {
            return new SchemaMigrator(migrations, columns).migrate(raw.connection(), db());
        }
    }

    private List<String> tables() throws SQLException {
        try (Sqlite raw = Sqlite.open(db())) {
            return raw.column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        }
    }

    private String userVersion() throws SQLException {
        try (Sqlite raw = Sqlite.open(db())) {
            return raw.value("PRAGMA user_version");
        }
    }

    @Test
    void appliesEveryMigrationToANewDatabase() throws Exception {
        assertThat(migrate(List.of(ONE, TWO), List.of())).isZero();

        assertThat(tables()).containsExactly("t1", "t2");
        assertThat(userVersion()).isEqualTo("2");
    }

    @Test
    void appliesOnlyTheMissingMigrations() throws Exception {
        migrate(List.of(ONE), List.of());

        assertThat(migrate(List.of(ONE, TWO), List.of())).isEqualTo(1);

        assertThat(tables()).containsExactly("t1", "t2");
        assertThat(userVersion()).isEqualTo("2");
        assertThat(migrate(List.of(ONE, TWO), List.of())).isEqualTo(2);
    }

    @Test
    void rollsBackEveryMigrationWhenOneFails() throws Exception {
        assertThatThrownBy(() -> migrate(List.of(ONE, TWO, BROKEN), List.of()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no_such_table");

        assertThat(tables()).isEmpty();
        assertThat(userVersion()).isEqualTo("0");
    }

    @Test
    void refusesANewerDatabaseWithoutChangingIt() throws Exception {
        migrate(List.of(ONE, TWO), List.of());

        assertThatThrownBy(() -> migrate(List.of(ONE), List.of(new OptionalColumn("t1", "x", "TEXT"))))
                .isInstanceOf(StoreException.class)
                .hasMessage("results database " + db() + " has schema version 2, newer than this lmsbench"
                        + " supports (1); upgrade lmsbench");
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(SchemaMigrator.columns(raw.connection(), "t1")).containsExactly("a");
        }
    }

    @Test
    void addsMissingOptionalColumnsWithoutChangingTheVersion() throws Exception {
        migrate(List.of(ONE), List.of());
        List<OptionalColumn> columns = List.of(new OptionalColumn("t1", "note", "TEXT NOT NULL DEFAULT ''"));

        migrate(List.of(ONE), columns);
        migrate(List.of(ONE), columns); // already there: nothing to do

        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(SchemaMigrator.columns(raw.connection(), "t1")).containsExactlyInAnyOrder("a", "note");
        }
        assertThat(userVersion()).isEqualTo("1");
    }

    @Test
    void aStoreOpenedByANewerBuildAddsItsOptionalColumnsAndKeepsTheResults() throws Exception {
        try (SqliteResultStore store = SqliteResultStore.open(db())) {
            store.save(Fixtures.run("r1"), Fixtures.failedSummary(QWEN), List.of());
        }
        SchemaMigrator newer = new SchemaMigrator(Schema.MIGRATIONS,
                List.of(new OptionalColumn("model_results", "gpu_name", "TEXT")));

        try (SqliteResultStore store = SqliteResultStore.open(db(), newer)) {
            assertThat(store.list()).hasSize(1);
        }
        try (Sqlite raw = Sqlite.open(db())) {
            assertThat(SchemaMigrator.columns(raw.connection(), "model_results")).contains("gpu_name");
        }
    }

    @Test
    void requiresMigrationsNumberedFromOneWithoutGaps() {
        assertThatThrownBy(() -> new SchemaMigrator(List.of(ONE, BROKEN), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SchemaMigrator(List.of(TWO), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCurrentSchemaIsVersionNine() {
        assertThat(SchemaMigrator.current().targetVersion()).isEqualTo(Schema.currentVersion()).isEqualTo(9);
    }

    @Test
    void optionalColumnsAcceptOnlyPlainIdentifiers() {
        assertThatThrownBy(() -> new OptionalColumn("t1; DROP TABLE runs", "x", "TEXT"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OptionalColumn("t1", "x y", "TEXT"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
