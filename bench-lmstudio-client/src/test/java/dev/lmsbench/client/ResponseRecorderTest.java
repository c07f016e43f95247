package dev.lmsbench.client;

import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.model.UsageCheck;
import dev.lmsbench.core.spi.InferenceResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseRecorderTest {

    private static final long SENT = 1_000_000L;

    @Test
    void ignoresARoleOnlyFirstChunkForTtft() {
        ResponseRecorder recorder = new ResponseRecorder(SENT, SENT + 5, true);
        recorder.bytesRead(SENT + 10);
        recorder.chunk(chunk("", ""), SENT + 10);
        recorder.chunk(chunk("Hi", ""), SENT + 150);
        recorder.chunk(chunk(" there", ""), SENT + 160);
        recorder.end(SENT + 170);

        RequestTimings t = recorder.result("p").timings();
        assertThat(t.sentNanos()).isEqualTo(SENT);
        assertThat(t.headersNanos()).isEqualTo(5);
        assertThat(t.firstByteNanos()).isEqualTo(10);
        assertThat(t.firstTokenNanos()).isEqualTo(150);
        assertThat(t.firstContentNanos()).isEqualTo(150);
        assertThat(t.lastTokenNanos()).isEqualTo(160);
        assertThat(t.endNanos()).isEqualTo(170);
        assertThat(t.tokenNanos()).containsExactly(150, 160);
    }

    @Test
    void countsReasoningAsTheFirstTokenAndVisibleContentSeparately() {
        ResponseRecorder recorder = new ResponseRecorder(SENT, SENT, true);
        recorder.chunk(chunk("", "think"), SENT + 100);
        recorder.chunk(chunk("", " more"), SENT + 110);
        recorder.chunk(chunk("Answer", ""), SENT + 300);
        recorder.end(SENT + 310);

        InferenceResult result = recorder.result("p");
        assertThat(result.timings().firstTokenNanos()).isEqualTo(100);
        assertThat(result.timings().firstContentNanos()).isEqualTo(300);
        assertThat(result.reasoning()).isEqualTo("think more");
        assertThat(result.content()).isEqualTo("Answer");
    }

    @Test
    void estimatesStreamedUsageFromChunkCountsWhenTheServerSendsNone() {
        ResponseRecorder recorder = new ResponseRecorder(SENT, SENT, true);
        recorder.chunk(chunk("", "a"), SENT + 1);
        recorder.chunk(chunk("", "b"), SENT + 2);
        recorder.chunk(chunk("long word", ""), SENT + 3);
        recorder.chunk(chunk("", ""), SENT + 4);
        recorder.end(SENT + 5);

        // prompt: 9 characters -> ceil(9 / 4) = 3
        assertThat(recorder.result("123456789").usage()).isEqualTo(TokenUsage.estimated(3, 3, 2));
    }

    @Test
    void takesReportedUsageAndCountsReasoningChunksWhenDetailsAreMissing() {
        ResponseRecorder recorder = new ResponseRecorder(SENT, SENT, true);
        recorder.chunk(chunk("", "a"), SENT + 1);
        recorder.chunk(chunk("", "b"), SENT + 2);
        recorder.chunk(chunk("c", ""), SENT + 3);
        recorder.chunk(new ChatJson.Chunk("", "", "stop", new ChatJson.Usage(7, 40, -1), null), SENT + 4);

        assertThat(recorder.result("p").usage()).isEqualTo(TokenUsage.reported(7, 40, 2));
    }

    @Test
    void capsReasoningTokensAtTheCompletionTokens() {
        ResponseRecorder recorder = new ResponseRecorder(SENT, SENT, true);
        recorder.chunk(chunk("", "a"), SENT + 1);
        recorder.chunk(chunk("", "b"), SENT + 2);
        recorder.chunk(new ChatJson.Chunk("", "", "", new ChatJson.Usage(7, 1, -1), null), SENT + 3);
        assertThat(recorder.result("p").usage()).isEqualTo(TokenUsage.reported(7, 1, 1));

        ResponseRecorder reported = new ResponseRecorder(SENT, SENT, true);
        reported.chunk(new ChatJson.Chunk("", "", "", new ChatJson.Usage(7, 5, 9), null), SENT + 3);
        assertThat(reported.result("p").usage()).isEqualTo(TokenUsage.reported(7, 5, 5));
    }

    @Test
    void estimatesNonStreamedUsageFromCodePointsDividedByFour() {
        ResponseRecorder recorder = new ResponseRecorder(SENT, SENT + 3, false);
        recorder.bytesRead(SENT + 4);
        // content: 5 code points (the emoji is one) -> 2; reasoning: 9 -> 3; prompt: 4 -> 1
        recorder.completion(new ChatJson.Completion("abcd👋", "reasoning", "stop", null));
        recorder.end(SENT + 9);

        InferenceResult result = recorder.result("abcd");
        assertThat(result.usage()).isEqualTo(TokenUsage.estimated(1, 5, 3));
        RequestTimings t = result.timings();
        assertThat(t.headersNanos()).isEqualTo(3);
        assertThat(t.firstByteNanos()).isEqualTo(4);
        assertThat(t.endNanos()).isEqualTo(9);
        assertThat(t.firstTokenNanos()).isEqualTo(RequestTimings.ABSENT);
        assertThat(t.firstContentNanos()).isEqualTo(RequestTimings.ABSENT);
        assertThat(t.lastTokenNanos()).isEqualTo(RequestTimings.ABSENT);
        assertThat(t.tokenChunkCount()).isZero();
    }

    @Test
    void leavesTokenTimesAbsentWhenAStreamCarriedNoToken() {
        ResponseRecorder recorder = new ResponseRecorder(SENT, SENT, true);
        recorder.chunk(chunk("", ""), SENT + 1);
        recorder.end(SENT + 2);
        RequestTimings t = recorder.result("").timings();
        assertThat(t.firstTokenNanos()).isEqualTo(RequestTimings.ABSENT);
        assertThat(t.ttftSeconds()).isNaN();
        assertThat(t.endNanos()).isEqualTo(2);
    }

    private static ChatJson.Chunk chunk(String content, String reasoning) {
        return new ChatJson.Chunk(content, reasoning, "", null, null);
    }

    // ---- usage against the stream ----

    @Test
    void aStreamWhoseUsageCountsItsTokenChunksAgrees() {
        InferenceResult r = streamed(3, 3, "stop", -1);

        assertThat(r.usageCheck()).isEqualTo(new UsageCheck(UsageCheck.Verdict.AGREE, 3, 3));
        assertThat(r.usage().completionTokens()).isEqualTo(3);
    }

    @Test
    void correctsLmStudiosOffByOneAtTheLimitWhenAskedTo() {
        // lmstudio-bug-tracker #2335: stopped at max_tokens 4 after 4 chunks, usage says 3
        InferenceResult r = streamed(4, 3, "length", 4);

        assertThat(r.usageCheck()).isEqualTo(new UsageCheck(UsageCheck.Verdict.CORRECTED_OFF_BY_ONE, 4, 3));
        assertThat(r.usage().completionTokens()).isEqualTo(4);
        assertThat(r.usage().estimated()).isFalse();
    }

    @Test
    void keepsTheServersCountForAnyOtherDisagreement() {
        assertThat(streamed(4, 3, "length", -1).usageCheck().verdict()).as("not LM Studio's client")
                .isEqualTo(UsageCheck.Verdict.MISMATCH);
        assertThat(streamed(4, 3, "stop", 4).usageCheck().verdict()).as("not stopped at the limit")
                .isEqualTo(UsageCheck.Verdict.MISMATCH);
        assertThat(streamed(4, 3, "length", 8).usageCheck().verdict()).as("not at max_tokens")
                .isEqualTo(UsageCheck.Verdict.MISMATCH);
        assertThat(streamed(4, 2, "length", 4).usageCheck().verdict()).as("off by two")
                .isEqualTo(UsageCheck.Verdict.MISMATCH);
        InferenceResult packed = streamed(3, 6, "stop", 8);
        assertThat(packed.usageCheck()).isEqualTo(new UsageCheck(UsageCheck.Verdict.MISMATCH, 3, 6));
        assertThat(packed.usage().completionTokens()).as("speculative decoding packs tokens").isEqualTo(6);
    }

    @Test
    void correctsTheOffByOneOfANonStreamedAnswerCutAtTheLimitToo() {
        // finish_reason length means max_tokens were generated: a report of max_tokens - 1 is the same bug
        ResponseRecorder whole = new ResponseRecorder(SENT, SENT, false);
        whole.correctLmStudioOffByOne(4);
        whole.completion(new ChatJson.Completion("a b c d", "", "length", new ChatJson.Usage(5, 3, -1)));
        InferenceResult r = whole.result("p");

        assertThat(r.usageCheck()).isEqualTo(new UsageCheck(UsageCheck.Verdict.CORRECTED_OFF_BY_ONE, -1, 3));
        assertThat(r.usage().completionTokens()).isEqualTo(4);
        ResponseRecorder natural = new ResponseRecorder(SENT, SENT, false);
        natural.correctLmStudioOffByOne(4);
        natural.completion(new ChatJson.Completion("a b c", "", "stop", new ChatJson.Usage(5, 3, -1)));
        assertThat(natural.result("p").usageCheck()).as("a natural end").isEqualTo(UsageCheck.NOT_CHECKED);
    }

    @Test
    void checksNothingWithoutUsageOrWithoutAStream() {
        assertThat(streamed(3, -1, "stop", 3).usageCheck()).isEqualTo(UsageCheck.NOT_CHECKED);
        ResponseRecorder whole = new ResponseRecorder(SENT, SENT, false);
        whole.completion(new ChatJson.Completion("Hi there", "", "length", new ChatJson.Usage(5, 1, -1)));
        assertThat(whole.result("p").usageCheck()).isEqualTo(UsageCheck.NOT_CHECKED);
    }

    @Test
    void countsReasoningChunksButNotEmptyOnes() {
        ResponseRecorder recorder = new ResponseRecorder(SENT, SENT, true);
        recorder.chunk(chunk("", "think"), SENT + 1);
        recorder.chunk(chunk("", ""), SENT + 2);
        recorder.chunk(chunk("Hi", ""), SENT + 3);
        recorder.chunk(new ChatJson.Chunk("", "", "stop", new ChatJson.Usage(5, 2, 1), null), SENT + 4);

        assertThat(recorder.result("p").usageCheck()).isEqualTo(new UsageCheck(UsageCheck.Verdict.AGREE, 2, 2));
    }

    /** A stream of {@code chunks} one-token chunks, then a finish reason and usage ({@code -1}: none). */
    private static InferenceResult streamed(int chunks, int completionTokens, String finishReason, int offByOneMax) {
        ResponseRecorder recorder = new ResponseRecorder(SENT, SENT, true);
        for (int i = 0; i < chunks; i++) {
            recorder.chunk(chunk("t" + i, ""), SENT + i + 1);
        }
        recorder.chunk(new ChatJson.Chunk("", "", finishReason, null, null), SENT + chunks + 1);
        if (completionTokens >= 0) {
            recorder.chunk(new ChatJson.Chunk("", "", "", new ChatJson.Usage(7, completionTokens, -1), null),
                    SENT + chunks + 2);
        }
        if (offByOneMax > 0) {
            recorder.correctLmStudioOffByOne(offByOneMax);
        }
        recorder.end(SENT + chunks + 3);
        return recorder.result("p");
    }
}
