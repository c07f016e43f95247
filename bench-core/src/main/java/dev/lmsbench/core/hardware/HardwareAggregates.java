package dev.lmsbench.core.hardware;

import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.SideMetric.Aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Turns one model's hardware samples into {@link SideMetric}s. Per sample, GPU figures are combined across GPUs
 * (VRAM, GTT and power summed, utilization averaged, temperature the hottest GPU); then each figure is aggregated
 * over the samples. Sentinels (-1, NaN) are ignored; a figure with no valid sample yields no metric, never 0.
 *
 * <p>Names, units and aggregations are listed in {@code docs/output-formats.md}. Stateless and thread-safe.
 */
public final class HardwareAggregates {

    /** VRAM in use, summed over GPUs (bytes; max and mean). */
    public static final String VRAM_USED = "gpu.vram.used";
    /** VRAM used by the model: after load minus before load (bytes; delta). */
    public static final String VRAM_MODEL = "gpu.vram.model";
    /** AMD GTT in use, summed over GPUs (bytes; max and mean). */
    public static final String GTT_USED = "gpu.gtt.used";
    /** GPU utilization, mean over GPUs (percent; mean and max). */
    public static final String GPU_UTIL = "gpu.util";
    /** Power draw, summed over GPUs (watts; mean and max). */
    public static final String POWER = "gpu.power";
    /** Temperature of the hottest GPU (°C; max and mean). */
    public static final String TEMP = "gpu.temp";
    /** Whole-machine CPU load (percent; mean and max). */
    public static final String CPU_LOAD = "cpu.load";
    /** RAM in use (bytes; max and mean). */
    public static final String RAM_USED = "ram.used";
    /** Resident memory of the benchmark process (bytes; max). */
    public static final String PROCESS_RSS = "process.rss";
    /** Decode tokens per second (p50) per GB of peak VRAM (ratio). */
    public static final String TOKS_PER_S_PER_GB = "efficiency.toks_per_s_per_gb_vram";
    /** Completion tokens per joule: tokens / (mean power x measured seconds) (ratio). */
    public static final String TOKS_PER_JOULE = "efficiency.toks_per_joule";
    /** Seconds the thermal/power guard paused between runs (sum). */
    public static final String GUARD_PAUSE = "guard.pause";

    /** Unit of byte figures. */
    public static final String BYTES = "bytes";

    private HardwareAggregates() {
    }

    /**
     * Aggregates one model's samples.
     *
     * @param beforeLoad the sample taken just before loading, or null
     * @param afterLoad  the sample taken just after loading, or null
     * @param samples    the samples taken while the model was loaded and measured
     * @return the side metrics that could be computed, in a stable order
     */
    public static List<SideMetric> of(HardwareSample beforeLoad, HardwareSample afterLoad,
                                      List<HardwareSample> samples) {
        List<SideMetric> out = new ArrayList<>();
        both(out, VRAM_USED, BYTES, samples, HardwareAggregates::vramUsed, Aggregation.MAX, Aggregation.MEAN);
        if (beforeLoad != null && afterLoad != null) {
            double before = vramUsed(beforeLoad);
            double after = vramUsed(afterLoad);
            if (!Double.isNaN(before) && !Double.isNaN(after)) {
                out.add(new SideMetric(VRAM_MODEL, BYTES, Aggregation.DELTA, after - before));
            }
        }
        both(out, GTT_USED, BYTES, samples, HardwareAggregates::gttUsed, Aggregation.MAX, Aggregation.MEAN);
        both(out, GPU_UTIL, "%", samples, HardwareAggregates::gpuUtil, Aggregation.MEAN, Aggregation.MAX);
        both(out, POWER, "W", samples, HardwareAggregates::power, Aggregation.MEAN, Aggregation.MAX);
        both(out, TEMP, "°C", samples, HardwareAggregates::temperature, Aggregation.MAX, Aggregation.MEAN);
        both(out, CPU_LOAD, "%", samples, s -> s.cpuLoad(), Aggregation.MEAN, Aggregation.MAX);
        both(out, RAM_USED, BYTES, samples, s -> bytes(s.ramUsedBytes()), Aggregation.MAX, Aggregation.MEAN);
        both(out, PROCESS_RSS, BYTES, samples, s -> bytes(s.processRssBytes()), Aggregation.MAX);
        return List.copyOf(out);
    }

    /**
     * Efficiency figures from the hardware metrics and the model's results; each only where its inputs are known.
     *
     * @param hardware         the metrics from {@link #of}
     * @param decodeP50        decode tokens per second (p50), or NaN
     * @param completionTokens completion tokens of the measured requests
     * @param measuredSeconds  wall seconds of the measured runs, or NaN
     * @return zero, one or two ratio metrics
     */
    public static List<SideMetric> efficiency(List<SideMetric> hardware, double decodeP50, long completionTokens,
                                              double measuredSeconds) {
        List<SideMetric> out = new ArrayList<>();
        SideMetric.find(hardware, VRAM_USED, Aggregation.MAX).ifPresent(vram -> {
            if (vram.value() > 0 && Double.isFinite(decodeP50)) {
                out.add(new SideMetric(TOKS_PER_S_PER_GB, "tok/s/GB", Aggregation.RATIO,
                        decodeP50 / (vram.value() / 1e9)));
            }
        });
        SideMetric.find(hardware, POWER, Aggregation.MEAN).ifPresent(power -> {
            double joules = power.value() * measuredSeconds;
            if (joules > 0 && Double.isFinite(joules) && completionTokens > 0) {
                out.add(new SideMetric(TOKS_PER_JOULE, "tok/J", Aggregation.RATIO, completionTokens / joules));
            }
        });
        return List.copyOf(out);
    }

    /** Sum of valid VRAM figures over GPUs, or NaN when none is valid. @param s the sample @return bytes or NaN */
    public static double vramUsed(HardwareSample s) {
        return sumOver(s, g -> bytes(g.vramUsedBytes()));
    }

    /** Sum of valid GTT figures over GPUs, or NaN. @param s the sample @return bytes or NaN */
    public static double gttUsed(HardwareSample s) {
        return sumOver(s, g -> bytes(g.gttUsedBytes()));
    }

    /** Sum of valid power figures over GPUs, or NaN. @param s the sample @return watts or NaN */
    public static double power(HardwareSample s) {
        return sumOver(s, GpuSample::powerWatts);
    }

    /** The hottest GPU's temperature, or NaN. @param s the sample @return degrees Celsius or NaN */
    public static double temperature(HardwareSample s) {
        double max = Double.NaN;
        for (GpuSample g : s.gpus()) {
            double t = g.temperatureCelsius();
            if (Double.isFinite(t) && (Double.isNaN(max) || t > max)) {
                max = t;
            }
        }
        return max;
    }

    private static double gpuUtil(HardwareSample s) {
        double sum = 0;
        int n = 0;
        for (GpuSample g : s.gpus()) {
            double u = g.gpuUtilization();
            if (Double.isFinite(u) && u >= 0) {
                sum += u;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double sumOver(HardwareSample s, ToDoubleFunction<GpuSample> f) {
        double sum = 0;
        boolean any = false;
        for (GpuSample g : s.gpus()) {
            double v = f.applyAsDouble(g);
            if (Double.isFinite(v) && v >= 0) {
                sum += v;
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    private static double bytes(long value) {
        return value < 0 ? Double.NaN : value;
    }

    private static void both(List<SideMetric> out, String name, String unit, List<HardwareSample> samples,
                             ToDoubleFunction<HardwareSample> f, Aggregation... aggregations) {
        double max = Double.NaN;
        double sum = 0;
        int n = 0;
        for (HardwareSample s : samples) {
            double v = f.applyAsDouble(s);
            if (!Double.isFinite(v) || v < 0) {
                continue;
            }
            max = Double.isNaN(max) ? v : Math.max(max, v);
            sum += v;
            n++;
        }
        if (n == 0) {
            return;
        }
        for (Aggregation a : aggregations) {
            out.add(new SideMetric(name, unit, a, a == Aggregation.MAX ? max : sum / n));
        }
    }
}
