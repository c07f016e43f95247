package dev.lmsbench.cache;

import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.TokenUsage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic test data built from the core records. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-25T14:46:30.123456789Z");
    static final long MS = 1_000_000L;

    static final BenchmarkSettings SETTINGS = BenchmarkSettings.defaults()
            .withRuns(2)
            .withWarmupRuns(2)
            .withParallel(2)
            .withTemperature(0.7)
            .withRequestTimeout(Duration.ofMillis(12_345))
            .withPrompt("Say \"hi\" in 3 languages; ünïcödé ✓");

    static final ModelInfo QWEN = new ModelInfo("qwen3-8b@q4_k_m", "llm", "qwen", "qwen3", "Q4_K_M",
            5_027_783_488L, 40_960);
    static final ModelInfo PLAIN = ModelInfo.named("plain-model");

    private Fixtures() {
    }

    static RunInfo run(String id) {
        return new RunInfo(id, T0, "http://127.0.0.1:1234", SETTINGS, "0.1.0-test");
    }

    /** Every request of one model: warmups, then per run and parallel slot a stream and a non-stream request. */
    static List<RequestResult> requests(ModelInfo model, long seed, boolean withFailure) {
        Random rnd = new Random(seed);
        List<RequestResult> out = new ArrayList<>();
        Instant at = T0;
        for (int w = 0; w < SETTINGS.warmupRuns(); w++) {
            out.add(stream(rnd, model, w, true, at = at.plusMillis(700)));
        }
        int logical = SETTINGS.runs() * SETTINGS.parallel();
        for (int i = 0; i < logical; i++) {
            out.add(stream(rnd, model, i, false, at = at.plusMillis(500)));
            if (withFailure && i == logical - 1) {
                out.add(failed(rnd, model, i, at = at.plusMillis(500)));
            } else {
                out.add(nonStream(rnd, model, i, at = at.plusMillis(500)));
            }
        }
        return out;
    }

    static RequestResult stream(Random rnd, ModelInfo model, int index, boolean warmup, Instant at) {
        long sent = 9_000_000_000L + rnd.nextInt(1_000_000_000);
        long headers = (5 + rnd.nextInt(10)) * MS;
        long first = headers + (20 + rnd.nextInt(200)) * MS;
        int chunks = 3 + rnd.nextInt(20);
        int reasoning = rnd.nextInt(chunks - 1);
        long[] tokens = new long[chunks];
        long t = first;
        for (int k = 0; k < chunks; k++) {
            tokens[k] = t;
            t += rnd.nextInt(40) * MS + rnd.nextInt(1000);
        }
        long last = tokens[chunks - 1];
        RequestTimings timings = new RequestTimings(sent, headers, headers + 17, first, tokens[reasoning], last,
                last + 2 * MS, tokens);
        TokenUsage usage = rnd.nextBoolean()
                ? TokenUsage.reported(30 + rnd.nextInt(10), chunks, reasoning)
                : TokenUsage.estimated(30 + rnd.nextInt(10), chunks, reasoning);
        // every other request says how many prompt tokens its server cached (not drawn: the other values stay)
        usage = usage.withPromptCachedTokens(index % 2 == 0 ? 4 : TokenUsage.UNKNOWN);
        return new RequestResult(model.id(), SETTINGS.contextLength(), SETTINGS.parallel(), index, warmup,
                RunMode.STREAM, at, timings, usage, "stop", "");
    }

    static RequestResult nonStream(Random rnd, ModelInfo model, int index, Instant at) {
        long sent = 9_000_000_000L + rnd.nextInt(1_000_000_000);
        long end = (300 + rnd.nextInt(700)) * MS;
        RequestTimings timings = new RequestTimings(sent, end - 3 * MS, end - 2 * MS, RequestTimings.ABSENT,
                RequestTimings.ABSENT, RequestTimings.ABSENT, end, null);
        return new RequestResult(model.id(), SETTINGS.contextLength(), SETTINGS.parallel(), index, false,
                RunMode.NONSTREAM, at, timings,
                TokenUsage.reported(33, 20 + rnd.nextInt(50), 0, index % 2 == 1 ? 33 : TokenUsage.UNKNOWN), "length",
                "");
    }

    static RequestResult failed(Random rnd, ModelInfo model, int index, Instant at) {
        RequestTimings timings = RequestTimings.failed(9_000_000_000L + rnd.nextInt(1000), 3 * MS);
        return new RequestResult(model.id(), SETTINGS.contextLength(), SETTINGS.parallel(), index, false,
                RunMode.NONSTREAM, at, timings, new TokenUsage(0, 0, 0, false), null, "HTTP 500: boom");
    }

    static ModelSummary summary(ModelInfo model, List<RequestResult> requests, double loadSeconds) {
        return ModelSummary.of(model, SETTINGS, requests, RunStatus.COMPLETED, "", loadSeconds, T0,
                T0.plusSeconds(42).plusNanos(7));
    }

    /**
     * {@link #requests} as a server with speculative decoding and usage in its streams answers them: each successful
     * call reports draft figures (and the first warmup a just-in-time load time), each successful stream a usage
     * check (measured request 1 corrected for LM Studio's off-by-one, request 2 a mismatch, the others agreeing).
     */
    static List<RequestResult> draftRequests(ModelInfo model, long seed) {
        List<RequestResult> out = new ArrayList<>();
        for (RequestResult r : requests(model, seed, true)) {
            if (!r.success()) {
                out.add(r);
                continue;
            }
            int n = r.usage().completionTokens();
            dev.lmsbench.core.model.ServerStats stats = new dev.lmsbench.core.model.ServerStats(40.5, 0.05, 0.5,
                    "eosFound", "lmstudio.api.v1.chat.stats")
                    .withDraft(new dev.lmsbench.core.model.DraftStats("draft-0.5b", n + 2, n / 2, n + 2 - n / 2 - 1,
                            1))
                    .withModelLoadSeconds(r.warmup() && r.index() == 0 ? 2.75 : Double.NaN);
            dev.lmsbench.core.model.UsageCheck check = dev.lmsbench.core.model.UsageCheck.NOT_CHECKED;
            if (r.mode() == RunMode.STREAM) {
                int chunks = r.timings().tokenChunkCount();
                check = !r.warmup() && r.index() == 1
                        ? new dev.lmsbench.core.model.UsageCheck(
                                dev.lmsbench.core.model.UsageCheck.Verdict.CORRECTED_OFF_BY_ONE, chunks, chunks - 1)
                        : !r.warmup() && r.index() == 2
                        ? new dev.lmsbench.core.model.UsageCheck(dev.lmsbench.core.model.UsageCheck.Verdict.MISMATCH,
                                chunks, chunks + 3)
                        : new dev.lmsbench.core.model.UsageCheck(dev.lmsbench.core.model.UsageCheck.Verdict.AGREE,
                                chunks, chunks);
            }
            out.add(new RequestResult(r.model(), r.contextLength(), r.parallel(), r.index(), r.warmup(), r.mode(),
                    r.startedAt(), r.timings(), r.usage(), r.finishReason(), r.error(), stats, r.errorType(),
                    r.httpStatus(), check));
        }
        return out;
    }

    /** A model that failed before any request: every distribution empty, every figure NaN. */
    static ModelSummary failedSummary(ModelInfo model) {
        return ModelSummary.of(model, SETTINGS, List.of(), RunStatus.FAILED, "load failed: out of memory",
                Double.NaN, T0, T0.plusMillis(1));
    }
}
