package dev.lmsbench.cache;

import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.spi.StoredResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteResultStoreCrashIT {

    @TempDir
    Path dir;

    @Test
    void aResultSurvivesTheProcessDyingRightAfterSave() throws Exception {
        Path db = dir.resolve("results/benchmark_cache.db");
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(childCommand(db))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();

        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(child.exitValue()).as("child exit code; its output: %s", Files.readString(log)).isEqualTo(3);
        assertThat(Path.of(db + "-wal")).as("the WAL was left behind, not checkpointed").exists();

        List<RequestResult> requests = Fixtures.requests(Fixtures.QWEN, 42, true);
        try (SqliteResultStore store = SqliteResultStore.open(db)) {
            List<StoredResult> stored = store.list();
            assertThat(stored).extracting(StoredResult::summary)
                    .containsExactly(Fixtures.summary(Fixtures.QWEN, requests, 1.5));
            assertThat(store.listRequests(stored.getFirst().id())).containsExactlyElementsOf(requests);
        }
    }

    /** A plain class-path JVM with everything this test JVM sees, module path included. */
    private static List<String> childCommand(Path db) {
        String classPath = Stream.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))
                .flatMap(p -> Stream.of(p.split(File.pathSeparator)))
                .filter(p -> !p.isBlank())
                .distinct()
                .reduce((a, b) -> a + File.pathSeparator + b)
                .orElseThrow();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(classPath);
        command.add(CrashingWriter.class.getName());
        command.add(db.toString());
        return command;
    }
}
