package dev.lmsbench.cli;

/** The exit codes of {@code lmsbench}. */
final class ExitCodes {
    /** Success. */
    static final int OK = 0;
    /** A runtime failure: server unreachable, every model failed, a file could not be written. */
    static final int FAILURE = 1;
    /** Bad usage or configuration. */
    static final int USAGE = 2;
    /** Interrupted by Ctrl-C (SIGINT); results measured so far were saved. */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
