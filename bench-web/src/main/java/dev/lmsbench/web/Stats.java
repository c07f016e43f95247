package dev.lmsbench.web;

import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.spi.StoredResult;
import dev.lmsbench.core.stats.Distribution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** {@code GET /api/dashboard/stats}: figures over the latest completed result of each model. */
final class Stats {

    static final int TOP = 10;

    private Stats() {
    }

    /** The latest completed result with a decode speed per model id, in first-seen order. */
    static List<StoredResult> latestPerModel(List<StoredResult> all) {
        Map<String, StoredResult> latest = new LinkedHashMap<>();
        for (StoredResult r : all) {
            ModelSummary s = r.summary();
            if (s.status() == RunStatus.COMPLETED && Double.isFinite(s.decodeTokensPerSecond().p50())) {
                latest.put(s.model().id(), r);
            }
        }
        return new ArrayList<>(latest.values());
    }

    static Map<String, Object> of(List<StoredResult> all) {
        List<StoredResult> latest = latestPerModel(all);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("result_count", all.size());
        out.put("model_count", latest.size());
        Distribution d = Distribution.of(latest.stream().map(r -> r.summary().decodeTokensPerSecond().p50())
                .toList());
        Map<String, Object> speed = new LinkedHashMap<>();
        speed.put("count", d.count());
        speed.put("min", Shapes.num(d.min()));
        speed.put("p50", Shapes.num(d.p50()));
        speed.put("avg", Shapes.num(d.mean()));
        speed.put("p95", Shapes.num(d.p95()));
        speed.put("max", Shapes.num(d.max()));
        out.put("speed_summary", speed);
        out.put("top_models_extended", latest.stream()
                .sorted(Comparator.comparingDouble((StoredResult r) -> -decode(r))
                        .thenComparing(r -> r.summary().model().id()))
                .limit(TOP).map(Stats::top).toList());
        out.put("quantization_distribution", distribution(latest, s -> s.model().quantization(), "quantization"));
        out.put("architecture_distribution", distribution(latest, s -> s.model().architecture(), "architecture"));
        List<Map<String, Object>> efficiency = new ArrayList<>();
        for (StoredResult r : latest) {
            ModelSummary s = r.summary();
            double vram = Shapes.vramGb(s);
            double gb = Double.isFinite(vram) && vram > 0 ? vram
                    : s.model().sizeBytes() > 0 ? s.model().sizeBytes() / 1e9 : Double.NaN;
            if (Double.isFinite(gb)) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("model", s.model().id());
                e.put("toks_per_s_per_gb", decode(r) / gb);
                e.put("basis", Double.isFinite(vram) && vram > 0 ? "vram" : "size");
                e.put("gb", gb);
                e.put("decode_toks_per_s", decode(r));
                efficiency.add(e);
            }
        }
        efficiency.sort(Comparator.comparingDouble(e -> -((Double) e.get("toks_per_s_per_gb"))));
        out.put("efficiency_top", efficiency.subList(0, Math.min(TOP, efficiency.size())));
        return out;
    }

    private static double decode(StoredResult r) {
        return r.summary().decodeTokensPerSecond().p50();
    }

    private static Map<String, Object> top(StoredResult r) {
        ModelSummary s = r.summary();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", s.model().id());
        m.put("quantization", s.model().quantization());
        m.put("architecture", s.model().architecture());
        m.put("params", s.model().params());
        m.put("decode_toks_per_s", Shapes.num(decode(r)));
        m.put("ttft_s", Shapes.num(s.ttft().p50()));
        m.put("vram_gb", Shapes.num(Shapes.vramGb(s)));
        m.put("size_bytes", s.model().sizeBytes() < 0 ? null : s.model().sizeBytes());
        m.put("run_id", r.run().runId());
        m.put("finished_at", Shapes.instant(s.finishedAt()));
        return m;
    }

    private static List<Map<String, Object>> distribution(List<StoredResult> latest,
                                                          Function<ModelSummary, String> key, String name) {
        Map<String, Integer> counts = new TreeMap<>();
        for (StoredResult r : latest) {
            String k = key.apply(r.summary());
            counts.merge(k.isBlank() ? "unknown" : k, 1, Integer::sum);
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put(name, e.getKey());
                    m.put("count", e.getValue());
                    return m;
                }).toList();
    }

    /** Sort keys of {@code GET /api/results}: name to a comparable figure. */
    static final Map<String, Comparator<StoredResult>> SORTS = Map.of(
            "finished_at", Comparator.comparing(r -> r.summary().finishedAt()),
            "model", Comparator.comparing(r -> r.summary().model().id().toLowerCase(Locale.ROOT)),
            "decode_toks_per_s", nanLast(r -> r.summary().decodeTokensPerSecond().p50()),
            "ttft_s", nanLast(r -> r.summary().ttft().p50()),
            "prefill_toks_per_s", nanLast(r -> r.summary().prefillTokensPerSecond().p50()),
            "quantization", Comparator.comparing(r -> r.summary().model().quantization()),
            "vram_gb", nanLast(r -> Shapes.vramGb(r.summary())),
            "id", Comparator.comparingLong(StoredResult::id));

    private static Comparator<StoredResult> nanLast(java.util.function.ToDoubleFunction<StoredResult> f) {
        return (a, b) -> {
            double x = f.applyAsDouble(a);
            double y = f.applyAsDouble(b);
            return Double.compare(Double.isNaN(x) ? Double.POSITIVE_INFINITY : x,
                    Double.isNaN(y) ? Double.POSITIVE_INFINITY : y);
        };
    }
}
