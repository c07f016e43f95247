package dev.lmsbench.workloads;

/** Validation of options, with one-line messages that name the option by its key. */
final class Checks {

    /** The most tokens any one length option may plan. */
    static final int MAX_LEN = TokenLengths.MAX_TOKENS;

    private Checks() {
    }

    /** {@return {@code value} when it is {@code min} to {@code max}} @throws IllegalArgumentException naming it */
    static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + " to " + max + ": " + value);
        }
        return value;
    }

    /** {@return the text of a ratio for {@code parameters()}} */
    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * {@return an answer as a history keeps it: cleaned of control characters and escape sequences, at most
     * {@code maxChars} characters}
     */
    static String answer(String answer, int maxChars) {
        String clean = dev.lmsbench.core.text.SafeText.clean(answer).strip();
        return clean.length() <= maxChars ? clean : clean.substring(0, maxChars);
    }

    /** {@return the longest answer a history keeps for a planned answer of {@code tokens} tokens} */
    static int answerChars(int tokens) {
        return (int) Math.min(Integer.MAX_VALUE / 2, 8L * tokens * TokenLengths.CHARS_PER_TOKEN + 256);
    }
}
