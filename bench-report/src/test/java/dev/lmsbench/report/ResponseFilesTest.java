package dev.lmsbench.report;

import dev.lmsbench.core.model.RequestResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseFilesTest {

    @TempDir
    Path dir;

    @Test
    void slugKeepsSafeCharactersAndAppendsAShortHash() {
        assertThat(ResponseFiles.slug("qwen3-8b@q4_k_m")).matches("qwen3-8b-q4_k_m-[0-9a-f]{8}");
    }

    @Test
    void slugHasNoPathSeparatorsNoDotDotAndNoLeadingDot() {
        for (String id : new String[] {"../../etc/passwd", "..", ".", "a/b\\c", "C:\\x", "lmstudio-community/x..y",
                "", "\u0000\n", "模型/名前"}) {
            String slug = ResponseFiles.slug(id);
            assertThat(slug).as(id).matches("[A-Za-z0-9_.-]+").doesNotContain("..").doesNotStartWith(".")
                    .doesNotContain("/").doesNotContain("\\");
            assertThat(dir.resolve(slug).normalize().getParent()).isEqualTo(dir);
        }
    }

    @Test
    void slugIsBoundedInLength() {
        assertThat(ResponseFiles.slug("x".repeat(10_000))).hasSize(ResponseFiles.MAX_SLUG_CHARS + 9);
    }

    @Test
    void idsThatLookAlikeGetDifferentSlugs() {
        assertThat(ResponseFiles.slug("a/b")).isNotEqualTo(ResponseFiles.slug("a:b")).isNotEqualTo(
                ResponseFiles.slug("a-b"));
        assertThat(ResponseFiles.slug("x".repeat(100) + "1")).isNotEqualTo(ResponseFiles.slug("x".repeat(100) + "2"));
    }

    @Test
    void namesTheFileAfterItsRequestsCsvRow() {
        RequestResult warmup = SampleReports.completed().requests().getFirst();
        RequestResult nonStream = SampleReports.completed().requests().stream()
                .filter(r -> !r.warmup() && r.mode() == dev.lmsbench.core.model.RunMode.NONSTREAM).findFirst()
                .orElseThrow();

        String slug = ResponseFiles.slug("qwen3-8b@q4_k_m");
        assertThat(ResponseFiles.relativePath(warmup))
                .isEqualTo(Path.of("responses", slug, "warmup-000-stream-ctx8192-par2.md"));
        assertThat(ResponseFiles.relativePath(nonStream))
                .isEqualTo(Path.of("responses", slug, "run-000-nonstream-ctx8192-par2.md"));
    }

    @Test
    void writesReasoningAndAnswerSeparatedAndCleaned() throws Exception {
        RequestResult r = SampleReports.completed().requests().getFirst();

        Path file = ResponseFiles.write(dir, r, "The sky\nis blue.\u001b[31m", "Rayleigh...");

        assertThat(file).isEqualTo(dir.resolve(ResponseFiles.relativePath(r)));
        String text = Files.readString(file);
        assertThat(text).contains("- requests.csv row: warmup_run=true, idx=0, run_mode=stream, ctx=8192, par=2\n")
                .contains("## Reasoning\n\nRayleigh...\n\n## Answer\n\nThe sky\nis blue.\n")
                .doesNotContain("\u001b");
    }

    @Test
    void writesNoReasoningSectionWithoutReasoning() throws Exception {
        RequestResult r = SampleReports.completed().requests().getFirst();

        String text = Files.readString(ResponseFiles.write(dir, r, "Blue.", ""));

        assertThat(text).doesNotContain("## Reasoning").endsWith("## Answer\n\nBlue.\n");
    }

    @Test
    void writesNothingForAFailedRequest() throws Exception {
        RequestResult failed = SampleReports.completed().requests().stream().filter(r -> !r.success()).findFirst()
                .orElseThrow();

        assertThat(ResponseFiles.write(dir, failed, "", "")).isNull();
        assertThat(dir.resolve("responses")).doesNotExist();
    }
}
