package dev.lmsbench.core.load;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether the load generator kept up: how late each send was against its planned time, how long sends waited for a
 * concurrency slot, the CPU this process and the machine used while the stage ran, and the warnings every output
 * carries when these say the figures are the client's rather than the server's.
 *
 * @param sendLagMs         lateness of each send against its plan (ms), the slot wait left out
 * @param slotWaitMs        the wait for a {@code maxConcurrency} slot (ms); all zero without a cap
 * @param clientCpuPercent  CPU time this process used over the stage, in percent of the machine's cores (NaN when
 *                          the JVM cannot tell); an in-process simulator's work counts here too
 * @param machineCpuPercent the whole machine's average CPU load over the stage, in percent (NaN when unknown)
 * @param peakInFlight      the most requests in flight at once
 * @param warnings          one line each, empty when the generator kept up
 */
public record GeneratorHealth(LatencyStats sendLagMs, LatencyStats slotWaitMs, double clientCpuPercent,
                              double machineCpuPercent, int peakInFlight, List<String> warnings) {

    /** A send lag p99 above this (milliseconds) means the sends did not leave when planned. */
    public static final double LAG_WARN_MS = 10.0;

    /** CPU use above this (percent of the machine) means the client may have delayed reading what arrived. */
    public static final double CPU_WARN_PERCENT = 90.0;

    /** Copies the warnings. */
    public GeneratorHealth {
        Objects.requireNonNull(sendLagMs, "sendLagMs");
        Objects.requireNonNull(slotWaitMs, "slotWaitMs");
        warnings = List.copyOf(warnings);
    }

    /** {@return true when no warning was raised} */
    public boolean healthy() {
        return warnings.isEmpty();
    }

    /**
     * The warnings these figures call for.
     *
     * @param lagP99Ms      the send lag's p99 (ms)
     * @param lagMaxMs      the largest send lag (ms)
     * @param clientCpu     the process's CPU use (percent, NaN when unknown)
     * @param machineCpu    the machine's CPU use (percent, NaN when unknown)
     * @return the warnings, empty when the generator kept up
     */
    public static List<String> warningsFor(double lagP99Ms, double lagMaxMs, double clientCpu, double machineCpu) {
        List<String> w = new java.util.ArrayList<>();
        if (lagP99Ms > LAG_WARN_MS) {
            w.add(String.format(Locale.ROOT, "client overloaded: sends left %.1f ms late at p99 (max %.1f ms, limit"
                    + " %.0f ms); the arrival rate and the latencies are the client's, not the server's", lagP99Ms,
                    lagMaxMs, LAG_WARN_MS));
        }
        if (clientCpu > CPU_WARN_PERCENT) {
            w.add(String.format(Locale.ROOT, "client overloaded: this process used %.0f %% of the CPU (limit %.0f %%);"
                    + " timestamps may be late, the figures may be the client's, not the server's", clientCpu,
                    CPU_WARN_PERCENT));
        } else if (machineCpu > CPU_WARN_PERCENT) {
            w.add(String.format(Locale.ROOT, "machine overloaded: the CPU was %.0f %% busy (limit %.0f %%); the client"
                    + " may have read responses late, the figures may be the client's, not the server's", machineCpu,
                    CPU_WARN_PERCENT));
        }
        return w;
    }
}
