package dev.lmsbench.core.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Identifies one benchmark run: when, against which server, with which settings, by which tool.
 *
 * @param runId              unique id, e.g. {@code 20261125-144630-1a2b}
 * @param startedAt          when the run started
 * @param endpoint           the server benchmarked (base URL), or {@code sim:...} for the built-in simulator
 * @param settings           the settings every model ran with
 * @param toolVersion        the LM Studio Bench version
 * @param server             which server answered, as far as it says (part of the cache identity)
 * @param profiling          whether hardware profiling was on (part of the cache identity)
 * @param measurementVersion the version of how this tool measures ({@link #MEASUREMENT_VERSION} for new runs);
 *                           results of another version are never reused from the cache
 */
public record RunInfo(String runId, Instant startedAt, String endpoint, BenchmarkSettings settings,
                      String toolVersion, ServerInfo server, boolean profiling, int measurementVersion) {

    /**
     * The version of this tool's measurement: bumped whenever a change alters what figures mean or how they are
     * taken, so results measured before the change are measured again rather than reused. Version 1 was every
     * release before error types and response validation (issue 9); 2 validates every response; 3 (issue 10)
     * defeats the server's prompt cache by default, records cached prompt tokens and counts only processed prompt
     * tokens in prefill speed; 4 (issue 11) checks every answer's model, corrects LM Studio's off-by-one
     * completion count and takes server statistics only from answers that carry them; 5 (issue 14) divides the stream
     * and non-stream totals by the time the calls were in flight, overlapping calls counted once.
     */
    public static final int MEASUREMENT_VERSION = 5;

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Validates required fields. */
    public RunInfo {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(settings, "settings");
        toolVersion = Objects.requireNonNullElse(toolVersion, "unknown");
        server = Objects.requireNonNullElseGet(server, () -> ServerInfo.of(endpoint));
    }

    /**
     * A run whose server is known only by its endpoint, without profiling, measured the current way.
     *
     * @param runId       unique id
     * @param startedAt   when it started
     * @param endpoint    the server benchmarked
     * @param settings    the settings
     * @param toolVersion the tool version
     */
    public RunInfo(String runId, Instant startedAt, String endpoint, BenchmarkSettings settings, String toolVersion) {
        this(runId, startedAt, endpoint, settings, toolVersion, ServerInfo.of(endpoint), false, MEASUREMENT_VERSION);
    }

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
                + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        return new RunInfo(id, now, endpoint, settings, toolVersion);
    }

    /** A copy naming the server that answered. @param value the server @return the copy */
    public RunInfo withServer(ServerInfo value) {
        return new RunInfo(runId, startedAt, endpoint, settings, toolVersion, value, profiling, measurementVersion);
    }

    /** A copy with profiling on or off. @param value whether profiling is on @return the copy */
    public RunInfo withProfiling(boolean value) {
        return new RunInfo(runId, startedAt, endpoint, settings, toolVersion, server, value, measurementVersion);
    }
}
