package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgenticWorkloadTest {

    private static AgenticWorkload workload(int agents, int tasks, TokenLengths lengths) {
        return new AgenticWorkload(new AgenticWorkload.Options(agents, tasks, 200, 40), lengths);
    }

    @Test
    void theSameSeedGivesTheSameRequestsAndAnotherSeedOthers() {
        AgenticWorkload w = workload(3, 2, TokenLengths.estimate());
        assertThat(Fakes.take(w, 1, 12)).isEqualTo(Fakes.take(w, 1, 12));
        assertThat(Fakes.take(w, 1, 12)).isNotEqualTo(Fakes.take(w, 2, 12));
    }

    @Test
    void eachAgentsAnswerIsHandedToTheNextAgentsPromptUnderTheSharedTaskContext() {
        Workload.Session s = workload(3, 1, TokenLengths.estimate()).start(1);
        Workload.Request a0 = s.next();
        assertThat(a0.conversation()).isEqualTo("task-0");
        assertThat(a0.turn()).isZero();
        assertThat(a0.maxTokens()).isEqualTo(40);
        String context = a0.prompt().substring(0, a0.prompt().indexOf("\n\n"));
        assertThat(context).startsWith("Task: ");
        s.answered(a0, "RESULT-ONE", true);
        Workload.Request a1 = s.next();
        assertThat(a1.conversation()).isEqualTo("task-0");
        assertThat(a1.turn()).isEqualTo(1);
        assertThat(a1.prompt()).startsWith(context + "\n\nAgent 1 answered: RESULT-ONE");
        s.answered(a1, "RESULT-TWO", true);
        Workload.Request a2 = s.next();
        assertThat(a2.turn()).isEqualTo(2);
        assertThat(a2.prompt()).startsWith(context).contains("RESULT-TWO").doesNotContain("RESULT-ONE");
        s.answered(a2, "RESULT-THREE", true);
        Workload.Request b0 = s.next();
        assertThat(b0.conversation()).isEqualTo("task-1");
        assertThat(b0.turn()).isZero();
        assertThat(b0.prompt()).doesNotContain("RESULT").doesNotStartWith(context);
    }

    @Test
    void chainsAreInterleavedAndAReadyChainGoesFirst() {
        Workload.Session s = workload(2, 3, TokenLengths.estimate()).start(1);
        Workload.Request t0 = s.next();
        Workload.Request t1 = s.next();
        Workload.Request t2 = s.next();
        assertThat(java.util.List.of(t0, t1, t2)).extracting(Workload.Request::conversation)
                .containsExactly("task-0", "task-1", "task-2");
        s.answered(t1, "from task one", true);
        Workload.Request next = s.next();
        assertThat(next.conversation()).isEqualTo("task-1");
        assertThat(next.prompt()).contains("Agent 1 answered: from task one");
        // task-1 is done: its chain starts task-3, whose agent 0 is ready at once
        Workload.Request fresh = s.next();
        assertThat(fresh.conversation()).isEqualTo("task-3");
        assertThat(fresh.turn()).isZero();
        // nothing ready: the round-robin chain goes anyway, saying the answer has not arrived
        Workload.Request late = s.next();
        assertThat(late.conversation()).isEqualTo("task-2");
        assertThat(late.turn()).isEqualTo(1);
        assertThat(late.prompt()).contains("Agent 1 has not answered yet.");
    }

    @Test
    void theTaskContextHasThePlannedLengthUnderATokenizer() {
        AgenticWorkload w = workload(2, 1, Fakes.wordLengths());
        Workload.Request r = w.start(1).next();
        String context = r.prompt().substring("Task: ".length(), r.prompt().indexOf("\n\n"));
        assertThat(Fakes.words(context)).isBetween(196, 204);
        assertThat(r.promptTokens()).isEqualTo(Fakes.words(r.prompt()));
        assertThat(w.lengthSource()).isEqualTo(TokenCountSource.TOKENIZER_JSON);
    }

    @Test
    void theParametersNameEveryOptionAndBadOptionsAreRefusedByName() {
        assertThat(new AgenticWorkload(AgenticWorkload.Options.defaults(), TokenLengths.estimate()).parameters())
                .containsExactly(java.util.Map.entry("agents", "3"), java.util.Map.entry("tasks", "4"),
                        java.util.Map.entry("context_len", "200"), java.util.Map.entry("answer_len", "100"));
        assertThatThrownBy(() -> new AgenticWorkload.Options(0, 1, 1, 1)).hasMessageContaining("agents");
        assertThatThrownBy(() -> new AgenticWorkload.Options(1, 0, 1, 1)).hasMessageContaining("tasks");
    }
}
