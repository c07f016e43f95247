package dev.lmsbench.report;

import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestsCsvTest {

    /** The documented column order (docs/output-formats.md). */
    static final List<String> EXPECTED_HEADER = List.of(
            "model", "ctx", "par", "idx", "run_mode", "warmup_run", "started_at", "ok", "error", "finish_reason",
            "wall_s", "ttft_s", "first_content_s", "prompt_tokens", "completion_tokens",
            "completion_tokens_reasoning", "completion_tokens_visible", "tokens_estimated", "completion_toks_per_s",
            "completion_toks_per_s_reasoning", "completion_toks_per_s_visible", "prefill_toks_per_s",
            "decode_toks_per_s", "tpot_s", "chunk_count",
            "server_stats_source", "server_toks_per_s", "server_ttft_s", "server_generation_s", "server_stop_reason",
            "error_type", "http_status", "prompt_tokens_cached", "server_prompt_toks_per_s", "server_prompt_s",
            "token_count_source", "usage_check", "streamed_chunks", "draft_model", "draft_accepted", "draft_total",
            "draft_acceptance_rate", "server_model_load_s", "attempts", "error_final");

    @TempDir
    Path dir;

    @Test
    void everyColumnHasARowInTheFormatDocs() throws Exception {
        String docs = java.nio.file.Files.readString(Path.of(System.getProperty("basedir", "."))
                .resolve("../docs/output-formats.md"));

        assertThat(Csv.header(RequestsCsv.COLUMNS)).allSatisfy(column ->
                assertThat(docs).as(column).containsPattern("(?m)^\\| `" + column + "` *\\|"));
    }

    @Test
    void hasTheDocumentedColumnsInOrder() throws Exception {
        assertThat(Csv.header(RequestsCsv.COLUMNS)).containsExactlyElementsOf(EXPECTED_HEADER);
        assertThat(CsvReader.header(write())).containsExactlyElementsOf(EXPECTED_HEADER);
    }

    @Test
    void writesStreamNonStreamAndFlaggedWarmupRows() throws Exception {
        List<Map<String, String>> qwen = CsvReader.read(write()).stream()
                .filter(r -> r.get("model").equals("qwen3-8b@q4_k_m")).toList();

        assertThat(qwen).hasSize(10);
        assertThat(qwen).filteredOn(r -> r.get("warmup_run").equals("true"))
                .hasSize(2).allSatisfy(r -> assertThat(r).containsEntry("run_mode", "stream"));
        assertThat(qwen).filteredOn(r -> r.get("warmup_run").equals("false"))
                .extracting(r -> r.get("idx") + ":" + r.get("run_mode"))
                .containsExactly("0:stream", "0:nonstream", "1:stream", "1:nonstream", "2:stream", "2:nonstream",
                        "3:stream", "3:nonstream");
    }

    @Test
    void writesCachedPromptTokensWhereTheServerSaidAndLeavesThemEmptyWhereItDidNot() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());
        assertThat(rows).filteredOn(r -> r.get("model").equals("qwen3-8b@q4_k_m") && r.get("ok").equals("true"))
                .extracting(r -> r.get("prompt_tokens_cached"))
                .containsExactly("0", "16", "16", "16", "16", "16", "16", "16", "16");
        assertThat(rows).filteredOn(r -> r.get("model").equals("llama-3.2-1b-instruct"))
                .isNotEmpty().allSatisfy(r -> assertThat(r).containsEntry("prompt_tokens_cached", "")
                        .containsEntry("server_prompt_toks_per_s", "").containsEntry("server_prompt_s", ""));
    }

    @Test
    void leavesStreamOnlyFiguresEmptyOnNonStreamRows() throws Exception {
        Map<String, String> nonStream = CsvReader.read(write()).stream()
                .filter(r -> r.get("run_mode").equals("nonstream") && r.get("ok").equals("true"))
                .findFirst().orElseThrow();

        assertThat(nonStream).containsEntry("ttft_s", "").containsEntry("first_content_s", "")
                .containsEntry("prefill_toks_per_s", "").containsEntry("decode_toks_per_s", "")
                .containsEntry("tpot_s", "").containsEntry("chunk_count", "0");
        assertThat(nonStream.get("wall_s")).isNotEmpty();
        assertThat(nonStream.get("completion_toks_per_s")).isNotEmpty();
    }

    @Test
    void splitsReasoningAndVisibleTokensAndRates() throws Exception {
        Map<String, String> stream = CsvReader.read(write()).get(2);

        int completion = Integer.parseInt(stream.get("completion_tokens"));
        assertThat(stream).containsEntry("completion_tokens_reasoning", "14")
                .containsEntry("completion_tokens_visible", Integer.toString(completion - 14));
        double total = Double.parseDouble(stream.get("completion_toks_per_s"));
        double parts = Double.parseDouble(stream.get("completion_toks_per_s_reasoning"))
                + Double.parseDouble(stream.get("completion_toks_per_s_visible"));
        assertThat(parts).isCloseTo(total, org.assertj.core.data.Offset.offset(2e-6));
    }

    @Test
    void quotesAnErrorHoldingCommaAndQuotesAndRemovesItsLineBreaksAndControlBytes() throws Exception {
        Map<String, String> failed = CsvReader.read(write()).stream()
                .filter(r -> r.get("ok").equals("false")).findFirst().orElseThrow();

        assertThat(failed.get("error")).isEqualTo(SampleReports.REQUEST_ERROR_SAFE);
        assertThat(failed).containsEntry("error_type", "http_status").containsEntry("http_status", "500");
        assertThat(failed).containsEntry("run_mode", "nonstream").containsEntry("idx", "3")
                .containsEntry("completion_toks_per_s", "").containsEntry("finish_reason", "");
    }

    @Test
    void writesServerReportedStatsBesideTheClientFigures() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());
        Map<String, String> stream = rows.get(2);

        assertThat(stream).containsEntry("run_mode", "stream")
                .containsEntry("server_stats_source", SampleReports.STATS_SOURCE)
                .containsEntry("server_stop_reason", "eosFound");
        assertThat(Double.parseDouble(stream.get("server_ttft_s")))
                .isNotEqualTo(Double.parseDouble(stream.get("ttft_s")));
        assertThat(stream.get("server_toks_per_s")).isNotEmpty();
        assertThat(stream.get("server_generation_s")).isNotEmpty();
        // reported without a generation time: that cell alone is empty
        assertThat(rows.get(0)).containsEntry("server_generation_s", "")
                .containsEntry("server_stats_source", SampleReports.STATS_SOURCE);
        // a non-streaming row has no client TTFT but keeps the server's
        assertThat(rows.get(3)).containsEntry("run_mode", "nonstream").containsEntry("ttft_s", "");
        assertThat(rows.get(3).get("server_ttft_s")).isNotEmpty();
    }

    @Test
    void leavesServerColumnsEmptyWhenTheServerReportedNothing() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());

        assertThat(rows).filteredOn(r -> r.get("model").equals("llama-3.2-1b-instruct") || r.get("ok").equals("false"))
                .hasSize(4)
                .allSatisfy(r -> assertThat(r).containsEntry("server_stats_source", "")
                        .containsEntry("server_toks_per_s", "").containsEntry("server_ttft_s", "")
                        .containsEntry("server_generation_s", "").containsEntry("server_stop_reason", ""));
    }

    @Test
    void marksEstimatedTokenCountsOnEveryRowOfThatModel() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());

        assertThat(rows).filteredOn(r -> r.get("model").equals("llama-3.2-1b-instruct"))
                .hasSize(3).allSatisfy(r -> assertThat(r).containsEntry("tokens_estimated", "true"));
        assertThat(rows).filteredOn(r -> r.get("model").equals("qwen3-8b@q4_k_m"))
                .allSatisfy(r -> assertThat(r).containsEntry("tokens_estimated", "false"));
    }

    @Test
    void saysWhereTheTokenCountsCameFromAndATokenizersCountsAreNotEstimated() throws Exception {
        RequestResult counted = new RequestResult("m", 0, 1, 0, false, RunMode.STREAM, SampleReports.T0,
                RequestTimings.failed(0, 5), new TokenUsage(7, 3, 0, dev.lmsbench.core.model.TokenCountSource
                .SERVER_TOKENIZER, TokenUsage.UNKNOWN), "", "", ServerStats.NONE, ErrorType.NONE, -1);
        assertThat(cells(counted)).containsEntry("token_count_source", "server_tokenizer")
                .containsEntry("tokens_estimated", "false").containsEntry("prompt_tokens", "7");
    }

    @Test
    void writesTheErrorTypeAndTheHttpStatusOfAnHttpError() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());

        assertThat(rows).filteredOn(r -> r.get("ok").equals("true"))
                .allSatisfy(r -> assertThat(r).containsEntry("error_type", "").containsEntry("http_status", ""));
        assertThat(rows).filteredOn(r -> r.get("ok").equals("false")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("error_type", "http_status")
                        .containsEntry("http_status", "500"));
        RequestResult timeout = new RequestResult("m", 0, 1, 0, false, RunMode.STREAM, SampleReports.T0,
                RequestTimings.failed(0, 5), TokenUsage.reported(0, 0, 0), "", "timed out", ServerStats.NONE,
                ErrorType.TIMEOUT, -1);
        assertThat(cells(timeout)).containsEntry("error_type", "timeout").containsEntry("http_status", "");
    }

    @Test
    void removesControlBytesAndEscapeSequencesFromServerTextInEveryCell() throws Exception {
        String nasty = "x\u0000\u001b[2J\u001b]0;title\u0007\r\ny";
        RequestResult r = new RequestResult("id" + nasty, 0, 1, 0, false, RunMode.STREAM, SampleReports.T0,
                RequestTimings.failed(0, 5), TokenUsage.reported(0, 0, 0), "stop" + nasty, "error" + nasty,
                new ServerStats(1, 1, 1, "eos" + nasty, "src"), ErrorType.SERVER_ERROR, -1);

        Map<String, String> cells = cells(r);

        assertThat(cells).containsEntry("model", "idx y").containsEntry("error", "errorx y")
                .containsEntry("finish_reason", "stopx y").containsEntry("server_stop_reason", "eosx y")
                .containsEntry("error_type", "server_error");
    }

    @Test
    void writesTheUsageCheckAndTheStreamedChunksOfStreamedAnswersAndLeavesThemEmptyWhereNotChecked()
            throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());

        Map<String, String> corrected = rows.get(4);
        assertThat(corrected).containsEntry("run_mode", "stream")
                .containsEntry("idx", Integer.toString(SampleReports.CORRECTED_INDEX))
                .containsEntry("usage_check", "corrected_off_by_one")
                .containsEntry("streamed_chunks", corrected.get("chunk_count"))
                .containsEntry("completion_tokens", corrected.get("chunk_count"));
        assertThat(rows.get(2)).containsEntry("usage_check", "agree")
                .containsEntry("streamed_chunks", rows.get(2).get("chunk_count"));
        assertThat(rows).filteredOn(r -> r.get("run_mode").equals("nonstream")
                        || r.get("model").equals("llama-3.2-1b-instruct"))
                .hasSize(7)
                .allSatisfy(r -> assertThat(r).containsEntry("usage_check", "").containsEntry("streamed_chunks", ""));
        RequestResult mismatch = withUsageCheck(rows.size(), new dev.lmsbench.core.model.UsageCheck(
                dev.lmsbench.core.model.UsageCheck.Verdict.MISMATCH, 9, 12));
        assertThat(cells(mismatch)).containsEntry("usage_check", "mismatch").containsEntry("streamed_chunks", "9");
    }

    @Test
    void writesTheServersDraftFiguresAndModelLoadTimeAndLeavesThemEmptyWhereItReportedNone() throws Exception {
        List<Map<String, String>> rows = CsvReader.read(write());

        Map<String, String> stream = rows.get(2);
        dev.lmsbench.core.model.DraftStats expected =
                SampleReports.draft(Integer.parseInt(stream.get("completion_tokens")));
        assertThat(stream).containsEntry("draft_model", SampleReports.DRAFT_MODEL)
                .containsEntry("draft_accepted", Integer.toString(expected.acceptedTokens()))
                .containsEntry("draft_total", Integer.toString(expected.totalTokens()))
                .containsEntry("draft_acceptance_rate", Csv.decimal(expected.acceptanceRate()))
                .containsEntry("server_model_load_s", "");
        assertThat(rows.get(0)).containsEntry("server_model_load_s", "3.5");
        assertThat(rows).filteredOn(r -> r.get("model").equals("llama-3.2-1b-instruct") || r.get("ok").equals("false"))
                .hasSize(4)
                .allSatisfy(r -> assertThat(r).containsEntry("draft_model", "").containsEntry("draft_accepted", "")
                        .containsEntry("draft_total", "").containsEntry("draft_acceptance_rate", "")
                        .containsEntry("server_model_load_s", ""));
        // a draft model whose counts the server left out, and one that proposed no token: no rate
        RequestResult unknown = withDraft(new dev.lmsbench.core.model.DraftStats("d\u001b[2J", -1, -1, -1, -1));
        assertThat(cells(unknown)).containsEntry("draft_model", "d").containsEntry("draft_accepted", "")
                .containsEntry("draft_total", "").containsEntry("draft_acceptance_rate", "");
        RequestResult none = withDraft(new dev.lmsbench.core.model.DraftStats("d", 0, 0, 0, 0));
        assertThat(cells(none)).containsEntry("draft_accepted", "0").containsEntry("draft_total", "0")
                .containsEntry("draft_acceptance_rate", "");
    }

    private static RequestResult withDraft(dev.lmsbench.core.model.DraftStats draft) {
        return new RequestResult("m", 0, 1, 0, false, RunMode.STREAM, SampleReports.T0, RequestTimings.failed(0, 5),
                TokenUsage.reported(1, 1, 0), "stop", "",
                new ServerStats(1, 1, 1, "", "src").withDraft(draft), ErrorType.NONE, -1);
    }

    private static RequestResult withUsageCheck(int index, dev.lmsbench.core.model.UsageCheck check) {
        return new RequestResult("m", 0, 1, index, false, RunMode.STREAM, SampleReports.T0,
                RequestTimings.failed(0, 5), TokenUsage.reported(1, 12, 0), "stop", "", ServerStats.NONE,
                ErrorType.NONE, -1, check);
    }

    private static Map<String, String> cells(RequestResult r) {
        Map<String, String> cells = new java.util.LinkedHashMap<>();
        RequestsCsv.COLUMNS.forEach(c -> cells.put(c.name(), c.cell().apply(r)));
        return cells;
    }

    private Path write() throws Exception {
        new CsvReportWriter().write(SampleReports.completed(), dir);
        return dir.resolve("requests.csv");
    }
}
