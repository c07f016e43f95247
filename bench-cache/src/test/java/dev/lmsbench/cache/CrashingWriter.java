package dev.lmsbench.cache;

import dev.lmsbench.core.model.RequestResult;

import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by {@link SqliteResultStoreCrashIT}: saves one model, then dies at once without closing the store
 * or running shutdown hooks, as a killed process would.
 */
final class CrashingWriter {

    private CrashingWriter() {
    }

    public static void main(String[] args) throws Exception {
        SqliteResultStore store = SqliteResultStore.open(Path.of(args[0]));
        List<RequestResult> requests = Fixtures.requests(Fixtures.QWEN, 42, true);
        store.save(Fixtures.run("crash-run"), Fixtures.summary(Fixtures.QWEN, requests, 1.5), requests);
        Runtime.getRuntime().halt(3);
    }
}
