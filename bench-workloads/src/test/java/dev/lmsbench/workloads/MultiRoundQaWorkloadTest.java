package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.Workload;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiRoundQaWorkloadTest {

    private static MultiRoundQaWorkload workload(int users, int rounds, int window, TokenLengths lengths) {
        return new MultiRoundQaWorkload(new MultiRoundQaWorkload.Options(users, rounds, 200, 100, 20, 50, window),
                lengths);
    }

    @Test
    void theSameSeedGivesTheSameRequestsAndAnotherSeedOthers() {
        MultiRoundQaWorkload w = workload(3, 4, 0, TokenLengths.estimate());
        assertThat(Fakes.take(w, 5, 12)).isEqualTo(Fakes.take(w, 5, 12));
        assertThat(Fakes.take(w, 5, 12)).isNotEqualTo(Fakes.take(w, 6, 12));
    }

    @Test
    void requestsGoToTheUsersInTurnAndEachUsersRoundCounts() {
        List<Workload.Request> r = Fakes.take(workload(3, 2, 0, TokenLengths.estimate()), 1, 6);
        assertThat(r).extracting(Workload.Request::conversation)
                .containsExactly("user-0", "user-1", "user-2", "user-0", "user-1", "user-2");
        assertThat(r).extracting(Workload.Request::turn).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(r).allSatisfy(q -> assertThat(q.maxTokens()).isEqualTo(50));
    }

    @Test
    void theHistoryGrowsWithTheAnswersItWasGivenAndEachPromptExtendsTheUsersLastOne() {
        Workload.Session s = workload(2, 5, 0, TokenLengths.estimate()).start(3);
        Workload.Request a0 = s.next();
        Workload.Request b0 = s.next();
        s.answered(a0, "Paris is the capital of France.", true);
        s.answered(b0, "", false);
        Workload.Request a1 = s.next();
        Workload.Request b1 = s.next();
        assertThat(a1.prompt()).startsWith(a0.prompt() + "\n\nAssistant: Paris is the capital of France.\n\nUser: ");
        assertThat(b1.prompt()).startsWith(b0.prompt() + "\n\nUser: ").doesNotContain("Assistant:");
        assertThat(a1.promptTokens()).isGreaterThan(a0.promptTokens());
        s.answered(a1, "And Berlin that of Germany.", true);
        Workload.Request a2 = s.next();
        assertThat(a2.prompt()).contains("Assistant: Paris is").contains("Assistant: And Berlin")
                .startsWith(a1.prompt());
        assertThat(a2.turn()).isEqualTo(2);
    }

    @Test
    void aRoundBuiltBeforeThePreviousAnswerArrivedHoldsTheQuestionWithoutIt() {
        Workload.Session s = workload(1, 5, 0, TokenLengths.estimate()).start(3);
        Workload.Request r0 = s.next();
        Workload.Request r1 = s.next(); // r0 not answered yet
        assertThat(r1.prompt()).startsWith(r0.prompt() + "\n\nUser: ").doesNotContain("Assistant:");
        s.answered(r0, "late answer", true);
        Workload.Request r2 = s.next();
        assertThat(r2.prompt()).contains("Assistant: late answer");
    }

    @Test
    void theSystemPromptIsACommonPrefixOfEveryRequest() {
        List<Workload.Request> r = Fakes.take(workload(4, 3, 0, TokenLengths.estimate()), 2, 12);
        String common = Fakes.commonPrefix(r.stream().map(Workload.Request::prompt).toList());
        assertThat(common).startsWith("System: ");
        // the system prompt (200 tokens of 4 characters) and the label of the contexts, which differ from there
        assertThat(common).hasSize("System: ".length() + 800 + "\n\nContext: ".length()).endsWith("\n\nContext: ");
    }

    @Test
    void theSlidingWindowCapsThePromptAndDropsTheOldestRoundsNotTheSystemPrompt() {
        String answer = "word ".repeat(60).strip();
        int longest = 0;
        Workload.Session s = workload(1, 30, 300, Fakes.wordLengths()).start(1);
        Workload.Request first = s.next();
        String system = first.prompt().substring(0, first.prompt().indexOf("\n\n"));
        Workload.Request last = first;
        s.answered(first, answer, true);
        for (int i = 1; i < 30; i++) {
            last = s.next();
            s.answered(last, answer, true);
            longest = Math.max(longest, last.promptTokens());
        }
        // system 200 + context 100 + question 20 + labels, plus at most 300 of earlier rounds
        assertThat(longest).isLessThanOrEqualTo(first.promptTokens() + 300);
        assertThat(longest).isGreaterThan(first.promptTokens() + 150);
        assertThat(last.prompt()).startsWith(system);
        assertThat(last.turn()).isEqualTo(29);

        Workload.Session unlimited = workload(1, 30, 0, Fakes.wordLengths()).start(1);
        Workload.Request r = null;
        for (int i = 0; i < 30; i++) {
            r = unlimited.next();
            unlimited.answered(r, answer, true);
        }
        assertThat(r.promptTokens()).isGreaterThan(first.promptTokens() + 29 * 60);
    }

    @Test
    void lengthsFollowTheOptionsUnderATokenizerAndTheSourceIsReported() {
        MultiRoundQaWorkload w = workload(2, 2, 0, Fakes.wordLengths());
        Workload.Request r = w.start(4).next();
        // "System:" + 200 + "Context:" + 100 + "User:" + 20, each part within 2 %
        assertThat(r.promptTokens()).isEqualTo(Fakes.words(r.prompt())).isBetween(317, 329);
        assertThat(w.lengthSource()).isEqualTo(TokenCountSource.TOKENIZER_JSON);
        MultiRoundQaWorkload e = workload(2, 2, 0, TokenLengths.estimate());
        e.start(4).next();
        assertThat(e.lengthSource()).isEqualTo(TokenCountSource.ESTIMATE);
    }

    @Test
    void afterEveryUserFinishedItStartsOverWithNewUsers() {
        Workload.Session s = workload(2, 2, 0, TokenLengths.estimate()).start(1);
        List<Workload.Request> r = Fakes.take(s, 6);
        assertThat(r).extracting(Workload.Request::conversation)
                .containsExactly("user-0", "user-1", "user-0", "user-1", "g1-user-0", "g1-user-1");
        assertThat(r.get(4).turn()).isZero();
        assertThat(r.get(4).prompt()).doesNotContain(r.get(2).prompt().substring(r.get(2).prompt().lastIndexOf("User: ")));
        // the system prompt stays
        assertThat(r.get(4).prompt().substring(0, 800)).isEqualTo(r.get(0).prompt().substring(0, 800));
    }

    @Test
    void theParametersNameEveryOptionAndBadOptionsAreRefusedByName() {
        assertThat(MultiRoundQaWorkload.Options.defaults()).isEqualTo(
                new MultiRoundQaWorkload.Options(10, 5, 200, 200, 50, 100, 0));
        assertThat(new MultiRoundQaWorkload(MultiRoundQaWorkload.Options.defaults(), TokenLengths.estimate())
                .parameters()).containsOnlyKeys("users", "rounds", "system_prompt_len", "user_context_len",
                "question_len", "answer_len", "history_window").containsEntry("users", "10");
        assertThatThrownBy(() -> new MultiRoundQaWorkload.Options(0, 1, 1, 1, 1, 1, 0)).hasMessageContaining("users");
        assertThatThrownBy(() -> new MultiRoundQaWorkload.Options(1, 1, 1, 1, 0, 1, 0))
                .hasMessageContaining("question_len");
        assertThatThrownBy(() -> new MultiRoundQaWorkload.Options(1, 1, 1, 1, 1, 1, -1))
                .hasMessageContaining("history_window");
    }
}
