package dev.lmsbench.cli;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.Progress;
import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.TokenUsage;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressPrinterTest {

    private static final ModelInfo MODEL = new ModelInfo("qwen3-8b@q4_k_m", "llm", "", "", "Q4_K_M", 4_000_000_000L,
            -1);

    private static String render(boolean terminal) {
        StringWriter out = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(out, true), terminal);
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(2);
        p.onEvent(new BenchmarkEvent.RunStarted(RunInfo.start("http://x", s, "t"), List.of(MODEL), 5));
        p.onEvent(new BenchmarkEvent.ModelStarted(MODEL, 1, 1));
        long ms = 1_000_000L;
        RequestTimings t = new RequestTimings(0, ms, ms, 100 * ms, 100 * ms, 300 * ms, 310 * ms,
                new long[]{100 * ms, 200 * ms, 300 * ms});
        RequestResult r = new RequestResult(MODEL.id(), 4096, 1, 1, false, RunMode.STREAM, Instant.EPOCH, t,
                TokenUsage.reported(10, 3, 0), "stop", "");
        p.onEvent(new BenchmarkEvent.RequestCompleted(r, new Progress(3, 5, Duration.ofSeconds(6),
                Duration.ofSeconds(4))));
        return out.toString();
    }

    @Test
    void theServerBriefNamesLmStudiosRuntimeWhenItIsKnown() {
        assertThat(ProgressPrinter.serverBrief(new dev.lmsbench.core.model.ServerInfo("http://h:1234", "lmstudio", "",
                "llama.cpp-linux-x86_64-avx2 1.50.0"))).isEqualTo(" (lmstudio, llama.cpp-linux-x86_64-avx2 1.50.0)");
        assertThat(ProgressPrinter.serverBrief(new dev.lmsbench.core.model.ServerInfo("http://h:8080", "llama.cpp",
                "b4567", ""))).isEqualTo(" (llama.cpp b4567)");
    }

    @Test
    void plainOutputHasOneLinePerRequestWithRunTokPerSecondAndEta() {
        String out = render(false);
        assertThat(out).doesNotContain("\r").doesNotContain("\033");
        assertThat(out).contains("[1/1] qwen3-8b@q4_k_m  Q4_K_M  4.0 GB");
        assertThat(out).contains("[1/1] qwen3-8b@q4_k_m  run 2/2 stream  ttft 0.100 s, 10.0 tok/s  [3/5, ETA 0:04]");
    }

    @Test
    void theFirstLineSaysWhatServerAnswersAndAFailedRequestItsErrorType() {
        StringWriter out = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(out, true), false);
        RunInfo run = RunInfo.start("http://127.0.0.1:8080", BenchmarkSettings.defaults(), "t")
                .withServer(new dev.lmsbench.core.model.ServerInfo("http://127.0.0.1:8080", "llama.cpp", "b4567", ""));
        p.onEvent(new BenchmarkEvent.RunStarted(run, List.of(MODEL), 7));
        p.onEvent(new BenchmarkEvent.ModelStarted(MODEL, 1, 1));
        RequestResult failed = new RequestResult(MODEL.id(), 4096, 1, 0, false, RunMode.STREAM, Instant.EPOCH,
                RequestTimings.failed(0, 1_000_000L), TokenUsage.reported(0, 0, 0), "", "request timed out", null,
                dev.lmsbench.core.model.ErrorType.TIMEOUT, -1);
        p.onEvent(new BenchmarkEvent.RequestCompleted(failed, new Progress(1, 7, Duration.ofSeconds(1),
                Duration.ofSeconds(6))));
        assertThat(out.toString()).contains("Benchmarking 1 model at http://127.0.0.1:8080 (llama.cpp b4567): ")
                .contains("failed [timeout]: request timed out");
    }

    @Test
    void terminalOutputRewritesOneStatusLineInPlace() {
        String out = render(true);
        assertThat(out).contains("\r\033[2K[1/1] qwen3-8b@q4_k_m  run 2/2 stream  ttft 0.100 s, 10.0 tok/s  "
                + "[3/5, ETA 0:04]");
        assertThat(out).doesNotEndWith("\n");
    }

    @Test
    void thermalPausesAreVisibleLinesAndTheStatusLineShowsTheLatestHardwareSample() {
        StringWriter out = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(out, true), true);
        p.onEvent(new BenchmarkEvent.RunStarted(RunInfo.start("http://x", BenchmarkSettings.defaults(), "t"),
                List.of(MODEL), 2));
        p.onEvent(new BenchmarkEvent.ModelStarted(MODEL, 1, 1));
        p.onEvent(new BenchmarkEvent.HardwareSampled(MODEL, new HardwareSample(0, 10, -1, -1, -1, -1, List.of(
                new GpuSample(0, "gpu", 5_200_000_000L, -1, -1, 90, Double.NaN, 212.4, Double.NaN, 71, -1, -1)))));
        p.onEvent(new BenchmarkEvent.CoolingDown(MODEL, "GPU temperature 91.0 °C is above the limit 85.0 °C"));
        p.onEvent(new BenchmarkEvent.CooledDown(MODEL, 42.0, false));
        long ms = 1_000_000L;
        RequestTimings t = new RequestTimings(0, ms, ms, 100 * ms, 100 * ms, 300 * ms, 310 * ms,
                new long[]{100 * ms, 200 * ms, 300 * ms});
        p.onEvent(new BenchmarkEvent.RequestCompleted(new RequestResult(MODEL.id(), 4096, 1, 0, false,
                RunMode.STREAM, Instant.EPOCH, t, TokenUsage.reported(10, 3, 0), "stop", ""),
                new Progress(1, 2, Duration.ofSeconds(1), Duration.ofSeconds(1))));

        assertThat(out.toString())
                .contains("[1/1] qwen3-8b@q4_k_m  pausing: GPU temperature 91.0 °C is above the limit 85.0 °C")
                .contains("[1/1] qwen3-8b@q4_k_m  resumed after 42.0 s\n")
                .contains("[1/2, ETA 0:01]  VRAM 5.2 GB, 212 W, 71 °C");
    }
}
