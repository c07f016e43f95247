package dev.lmsbench.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Identifies one benchmark run.
 *
 * @param runId       unique id, e.g. {@code 20261125-144630-1a2b}
 * @param startedAt   when the run started
 * @param endpoint    the server benchmarked (base URL), or {@code sim:...} for the built-in simulator
 * @param settings    the settings every model ran with
 * @param toolVersion the LM Studio Bench version
 */
public record RunInfo(String runId, Instant startedAt, String endpoint, BenchmarkSettings settings,
                      String toolVersion) {

    /** Validates required fields. */
    public RunInfo {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(settings, "settings");
        toolVersion = Objects.requireNonNullElse(toolVersion, "unknown");
    }

    private static final java.time.format.DateTimeFormatter ID_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", java.util.Locale.ROOT)
                    .withZone(java.time.ZoneOffset.UTC);

    /**
     * A new run starting now, with an id of the form {@code 20261125-144630-1a2b} (UTC time and 4 random hex digits).
     *
     * @param endpoint    the server benchmarked
     * @param settings    the settings
     * @param toolVersion the tool version
     * @return the run
     */
    public static RunInfo start(String endpoint, BenchmarkSettings settings, String toolVersion) {
        Instant now = Instant.now();
        String id = ID_TIME.format(now) + "-"
                + String.format(java.util.Locale.ROOT, "%04x", java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000));
        return new RunInfo(id, now, endpoint, settings, toolVersion);
    }
}
