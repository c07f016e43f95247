package dev.lmsbench.hardware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * Fake command-line GPU tools for tests: small {@code /bin/sh} scripts that print a captured output from
 * {@code src/test/resources/fixtures}, fail, or hang.
 */
final class FakeTool {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures").toAbsolutePath();

    /** Short, so the hanging-tool tests are fast; long enough for a loaded CI machine to start sh. */
    static final Duration TIMEOUT = Duration.ofMillis(1500);

    private FakeTool() {
    }

    static Path fixture(String relative) {
        return FIXTURES.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(fixture(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An executable script {@code dir/name} running this shell code. */
    static Path script(Path dir, String name, String body) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tool that prints a fixture and exits 0. */
    static Path printing(Path dir, String name, String fixture) {
        return script(dir, name, "exec cat '" + fixture(fixture) + "'");
    }

    /** A tool that writes a message to stderr and exits with this status. */
    static Path failing(Path dir, String name, int status, String message) {
        return script(dir, name, "echo '" + message.replace("'", "'\\''") + "' >&2\nexit " + status);
    }

    /** A tool that never finishes (until killed). */
    static Path hanging(Path dir, String name) {
        return script(dir, name, "exec sleep 60");
    }

    /**
     * A tool whose behaviour the test switches between runs with {@link #switchTo}: {@code print} (the fixture, exit
     * 0), {@code fail} (a message on stderr, exit 3) or {@code hang}. Starts in {@code print}.
     */
    static Path switchable(Path dir, String name, String fixture) {
        switchTo(dir, "print");
        return script(dir, name, "case \"$(cat '" + dir.resolve("mode") + "')\" in\n"
                + "  print) exec cat '" + fixture(fixture) + "' ;;\n"
                + "  fail) echo 'GPU is lost' >&2; exit 3 ;;\n"
                + "  *) exec sleep 60 ;;\n"
                + "esac");
    }

    static void switchTo(Path dir, String mode) {
        try {
            Files.writeString(dir.resolve("mode"), mode + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ToolCommand command(Path executable) {
        return new ToolCommand(executable, TIMEOUT);
    }
}
