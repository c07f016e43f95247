package dev.lmsbench.client;

import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.model.UsageCheck;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects what one response delivered, with the arrival time of each part, and turns it into an
 * {@link InferenceResult}. Timestamps are absolute {@link System#nanoTime()} values here and become offsets from the
 * send time only in {@link #result}.
 *
 * <p>The token rules live here so that they exist once: a chunk carries a token when its content <em>or</em> its
 * reasoning is non-empty; a role-only or empty chunk is not a token. Usage estimation follows the rules in
 * {@link OpenAiClient}'s class documentation.
 *
 * <p>Usage is cross-checked against the stream: see {@link #usageCheck()}.
 *
 * <p>Not thread-safe: one recorder per request, used by the thread that reads the body.
 */
final class ResponseRecorder {

    /** The most distinct model names kept per answer: enough to see that a stream changed models. */
    static final int MAX_MODELS = 4;
    /** The longest finish or stop reason recorded (characters, after {@link SafeText}). */
    static final int MAX_REASON_CHARS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(ResponseRecorder.class);
    private static final int CHARS_PER_TOKEN = 4;
    private static final long ABSENT = RequestTimings.ABSENT;

    private final long sentNanos;
    private final long headersNanos;
    private long firstByteNanos = ABSENT;
    private long firstTokenNanos = ABSENT;
    private long firstContentNanos = ABSENT;
    private long lastTokenNanos = ABSENT;
    private long endNanos = ABSENT;
    private long[] tokenNanos = new long[64];
    private int tokenChunks;
    private int reasoningChunks;
    private final boolean streamed;
    private final String statsSource;
    private ChatJson.NativeStats nativeStats;
    private ChatJson.Timings timings;

    /** The distinct model names the answer carried, in order, at most {@value #MAX_MODELS}. */
    private final List<String> models = new ArrayList<>(1);
    private URI uri;

    /** {@code max_tokens} of the request when LM Studio's off-by-one may be corrected, else {@code -1}. */
    private int offByOneMaxTokens = -1;

    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private String finishReason = "";
    private ChatJson.Usage usage;

    /**
     * @param sentNanos    {@link System#nanoTime()} just before the request was handed to the HTTP stack
     * @param headersNanos {@link System#nanoTime()} when the response headers arrived
     * @param streamed     whether the body is an SSE stream of chunks (else one JSON completion)
     */
    ResponseRecorder(long sentNanos, long headersNanos, boolean streamed) {
        this(sentNanos, headersNanos, streamed, null);
    }

    /**
     * @param sentNanos    {@link System#nanoTime()} just before the request was handed to the HTTP stack
     * @param headersNanos {@link System#nanoTime()} when the response headers arrived
     * @param streamed     whether the body is an SSE stream of chunks (else one JSON completion)
     * @param statsSource  the {@link ServerStats#source()} label for LM Studio's {@code stats}, or {@code null} to
     *                     ignore any {@code stats} the server sends (endpoints that do not document them)
     */
    ResponseRecorder(long sentNanos, long headersNanos, boolean streamed, String statsSource) {
        this.sentNanos = sentNanos;
        this.headersNanos = headersNanos;
        this.streamed = streamed;
        this.statsSource = statsSource;
    }

    /** Records a body read that returned bytes; only the first one matters. */
    void bytesRead(long nanos) {
        if (firstByteNanos == ABSENT) {
            firstByteNanos = nanos;
        }
    }

    /** Records one streamed chunk that arrived (was completed by a read) at {@code nanos}. */
    void chunk(ChatJson.Chunk chunk, long nanos) {
        model(chunk.model());
        content.append(chunk.content());
        reasoning.append(chunk.reasoning());
        if (!chunk.finishReason().isEmpty()) {
            finishReason = SafeText.oneLine(chunk.finishReason(), MAX_REASON_CHARS);
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.stats() != null) {
            nativeStats = chunk.stats();
        }
        if (chunk.timings() != null) {
            timings = chunk.timings();
        }
        if (!chunk.carriesToken()) {
            return;
        }
        if (firstTokenNanos == ABSENT) {
            firstTokenNanos = nanos;
        }
        if (firstContentNanos == ABSENT && !chunk.content().isEmpty()) {
            firstContentNanos = nanos;
        }
        lastTokenNanos = nanos;
        if (tokenChunks == tokenNanos.length) {
            tokenNanos = Arrays.copyOf(tokenNanos, tokenChunks * 2);
        }
        tokenNanos[tokenChunks++] = nanos;
        if (!chunk.reasoning().isEmpty()) {
            reasoningChunks++;
        }
    }

    /** Records a complete non-streamed answer. */
    void completion(ChatJson.Completion completion) {
        model(completion.model());
        content.append(completion.content());
        reasoning.append(completion.reasoning());
        finishReason = SafeText.oneLine(completion.finishReason(), MAX_REASON_CHARS);
        usage = completion.usage();
        nativeStats = completion.stats();
        timings = completion.timings();
    }

    /**
     * Records a model the answer names ({@code model}, LM Studio's {@code model_instance_id}); empty names are
     * skipped, each distinct one is kept once.
     */
    void model(String name) {
        if (name != null && !name.isEmpty() && !models.contains(name) && models.size() < MAX_MODELS) {
            models.add(name);
        }
    }

    /** {@return the distinct model names the answer carried, in the order they came; empty when it named none} */
    List<String> answeredModels() {
        return List.copyOf(models);
    }

    /** Records the URL that answered, for messages. */
    void uri(URI value) {
        this.uri = value;
    }

    /** {@return the URL that answered, or {@code null} when not recorded} */
    URI uri() {
        return uri;
    }

    /** Records token counts the server reported outside a {@code usage} object (LM Studio's v1 {@code stats}). */
    void usage(ChatJson.Usage reported) {
        usage = reported;
    }

    /** {@return LM Studio's {@code stats}, {@code model_info} and {@code runtime} as received, or {@code null}} */
    ChatJson.NativeStats nativeStats() {
        return nativeStats;
    }

    /**
     * Whether the answer carried anything: a token-carrying chunk, content or reasoning text, or a reported count of
     * completion tokens above zero. An answer without is no measurement.
     */
    boolean hasTokens() {
        return tokenChunks > 0 || !content.isEmpty() || !reasoning.isEmpty()
                || (usage != null && usage.completion() > 0);
    }

    /** Records the end of the response: {@code [DONE]}, end of stream, or the full body read. */
    void end(long nanos) {
        endNanos = nanos;
    }

    /**
     * Lets {@link #result} correct LM Studio's known off-by-one (lmstudio-bug-tracker #2335): an answer stopped at the
     * limit ({@code finish_reason} {@code length}) whose usage reports {@code max_tokens - 1} completion tokens, after
     * {@code max_tokens} token-carrying chunks when streamed (a non-streamed answer has no chunks to count, but
     * {@code length} means {@code max_tokens} were generated). Only LM Studio's client asks for it.
     *
     * @param maxTokens the request's {@code max_tokens}
     */
    void correctLmStudioOffByOne(int maxTokens) {
        this.offByOneMaxTokens = maxTokens;
    }

    /**
     * Compares the reported completion tokens of a streamed answer with its token-carrying chunks (one token per
     * chunk is what LM Studio, llama.cpp, Ollama and the simulator send): equal is {@code AGREE}; LM Studio's
     * off-by-one, when {@link #correctLmStudioOffByOne} allows it, is {@code CORRECTED_OFF_BY_ONE}; anything else
     * {@code MISMATCH} (logged at debug; the server's count is kept: a server may pack several tokens into a chunk).
     * A non-streamed answer, or one without usage, is not checked.
     */
    UsageCheck usageCheck() {
        if (!streamed && usage != null && offByOneMaxTokens > 1 && "length".equals(finishReason)
                && usage.completion() == offByOneMaxTokens - 1) {
            // finish_reason "length" means generation reached max_tokens: reporting one less is the same known bug
            return new UsageCheck(UsageCheck.Verdict.CORRECTED_OFF_BY_ONE, -1, usage.completion());
        }
        if (!streamed || usage == null) {
            return UsageCheck.NOT_CHECKED;
        }
        int reported = usage.completion();
        UsageCheck.Verdict verdict;
        if (reported == tokenChunks) {
            verdict = UsageCheck.Verdict.AGREE;
        } else if (offByOneMaxTokens > 0 && "length".equals(finishReason) && reported == tokenChunks - 1
                && tokenChunks == offByOneMaxTokens) {
            verdict = UsageCheck.Verdict.CORRECTED_OFF_BY_ONE;
        } else {
            verdict = UsageCheck.Verdict.MISMATCH;
            LOG.debug("{}: usage reports {} completion tokens, the stream carried {} token chunks (finish reason"
                    + " '{}'); keeping the server's count", uri, reported, tokenChunks, finishReason);
        }
        return new UsageCheck(verdict, tokenChunks, reported);
    }

    /**
     * Builds the result, with the {@link #usageCheck()}; after {@code CORRECTED_OFF_BY_ONE} the completion tokens are
     * the chunks counted.
     *
     * @param prompt the prompt sent, for the prompt token estimate when the server reports no usage
     */
    InferenceResult result(String prompt) {
        long[] offsets = new long[tokenChunks];
        for (int i = 0; i < tokenChunks; i++) {
            offsets[i] = offset(tokenNanos[i]);
        }
        RequestTimings timings = new RequestTimings(sentNanos, offset(headersNanos), offset(firstByteNanos),
                offset(firstTokenNanos), offset(firstContentNanos), offset(lastTokenNanos), offset(endNanos), offsets);
        UsageCheck check = usageCheck();
        ChatJson.Usage reported = usage;
        if (check.verdict() == UsageCheck.Verdict.CORRECTED_OFF_BY_ONE) {
            LOG.debug("{}: usage reports {} completion tokens for an answer cut at max_tokens {}; corrected to {}"
                    + " (LM Studio's off-by-one, lmstudio-bug-tracker #2335)", uri, usage.completion(),
                    offByOneMaxTokens, streamed ? tokenChunks : offByOneMaxTokens);
            int corrected = streamed ? tokenChunks : offByOneMaxTokens;
            reported = new ChatJson.Usage(usage.prompt(), corrected, usage.reasoning(), usage.cached());
        }
        return new InferenceResult(timings, usage(prompt, reported), content.toString(), reasoning.toString(),
                finishReason, serverStats(), false, check);
    }

    /**
     * LM Studio's {@code stats} (with their draft figures, as sent) when this endpoint documents them and they say
     * anything ({@code "stats": {}} says nothing); else llama.cpp's
     * {@code timings} when the answer carried them (source {@link ServerStats#LLAMA_CPP_TIMINGS}); else none.
     */
    private ServerStats serverStats() {
        if (statsSource == null || nativeStats == null || !nativeStats.saysAnything()) {
            // nothing is filled from elsewhere: a v0 stream without stats (as LM Studio sends it) has none
            return timings == null ? ServerStats.NONE : llamaCppStats(timings);
        }
        String stop = SafeText.oneLine(nativeStats.stopReason(), MAX_REASON_CHARS);
        if (timings != null) {
            // Ollama: its native figures, plus the prompt figures it gives in llama.cpp's shape
            return new ServerStats(nativeStats.tokensPerSecond(), nativeStats.timeToFirstToken(),
                    nativeStats.generationTime(), stop, statsSource, timings.promptPerSecond(),
                    timings.promptMs() / 1000.0, timings.promptN(), timings.cacheN(), timings.predictedN());
        }
        return new ServerStats(nativeStats.tokensPerSecond(), nativeStats.timeToFirstToken(),
                nativeStats.generationTime(), stop, statsSource).withDraft(nativeStats.draft());
    }

    /** llama.cpp's timings as server statistics: seconds from milliseconds, counts as sent. */
    private static ServerStats llamaCppStats(ChatJson.Timings t) {
        return new ServerStats(t.predictedPerSecond(), Double.NaN, t.predictedMs() / 1000.0, "",
                ServerStats.LLAMA_CPP_TIMINGS, t.promptPerSecond(), t.promptMs() / 1000.0, t.promptN(), t.cacheN(),
                t.predictedN());
    }

    private TokenUsage usage(String prompt, ChatJson.Usage usage) {
        int reasoningEstimate = streamed ? reasoningChunks : estimateTokens(reasoning);
        if (usage != null) {
            int reasoningTokens = usage.reasoning() >= 0 ? usage.reasoning() : reasoningEstimate;
            // Servers do report reasoning > completion now and then; the core record rejects that, so cap it.
            return TokenUsage.reported(usage.prompt(), usage.completion(),
                    Math.min(reasoningTokens, usage.completion()), cached(usage.prompt()));
        }
        int completionEstimate = streamed ? tokenChunks : estimateTokens(content) + reasoningEstimate;
        int promptEstimate = estimateTokens(prompt);
        return TokenUsage.estimated(promptEstimate, completionEstimate, reasoningEstimate)
                .withPromptCachedTokens(cached(promptEstimate));
    }

    /**
     * The cached prompt tokens the server reported: {@code usage.prompt_tokens_details.cached_tokens}, else
     * llama.cpp's {@code timings.cache_n}; capped at the prompt tokens; {@link TokenUsage#UNKNOWN} when neither came.
     */
    private int cached(int promptTokens) {
        int cached = usage != null && usage.cached() >= 0 ? usage.cached()
                : timings != null && timings.cacheN() >= 0 ? timings.cacheN() : TokenUsage.UNKNOWN;
        return cached == TokenUsage.UNKNOWN ? cached : Math.min(cached, promptTokens);
    }

    private static int estimateTokens(CharSequence text) {
        int chars = Character.codePointCount(text, 0, text.length());
        return Math.ceilDiv(chars, CHARS_PER_TOKEN);
    }

    private long offset(long nanos) {
        // nanoTime is monotonic, so an event can never precede the send; max() only guards the sentinel arithmetic.
        return nanos == ABSENT ? ABSENT : Math.max(0, nanos - sentNanos);
    }
}
