/**
 * The SQLite results store: {@link dev.lmsbench.cache.SqliteResultStore} and where its database lives by default
 * ({@link dev.lmsbench.cache.ResultStorePaths}). Everything else in this package is an implementation detail.
 */
package dev.lmsbench.cache;
