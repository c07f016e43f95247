package dev.lmsbench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesTheContentAndLeavesNoTemporaryFile() throws Exception {
        Path target = dir.resolve("results.json");

        AtomicFiles.write(target, out -> out.write("hello".getBytes(StandardCharsets.UTF_8)));

        assertThat(target).hasContent("hello");
        assertThat(fileNames()).containsExactly("results.json");
    }

    @Test
    void replacesAnExistingFile() throws Exception {
        Path target = dir.resolve("summary.csv");
        Files.writeString(target, "old, and longer than the new content");

        AtomicFiles.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));

        assertThat(target).hasContent("new");
        assertThat(fileNames()).containsExactly("summary.csv");
    }

    @Test
    void keepsTheOldFileAndRemovesTheTemporaryOneWhenWritingFails() throws Exception {
        Path target = dir.resolve("requests.csv");
        Files.writeString(target, "complete old file");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("half of the new fi".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");

        assertThat(target).hasContent("complete old file");
        assertThat(fileNames()).containsExactly("requests.csv");
    }

    @Test
    void leavesNoFileAtAllWhenTheFirstWriteFails() {
        Path target = dir.resolve("results.json");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            throw new IllegalStateException("bug in a writer");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(fileNames()).isEmpty();
    }

    @Test
    void toleratesContentThatClosesTheStream() throws Exception {
        Path target = dir.resolve("results.json");

        AtomicFiles.write(target, out -> {
            out.write('x');
            out.close();
        });

        assertThat(target).hasContent("x");
    }

    @Test
    void createsTheFileWithTheUsualPermissionsNotThoseOfATempFile() throws Exception {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
        Path target = dir.resolve("results.json");
        Path reference = Files.createFile(dir.resolve("reference"));

        AtomicFiles.write(target, out -> out.write('x'));

        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(reference));
    }

    private java.util.List<String> fileNames() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
