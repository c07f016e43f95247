package dev.lmsbench.core.load;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Service-level objectives for goodput (vLLM's {@code --goodput ttft:200 tpot:50 e2el:5000}): a request is good when
 * it succeeded and each of its metrics is within its limit. Limits are in milliseconds; {@code NaN} means no limit.
 * A request without a TPOT (fewer than two output tokens) meets the TPOT limit, as in vLLM.
 *
 * @param ttftMs time to first token
 * @param tpotMs time per output token
 * @param e2eMs  end-to-end latency
 */
public record Slo(double ttftMs, double tpotMs, double e2eMs) {

    /** No objectives: goodput is not computed. */
    public static final Slo NONE = new Slo(Double.NaN, Double.NaN, Double.NaN);

    /** Checks the limits. */
    public Slo {
        for (double v : new double[] {ttftMs, tpotMs, e2eMs}) {
            if (!Double.isNaN(v) && !(v > 0 && !Double.isInfinite(v))) {
                throw new IllegalArgumentException("an SLO limit must be a number of milliseconds above 0: " + v);
            }
        }
    }

    /** {@return whether any limit is set} */
    public boolean any() {
        return !Double.isNaN(ttftMs) || !Double.isNaN(tpotMs) || !Double.isNaN(e2eMs);
    }

    /**
     * Parses {@code ttft:200 tpot:50 e2e:5000} (also {@code e2el}, comma or space separated).
     *
     * @param text the objectives
     * @return them
     * @throws IllegalArgumentException naming the bad part
     */
    public static Slo parse(String text) {
        double ttft = Double.NaN;
        double tpot = Double.NaN;
        double e2e = Double.NaN;
        for (String part : Objects.requireNonNull(text, "text").trim().split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("'" + part + "' is not metric:milliseconds (ttft, tpot or e2e)");
            }
            String name = part.substring(0, colon).toLowerCase(Locale.ROOT);
            double ms;
            try {
                ms = Double.parseDouble(part.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + part + "': the limit is not a number of milliseconds");
            }
            if (!(ms > 0) || Double.isInfinite(ms)) {
                throw new IllegalArgumentException("'" + part + "': the limit must be above 0 ms");
            }
            switch (name) {
                case "ttft" -> ttft = ms;
                case "tpot" -> tpot = ms;
                case "e2e", "e2el" -> e2e = ms;
                default -> throw new IllegalArgumentException("'" + part + "': unknown metric '" + name
                        + "' (ttft, tpot, e2e)");
            }
        }
        return new Slo(ttft, tpot, e2e);
    }

    /** {@return the set limits by name (ttft, tpot, e2e), in milliseconds} */
    public Map<String, Double> limits() {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        if (!Double.isNaN(ttftMs)) {
            m.put("ttft", ttftMs);
        }
        if (!Double.isNaN(tpotMs)) {
            m.put("tpot", tpotMs);
        }
        if (!Double.isNaN(e2eMs)) {
            m.put("e2e", e2eMs);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Whether a successful request's figures meet every limit.
     *
     * @param ttftMillis its TTFT
     * @param tpotMillis its TPOT, {@code NaN} when it has none (it then meets the TPOT limit)
     * @param e2eMillis  its end-to-end latency
     * @return true when good
     */
    public boolean met(double ttftMillis, double tpotMillis, double e2eMillis) {
        return within(ttftMs, ttftMillis, false) && within(tpotMs, tpotMillis, true) && within(e2eMs, e2eMillis, false);
    }

    private static boolean within(double limit, double value, boolean absentMeets) {
        if (Double.isNaN(limit)) {
            return true;
        }
        if (Double.isNaN(value)) {
            return absentMeets;
        }
        return value <= limit;
    }
}
