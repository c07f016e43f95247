package dev.lmsbench.workloads;

import dev.lmsbench.core.spi.Workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prefix-cache tests: {@code prefixes} distinct prefixes of {@code prefix_len} tokens each; request i is prefix
 * {@code i % prefixes} (round robin), a blank line, and a suffix of {@code suffix_len} tokens that starts with a unique
 * 16-hex-digit id, so requests of one prefix share exactly that prefix and the blank line, and requests of two
 * prefixes share nothing (each prefix starts with its own id). {@code maxTokens} is {@code output_len}. The
 * conversation is {@code prefix-<p>}, the turn how many requests of that prefix were sent before.
 */
public final class PrefixWorkload extends BaseWorkload<PrefixWorkload.Options> {

    /** The workload's name. */
    public static final String NAME = "prefix";

    /** The text between a prefix and its suffix. */
    public static final String SEPARATOR = "\n\n";

    private static final long PREFIX_STREAM = 2;
    private static final long SUFFIX_STREAM = 3;

    /**
     * The options.
     *
     * @param prefixes     {@code prefixes}: distinct shared prefixes, 1 to 100000
     * @param prefixTokens {@code prefix_len}: each prefix's length, 1 to 2^20 tokens
     * @param suffixTokens {@code suffix_len}: each request's unique suffix, 1 to 2^20 tokens
     * @param outputTokens {@code output_len}: {@code max_tokens}, 1 to 2^20
     */
    public record Options(int prefixes, int prefixTokens, int suffixTokens, int outputTokens) {
        /** Checks the values. */
        public Options {
            Checks.range("prefixes", prefixes, 1, 100_000);
            Checks.range("prefix_len", prefixTokens, 1, Checks.MAX_LEN);
            Checks.range("suffix_len", suffixTokens, 1, Checks.MAX_LEN);
            Checks.range("output_len", outputTokens, 1, Checks.MAX_LEN);
        }

        /** {@return the defaults: 4 prefixes of 512 tokens, suffix 32, output 64} */
        public static Options defaults() {
            return new Options(4, 512, 32, 64);
        }
    }


    /**
     * A prefix workload.
     *
     * @param options the options
     * @param lengths what counts and builds the lengths
     */
    public PrefixWorkload(Options options, TokenLengths lengths) {
        super(NAME, options, lengths);
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("prefixes", Integer.toString(options.prefixes()));
        p.put("prefix_len", Integer.toString(options.prefixTokens()));
        p.put("suffix_len", Integer.toString(options.suffixTokens()));
        p.put("output_len", Integer.toString(options.outputTokens()));
        return p;
    }

    @Override
    public Session start(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> prefixes = new ArrayList<>();
        return new Session() {
            private long index;
            private final int[] sent = new int[options.prefixes()];

            @Override
            public Request next() {
                int p = (int) (index % options.prefixes());
                // prefixes are built when first used, so a session that sends few requests builds few
                while (prefixes.size() <= p) {
                    String head = Ids.id(seed, PREFIX_STREAM, prefixes.size()) + " document\n";
                    prefixes.add(lengths.fill(head, random, options.prefixTokens()));
                }
                String suffix = lengths.fill(Ids.id(seed, SUFFIX_STREAM, index) + " question\n", random,
                        options.suffixTokens());
                index++;
                String prompt = prefixes.get(p) + SEPARATOR + suffix;
                return new Request(prompt, options.outputTokens(), "prefix-" + p, sent[p]++, lengths.count(prompt));
            }
        };
    }
}
