package dev.lmsbench.workloads;

import java.util.List;
import java.util.SplittableRandom;

/** The fixed word list prompts are made of, and random text from it. */
final class Words {

    /** Common English words (no punctuation, lower case). */
    static final List<String> LIST = List.of(
            "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
            "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you",
            "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will",
            "would", "who", "so", "no", "time", "people", "year", "way", "day", "man", "thing", "woman", "life",
            "child", "world", "school", "state", "family", "student", "group", "country", "problem", "hand",
            "part", "place", "case", "week", "company", "system", "program", "question", "work", "government",
            "number", "night", "point", "home", "water", "room", "mother", "area", "money", "story", "fact",
            "month", "lot", "right", "study", "book", "eye", "job", "word", "business", "issue", "side", "kind",
            "head", "house", "service", "friend", "father", "power", "hour", "game", "line", "end", "member", "law",
            "car", "city", "community", "name", "president", "team", "minute", "idea", "kid", "body",
            "information", "back", "parent", "face", "others", "level", "office", "door", "health", "person", "art",
            "war", "history", "party", "result", "change", "morning", "reason", "research", "girl", "guy",
            "moment", "air", "teacher", "force", "education", "small", "large", "early", "young", "important",
            "few", "public", "bad", "same", "able", "good", "new", "first", "last", "long", "great", "little",
            "own", "other", "old", "big", "high", "different", "local", "make", "know", "take", "see", "come",
            "think", "look", "want", "give", "use", "find", "tell", "ask", "seem", "feel", "try", "leave", "call",
            "keep", "provide", "hold", "turn", "follow", "begin", "bring", "show", "hear", "play", "run", "move",
            "live", "believe", "happen", "write", "sit", "stand", "lose", "pay", "meet", "include", "continue",
            "learn", "lead", "understand", "watch", "speak", "read", "allow", "add", "spend", "grow", "open",
            "walk", "win", "offer", "remember", "consider", "appear", "buy", "wait", "serve", "send", "expect",
            "build", "stay", "fall", "reach", "remain", "suggest", "raise", "pass", "sell", "require", "report",
            "decide", "pull", "river", "mountain", "garden", "window", "paper", "music", "market", "energy",
            "light", "road", "table", "answer", "plan", "season", "animal", "forest", "ocean", "machine", "model",
            "memory", "signal", "network", "language", "picture", "village", "bridge", "island", "letter");

    private Words() {
    }

    /** {@return one random word} @param random the random choices */
    static String word(SplittableRandom random) {
        return LIST.get(random.nextInt(LIST.size()));
    }

    /**
     * Appends random words to {@code words} until it holds {@code n}: sentences of 6 to 17 words, the first word
     * capitalized, the last followed by a full stop.
     */
    static void extend(SplittableRandom random, List<String> words, int n) {
        while (words.size() < n) {
            int length = 6 + random.nextInt(12);
            for (int i = 0; i < length && words.size() < n; i++) {
                String w = word(random);
                if (i == 0) {
                    w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
                }
                if (i == length - 1) {
                    w = w + ".";
                }
                words.add(w);
            }
        }
    }

    /**
     * {@return random sentences of exactly {@code chars} characters (at least 1), starting and ending with a
     * non-space}
     */
    static String chars(SplittableRandom random, int chars) {
        StringBuilder b = new StringBuilder(chars + 16);
        java.util.ArrayList<String> words = new java.util.ArrayList<>();
        while (b.length() < chars) {
            words.clear();
            extend(random, words, 6 + random.nextInt(12));
            for (String w : words) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(w);
                if (b.length() >= chars) {
                    break;
                }
            }
        }
        b.setLength(chars);
        if (b.charAt(chars - 1) == ' ') {
            b.setCharAt(chars - 1, 's');
        }
        return b.toString();
    }
}
