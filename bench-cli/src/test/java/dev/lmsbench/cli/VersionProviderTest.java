package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code lmsbench --version} names the version, the git commit and the build date. */
class VersionProviderTest {

    @Test
    void theVersionNamesTheProjectVersionTheCommitAndTheBuildDate() throws Exception {
        StringWriter out = new StringWriter();
        int code = Main.execute(new String[]{"--version"}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true));
        assertThat(code).isZero();
        String[] lines = out.toString().split("\\R");
        String pom = Files.readString(Path.of("..", "pom.xml"));
        String version = pom.replaceAll("(?s).*?<artifactId>lmsbench-parent</artifactId>\\s*<version>([^<]+)</.*", "$1");
        assertThat(lines[0]).isEqualTo("lmsbench " + version);
        // the build date is project.build.outputTimestamp: the parent pom's value, not the time of this build
        String stamp = pom.replaceAll("(?s).*<project.build.outputTimestamp>([^<]+)</.*", "$1");
        assertThat(lines[1]).endsWith(", built " + stamp);
        String head = gitHead();
        assertThat(lines[1]).startsWith("commit " + head.substring(0, 10) + " (");
        assertThat(lines[1]).matches("commit [0-9a-f]{10} \\(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\), built .*");
    }

    @Test
    void aFieldTheBuildCouldNotFillInIsUnknown() {
        VersionProvider.BuildInfo b = new VersionProvider.BuildInfo("0.1.0", "unknown", "unknown", "2026-11-25T00:00:00Z");
        assertThat(b.commitLine()).isEqualTo("commit unknown, built 2026-11-25T00:00:00Z");
    }

    private static String gitHead() throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "git is not installed");
            throw e;
        }
        String s = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assumeTrue(p.exitValue() == 0, "not a git checkout: " + s);
        return s;
    }
}
