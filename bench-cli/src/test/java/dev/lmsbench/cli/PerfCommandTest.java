package dev.lmsbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lmsbench perf} in a tiny mode: every figure is named with its target; the numbers are not checked. The
 * requests-per-second figure also runs the real {@code hey} (Debian's package; .ci/run installs it), whose output is
 * parsed: its requests/s and the requests it sent.
 */
class PerfCommandTest {

    @TempDir
    Path dir;

    @Test
    void aTinyRunNamesEveryFigureWithItsTargetAndWritesTheDocsTable() throws Exception {
        Path docs = dir.resolve("performance.md");
        Files.writeString(docs, "# Performance\n\n" + PerfCommand.DOCS_HEADING + "\n\nold table\n\n## Later\n\nkept\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("perf", "--quick",
                "--streams", "50", "--timing-streams", "20", "--requests", "200", "--rate", "200", "--sse-chunks",
                "2000", "--rps-requests", "300", "--no-hey-install", "--hey", dir.resolve("no-hey").toString(),
                "--write-docs", "--docs", docs.toString());

        String text = out.toString();
        assertThat(code).as(err.toString()).isZero();
        assertThat(text).contains("Concurrent streams held at once with correct timing",
                "SSE chunks parsed per second by the client on one core",
                "Timing error: reported TTFT against the simulator's ground truth",
                "Timing error: reported ITL against the simulator's ground truth",
                "Poisson arrivals: achieved rate", "Poisson arrivals: send lag",
                "Non-streaming requests per second at concurrency 64 (ours vs hey)");
        assertThat(text).contains("target:    2000 streams, all completed and in flight at once",
                "target:    >= 100,000 chunks/s", "target:    p99 error <= 1 ms at 500 concurrent streams",
                "target:    within 1 % of the target over 10,000 requests", "target:    send lag p99 <= 2 ms",
                "target:    at least 100 % of hey's requests/s");
        assertThat(text).as("the reproducing commands").contains("reproduce: lmsbench perf --only streams --streams 50",
                "reproduce: lmsbench perf --only poisson --requests 200 --rate 200");
        assertThat(text).as("hey is missing and may not be installed").contains("hey: not measured:",
                "--no-hey-install");
        assertThat(text).contains("file descriptors:");
        // a tiny run misses the targets that need its full size, and says why
        assertThat(text).contains("only 50 streams asked (--streams)", "only 200 requests (--requests)");

        String written = Files.readString(docs);
        assertThat(written).contains("| figure | measured | target | met |", "Poisson arrivals: send lag",
                "`lmsbench perf --only timing --timing-streams 20`", "## Later\n\nkept\n").doesNotContain("old table");
    }

    @Test
    void theRealHeyRunsAgainstTheSameEndpointAndEveryRequestItSentIsCounted() throws Exception {
        boolean heyInstalled = onPath("hey");
        if (!heyInstalled && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but hey is not on PATH: .ci/run installs the Debian package hey");
        }
        Assumptions.assumeTrue(heyInstalled, "hey is not installed (Debian: apt-get install hey)");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int requests = 1000;
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("perf", "--only",
                "rps", "--rps-requests", String.valueOf(requests), "--no-hey-install");

        String text = out.toString();
        assertThat(code).as(err.toString()).isZero();
        assertThat(text).as("our side").contains("(" + requests + " of " + requests + " ok)");
        assertThat(text).as("hey's requests/s parsed from its Requests/sec line")
                .containsPattern("hey [0-9,]+ requests/s \\([0-9]+ % of hey\\)").doesNotContain("hey: not measured");
        // hey splits the requests evenly over its 64 workers, so it sends a multiple of 64; every one answered 200
        assertThat(text).as("hey's status lines counted").contains("hey sent " + requests / 64 * 64 + " requests")
                .doesNotContain("not all answered 200");
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
