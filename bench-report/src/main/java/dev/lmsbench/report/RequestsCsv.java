package dev.lmsbench.report;

import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.report.Csv.Column;

import java.util.List;

import static dev.lmsbench.report.Csv.Column.bool;
import static dev.lmsbench.report.Csv.Column.decimal;
import static dev.lmsbench.report.Csv.Column.instant;
import static dev.lmsbench.report.Csv.Column.integer;
import static dev.lmsbench.report.Csv.Column.knownInteger;
import static dev.lmsbench.report.Csv.Column.positiveInteger;
import static dev.lmsbench.report.Csv.Column.text;

/** The columns of {@code requests.csv}: one row per request, warmups included. See docs/output-formats.md. */
final class RequestsCsv {

    private RequestsCsv() {
    }

    /** Header and cell of every column, in file order. New columns go at the end. */
    static final List<Column<RequestResult>> COLUMNS = List.of(
            text("model", RequestResult::model),
            integer("ctx", RequestResult::contextLength),
            integer("par", RequestResult::parallel),
            integer("idx", RequestResult::index),
            text("run_mode", r -> r.mode().label()),
            bool("warmup_run", RequestResult::warmup),
            instant("started_at", RequestResult::startedAt),
            bool("ok", RequestResult::success),
            text("error", RequestResult::error),
            text("finish_reason", RequestResult::finishReason),
            decimal("wall_s", RequestResult::wallSeconds),
            decimal("ttft_s", RequestResult::ttftSeconds),
            decimal("first_content_s", RequestResult::firstContentSeconds),
            integer("prompt_tokens", r -> r.usage().promptTokens()),
            integer("completion_tokens", r -> r.usage().completionTokens()),
            integer("completion_tokens_reasoning", r -> r.usage().reasoningTokens()),
            integer("completion_tokens_visible", r -> r.usage().visibleTokens()),
            bool("tokens_estimated", r -> r.usage().estimated()),
            decimal("completion_toks_per_s", RequestResult::completionTokensPerSecond),
            decimal("completion_toks_per_s_reasoning", RequestResult::reasoningTokensPerSecond),
            decimal("completion_toks_per_s_visible", RequestResult::visibleTokensPerSecond),
            decimal("prefill_toks_per_s", RequestResult::prefillTokensPerSecond),
            decimal("decode_toks_per_s", RequestResult::decodeTokensPerSecond),
            decimal("tpot_s", RequestResult::tpotSeconds),
            integer("chunk_count", r -> r.timings().tokenChunkCount()),
            // what the server itself reported (issue 4), beside the client-side figures above; empty when it
            // reported nothing
            text("server_stats_source", r -> r.serverStats().source()),
            decimal("server_toks_per_s", r -> r.serverStats().tokensPerSecond()),
            decimal("server_ttft_s", r -> r.serverStats().timeToFirstTokenSeconds()),
            decimal("server_generation_s", r -> r.serverStats().generationTimeSeconds()),
            text("server_stop_reason", r -> r.serverStats().stopReason()),
            // typed errors (issue 9): the error type label (empty when ok) and the HTTP status of an http_status
            // error (empty otherwise); see docs/errors.md
            text("error_type", r -> r.errorType().label()),
            positiveInteger("http_status", r -> r.errorType() == ErrorType.HTTP_STATUS ? r.httpStatus() : -1),
            // the prompt cache (issue 10): prompt tokens the server took from its cache (empty when it did not say;
            // prefill_toks_per_s then counts every prompt token), and llama.cpp's own prompt figures
            knownInteger("prompt_tokens_cached", r -> r.usage().promptCachedTokens()),
            decimal("server_prompt_toks_per_s", r -> r.serverStats().promptTokensPerSecond()),
            decimal("server_prompt_s", r -> r.serverStats().promptSeconds()),
            // where the token counts came from (issue 10): usage, server_tokenizer, tokenizer_json or estimate
            text("token_count_source", r -> r.usage().source().label()),
            // the usage check of streamed answers (issue 11): agree, corrected_off_by_one or mismatch, and the
            // token-carrying chunks counted; empty when not checked (non-streamed calls, failures, no usage)
            text("usage_check", r -> r.usageCheck().verdict().label()),
            knownInteger("streamed_chunks", r -> r.usageCheck().streamedChunks()),
            // speculative decoding as the server reported it (LM Studio's draft counts); empty without a draft model
            text("draft_model", r -> r.serverStats().draft().draftModel()),
            knownInteger("draft_accepted", r -> r.serverStats().draft().acceptedTokens()),
            knownInteger("draft_total", r -> r.serverStats().draft().totalTokens()),
            decimal("draft_acceptance_rate", r -> r.serverStats().draft().acceptanceRate()),
            // how long the request waited for the server to load its model (LM Studio's model_load_time_seconds)
            decimal("server_model_load_s", r -> r.serverStats().modelLoadSeconds()),
            // retries (issue 14): the calls made for this row (1 without retries), and whether it failed after
            // retrying (seed 004's error_final)
            integer("attempts", RequestResult::attempts),
            bool("error_final", RequestResult::errorFinal));
}
