package dev.lmsbench.sim;

/**
 * A load the simulated machine refuses. The registry knows no wire shapes: each API turns this into its own error.
 */
final class LoadRefused extends Exception {

    /** Why. */
    enum Reason {
        /** JIT loading is off and nothing at all is loaded. */
        NOTHING_LOADED,
        /** JIT loading is off and the model is not loaded (another one is). */
        NOT_LOADED,
        /** The load would exceed the memory budget. */
        INSUFFICIENT_MEMORY,
        /** The load configuration is invalid for the model (context length above its maximum). */
        INVALID_CONFIG
    }

    private final Reason reason;

    LoadRefused(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
