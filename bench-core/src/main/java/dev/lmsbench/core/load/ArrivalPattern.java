package dev.lmsbench.core.load;

import java.util.Locale;

/**
 * How a load test sends its requests. Open-loop patterns ({@link #openLoop()}) plan every send time in advance and send
 * each request at its time whether or not earlier ones have finished; closed-loop patterns keep a number of requests in
 * flight and send the next one when one finishes.
 *
 * <p>Definitions follow {@code vllm bench serve} ({@code --request-rate}, {@code --burstiness},
 * {@code --max-concurrency}) and GuideLLM ({@code synchronous}, {@code concurrent}, {@code throughput},
 * {@code constant}, {@code poisson}); see {@code docs/load.md}.
 */
public sealed interface ArrivalPattern {

    /** {@return true when send times are planned in advance (a rate), false for a fixed number in flight} */
    boolean openLoop();

    /** {@return the pattern's name in outputs: synchronous, concurrency, constant, poisson, gamma, max} */
    String kind();

    /** {@return the planned request rate per second, {@code NaN} for closed-loop patterns and max throughput} */
    double targetRate();

    /** {@return requests kept in flight by a closed-loop pattern, 0 for open-loop ones} */
    int concurrency();

    /** {@return vLLM's burstiness (the gamma shape): 1 for Poisson, {@code NaN} where it does not apply} */
    default double burstiness() {
        return Double.NaN;
    }

    /** {@return a short label: {@code poisson 20/s}, {@code concurrency 8}, ...} */
    default String label() {
        return switch (this) {
            case Synchronous s -> "synchronous";
            case Concurrency c -> "concurrency " + c.streams();
            case MaxThroughput m -> "max throughput";
            case Gamma g -> String.format(Locale.ROOT, "gamma %s/s b=%s", num(g.perSecond()), num(g.burstiness()));
            default -> kind() + " " + num(targetRate()) + "/s";
        };
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.3g", v).replaceAll("0+$", "");
    }

    /** One request at a time: the next is sent when the previous one ends (GuideLLM's synchronous baseline). */
    record Synchronous() implements ArrivalPattern {
        @Override public boolean openLoop() { return false; }
        @Override public String kind() { return "synchronous"; }
        @Override public double targetRate() { return Double.NaN; }
        @Override public int concurrency() { return 1; }
    }

    /** @param streams requests kept in flight, at least 1: a new one is sent as soon as one ends */
    record Concurrency(int streams) implements ArrivalPattern {
        /** Checks the count. */
        public Concurrency {
            if (streams < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1: " + streams);
            }
        }
        @Override public boolean openLoop() { return false; }
        @Override public String kind() { return "concurrency"; }
        @Override public double targetRate() { return Double.NaN; }
        @Override public int concurrency() { return streams; }
    }

    /** @param perSecond requests per second, sent evenly spaced ({@code 1/perSecond} apart) */
    record ConstantRate(double perSecond) implements ArrivalPattern {
        /** Checks the rate. */
        public ConstantRate {
            checkRate(perSecond);
        }
        @Override public boolean openLoop() { return true; }
        @Override public String kind() { return "constant"; }
        @Override public double targetRate() { return perSecond; }
        @Override public int concurrency() { return 0; }
    }

    /** @param perSecond mean requests per second; the gaps between sends are exponential (seeded) */
    record Poisson(double perSecond) implements ArrivalPattern {
        /** Checks the rate. */
        public Poisson {
            checkRate(perSecond);
        }
        @Override public boolean openLoop() { return true; }
        @Override public String kind() { return "poisson"; }
        @Override public double targetRate() { return perSecond; }
        @Override public int concurrency() { return 0; }
        @Override public double burstiness() { return 1.0; }
    }

    /**
     * vLLM's gamma arrivals: gaps drawn from a gamma distribution of shape {@code burstiness} and scale
     * {@code 1 / (perSecond * burstiness)}, so the mean rate is {@code perSecond}; below 1 burstier than Poisson, above 1
     * more even, 1 is Poisson.
     *
     * @param perSecond  mean requests per second
     * @param burstiness the gamma shape, above 0
     */
    record Gamma(double perSecond, double burstiness) implements ArrivalPattern {
        /** Checks the values. */
        public Gamma {
            checkRate(perSecond);
            if (!(burstiness > 0) || Double.isInfinite(burstiness)) {
                throw new IllegalArgumentException("burstiness must be above 0: " + burstiness);
            }
        }
        @Override public boolean openLoop() { return true; }
        @Override public String kind() { return "gamma"; }
        @Override public double targetRate() { return perSecond; }
        @Override public int concurrency() { return 0; }
    }

    /**
     * Every request planned at time 0 (vLLM's {@code --request-rate inf}); with a maximum concurrency, as many as it
     * allows are in flight at once and the rest wait for a free slot (GuideLLM's throughput).
     */
    record MaxThroughput() implements ArrivalPattern {
        @Override public boolean openLoop() { return true; }
        @Override public String kind() { return "max"; }
        @Override public double targetRate() { return Double.NaN; }
        @Override public int concurrency() { return 0; }
    }

    private static void checkRate(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("the rate must be a number of requests per second above 0: "
                    + perSecond);
        }
    }
}
