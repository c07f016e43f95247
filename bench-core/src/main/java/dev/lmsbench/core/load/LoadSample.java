package dev.lmsbench.core.load;

/**
 * How one load request was sent: when it was planned, how long it waited for a concurrency slot, and how many
 * requests were in flight when it left. Times are absolute {@link System#nanoTime()} values.
 *
 * @param index        the request's index in the stage (its {@code RequestResult.index()})
 * @param plannedNanos when the pattern planned to send it (closed loop: when a slot became free)
 * @param queuedNanos  how long it then waited for a {@code maxConcurrency} slot (0 without a cap)
 * @param sentNanos    when it was handed to the HTTP stack (its timings' {@code sentNanos})
 * @param inFlight     requests in flight when it was sent, itself included
 * @param conversation the workload's conversation, or {@code ""}
 * @param turn         the round within the conversation
 */
public record LoadSample(int index, long plannedNanos, long queuedNanos, long sentNanos, int inFlight,
                         String conversation, int turn) {

    /** {@return how late the send was against its plan, the slot wait left out, in nanoseconds (never negative)} */
    public long lagNanos() {
        return Math.max(0, sentNanos - plannedNanos - queuedNanos);
    }
}
