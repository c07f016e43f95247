package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;

import static org.assertj.core.api.Assertions.assertThat;

class LineTailTest {

    @Test
    void onlyTheLastLinesAreKeptEachCutAndTheLineBeingWrittenShows() {
        LineTail tail = new LineTail(3);
        PrintWriter out = new PrintWriter(tail, true);
        for (int i = 1; i <= 5; i++) {
            out.print("line " + i + "\r\n");
        }
        out.print("x".repeat(10_000));
        out.flush();
        assertThat(tail.lines()).hasSize(4).startsWith("line 3", "line 4", "line 5");
        assertThat(tail.lines().get(3)).hasSize(4096);
        tail.clear();
        assertThat(tail.lines()).isEmpty();
    }
}
