package dev.lmsbench.workloads;

import dev.lmsbench.core.spi.Workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LMBench's multi-agent workload: a task is worked on by a chain of {@code agents} agents. Agent 0 gets the task's
 * context; every later agent gets the same context plus the answer of the agent before it, handed on by
 * {@link Session#answered}:
 *
 * <pre>
 * Task: &lt;the task's context&gt;
 *
 * Agent 1 answered: &lt;agent 1's answer&gt;
 *
 * You are agent 2 of 3. Continue the work.
 * </pre>
 *
 * <p>so the requests of one task share the task context as a prefix. The conversation id is the task id
 * ({@code task-0}, {@code task-1}, ...) and the turn the agent's index, from 0.
 *
 * <p>{@code tasks} chains run interleaved: each request goes to the next chain, in round-robin order, whose next agent
 * is ready (agent 0 of a new task always is; a later agent once the previous agent's request has ended). When no
 * chain is ready, the round-robin chain's next agent is sent anyway, with the previous answer as far as it has
 * arrived (none: the prompt says so). A failed request hands on an empty answer. A chain whose last agent was sent
 * starts a new task (a new context) at its next turn. Answers are kept cleaned and cut at
 * 8 × 4 × {@code answer_len} + 256 characters.
 */
public final class AgenticWorkload extends BaseWorkload<AgenticWorkload.Options> {

    /** The workload's name. */
    public static final String NAME = "agentic";

    /**
     * The options.
     *
     * @param agents        {@code agents}: agents per chain, 1 to 1000
     * @param tasks         {@code tasks}: chains running interleaved, 1 to 100000
     * @param contextTokens {@code context_len}: each task's shared context, 1 to 2^20 tokens
     * @param answerTokens  {@code answer_len}: {@code max_tokens} of each agent's answer, 1 to 2^20
     */
    public record Options(int agents, int tasks, int contextTokens, int answerTokens) {
        /** Checks the values. */
        public Options {
            Checks.range("agents", agents, 1, 1000);
            Checks.range("tasks", tasks, 1, 100_000);
            Checks.range("context_len", contextTokens, 1, Checks.MAX_LEN);
            Checks.range("answer_len", answerTokens, 1, Checks.MAX_LEN);
        }

        /** {@return the defaults: 3 agents, 4 tasks, context 200, answer 100} */
        public static Options defaults() {
            return new Options(3, 4, 200, 100);
        }
    }


    /**
     * An agentic workload.
     *
     * @param options the options
     * @param lengths what counts and builds the lengths
     */
    public AgenticWorkload(Options options, TokenLengths lengths) {
        super(NAME, options, lengths);
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("agents", Integer.toString(options.agents()));
        p.put("tasks", Integer.toString(options.tasks()));
        p.put("context_len", Integer.toString(options.contextTokens()));
        p.put("answer_len", Integer.toString(options.answerTokens()));
        return p;
    }

    @Override
    public Session start(long seed) {
        return new ChainSession(seed);
    }

    /** One task on its way through the chain. */
    private static final class Task {
        final String id;
        final String context;
        int nextAgent; // the agent to send next
        String previousAnswer; // of agent nextAgent - 1; null until it arrived

        Task(String id, String context) {
            this.id = id;
            this.context = context;
        }

        boolean ready() {
            return nextAgent == 0 || previousAnswer != null;
        }
    }

    private final class ChainSession implements Session {
        private final SplittableRandom random;
        private final List<Task> slots = new ArrayList<>();
        private final Map<String, Task> byId = new HashMap<>();
        private int cursor;
        private long taskCount;

        ChainSession(long seed) {
            random = new SplittableRandom(seed);
            for (int s = 0; s < options.tasks(); s++) {
                slots.add(newTask());
            }
        }

        private Task newTask() {
            String id = "task-" + taskCount++;
            Task task = new Task(id, lengths.text(random, options.contextTokens()));
            byId.put(id, task);
            return task;
        }

        @Override
        public Request next() {
            int n = slots.size();
            int chosen = cursor;
            for (int k = 0; k < n; k++) {
                int s = (cursor + k) % n;
                if (slots.get(s).ready()) {
                    chosen = s;
                    break;
                }
            }
            cursor = (chosen + 1) % n;
            Task task = slots.get(chosen);
            int agent = task.nextAgent;
            String prompt = render(task, agent);
            task.nextAgent++;
            task.previousAnswer = null;
            if (task.nextAgent >= options.agents()) {
                byId.remove(task.id);
                slots.set(chosen, newTask());
            }
            return new Request(prompt, options.answerTokens(), task.id, agent, lengths.count(prompt));
        }

        private String render(Task task, int agent) {
            StringBuilder b = new StringBuilder("Task: ").append(task.context);
            if (agent > 0) {
                String previous = task.previousAnswer;
                if (previous == null) {
                    b.append("\n\nAgent ").append(agent).append(" has not answered yet.");
                } else if (!previous.isEmpty()) {
                    b.append("\n\nAgent ").append(agent).append(" answered: ").append(previous);
                }
            }
            return b.append("\n\nYou are agent ").append(agent + 1).append(" of ").append(options.agents())
                    .append(agent == 0 ? ". Start the work." : ". Continue the work.").toString();
        }

        @Override
        public void answered(Request request, String answer, boolean success) {
            Task task = byId.get(request.conversation());
            if (task == null || request.turn() != task.nextAgent - 1) {
                return; // the last agent, an old task, or an agent whose successor was already sent
            }
            task.previousAnswer = success ? Checks.answer(answer, Checks.answerChars(options.answerTokens())) : "";
        }
    }
}
