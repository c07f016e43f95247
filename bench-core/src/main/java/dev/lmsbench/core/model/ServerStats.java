package dev.lmsbench.core.model;

import java.util.Objects;

/**
 * What the server itself reported about a request (LM Studio's {@code stats}), kept beside the client-side timings and
 * always labelled by source in reports. Unknown figures are {@code NaN}; {@link #NONE} when the server reported nothing.
 *
 * @param tokensPerSecond          server-reported generation speed
 * @param timeToFirstTokenSeconds  server-reported time to first token
 * @param generationTimeSeconds    server-reported generation time
 * @param stopReason               server-reported stop reason, or {@code ""}
 * @param source                   where the figures came from, e.g. {@code lmstudio.api.v0.stats}; {@code ""} for none
 */
public record ServerStats(double tokensPerSecond, double timeToFirstTokenSeconds, double generationTimeSeconds,
                          String stopReason, String source) {

    /** The server reported no statistics. */
    public static final ServerStats NONE = new ServerStats(Double.NaN, Double.NaN, Double.NaN, "", "");

    /** Normalizes absent strings. */
    public ServerStats {
        stopReason = Objects.requireNonNullElse(stopReason, "");
        source = Objects.requireNonNullElse(source, "");
    }

    /** Whether the server reported anything. @return false for {@link #NONE} */
    public boolean present() {
        return !source.isEmpty();
    }
}
