package dev.lmsbench.report;

import dev.lmsbench.core.hardware.HardwareAggregates;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.SideMetric;

import java.util.ArrayList;
import java.util.List;

/** Reports for the HTML tests, built on {@link SampleReports} and {@link ChartReports}. */
final class HtmlReports {

    /** A model id that tries to end the data block, inject markup and run a script. */
    static final String HOSTILE_ID = "</script><img src=x onerror=alert(1)><!--<script>alert(2)</script>"
            + "\"'&amp;\u2028@q4";

    private HtmlReports() {
    }

    /**
     * {@link ChartReports#many(int)} with varied speeds and the request-level samples the TTFT box and the timeline
     * need: model {@code i} carries qwen's requests (renamed) with every time stretched by a factor between 0.5 and
     * 2.5, so decode speed and TTFT differ per model, and its summary is computed from them.
     */
    static BenchmarkReport many(int n) {
        BenchmarkReport base = ChartReports.many(n);
        List<RequestResult> qwen = SampleReports.completed().requests().stream()
                .filter(r -> r.model().equals(SampleReports.QWEN.id())).toList();
        List<ModelSummary> models = new ArrayList<>();
        List<RequestResult> requests = new ArrayList<>();
        for (int i = 0; i < base.models().size(); i++) {
            ModelSummary m = base.models().get(i);
            double stretch = 0.5 + 2.0 * ((i * 37) % 101) / 100.0;
            List<RequestResult> own = qwen.stream().map(r -> stretched(renamed(r, m.model().id()), stretch))
                    .toList();
            requests.addAll(own);
            ModelSummary measured = ModelSummary.of(m.model(), SampleReports.settings(), own, RunStatus.COMPLETED,
                    "", m.loadSeconds(), m.startedAt(), m.finishedAt());
            // VRAM grows with the model's size, efficiency follows
            double vram = m.model().sizeBytes() * 1.25 + 0.8e9;
            List<SideMetric> side = new ArrayList<>();
            for (SideMetric x : m.sideMetrics()) {
                if (x.name().equals(HardwareAggregates.VRAM_USED)) {
                    side.add(new SideMetric(x.name(), x.unit(), x.aggregation(), vram));
                } else if (x.name().equals(HardwareAggregates.TOKS_PER_S_PER_GB)) {
                    side.add(new SideMetric(x.name(), x.unit(), x.aggregation(),
                            measured.decodeTokensPerSecond().mean() / (vram / 1e9)));
                } else {
                    side.add(x);
                }
            }
            models.add(measured.withSideMetrics(side).withHardwareSamples(m.hardwareSamples()));
        }
        return new BenchmarkReport(base.run(), base.status(), base.finishedAt(), models, requests,
                base.hardware());
    }

    /** The request with every time offset multiplied by {@code factor}. */
    static RequestResult stretched(RequestResult r, double factor) {
        dev.lmsbench.core.model.RequestTimings t = r.timings();
        long[] tokens = t.tokenNanos();
        for (int k = 0; k < tokens.length; k++) {
            tokens[k] = scale(tokens[k], factor);
        }
        dev.lmsbench.core.model.RequestTimings timings = new dev.lmsbench.core.model.RequestTimings(t.sentNanos(),
                scale(t.headersNanos(), factor), scale(t.firstByteNanos(), factor), scale(t.firstTokenNanos(), factor),
                scale(t.firstContentNanos(), factor), scale(t.lastTokenNanos(), factor), scale(t.endNanos(), factor),
                tokens);
        return new RequestResult(r.model(), r.contextLength(), r.parallel(), r.index(), r.warmup(), r.mode(),
                r.startedAt(), timings, r.usage(), r.finishReason(), r.error(), r.serverStats(), r.errorType(),
                r.httpStatus(), r.usageCheck());
    }

    private static long scale(long offset, double factor) {
        return offset == dev.lmsbench.core.model.RequestTimings.ABSENT ? offset : Math.round(offset * factor);
    }

    /** {@link ChartReports#profiled()} with one more model whose id is {@link #HOSTILE_ID}, and its requests. */
    static BenchmarkReport hostile() {
        BenchmarkReport base = ChartReports.profiled();
        ModelSummary qwen = base.models().get(0);
        List<RequestResult> qwenRequests = base.requests().stream()
                .filter(r -> r.model().equals(SampleReports.QWEN.id())).toList();
        List<RequestResult> hostileRequests = qwenRequests.stream().map(r -> renamed(r, HOSTILE_ID)).toList();
        List<ModelSummary> models = new ArrayList<>(base.models());
        models.add(ModelSummary.of(new ModelInfo(HOSTILE_ID, "llm", "<b>pub</b>", "qwen", "<i>Q4</i>",
                        4_000_000_000L, 8192), SampleReports.settings(), hostileRequests, RunStatus.COMPLETED, "",
                1.5, qwen.startedAt(), qwen.finishedAt()));
        List<RequestResult> requests = new ArrayList<>(base.requests());
        requests.addAll(hostileRequests);
        return new BenchmarkReport(base.run(), base.status(), base.finishedAt(), models, requests,
                base.hardware());
    }

    static RequestResult renamed(RequestResult r, String model) {
        return new RequestResult(model, r.contextLength(), r.parallel(), r.index(), r.warmup(), r.mode(),
                r.startedAt(), r.timings(), r.usage(), r.finishReason(), r.error(), r.serverStats(), r.errorType(),
                r.httpStatus(), r.usageCheck());
    }
}
