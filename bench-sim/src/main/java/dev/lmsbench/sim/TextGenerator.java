package dev.lmsbench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic filler text, one string per token: sentences of words from a small vocabulary. The sim does not
 * re-tokenize what it generates, so each piece counts as exactly one completion token whatever its length.
 */
final class TextGenerator {

    private static final String[] ANSWER_WORDS = {
        "the", "model", "answer", "tokens", "local", "server", "stream", "speed", "latency", "prompt", "context",
        "memory", "quantized", "weights", "layer", "cache", "batch", "request", "response", "benchmark", "measure",
        "steady", "quick", "small", "large", "useful", "simple", "clear", "first", "each", "every", "more", "less",
        "is", "are", "was", "can", "will", "should", "runs", "keeps", "shows", "makes", "and", "but", "so", "with",
        "for", "of", "to", "in", "on", "a", "an", "this", "that", "it", "we", "you"
    };

    private static final String[] REASONING_WORDS = {
        "okay", "let", "me", "think", "about", "the", "question", "first", "then", "check", "what", "user", "wants",
        "so", "maybe", "answer", "should", "be", "short", "and", "clear", "hmm", "right", "also", "consider", "it"
    };

    private final SplittableRandom random;

    TextGenerator(SplittableRandom random) {
        this.random = random;
    }

    /** {@code count} reasoning pieces followed by nothing else. */
    List<String> reasoning(int count) {
        return sentences(REASONING_WORDS, count);
    }

    /** {@code count} visible answer pieces. */
    List<String> answer(int count) {
        return sentences(ANSWER_WORDS, count);
    }

    private List<String> sentences(String[] words, int count) {
        List<String> pieces = new ArrayList<>(count);
        int untilFullStop = sentenceLength();
        boolean sentenceStart = true;
        while (pieces.size() < count) {
            if (untilFullStop == 0) {
                pieces.add(".");
                untilFullStop = sentenceLength();
                sentenceStart = true;
                continue;
            }
            String word = words[random.nextInt(words.length)];
            if (sentenceStart) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            pieces.add(pieces.isEmpty() ? word : " " + word);
            sentenceStart = false;
            untilFullStop--;
        }
        return pieces;
    }

    private int sentenceLength() {
        return 5 + random.nextInt(10);
    }
}
