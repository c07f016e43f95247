package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunStatus;

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
     * {@link ChartReports#many(int)} with the request-level samples the TTFT box and the timeline need: each model
     * carries qwen's requests (renamed), so every model has a box and a timeline.
     */
    static BenchmarkReport many(int n) {
        BenchmarkReport base = ChartReports.many(n);
        List<RequestResult> qwen = SampleReports.completed().requests().stream()
                .filter(r -> r.model().equals(SampleReports.QWEN.id())).toList();
        List<RequestResult> requests = new ArrayList<>();
        for (ModelSummary m : base.models()) {
            for (RequestResult r : qwen) {
                requests.add(renamed(r, m.model().id()));
            }
        }
        return new BenchmarkReport(base.run(), base.status(), base.finishedAt(), base.models(), requests,
                base.hardware());
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
