package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.TokenCounter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Counts and builds texts of a planned length in tokens. Each text is counted by the first of the given
 * {@link TokenCounter}s that counts it; when none can (or none is given), by the estimate of
 * {@value #CHARS_PER_TOKEN} characters per token ({@link TokenCountSource#ESTIMATE}, rounded up).
 *
 * <p>Texts are built from a fixed list of English words. With a real counter a text of N tokens is searched over its
 * number of words (doubling, then bisection, at most {@value #MAX_COUNTS} counts) until its counted length is within
 * 2 % of N (or as close as the tokenizer allows); with the estimate it is exactly N × 4 characters.
 *
 * <p>{@link #source()} is the weakest source any count so far used (in {@link TokenCountSource} order: a tokenizer is
 * stronger than the estimate), so a workload whose texts fell back to the estimate even once says so. Thread-safe.
 */
public final class TokenLengths {

    /** Characters per token of the estimate. */
    public static final int CHARS_PER_TOKEN = 4;

    /** The most counts one {@link #fill} makes with a real counter. */
    public static final int MAX_COUNTS = 40;

    /** The longest text (in tokens) this builds. */
    public static final int MAX_TOKENS = 1 << 20;

    private static final String PROBE = "How many tokens is this short sentence?";

    private final List<TokenCounter> counters;
    private final String model;
    private final Object lock = new Object();
    private TokenCountSource weakest; // guarded by lock; null until something was counted
    private Boolean anyCounts; // guarded by lock; whether a counter counted the probe, null until asked

    /**
     * Lengths counted by the given counters, for the model {@code ""}.
     *
     * @param counters the counters in the order to try, possibly empty
     */
    public TokenLengths(List<TokenCounter> counters) {
        this(counters, "");
    }

    /**
     * Lengths counted by the given counters for one model.
     *
     * @param counters the counters in the order to try, possibly empty
     * @param model    the model id the counters are asked about ({@code ""} when unknown)
     */
    public TokenLengths(List<TokenCounter> counters, String model) {
        this.counters = List.copyOf(Objects.requireNonNull(counters, "counters"));
        this.model = Objects.requireNonNullElse(model, "");
    }

    /** {@return lengths by the characters-per-token estimate only} */
    public static TokenLengths estimate() {
        return new TokenLengths(List.of());
    }

    /**
     * {@return the weakest source the counts so far used; before any count, the source that counts a short probe
     * text}
     */
    public TokenCountSource source() {
        synchronized (lock) {
            if (weakest != null) {
                return weakest;
            }
        }
        count(PROBE);
        synchronized (lock) {
            return weakest;
        }
    }

    /**
     * Counts a text: the first counter that counts it, else the estimate.
     *
     * @param text the text
     * @return its length in tokens (0 for {@code ""})
     */
    public int count(String text) {
        Objects.requireNonNull(text, "text");
        for (TokenCounter counter : counters) {
            OptionalInt n = counter.count(model, text);
            if (n.isPresent() && n.getAsInt() >= 0) {
                noteSource(counter.source());
                return n.getAsInt();
            }
        }
        noteSource(TokenCountSource.ESTIMATE);
        return estimateOf(text);
    }

    /**
     * {@return the estimate of a text's length: its characters divided by {@value #CHARS_PER_TOKEN}, rounded up}
     *
     * @param text the text
     */
    public static int estimateOf(String text) {
        return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /**
     * {@return random words of about {@code tokens} tokens ({@code ""} for 0)}
     *
     * @param random the random choices
     * @param tokens the planned length, 0 to {@value #MAX_TOKENS}
     */
    public String text(SplittableRandom random, int tokens) {
        return fill("", random, tokens);
    }

    /**
     * Builds {@code head} followed by random words so that the whole is about {@code tokens} tokens long. When the
     * head alone is that long or longer, the head is returned.
     *
     * @param head   the fixed start (e.g. a unique id), possibly {@code ""}
     * @param random the random choices
     * @param tokens the planned length of the whole, 0 to {@value #MAX_TOKENS}
     * @return the text
     */
    public String fill(String head, SplittableRandom random, int tokens) {
        Objects.requireNonNull(head, "head");
        if (tokens < 0 || tokens > MAX_TOKENS) {
            throw new IllegalArgumentException("a text length must be 0 to " + MAX_TOKENS + " tokens: " + tokens);
        }
        if (tokens == 0) {
            return head;
        }
        if (usesEstimate()) {
            int chars = tokens * CHARS_PER_TOKEN - head.length();
            String sep = head.isEmpty() || Character.isWhitespace(head.charAt(head.length() - 1)) ? "" : " ";
            chars -= sep.length();
            if (chars <= 0) {
                return head;
            }
            return head + sep + Words.chars(random, chars);
        }
        return search(head, random, tokens);
    }

    /**
     * Whether no counter counts (none is given, or none counts a short probe text): then texts are built by
     * characters, without counting. Asked once.
     */
    private boolean usesEstimate() {
        if (counters.isEmpty()) {
            return true;
        }
        synchronized (lock) {
            if (anyCounts != null) {
                return !anyCounts;
            }
        }
        boolean counts = false;
        for (TokenCounter counter : counters) {
            OptionalInt n = counter.count(model, PROBE);
            if (n.isPresent() && n.getAsInt() >= 0) {
                counts = true;
                break;
            }
        }
        synchronized (lock) {
            anyCounts = counts;
        }
        return !counts;
    }

    private String search(String head, SplittableRandom random, int tokens) {
        int tolerance = tokens / 50; // 2 %
        List<String> words = new ArrayList<>();
        int budget = MAX_COUNTS;
        int headTokens = head.isEmpty() ? 0 : count(head);
        budget--;
        if (headTokens >= tokens) {
            return head;
        }
        // doubling: a word count whose text is at least the planned length
        int lo = 0;
        int hi = Math.max(1, tokens - headTokens);
        int hiCount;
        Words.extend(random, words, hi);
        String best = head;
        int bestDiff = tokens - headTokens;
        while (true) {
            String t = join(head, words, hi);
            hiCount = count(t);
            budget--;
            int diff = Math.abs(hiCount - tokens);
            if (diff < bestDiff) {
                best = t;
                bestDiff = diff;
            }
            if (diff <= tolerance) {
                return t;
            }
            if (hiCount > tokens || budget <= MAX_COUNTS / 2 || hi >= tokens * CHARS_PER_TOKEN * 4) {
                break;
            }
            lo = hi;
            hi = Math.min(hi * 2, tokens * CHARS_PER_TOKEN * 4);
            Words.extend(random, words, hi);
        }
        // bisection over the number of words in (lo, hi)
        while (hi - lo > 1 && budget > 0) {
            int mid = (lo + hi) >>> 1;
            String t = join(head, words, mid);
            int c = count(t);
            budget--;
            int diff = Math.abs(c - tokens);
            if (diff < bestDiff) {
                best = t;
                bestDiff = diff;
            }
            if (diff <= tolerance) {
                return t;
            }
            if (c < tokens) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return best;
    }

    private static String join(String head, List<String> words, int n) {
        StringBuilder b = new StringBuilder(head);
        for (int i = 0; i < n; i++) {
            if (b.length() > 0 && !Character.isWhitespace(b.charAt(b.length() - 1))) {
                b.append(' ');
            }
            b.append(words.get(i));
        }
        return b.toString();
    }

    private void noteSource(TokenCountSource source) {
        synchronized (lock) {
            if (weakest == null || source.ordinal() > weakest.ordinal()) {
                weakest = source;
            }
        }
    }
}
