package dev.lmsbench.hardware;

/**
 * A native monitoring call returned an error status. Checked, so every read in {@link GpuQuery} must decide which
 * sentinel the failure becomes.
 */
final class NativeStatusException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    NativeStatusException(String function, int status, String statusName) {
        super(function + " returned " + status + " (" + statusName + ")", null, false, false);
        this.status = status;
    }

    /** The raw status code. @return the code */
    int status() {
        return status;
    }
}
