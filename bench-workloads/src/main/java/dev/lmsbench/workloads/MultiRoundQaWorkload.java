package dev.lmsbench.workloads;

import dev.lmsbench.core.spi.Workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LMBench's synthetic multi-round QA: {@code users} users hold conversations of {@code rounds} rounds with the
 * server. Every prompt is the conversation so far rendered as one transcript:
 *
 * <pre>
 * System: &lt;shared system prompt&gt;
 *
 * Context: &lt;the user's own context&gt;
 *
 * User: &lt;question 0&gt;
 *
 * Assistant: &lt;answer 0&gt;
 *
 * User: &lt;question 1&gt;
 * </pre>
 *
 * <p>so the system prompt is a prefix shared by every request, and each conversation's earlier prompt is a prefix of
 * its next one (what a prefix / KV cache reuses). Request i goes to user {@code i % users}; its round is the number of
 * rounds that user was sent before. An answer joins the history when {@link Session#answered} hands it over; when the
 * next round of that user is built before its previous answer arrived (or that request failed), the history holds
 * what has arrived: the earlier question without its answer. Answers are kept cleaned and cut at
 * 8 × 4 × {@code answer_len} + 256 characters.
 *
 * <p>A sliding window of {@code history_window} tokens (0: unlimited) drops the oldest rounds of the history (never
 * the system prompt, the user's context or the current question) while the earlier rounds would be longer than it.
 *
 * <p>After {@code users × rounds} requests every user has finished: the session starts over with new users (new
 * contexts, empty histories, conversation ids of the next generation: {@code g1-user-0}, ...), the system prompt
 * staying the same.
 */
public final class MultiRoundQaWorkload extends BaseWorkload<MultiRoundQaWorkload.Options> {

    /** The workload's name. */
    public static final String NAME = "multi-round";

    /**
     * The options.
     *
     * @param users               {@code users}: concurrent conversations, 1 to 100000
     * @param rounds              {@code rounds}: questions per user, 1 to 100000
     * @param systemPromptTokens  {@code system_prompt_len}: the shared system prompt, 0 (none) to 2^20 tokens
     * @param userContextTokens   {@code user_context_len}: each user's own context, 0 (none) to 2^20 tokens
     * @param questionTokens      {@code question_len}: each question, 1 to 2^20 tokens
     * @param answerTokens        {@code answer_len}: {@code max_tokens} of each answer, 1 to 2^20
     * @param historyWindowTokens {@code history_window}: the most tokens of earlier rounds sent, 0 for unlimited
     */
    public record Options(int users, int rounds, int systemPromptTokens, int userContextTokens, int questionTokens,
                          int answerTokens, int historyWindowTokens) {
        /** Checks the values. */
        public Options {
            Checks.range("users", users, 1, 100_000);
            Checks.range("rounds", rounds, 1, 100_000);
            Checks.range("system_prompt_len", systemPromptTokens, 0, Checks.MAX_LEN);
            Checks.range("user_context_len", userContextTokens, 0, Checks.MAX_LEN);
            Checks.range("question_len", questionTokens, 1, Checks.MAX_LEN);
            Checks.range("answer_len", answerTokens, 1, Checks.MAX_LEN);
            Checks.range("history_window", historyWindowTokens, 0, Checks.MAX_LEN);
        }

        /** {@return the defaults: 10 users, 5 rounds, system 200, context 200, question 50, answer 100, no window} */
        public static Options defaults() {
            return new Options(10, 5, 200, 200, 50, 100, 0);
        }
    }


    /**
     * A multi-round QA workload.
     *
     * @param options the options
     * @param lengths what counts and builds the lengths
     */
    public MultiRoundQaWorkload(Options options, TokenLengths lengths) {
        super(NAME, options, lengths);
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("users", Integer.toString(options.users()));
        p.put("rounds", Integer.toString(options.rounds()));
        p.put("system_prompt_len", Integer.toString(options.systemPromptTokens()));
        p.put("user_context_len", Integer.toString(options.userContextTokens()));
        p.put("question_len", Integer.toString(options.questionTokens()));
        p.put("answer_len", Integer.toString(options.answerTokens()));
        p.put("history_window", Integer.toString(options.historyWindowTokens()));
        return p;
    }

    @Override
    public Session start(long seed) {
        return new QaSession(seed);
    }

    /** One round of a user's history. */
    private static final class Round {
        final String question;
        String answer; // null until it arrived
        int tokens = -1; // of the rendered round, -1 until counted (again after the answer arrived)

        Round(String question) {
            this.question = question;
        }

        String render() {
            return answer == null || answer.isEmpty()
                    ? "User: " + question
                    : "User: " + question + "\n\nAssistant: " + answer;
        }
    }

    /** One user of a generation. */
    private static final class User {
        final String id;
        final String head; // system prompt and context
        final List<Round> rounds = new ArrayList<>();

        User(String id, String head) {
            this.id = id;
            this.head = head;
        }
    }

    private final class QaSession implements Session {
        private final SplittableRandom random;
        private final String system;
        private final Map<String, User> users = new HashMap<>();
        private final List<User> generationUsers = new ArrayList<>();
        private long index;
        private int generation = -1;

        QaSession(long seed) {
            random = new SplittableRandom(seed);
            system = lengths.text(random, options.systemPromptTokens());
        }

        @Override
        public Request next() {
            int perGeneration = options.users() * options.rounds();
            if (index % perGeneration == 0) {
                newGeneration();
            }
            User user = generationUsers.get((int) (index % options.users()));
            index++;
            int turn = user.rounds.size();
            String question = lengths.text(random, options.questionTokens());
            String prompt = render(user, question);
            user.rounds.add(new Round(question));
            return new Request(prompt, options.answerTokens(), user.id, turn, lengths.count(prompt));
        }

        private void newGeneration() {
            generation++;
            for (User old : generationUsers) {
                users.remove(old.id);
            }
            generationUsers.clear();
            for (int u = 0; u < options.users(); u++) {
                String id = (generation == 0 ? "" : "g" + generation + "-") + "user-" + u;
                String context = lengths.text(random, options.userContextTokens());
                StringBuilder head = new StringBuilder();
                if (!system.isEmpty()) {
                    head.append("System: ").append(system);
                }
                if (!context.isEmpty()) {
                    if (!head.isEmpty()) {
                        head.append("\n\n");
                    }
                    head.append("Context: ").append(context);
                }
                User user = new User(id, head.toString());
                generationUsers.add(user);
                users.put(id, user);
            }
        }

        private String render(User user, String question) {
            List<Round> kept = window(user.rounds);
            StringBuilder b = new StringBuilder(user.head);
            for (Round r : kept) {
                if (!b.isEmpty()) {
                    b.append("\n\n");
                }
                b.append(r.render());
            }
            if (!b.isEmpty()) {
                b.append("\n\n");
            }
            return b.append("User: ").append(question).toString();
        }

        /** The most recent rounds whose tokens fit the window (all of them without one). */
        private List<Round> window(List<Round> rounds) {
            int limit = options.historyWindowTokens();
            if (limit == 0) {
                return rounds;
            }
            int total = 0;
            int from = rounds.size();
            while (from > 0) {
                Round r = rounds.get(from - 1);
                if (r.tokens < 0) {
                    r.tokens = lengths.count(r.render());
                }
                if (total + r.tokens > limit) {
                    break;
                }
                total += r.tokens;
                from--;
            }
            return rounds.subList(from, rounds.size());
        }

        @Override
        public void answered(Request request, String answer, boolean success) {
            User user = users.get(request.conversation());
            if (user == null || request.turn() < 0 || request.turn() >= user.rounds.size()) {
                return;
            }
            Round round = user.rounds.get(request.turn());
            round.answer = success ? Checks.answer(answer, Checks.answerChars(options.answerTokens())) : "";
            round.tokens = -1;
        }
    }
}
