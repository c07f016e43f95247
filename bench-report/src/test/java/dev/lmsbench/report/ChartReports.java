package dev.lmsbench.report;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunStatus;

import java.util.ArrayList;
import java.util.List;

/** Reports for the chart and PDF tests, built on {@link SampleReports}. */
final class ChartReports {

    /** A model id with characters no Latin font has, a control character and an emoji. */
    static final String EXOTIC_ID = "通义千问-qwen\u0007-\uD83D\uDE80-Ω-7b";

    static final HardwareInfo MACHINE = new HardwareInfo("Linux 6.8", "Fake Ryzen 9 7950X", 16, 32,
            64_000_000_000L, "nvml", "550.54", List.of(new HardwareInfo.Gpu(0, "Fake RTX 4090", "GPU-1",
            24_000_000_000L)), List.of("nvml: used"));

    private ChartReports() {
    }

    /** {@link SampleReports#completed()}, profiled: the machine, and 20 hardware samples for qwen. */
    static BenchmarkReport profiled() {
        BenchmarkReport base = SampleReports.completed();
        List<ModelSummary> models = new ArrayList<>(base.models());
        models.set(0, models.get(0).withHardwareSamples(samples(20)));
        return new BenchmarkReport(base.run(), base.status(), base.finishedAt(), models, base.requests(), MACHINE);
    }

    /** {@link #profiled()} with one more model whose id has {@link #EXOTIC_ID}'s characters. */
    static BenchmarkReport exotic() {
        BenchmarkReport base = profiled();
        List<ModelSummary> models = new ArrayList<>(base.models());
        ModelSummary qwen = base.models().get(0);
        models.add(ModelSummary.of(new ModelInfo(EXOTIC_ID, "llm", "阿里", "qwen", "Q4_K_M", 4_000_000_000L, 8192),
                SampleReports.settings(), qwenRequests(base), RunStatus.COMPLETED, "错误 \u001b[31m", 1.5,
                qwen.startedAt(), qwen.finishedAt()));
        return new BenchmarkReport(base.run(), base.status(), base.finishedAt(), models, base.requests(), MACHINE);
    }

    /** A report of {@code n} models measured like qwen, with sizes and quantizations varying. */
    static BenchmarkReport many(int n) {
        BenchmarkReport base = profiled();
        ModelSummary qwen = base.models().get(0);
        List<RequestResult> requests = qwenRequests(base);
        String[] quants = {"Q4_K_M", "Q5_K_M", "Q8_0", "F16"};
        List<ModelSummary> models = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ModelInfo model = new ModelInfo(String.format("org%02d/model-%03d-instruct-gguf", i % 17, i), "llm",
                    "org" + (i % 17), "llama", quants[i % quants.length], 1_000_000_000L + i * 150_000_000L, 32_768);
            models.add(ModelSummary.of(model, SampleReports.settings(), requests, RunStatus.COMPLETED, "",
                    1.0 + i % 9, qwen.startedAt(), qwen.finishedAt(), SampleReports.QWEN_HARDWARE)
                    .withHardwareSamples(i % 50 == 0 ? samples(30) : List.of()));
        }
        return new BenchmarkReport(base.run(), base.status(), base.finishedAt(), models, List.of(), MACHINE);
    }

    /** The same report with every model failed: nothing to chart. */
    static BenchmarkReport allFailed() {
        BenchmarkReport base = SampleReports.completed();
        ModelSummary mistral = base.models().get(2);
        return new BenchmarkReport(base.run(), RunStatus.FAILED, base.finishedAt(), List.of(mistral), List.of());
    }

    private static List<RequestResult> qwenRequests(BenchmarkReport report) {
        return report.requests().stream().filter(r -> r.model().equals(SampleReports.QWEN.id())).toList();
    }

    /** One sample a second: CPU and GPU load rising and falling, VRAM filling. */
    static List<HardwareSample> samples(int n) {
        List<HardwareSample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double wave = Math.sin(i / 3.0);
            out.add(new HardwareSample(1_000_000_000L * (i + 5), 30 + 20 * wave, 20_000_000_000L + i * 100_000_000L,
                    64_000_000_000L, -1, 400_000_000L, List.of(new GpuSample(0, "Fake RTX 4090",
                    6_000_000_000L + i * 50_000_000L, 24_000_000_000L, -1, 60 + 35 * wave, Double.NaN, 250, 450,
                    70, 2520, 10501, 4, 16))));
        }
        return out;
    }
}
