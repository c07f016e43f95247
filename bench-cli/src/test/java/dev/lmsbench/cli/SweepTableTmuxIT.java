package dev.lmsbench.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live sweep table in a real terminal: a detached tmux session (its own tmux server) runs a sweep of 2 models x
 * 2 context sizes x 2 parallelism levels against bench-sim, and the test reads the pane with {@code capture-pane}
 * while it runs. Skipped without tmux, except under CI ({@code CI=true}), where it fails.
 *
 * <p>The sweep is {@code java -jar lmsbench.jar sweep --sim --limit 2 --ctx 1024,2048 --par 1,2 --runs 2}.
 */
class SweepTableTmuxIT {

    private static final int JOBS = 8;
    private final String socket = "lmsbench-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private boolean started;

    @AfterEach
    void killServer() throws Exception {
        if (started) {
            tmux("kill-server");
        }
    }

    @Test
    void theTableRedrawsInPlaceShowsTheEtaAndItsFinalFrameStays(@TempDir Path dir) throws Exception {
        startSweep(dir);
        Set<String> statesSeen = new HashSet<>();
        boolean[] etaSeen = {false};
        boolean[] mixedSeen = {false}; // one frame with a finished row and a queued one: rows change in place
        List<String> screen = poll(s -> {
            String text = String.join("\n", s);
            List<String> rows = rows(s);
            rows.forEach(r -> statesSeen.add(state(r)));
            if (text.matches("(?s).*ETA \\d+:\\d\\d.*") && !text.contains("sweep-exit=")) {
                etaSeen[0] = true;
            }
            if (rows.stream().anyMatch(r -> state(r).equals("done"))
                    && rows.stream().anyMatch(r -> state(r).equals("queued"))) {
                mixedSeen[0] = true;
            }
            return text.contains("sweep-exit=");
        });
        String text = String.join("\n", screen);
        assertThat(text).as("the sweep ended:\n%s", text).contains("sweep-exit=0");
        assertThat(headers(screen)).as("the final frame stays:\n%s", text).isEqualTo(1);
        assertThat(rows(screen)).as("every job done in the final frame:\n%s", text).hasSize(JOBS)
                .allSatisfy(r -> assertThat(state(r)).isEqualTo("done"));
        assertThat(text).contains("finished").contains("(100%)");
        assertThat(statesSeen).as("rows went from queued to done").contains("queued", "done");
        assertThat(mixedSeen[0]).as("a frame with done and queued rows at once").isTrue();
        assertThat(etaSeen[0]).as("the ETA shown while it ran").isTrue();
    }

    @Test
    void ctrlCStopsTheSweepAndTheFinalFrameShowsWhatWasDoneAndWhatWasCancelled(@TempDir Path dir)
            throws Exception {
        startSweep(dir);
        poll(s -> rows(s).stream().anyMatch(r -> state(r).equals("done"))
                && rows(s).stream().anyMatch(r -> state(r).equals("queued")));
        ok(tmux("send-keys", "-t", "sweep", "C-c"));
        List<String> screen = poll(s -> String.join("\n", s).contains("sweep-exit="));
        String text = String.join("\n", screen);
        assertThat(text).as("Ctrl-C exit status:\n%s", text).contains("sweep-exit=130");
        assertThat(headers(screen)).as("the final frame stays:\n%s", text).isEqualTo(1);
        List<String> rows = rows(screen);
        assertThat(rows).as(text).hasSize(JOBS);
        assertThat(rows.stream().map(SweepTableTmuxIT::state).distinct().toList()).as(text)
                .containsExactlyInAnyOrder("done", "cancelled");
        assertThat(state(rows.getLast())).isEqualTo("cancelled");
        assertThat(text).contains("stopped: cancelled by user").doesNotContain("ETA");
    }

    /**
     * Starts the sweep in a detached 160 x 50 session. The script traps Ctrl-C (the sweep still gets it) so that it
     * goes on to print the exit status, then keeps the pane open.
     */
    private void startSweep(Path dir) throws Exception {
        requireTmux();
        String java = "'" + ProcessHandle.current().info().command().orElse("java")
                + "' --enable-native-access=ALL-UNNAMED";
        String jar = System.getProperty("lmsbench.jar");
        assertThat(jar).as("lmsbench.jar").isNotNull();
        assertThat(Path.of(jar)).as("lmsbench.jar built").isRegularFile();
        String command = java + " -jar '" + jar + "' sweep --sim --sim-tokens-per-second 200 --sim-ttft-ms 30"
                + " --limit 2 --ctx 1024,2048 --par 1,2 --runs 2 --max-tokens 32 --output-dir '" + dir.resolve("out")
                + "' --db '" + dir.resolve("c.db") + "'";
        Path script = dir.resolve("sweep.sh");
        // a script, not a long tmux argument (tmux bounds its messages)
        Files.writeString(script, "#!/bin/sh\n"
                + "trap 'true' INT\n"
                + "export COLUMNS=160\n"
                + "cd '" + dir + "'\n"
                + command + "\n"
                + "echo \"sweep-exit=$?\"\n"
                + "sleep 600\n", StandardCharsets.UTF_8);
        started = true;
        ok(tmux("new-session", "-d", "-x", "160", "-y", "50", "-s", "sweep", "sh " + script));
    }

    /**
     * Captures the pane every 150 ms until {@code done} accepts it (then returns it), checking on every capture that
     * the table was redrawn in place: at most one header and one line per job.
     */
    private List<String> poll(java.util.function.Predicate<List<String>> done) throws Exception {
        List<String> screen = List.of();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < end) {
            screen = capture();
            String text = String.join("\n", screen);
            assertThat(headers(screen)).as("the header is drawn once, not scrolled:\n%s", text)
                    .isLessThanOrEqualTo(1);
            assertThat(rows(screen).size()).as("one line per job, redrawn in place:\n%s", text)
                    .isLessThanOrEqualTo(JOBS);
            if (done.test(screen)) {
                return screen;
            }
            TimeUnit.MILLISECONDS.sleep(150);
        }
        throw new AssertionError("the pane never showed what was awaited:\n" + String.join("\n", screen));
    }

    /** The pane's lines, its scrollback history included (a frame that scrolled stays there), without trailing blanks. */
    private List<String> capture() throws Exception {
        Result r = tmux("capture-pane", "-p", "-S", "-", "-t", "sweep");
        ok(r);
        List<String> lines = new ArrayList<>(List.of(r.out.split("\n", -1)));
        while (!lines.isEmpty() && lines.getLast().isBlank()) {
            lines.removeLast();
        }
        return lines;
    }

    private static long headers(List<String> screen) {
        return screen.stream().filter(l -> l.startsWith("Model") && l.contains("State") && l.contains("Warmup"))
                .count();
    }

    /** The live table's rows: the lines right after its header and rule (a report printed after it is not). */
    private static List<String> rows(List<String> screen) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < screen.size(); i++) {
            if (screen.get(i).startsWith("Model") && screen.get(i).contains("Warmup")) {
                for (int j = i + 3; j < screen.size() && screen.get(j).startsWith("sim/"); j++) {
                    rows.add(screen.get(j));
                }
            }
        }
        return rows;
    }

    /** The State cell: the fourth column (model, ctx, par, state), columns two or more spaces apart. */
    private static String state(String row) {
        String[] cells = row.trim().split(" {2,}");
        return cells.length > 3 ? cells[3] : "";
    }

    private record Result(int code, String out) {
    }

    private Result tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tmux " + String.join(" ", args) + " did not return");
        }
        return new Result(p.exitValue(), out);
    }

    private static void ok(Result r) {
        assertThat(r.code).as("tmux: %s", r.out).isZero();
    }

    private static void requireTmux() {
        boolean found = false;
        try {
            Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            found = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            found = false;
        }
        if (!found) {
            String how = "no tmux on the PATH (Debian: apt-get install tmux)";
            if ("true".equals(System.getenv("CI"))) {
                fail(how + " (CI must run this test)");
            }
            assumeTrue(false, how);
        }
    }
}
