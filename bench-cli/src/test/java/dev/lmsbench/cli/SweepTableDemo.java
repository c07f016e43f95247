package dev.lmsbench.cli;

import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.engine.SweepPlan;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Drives {@link SweepTable} on stderr (terminal mode on) through a real sweep against bench-sim: the first two
 * chat models x context 1024, 2048 x parallel 1, 2, 2 runs and 3 warmups each. {@code SweepTableTmuxIT} runs it in
 * tmux until {@code lmsbench sweep} exists. Exit code 0 when the run completed, 1 when it did not, 130 after Ctrl-C
 * (which cancels the run as {@code lmsbench run} does).
 */
public final class SweepTableDemo {

    private SweepTableDemo() {
    }

    /** @param args unused */
    public static void main(String[] args) throws Exception {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code;
        Interrupts interrupts;
        try (SimServer sim = SimServer.start(SimConfig.defaults().withTokensPerSecond(200).withTtftMs(30));
             OpenAiClient client = OpenAiClient.create(ClientConfig.of(sim.baseUrl()));
             SweepTable table = new SweepTable(err, true)) {
            List<ModelInfo> models = client.listModels().stream().filter(m -> !m.type().contains("embed"))
                    .limit(2).toList();
            BenchmarkSettings settings = BenchmarkSettings.defaults().withRuns(2).withWarmupRuns(3).withMaxTokens(32);
            SweepPlan plan = SweepPlan.of(models, List.of(1024, 2048), List.of(1, 2));
            BenchmarkEngine engine = BenchmarkEngine.builder().backend(client).listener(table).build();
            interrupts = new Interrupts(engine::cancel);
            BenchmarkReport report = engine.run(RunInfo.start(client.endpoint(), settings, "demo"), plan);
            code = report.status() == RunStatus.COMPLETED ? 0 : 1;
        }
        interrupts.close();
        if (!interrupts.interrupted()) { // after Ctrl-C the JVM is shutting down already: it exits with 130
            System.exit(code);
        }
    }
}
