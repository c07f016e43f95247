package dev.lmsbench.sim;

import java.util.Objects;

/**
 * Fault injection over all chat surfaces: after {@code after} chat requests have been counted, the next
 * {@code failNext} chat requests (all models, all surfaces, streaming or not) are answered with HTTP {@code status}
 * and a JSON error body in the surface's own error shape, before any token and without a {@code Retry-After} header;
 * then the sim serves normally again. Set in the config file ({@code "faults": {...}}) or at run time through
 * {@code POST /__sim/faults}, which replaces the plan and resets its counters.
 *
 * <p>{@code new FaultPlan(2, 3, 503, null)}: requests 1 to 3 are served, 4 and 5 fail with 503, 6 on are served.
 *
 * @param failNext how many chat requests fail, {@code >= 0} ({@code 0}: none, the default)
 * @param after    how many chat requests are served before the failures start, {@code >= 0}
 * @param status   the HTTP status of the failures, 400 to 599 ({@value #DEFAULT_STATUS} by default)
 * @param message  the error message; {@link #DEFAULT_MESSAGE} when null or blank
 */
public record FaultPlan(int failNext, int after, int status, String message) {

    /** The status of an injected failure when none is given: Service Unavailable. */
    public static final int DEFAULT_STATUS = 503;
    /** The message of an injected failure when none is given. */
    public static final String DEFAULT_MESSAGE = "The server is temporarily unavailable (simulated fault).";
    /** No injected failures. */
    public static final FaultPlan NONE = new FaultPlan(0, 0, DEFAULT_STATUS, null);

    /** Validates; the messages name the offending field. */
    public FaultPlan {
        if (failNext < 0) {
            throw new IllegalArgumentException("failNext must be >= 0, got " + failNext);
        }
        if (after < 0) {
            throw new IllegalArgumentException("after must be >= 0, got " + after);
        }
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP error status (400 to 599), got " + status);
        }
        message = message == null || message.isBlank() ? DEFAULT_MESSAGE : message;
        Objects.requireNonNull(message);
    }

    /** {@code count} failures with the default status and message, right away. */
    public static FaultPlan failNext(int count) {
        return new FaultPlan(count, 0, DEFAULT_STATUS, null);
    }

    /** Whether the chat request numbered {@code n} (1-based, since the plan was set) fails. */
    boolean fails(long n) {
        return n > after && n - after <= failNext;
    }
}
