package dev.lmsbench.workloads;

import dev.lmsbench.core.spi.Workload;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random prompts of random lengths, as vLLM's {@code --dataset-name random} ({@code --random-input-len},
 * {@code --random-output-len}, {@code --random-range-ratio}): each request's prompt length and answer length are drawn
 * uniformly from {@code [len × (1 - r), len × (1 + r)]} (floor and ceiling, at least 1). Every prompt starts with a
 * unique 16-hex-digit id line, so no two prompts share a cached prefix; the rest is random words. {@code maxTokens}
 * is the drawn answer length.
 */
public final class RandomWorkload extends BaseWorkload<RandomWorkload.Options> {

    /** The workload's name. */
    public static final String NAME = "random";

    /** Salt of the prompt ids. */
    private static final long ID_STREAM = 1;

    /**
     * The options.
     *
     * @param inputTokens  {@code input_len}: the mean prompt length in tokens, 1 to 2^20
     * @param outputTokens {@code output_len}: the mean answer length ({@code max_tokens}), 1 to 2^20
     * @param rangeRatio   {@code range_ratio}: the spread r of both lengths, in [0, 1)
     */
    public record Options(int inputTokens, int outputTokens, double rangeRatio) {
        /** Checks the values. */
        public Options {
            Checks.range("input_len", inputTokens, 1, Checks.MAX_LEN);
            Checks.range("output_len", outputTokens, 1, Checks.MAX_LEN);
            if (!(rangeRatio >= 0 && rangeRatio < 1)) {
                throw new IllegalArgumentException("range_ratio must be at least 0 and below 1: " + rangeRatio);
            }
        }

        /** {@return the defaults: input 256, output 128, ratio 0} */
        public static Options defaults() {
            return new Options(256, 128, 0);
        }
    }


    /**
     * A random workload.
     *
     * @param options the options
     * @param lengths what counts and builds the lengths
     */
    public RandomWorkload(Options options, TokenLengths lengths) {
        super(NAME, options, lengths);
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("input_len", Integer.toString(options.inputTokens()));
        p.put("output_len", Integer.toString(options.outputTokens()));
        p.put("range_ratio", Checks.number(options.rangeRatio()));
        return p;
    }

    /**
     * {@return the lowest and highest length drawn around {@code len}: floor of len × (1 - r) and ceiling of
     * len × (1 + r), at least 1}
     *
     * @param len   the mean length
     * @param ratio the range ratio
     */
    public static int[] bounds(int len, double ratio) {
        int low = Math.max(1, (int) Math.floor(len * (1 - ratio)));
        int high = Math.max(low, (int) Math.ceil(len * (1 + ratio)));
        return new int[] {low, Math.min(high, Checks.MAX_LEN)};
    }

    @Override
    public Session start(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] in = bounds(options.inputTokens(), options.rangeRatio());
        int[] out = bounds(options.outputTokens(), options.rangeRatio());
        return new Session() {
            private long index;

            @Override
            public Request next() {
                int inputLen = in[0] + random.nextInt(in[1] - in[0] + 1);
                int outputLen = out[0] + random.nextInt(out[1] - out[0] + 1);
                String head = Ids.id(seed, ID_STREAM, index) + " request\n";
                String prompt = lengths.fill(head, random, inputLen);
                index++;
                return new Request(prompt, outputLen, "", 0, lengths.count(prompt));
            }
        };
    }
}
