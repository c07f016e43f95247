package dev.lmsbench.workloads;

import java.util.Locale;

/**
 * Unique ids of one session: the i-th id of a stream is the SplitMix64 finalizer of {@code seed + salt + i * gamma}
 * in 16 hex digits. The finalizer is a bijection and the gamma odd, so the ids of one stream never repeat; another
 * seed gives others. Ids lead the texts that must not share a prefix (a prefix cache matches leading tokens).
 */
final class Ids {

    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private Ids() {
    }

    /** {@return the {@code index}-th id of the stream {@code salt} under {@code seed}} */
    static String id(long seed, long salt, long index) {
        long z = seed + salt * 0xD1B54A32D192ED03L + index * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return String.format(Locale.ROOT, "%016x", z);
    }
}
