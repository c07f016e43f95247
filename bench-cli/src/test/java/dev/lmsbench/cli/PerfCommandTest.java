package dev.lmsbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lmsbench perf} in a tiny mode: every figure is named with its target; the numbers are not checked. */
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
}
