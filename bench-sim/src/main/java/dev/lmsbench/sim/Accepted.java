package dev.lmsbench.sim;

/**
 * A chat request that passed validation, with its number, arrival time and plan. It keeps no part of the request
 * body, so a long stream does not hold its prompt in memory.
 *
 * @param sequence       0-based number among accepted chat requests
 * @param receivedNanos  {@link System#nanoTime()} once the body was read
 * @param model          the model that answers
 * @param plan           the planned response
 * @param waitNanos      how long the request waited for its model to load (included in the plan's offsets)
 * @param queueNanos     how long it then waited for a free parallel slot (included in the plan's offsets)
 * @param requestedModel the model the request named (another than {@code model} only under the
 *                       {@code jit_serves_loaded_model} quirk)
 * @param instanceId     the instance that answers
 */
record Accepted(long sequence, long receivedNanos, SimModel model, ResponsePlan plan, long waitNanos,
        long queueNanos, String requestedModel, String instanceId) {

    /** A request answered by the model it named, on its instance of that model's id, with no queueing. */
    Accepted(long sequence, long receivedNanos, SimModel model, ResponsePlan plan, long waitNanos) {
        this(sequence, receivedNanos, model, plan, waitNanos, 0, model.id(), model.id());
    }
}
