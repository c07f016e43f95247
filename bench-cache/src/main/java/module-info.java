/**
 * LM Studio Bench results store: a SQLite database that keeps every model's result the moment it completes.
 * Implements {@link dev.lmsbench.core.spi.ResultStore}; see {@link dev.lmsbench.cache.SqliteResultStore}.
 */
module dev.lmsbench.cache {
    requires transitive dev.lmsbench.core;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.lmsbench.cache;
}
