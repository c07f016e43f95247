package dev.lmsbench.core.load;

import java.util.SplittableRandom;

/**
 * The planned send times of an open-loop pattern: offsets in nanoseconds from the start of the stage, the first at 0,
 * each later one a gap after the one before (vLLM's order: send, then wait the next gap). Seeded: the same pattern and
 * seed always give the same times. Not thread-safe (the dispatcher alone draws from it).
 */
public final class Arrivals {

    private static final double NANOS = 1e9;

    private final ArrivalPattern pattern;
    private final SplittableRandom random;
    private long next;
    private boolean first = true;

    private Arrivals(ArrivalPattern pattern, long seed) {
        if (!pattern.openLoop()) {
            throw new IllegalArgumentException(pattern.kind() + " is closed-loop: it has no planned send times");
        }
        this.pattern = pattern;
        this.random = new SplittableRandom(seed);
    }

    /**
     * @param pattern an open-loop pattern
     * @param seed    the seed of the random gaps
     * @return the send times
     */
    public static Arrivals of(ArrivalPattern pattern, long seed) {
        return new Arrivals(pattern, seed);
    }

    /** {@return the planned offset of the next send, in nanoseconds from the start} */
    public long next() {
        if (first) {
            first = false;
            return 0;
        }
        double gap = switch (pattern) {
            case ArrivalPattern.ConstantRate c -> 1.0 / c.perSecond();
            case ArrivalPattern.Poisson p -> exponential(random, p.perSecond());
            case ArrivalPattern.Gamma g -> gamma(random, g.burstiness()) / (g.perSecond() * g.burstiness());
            default -> 0.0;
        };
        next += Math.round(gap * NANOS);
        return next;
    }

    /** An exponential draw of mean {@code 1/rate}. */
    static double exponential(SplittableRandom random, double rate) {
        return -Math.log(1.0 - random.nextDouble()) / rate;
    }

    /**
     * A gamma draw of the given shape and scale 1: Marsaglia and Tsang's method (ACM TOMS 26(3), 2000), with the
     * {@code U^(1/shape)} boost below shape 1.
     */
    static double gamma(SplittableRandom random, double shape) {
        if (shape < 1) {
            double u = random.nextDouble();
            return gamma(random, shape + 1) * Math.pow(u == 0 ? Double.MIN_VALUE : u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
