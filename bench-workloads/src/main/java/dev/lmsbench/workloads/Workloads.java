package dev.lmsbench.workloads;

import dev.lmsbench.core.spi.TokenCounter;
import dev.lmsbench.core.spi.Workload;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Makes a workload from its name and text options (the command line's {@code --workload NAME} and
 * {@code --workload-option key=value}): keys in snake_case, a missing key takes its default. docs/workloads.md lists
 * them.
 *
 * <table>
 * <caption>Names and keys (defaults)</caption>
 * <tr><th>name</th><th>keys</th></tr>
 * <tr><td>{@code random}</td><td>input_len (256), output_len (128), range_ratio (0)</td></tr>
 * <tr><td>{@code multi-round}</td><td>users (10), rounds (5), system_prompt_len (200), user_context_len (200),
 * question_len (50), answer_len (100), history_window (0)</td></tr>
 * <tr><td>{@code agentic}</td><td>agents (3), tasks (4), context_len (200), answer_len (100)</td></tr>
 * <tr><td>{@code sharegpt}</td><td>dataset (the bundled sample), output_len (0: from the data), max_entries
 * (100000), max_prompt_len (1024), max_total_len (2048)</td></tr>
 * <tr><td>{@code prefix}</td><td>prefixes (4), prefix_len (512), suffix_len (32), output_len (64)</td></tr>
 * </table>
 */
public final class Workloads {

    private static final List<String> NAMES = List.of(RandomWorkload.NAME, MultiRoundQaWorkload.NAME,
            AgenticWorkload.NAME, ShareGptWorkload.NAME, PrefixWorkload.NAME);

    private static final Map<String, List<String>> KEYS = Map.of(
            RandomWorkload.NAME, List.of("input_len", "output_len", "range_ratio"),
            MultiRoundQaWorkload.NAME, List.of("users", "rounds", "system_prompt_len", "user_context_len",
                    "question_len", "answer_len", "history_window"),
            AgenticWorkload.NAME, List.of("agents", "tasks", "context_len", "answer_len"),
            ShareGptWorkload.NAME, List.of("dataset", "output_len", "max_entries", "max_prompt_len", "max_total_len"),
            PrefixWorkload.NAME, List.of("prefixes", "prefix_len", "suffix_len", "output_len"));

    private Workloads() {
    }

    /** {@return the workload names: random, multi-round, agentic, sharegpt, prefix} */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * {@return the option keys of a workload, in the order its parameters list them}
     *
     * @param name a workload name
     * @throws IllegalArgumentException for an unknown name
     */
    public static List<String> keys(String name) {
        List<String> keys = KEYS.get(name);
        if (keys == null) {
            throw unknownName(name);
        }
        return keys;
    }

    /**
     * Makes a workload whose lengths are counted for the model {@code ""}.
     *
     * @param name     one of {@link #names()}
     * @param options  its options by snake_case key (missing ones take their defaults)
     * @param counters the token counters to try, in order (empty: the characters-per-token estimate)
     * @return the workload
     * @throws IllegalArgumentException for an unknown name or key, a value that is not a number or out of range, a
     *                                  dataset that cannot be read (one line naming it)
     */
    public static Workload create(String name, Map<String, String> options, List<TokenCounter> counters) {
        return create(name, options, counters, "");
    }

    /**
     * Makes a workload.
     *
     * @param name     one of {@link #names()}
     * @param options  its options by snake_case key (missing ones take their defaults)
     * @param counters the token counters to try, in order (empty: the characters-per-token estimate)
     * @param model    the model id the counters count for
     * @return the workload
     * @throws IllegalArgumentException for an unknown name or key, a value that is not a number or out of range, a
     *                                  dataset that cannot be read (one line naming it)
     */
    public static Workload create(String name, Map<String, String> options, List<TokenCounter> counters,
                                  String model) {
        Objects.requireNonNull(options, "options");
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        List<String> known = keys(n);
        for (String key : options.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown option '" + key + "' of the " + n + " workload (known: "
                        + String.join(", ", known) + ")");
            }
        }
        TokenLengths lengths = new TokenLengths(counters, model);
        Opts o = new Opts(options);
        return switch (n) {
            case RandomWorkload.NAME -> {
                RandomWorkload.Options d = RandomWorkload.Options.defaults();
                yield new RandomWorkload(new RandomWorkload.Options(o.integer("input_len", d.inputTokens()),
                        o.integer("output_len", d.outputTokens()), o.decimal("range_ratio", d.rangeRatio())), lengths);
            }
            case MultiRoundQaWorkload.NAME -> {
                MultiRoundQaWorkload.Options d = MultiRoundQaWorkload.Options.defaults();
                yield new MultiRoundQaWorkload(new MultiRoundQaWorkload.Options(o.integer("users", d.users()),
                        o.integer("rounds", d.rounds()), o.integer("system_prompt_len", d.systemPromptTokens()),
                        o.integer("user_context_len", d.userContextTokens()),
                        o.integer("question_len", d.questionTokens()), o.integer("answer_len", d.answerTokens()),
                        o.integer("history_window", d.historyWindowTokens())), lengths);
            }
            case AgenticWorkload.NAME -> {
                AgenticWorkload.Options d = AgenticWorkload.Options.defaults();
                yield new AgenticWorkload(new AgenticWorkload.Options(o.integer("agents", d.agents()),
                        o.integer("tasks", d.tasks()), o.integer("context_len", d.contextTokens()),
                        o.integer("answer_len", d.answerTokens())), lengths);
            }
            case ShareGptWorkload.NAME -> {
                ShareGptWorkload.Options d = ShareGptWorkload.Options.defaults();
                ShareGptWorkload.Options s = new ShareGptWorkload.Options(o.path("dataset"),
                        o.integer("output_len", d.outputTokens()), o.integer("max_entries", d.maxEntries()),
                        o.integer("max_prompt_len", d.maxPromptTokens()),
                        o.integer("max_total_len", d.maxTotalTokens()));
                try {
                    yield new ShareGptWorkload(s, lengths);
                } catch (IOException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            case PrefixWorkload.NAME -> {
                PrefixWorkload.Options d = PrefixWorkload.Options.defaults();
                yield new PrefixWorkload(new PrefixWorkload.Options(o.integer("prefixes", d.prefixes()),
                        o.integer("prefix_len", d.prefixTokens()), o.integer("suffix_len", d.suffixTokens()),
                        o.integer("output_len", d.outputTokens())), lengths);
            }
            default -> throw unknownName(n);
        };
    }

    private static IllegalArgumentException unknownName(String name) {
        return new IllegalArgumentException("unknown workload '" + name + "' (known: " + String.join(", ", NAMES)
                + ")");
    }

    /** Option values by key, parsed with messages naming the key. */
    private record Opts(Map<String, String> values) {

        private String text(String key) {
            String v = values.get(key);
            return v == null ? null : v.strip();
        }

        int integer(String key, int fallback) {
            String v = text(key);
            if (v == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number: '" + shown(v) + "'");
            }
        }

        double decimal(String key, double fallback) {
            String v = text(key);
            if (v == null) {
                return fallback;
            }
            try {
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number: '" + shown(v) + "'");
            }
        }

        Path path(String key) {
            String v = text(key);
            if (v == null || v.isEmpty()) {
                return null;
            }
            try {
                return Path.of(v);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(key + " is not a file path: '" + shown(v) + "'");
            }
        }

        private static String shown(String v) {
            return dev.lmsbench.core.text.SafeText.oneLine(v, 60);
        }
    }
}
