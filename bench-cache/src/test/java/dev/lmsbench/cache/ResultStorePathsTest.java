package dev.lmsbench.cache;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultStorePathsTest {

    private static final Path HOME = Path.of("/home/ada");

    @Test
    void usesXdgDataHomeWhenSet() {
        assertThat(ResultStorePaths.defaultDatabase(Map.of("XDG_DATA_HOME", "/data/ada"), HOME))
                .isEqualTo(Path.of("/data/ada/lm-studio-bench/results/benchmark_cache.db"));
    }

    @Test
    void fallsBackToLocalShareWhenXdgDataHomeIsUnset() {
        assertThat(ResultStorePaths.defaultDatabase(Map.of("HOME", "/elsewhere"), HOME))
                .isEqualTo(Path.of("/home/ada/.local/share/lm-studio-bench/results/benchmark_cache.db"));
    }

    @Test
    void fallsBackToLocalShareWhenXdgDataHomeIsEmpty() {
        assertThat(ResultStorePaths.defaultDatabase(Map.of("XDG_DATA_HOME", ""), HOME))
                .isEqualTo(Path.of("/home/ada/.local/share/lm-studio-bench/results/benchmark_cache.db"));
        assertThat(ResultStorePaths.defaultDatabase(Map.of("XDG_DATA_HOME", "  "), HOME))
                .isEqualTo(Path.of("/home/ada/.local/share/lm-studio-bench/results/benchmark_cache.db"));
    }

    @Test
    void ignoresARelativeXdgDataHomeAsTheSpecificationSays() {
        assertThat(ResultStorePaths.defaultDatabase(Map.of("XDG_DATA_HOME", "data"), HOME))
                .isEqualTo(Path.of("/home/ada/.local/share/lm-studio-bench/results/benchmark_cache.db"));
    }

    @Test
    void theProcessDefaultIsAnAbsolutePathEndingInTheDatabaseName() {
        assertThat(ResultStorePaths.defaultDatabase())
                .isAbsolute()
                .endsWithRaw(Path.of("lm-studio-bench", "results", "benchmark_cache.db"));
    }
}
