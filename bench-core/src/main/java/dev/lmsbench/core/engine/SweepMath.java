package dev.lmsbench.core.engine;

import java.time.Duration;
import java.util.List;

/**
 * The small rules of a sweep job (seed 004), in one place: the warmup count (the load estimate it feeds is
 * {@link dev.lmsbench.core.model.WarmupStats}), the retry backoff, and the prompt calibration from a
 * characters-per-token estimate that the server's usage corrects.
 */
public final class SweepMath {

    /** A job warms up with at least this many sequential streaming requests (the load estimate needs them). */
    public static final int MIN_WARMUP = 3;

    /** The waits before the retries of a failed call: 1 s, 5 s, 15 s, 30 s; then the request is {@code error_final}. */
    public static final List<Duration> RETRY_BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30));

    /** The seed's starting estimate of prompt characters per token, before any usage corrects it. */
    public static final double DEFAULT_CHARS_PER_TOKEN = 4.0;

    /** A sized prompt within this relative difference of its target needs no calibration call. */
    public static final double CALIBRATION_TOLERANCE = 0.10;

    /** The most calibration calls after a job's warmup. */
    public static final int MAX_CALIBRATION_CALLS = 3;

    /** The instruction at the start of a sized prompt; the filler text follows. */
    static final String FILLER_INSTRUCTION = "Read the following notes, then summarize them in one sentence.\n\n";

    /** The filler text, repeated as often as a sized prompt needs (plain English, so tokenizers see natural text). */
    private static final String FILLER = "The river town kept its market on the square every Thursday, where farmers "
            + "brought apples, cheese and bread from the valley. Travellers asked the way to the old bridge, and the "
            + "children counted the boats that passed under it in the afternoon. In winter the square was quiet, the "
            + "lamps were lit early, and the bakery stayed open until the last train had left the station. ";

    private SweepMath() {
    }

    /**
     * A prompt of about {@code chars} characters: {@link #FILLER_INSTRUCTION} then filler text, cut at a word.
     *
     * @param chars the characters wanted, at least 1
     * @return the prompt
     */
    public static String sizedPrompt(int chars) {
        StringBuilder b = new StringBuilder(chars + FILLER.length());
        b.append(FILLER_INSTRUCTION);
        while (b.length() < chars) {
            b.append(FILLER);
        }
        int cut = Math.max(FILLER_INSTRUCTION.length() + 1, Math.min(b.length(), chars));
        int space = b.lastIndexOf(" ", cut);
        return b.substring(0, space > FILLER_INSTRUCTION.length() ? space : cut).strip();
    }

    /**
     * @param requested the warmup requests asked for
     * @return at least {@value #MIN_WARMUP}
     */
    public static int warmupCount(int requested) {
        return Math.max(MIN_WARMUP, requested);
    }



    /**
     * The prompt tokens a job aims at: {@code target} when given, else {@code fill} of the context size.
     *
     * @param target        the explicit target ({@code --target-prompt-tokens}), or 0
     * @param contextLength the job's context size, or 0 when the server's default
     * @param fill          the fraction of the context ({@code --prompt-fill}), 0 to 1
     * @return the target, at least 1
     * @throws IllegalArgumentException when neither a target nor a context size with a fill fraction gives one
     */
    public static int targetPromptTokens(int target, int contextLength, double fill) {
        if (target > 0) {
            return target;
        }
        if (contextLength > 0 && fill > 0 && fill <= 1) {
            return Math.max(1, (int) Math.floor(contextLength * fill));
        }
        throw new IllegalArgumentException("give --target-prompt-tokens, or --prompt-fill with a known context size");
    }

    /**
     * A characters-per-token estimate of one model's prompts.
     *
     * @param charsPerToken the estimate, above 0
     */
    public record Calibration(double charsPerToken) {
        /** Checks the estimate. */
        public Calibration {
            if (!(charsPerToken > 0) || Double.isInfinite(charsPerToken)) {
                throw new IllegalArgumentException("chars per token must be above 0: " + charsPerToken);
            }
        }

        /** @return the seed's starting estimate */
        public static Calibration initial() {
            return new Calibration(DEFAULT_CHARS_PER_TOKEN);
        }

        /** @param tokens the prompt tokens wanted @return the characters of a prompt of about that many tokens */
        public int charsFor(int tokens) {
            return (int) Math.max(1, Math.round(tokens * charsPerToken));
        }

        /**
         * The estimate that the server's count of a prompt implies.
         *
         * @param chars        the prompt's characters
         * @param promptTokens the prompt tokens the server reported (its usage), above 0
         * @return the corrected calibration; this one when the server counted nothing
         */
        public Calibration corrected(int chars, int promptTokens) {
            return promptTokens > 0 && chars > 0 ? new Calibration((double) chars / promptTokens) : this;
        }
    }

    /**
     * @param target    the prompt tokens aimed at
     * @param actual    the prompt tokens the server counted
     * @param tolerance the accepted relative difference, e.g. 0.05
     * @return whether the prompt was close enough, so that no calibration call is needed
     */
    public static boolean withinTolerance(int target, int actual, double tolerance) {
        return target > 0 && Math.abs(actual - target) <= tolerance * target;
    }
}
