package dev.lmsbench.cli;

import dev.lmsbench.web.StartRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code lmsbench run} / {@code lmsbench sweep} arguments the dashboard's start bodies become. */
class WebCommandTest {

    private static final Path DB = Path.of("db.sqlite");
    private static final Path OUT = Path.of("results", "20261201-120000");

    private static StartRequest run(List<Integer> contexts, Integer parallel) {
        return new StartRequest(null, null, List.of(), null, 2, null, null, contexts, parallel, null, null, null,
                true, null, null);
    }

    @Test
    void aSweepBodyBecomesLmsbenchSweepWithItsListsAndSweepFlags() {
        StartRequest sweep = new StartRequest(null, null, List.of("sim/a"), null, 1, 0, 8, List.of(1024, 2048), null,
                null, null, null, true, null, null, true, List.of(1, 2), null, 500, null, 250.0);
        assertThat(WebCommand.runArguments(sweep, DB, OUT, false, null)).containsExactly("sweep", "--sim",
                "--model", "sim/a", "--runs", "1", "--warmup", "0", "--max-tokens", "8", "--ctx", "1024,2048",
                "--par", "1,2", "--target-prompt-tokens", "500", "--max-ttft-ms", "250.0",
                "--db", DB.toString(), "--output-dir", OUT.toString());
        StartRequest counted = new StartRequest(null, null, List.of(), null, null, null, null, List.of(), null, null,
                null, null, null, null, null, true, List.of(), 3, null, 0.5, null);
        assertThat(WebCommand.runArguments(counted, DB, OUT, true, null)).containsExactly("sweep", "--sim",
                "--sweep-count", "3", "--prompt-fill", "0.5", "--db", DB.toString(), "--output-dir", OUT.toString());
    }

    @Test
    void theSweepArgumentsParseAsTheSweepCommandWithItsValues() {
        StartRequest sweep = new StartRequest(null, null, List.of(), null, 1, null, null, List.of(1024, 2048), null,
                null, null, null, true, null, null, true, List.of(1, 4), null, null, 0.25, 300.0);
        List<String> args = WebCommand.runArguments(sweep, DB, OUT, false, null);
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        CommandLine.ParseResult parsed = cl.parseArgs(args.toArray(String[]::new));
        Object command = parsed.subcommand().commandSpec().userObject();
        assertThat(command).isInstanceOf(SweepCommand.class);
        SweepCommand s = (SweepCommand) command;
        assertThat(s.sweep.contexts).containsExactly(1024, 2048);
        assertThat(s.sweep.parallel).containsExactly(1, 4);
        assertThat(s.sweep.promptFill).isEqualTo(0.25);
        assertThat(s.sweep.maxTtftMs).isEqualTo(300.0);
    }

    @Test
    void aRunBodyStaysLmsbenchRunAndSeveralContextsWithoutSweepPointAtIt() {
        assertThat(WebCommand.runArguments(run(List.of(4096), 2), DB, OUT, false, null)).containsExactly("run",
                "--sim", "--runs", "2", "--context", "4096", "--n-parallel", "2", "--db", DB.toString(),
                "--output-dir", OUT.toString());
        assertThatThrownBy(() -> WebCommand.runArguments(run(List.of(1024, 2048), null), DB, OUT, false, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("context: one context size per run; several are a sweep (\"sweep\": true)");
    }
}
