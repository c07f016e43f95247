package dev.lmsbench.cli;

/**
 * A failure the CLI reports as one line and an exit code: {@link #usage} (2) for bad input or configuration,
 * {@link #failure} (1) for a runtime failure such as an unreachable server.
 */
final class CliException extends RuntimeException {

    private final int exitCode;

    private CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message, null);
    }

    static CliException failure(String message, Throwable cause) {
        return new CliException(ExitCodes.FAILURE, message, cause);
    }

    int exitCode() {
        return exitCode;
    }
}
