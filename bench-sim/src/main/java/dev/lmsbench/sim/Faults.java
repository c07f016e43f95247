package dev.lmsbench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * The fault plan in force and its counters: every chat request that passed validation (on any surface) is counted,
 * and {@link FaultPlan#fails} decides by its number whether it is answered with the plan's error. Replacing the plan
 * resets the counters. Thread-safe: one monitor, a few field updates per request.
 */
final class Faults {

    /** The keys of a fault plan object, in the config file and in {@code POST /__sim/faults}. */
    static final Set<String> KEYS = Set.of("fail_next", "after", "status", "message");

    private FaultPlan plan;
    private long counted;
    private long failed;

    Faults(FaultPlan plan) {
        this.plan = plan;
    }

    /**
     * Counts one chat request. @return the plan when this request must fail with its status and message, else empty
     */
    synchronized Optional<FaultPlan> next() {
        counted++;
        if (plan.fails(counted)) {
            failed++;
            return Optional.of(plan);
        }
        return Optional.empty();
    }

    /** Puts {@code newPlan} in force and resets the counters. */
    synchronized void replace(FaultPlan newPlan) {
        plan = newPlan;
        counted = 0;
        failed = 0;
    }

    /** How many chat requests failed under the plan in force. */
    synchronized long failed() {
        return failed;
    }

    /**
     * {@code {"fail_next", "after", "status", "message", "counted", "failed"}}: the plan and, since it was set, the
     * chat requests counted and those failed.
     */
    synchronized ObjectNode json() {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.put("fail_next", plan.failNext());
        root.put("after", plan.after());
        root.put("status", plan.status());
        root.put("message", plan.message());
        root.put("counted", counted);
        root.put("failed", failed);
        return root;
    }

    /**
     * Reads a plan object: {@code fail_next}, {@code after} (integers {@code >= 0}, default 0), {@code status} (an
     * integer 400..599, default 503) and {@code message} (a string, default {@link FaultPlan#DEFAULT_MESSAGE}); JSON
     * null counts as absent.
     *
     * @throws IllegalArgumentException naming the key (snake_case) when the object holds an unknown key or a bad value
     */
    static FaultPlan parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return FaultPlan.NONE;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected an object with " + String.join(", ", KEYS.stream().sorted()
                    .toList()) + ", got " + node);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new IllegalArgumentException(name + ": unknown key (known: " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ")");
            }
        }
        int failNext = integer(node, "fail_next", 0);
        int after = integer(node, "after", 0);
        int status = integer(node, "status", FaultPlan.DEFAULT_STATUS);
        JsonNode message = node.get("message");
        if (message != null && !message.isNull() && !message.isTextual()) {
            throw new IllegalArgumentException("message: expected a string, got " + message);
        }
        if (failNext < 0) {
            throw new IllegalArgumentException("fail_next must be >= 0, got " + failNext);
        }
        if (after < 0) {
            throw new IllegalArgumentException("after must be >= 0, got " + after);
        }
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP error status (400 to 599), got " + status);
        }
        return new FaultPlan(failNext, after, status, message == null || message.isNull() ? null : message.textValue());
    }

    private static int integer(JsonNode node, String key, int absent) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(key + ": expected an integer, got " + value);
        }
        return value.intValue();
    }
}
