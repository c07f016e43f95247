package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResponsePlanTest {

    private static final SimModel PLAIN = SimModel.of("sim/plain", 20, 400, 50);
    private static final SimModel REASONING = SimModel.of("sim/thinker", 150, 38, 88).withTokens(24, 88);

    @Test
    void stopsAtTheNaturalLengthWithFinishReasonStop() {
        ResponsePlan plan = ResponsePlan.create(PLAIN, 10, -1, 42, 0);

        assertThat(plan.completionTokens()).isEqualTo(50);
        assertThat(plan.finishReason()).isEqualTo("stop");
        assertThat(ResponsePlan.create(PLAIN, 10, 50, 42, 0).finishReason()).isEqualTo("stop");
        assertThat(ResponsePlan.create(PLAIN, 10, 500, 42, 0).completionTokens()).isEqualTo(50);
    }

    @Test
    void cutsAtMaxTokensWithFinishReasonLength() {
        ResponsePlan plan = ResponsePlan.create(PLAIN, 10, 7, 42, 0);

        assertThat(plan.completionTokens()).isEqualTo(7);
        assertThat(plan.finishReason()).isEqualTo("length");
    }

    @Test
    void countsReasoningTokensTowardTheCompletionAndTheLimit() {
        ResponsePlan natural = ResponsePlan.create(REASONING, 10, -1, 42, 0);
        assertThat(natural.reasoningTokens()).isEqualTo(24);
        assertThat(natural.completionTokens()).isEqualTo(88);

        ResponsePlan cut = ResponsePlan.create(REASONING, 10, 10, 42, 0);
        assertThat(cut.reasoningTokens()).isEqualTo(10);
        assertThat(cut.completionTokens()).isEqualTo(10);
        assertThat(cut.finishReason()).isEqualTo("length");
    }

    @Test
    void schedulesEveryTokenFromTheAbsoluteStartSoRoundingNeverAccumulates() {
        SimModel odd = SimModel.of("sim/odd", 20, 333, 1_000);

        long[] offsets = ResponsePlan.schedule(odd, 0, 1_000, new SplittableRandom(1));

        for (int i = 0; i < offsets.length; i++) {
            assertThat(offsets[i]).isEqualTo(Math.round(20e6 + i * (1e9 / 333)));
        }
    }

    @Test
    void addsThePromptTermToTheFirstToken() {
        SimModel promptBound = new SimModel("sim/p", "llm", "", "", "", -1, -1, 60, 95, 2_000, 0, 0, 10, true);

        assertThat(ResponsePlan.schedule(promptBound, 1_000, 1, new SplittableRandom(1))[0]).isEqualTo(560_000_000L);
    }

    @Test
    void jittersAroundTheAbsoluteScheduleWithinTheFractionAndStaysMonotonic() {
        double interval = 1e9 / 100;
        SimModel jittery = SimModel.of("sim/j", 50, 100, 500).withJitterFraction(0.3);

        long[] offsets = ResponsePlan.schedule(jittery, 0, 500, new SplittableRandom(9));

        assertThat(offsets[0]).as("the first token is exact").isEqualTo(50_000_000L);
        boolean moved = false;
        for (int i = 1; i < offsets.length; i++) {
            double nominal = 50e6 + i * interval;
            assertThat((double) offsets[i]).isBetween(nominal - 0.3 * interval - 1, nominal + 0.3 * interval + 1);
            assertThat(offsets[i]).isGreaterThanOrEqualTo(offsets[i - 1]);
            moved |= Math.abs(offsets[i] - nominal) > 1_000;
        }
        assertThat(moved).as("jitter moved some token").isTrue();
    }

    @Test
    void keepsTheScheduleMonotonicEvenWithFullJitter() {
        long[] offsets = ResponsePlan.schedule(SimModel.of("sim/j", 0, 1_000, 2_000).withJitterFraction(1.0), 0,
                2_000, new SplittableRandom(3));

        for (int i = 1; i < offsets.length; i++) {
            assertThat(offsets[i]).isGreaterThanOrEqualTo(offsets[i - 1]);
        }
    }

    @Test
    void reproducesTextAndJitterForTheSameSeedAndSequence() {
        SimModel jittery = REASONING.withJitterFraction(0.2);

        ResponsePlan first = ResponsePlan.create(jittery, 10, -1, 42, 5);
        ResponsePlan again = ResponsePlan.create(jittery, 10, -1, 42, 5);
        ResponsePlan otherSeed = ResponsePlan.create(jittery, 10, -1, 43, 5);
        ResponsePlan nextRequest = ResponsePlan.create(jittery, 10, -1, 42, 6);

        assertThat(again.pieces()).isEqualTo(first.pieces());
        assertThat(again.offsetsNanos()).isEqualTo(first.offsetsNanos());
        assertThat(otherSeed.pieces()).isNotEqualTo(first.pieces());
        assertThat(otherSeed.offsetsNanos()).isNotEqualTo(first.offsetsNanos());
        assertThat(nextRequest.offsetsNanos()).isNotEqualTo(first.offsetsNanos());
    }

    @Test
    void generatesNonEmptyPiecesThatReadAsSentences() {
        ResponsePlan plan = ResponsePlan.create(REASONING, 10, -1, 42, 0);

        assertThat(plan.pieces()).allSatisfy(piece -> assertThat(piece).isNotBlank());
        assertThat(plan.pieces().get(0)).matches("[A-Z][a-z]+");
        assertThat(plan.pieces().get(plan.reasoningTokens())).as("the answer starts its own sentence")
                .matches("[A-Z][a-z]+");
        assertThat(plan.pieces()).contains(".");
    }
}
