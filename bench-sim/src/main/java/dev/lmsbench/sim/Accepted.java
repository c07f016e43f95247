package dev.lmsbench.sim;

/**
 * A chat request that passed validation, with its number, arrival time and plan. It keeps no part of the request
 * body, so a long stream does not hold its prompt in memory.
 *
 * @param sequence      0-based number among accepted chat requests
 * @param receivedNanos {@link System#nanoTime()} once the body was read
 * @param model         the model that answers
 * @param plan          the planned response
 * @param waitNanos     how long the request waited for its model to load (included in the plan's offsets)
 */
record Accepted(long sequence, long receivedNanos, SimModel model, ResponsePlan plan, long waitNanos) {
}
