package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.TokenCounter;
import dev.lmsbench.core.spi.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/** Token counters for the tests: real implementations of the port with simple, known rules. */
final class Fakes {

    private Fakes() {
    }

    /** Counts whitespace-separated words, as a word-level tokenizer.json would. */
    static final class WordCounter implements TokenCounter {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public TokenCountSource source() {
            return TokenCountSource.TOKENIZER_JSON;
        }

        @Override
        public OptionalInt count(String model, String text) {
            calls.incrementAndGet();
            return OptionalInt.of(words(text));
        }
    }

    /** A counter that can count nothing (a server without a tokenizer endpoint). */
    static final class NoCounter implements TokenCounter {
        @Override
        public TokenCountSource source() {
            return TokenCountSource.SERVER_TOKENIZER;
        }

        @Override
        public OptionalInt count(String model, String text) {
            return OptionalInt.empty();
        }
    }

    static int words(String text) {
        String s = text.strip();
        return s.isEmpty() ? 0 : s.split("\\s+").length;
    }

    static TokenLengths wordLengths() {
        return new TokenLengths(List.of(new WordCounter()));
    }

    static List<Workload.Request> take(Workload.Session session, int n) {
        List<Workload.Request> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(session.next());
        }
        return out;
    }

    static List<Workload.Request> take(Workload workload, long seed, int n) {
        return take(workload.start(seed), n);
    }

    static String commonPrefix(List<String> texts) {
        String p = texts.get(0);
        for (String t : texts) {
            int i = 0;
            while (i < p.length() && i < t.length() && p.charAt(i) == t.charAt(i)) {
                i++;
            }
            p = p.substring(0, i);
        }
        return p;
    }
}
