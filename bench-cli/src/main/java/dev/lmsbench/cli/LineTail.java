package dev.lmsbench.cli;

import java.io.Writer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A writer that keeps only the last lines written to it (the dashboard's log tail of a run's output): at most
 * {@code capacity} lines, each cut at 4096 characters. Thread-safe.
 */
final class LineTail extends Writer {

    private static final int MAX_LINE = 4096;

    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();

    LineTail(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            char c = buf[i];
            if (c == '\n') {
                push();
            } else if (c != '\r' && partial.length() < MAX_LINE) {
                partial.append(c);
            }
        }
    }

    private void push() {
        lines.addLast(partial.toString());
        partial.setLength(0);
        while (lines.size() > capacity) {
            lines.removeFirst();
        }
    }

    /** @return the complete lines kept, oldest first, and the line being written when it is not empty */
    synchronized List<String> lines() {
        if (partial.isEmpty()) {
            return List.copyOf(lines);
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>(lines);
        out.add(partial.toString());
        return out;
    }

    /** Forgets everything (a new run starts). */
    synchronized void clear() {
        lines.clear();
        partial.setLength(0);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
