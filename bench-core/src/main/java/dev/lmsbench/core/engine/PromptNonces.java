package dev.lmsbench.core.engine;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The prompt nonces of one run: the i-th is the SplitMix64 finalizer of {@code seed + i * golden gamma} in 16 hex
 * digits. The finalizer is a bijection of 64-bit values and the gamma is odd, so two requests of a run never get the
 * same nonce; another run has another random seed. The unique digits come first, because a prefix cache matches
 * leading tokens: a fixed head ({@code [lmsbench ...}) would itself be a cached prefix of every request.
 *
 * <p>Thread-safe (parallel requests take nonces at once).
 */
final class PromptNonces {

    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private final long seed;
    private final AtomicLong counter = new AtomicLong();

    PromptNonces(long seed) {
        this.seed = seed;
    }

    /** {@return the next nonce, e.g. {@code 3f9a1c2e7b40d5e1 lmsbench}} */
    String next() {
        long z = seed + counter.getAndIncrement() * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return String.format(Locale.ROOT, "%016x lmsbench", z);
    }
}
