package dev.lmsbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares written files with the golden files in {@code src/test/resources/golden}.
 *
 * <p>To regenerate them deliberately (after an intended format change), run
 * {@code ./mvnw -B -q -pl bench-report verify -Dgolden.update=true}, review the diff with {@code git diff}, and
 * remember the schema version policy in docs/output-formats.md. Without the property a missing or different golden
 * file fails the test.
 */
final class Golden {

    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    // surefire runs in the module directory and sets basedir; src/ rather than the classpath so updates land in git
    static final Path DIR = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/golden");

    private Golden() {
    }

    /** Asserts that {@code actual} has exactly the bytes of the golden file {@code name}, or rewrites it on update. */
    static void assertMatches(Path actual, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(actual);
        Path golden = DIR.resolve(name);
        if (UPDATE) {
            Files.createDirectories(DIR);
            Files.write(golden, bytes);
        }
        assertThat(golden).as("golden file %s (regenerate with -Dgolden.update=true)", golden).exists();
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .as("%s compared with golden file %s", actual.getFileName(), name)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
        assertThat(bytes).isEqualTo(Files.readAllBytes(golden));
    }

    /** Asserts that {@code actual} has exactly the bytes of the golden file {@code name}, never rewriting it. */
    static void assertMatchesExisting(Path actual, String name) throws IOException {
        Path golden = DIR.resolve(name);
        assertThat(golden).as("golden file %s", golden).exists();
        assertThat(Files.readString(actual, StandardCharsets.UTF_8))
                .as("%s compared with golden file %s", actual.getFileName(), name)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
        assertThat(Files.readAllBytes(actual)).isEqualTo(Files.readAllBytes(golden));
    }
}
