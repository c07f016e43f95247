package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SendLogTest {

    private static SendLogEntry entry(long sequence) {
        return new SendLogEntry(sequence, "sim/m", true, 0, 1, new long[] {10}, new long[] {11}, 11, 5, 1, 0, "stop",
                false, true);
    }

    @Test
    void dropsTheOldestEntriesBeyondItsCapacity() {
        SendLog log = new SendLog(3);
        for (long i = 0; i < 5; i++) {
            log.add(entry(i));
        }

        assertThat(log.snapshot()).extracting(SendLogEntry::sequence).containsExactly(2L, 3L, 4L);
        assertThat(log.total()).isEqualTo(5);
    }

    @Test
    void awaitsATotalOrGivesUpAtTheDeadline() throws InterruptedException {
        SendLog log = new SendLog(3);
        log.add(entry(0));

        assertThat(log.awaitTotal(1, Duration.ZERO)).isTrue();
        assertThat(log.awaitTotal(2, Duration.ofMillis(20))).isFalse();
    }

    @Test
    void entriesCannotBeChangedThroughTheirArrays() {
        SendLogEntry entry = entry(0);
        entry.tokenNanos()[0] = 99;
        entry.scheduledNanos()[0] = 99;

        assertThat(entry.tokenNanos()).containsExactly(11L);
        assertThat(entry.scheduledNanos()).containsExactly(10L);
        assertThat(entry.scheduledTtftNanos()).isEqualTo(10);
        assertThat(entry.actualTtftNanos()).isEqualTo(11);
    }
}
