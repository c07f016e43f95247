package dev.lmsbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class JsonReportWriterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.lmsbench.report.DefaultLocale#locales")
    void writesTheGoldenResultsUnderEveryDefaultLocale(Locale locale) throws Exception {
        DefaultLocale.with(locale, () -> new JsonReportWriter().write(SampleReports.completed(), dir));

        Golden.assertMatches(dir.resolve("results.json"), "results.json");
    }

    @Test
    void writesTheTopLevelFieldsInAStableOrder() throws Exception {
        JsonNode root = write();

        assertThat(fieldNames(root)).containsExactly("schema_version", "tool", "run", "hardware", "models", "requests",
                "best_settings");
        assertThat(root.get("schema_version").isInt()).isTrue();
        assertThat(root.get("schema_version").intValue()).isEqualTo(6);
        assertThat(root.at("/tool/name").asText()).isEqualTo("lmsbench");
        assertThat(root.at("/tool/version").asText()).isEqualTo("0.1.0-test");
        assertThat(fieldNames(root.get("run")))
                .containsExactly("run_id", "started_at", "finished_at", "status", "endpoint", "settings", "server",
                        "profiling", "measurement_version");
        assertThat(fieldNames(root.at("/run/server"))).containsExactly("base_url", "kind", "version", "runtime");
        assertThat(fieldNames(root.at("/run/settings"))).containsExactly("prompt", "max_tokens", "context_length",
                "runs", "warmup_runs", "parallel", "temperature", "request_timeout_s", "non_streaming", "sampling",
                "load", "prompt_cache", "draft_model");
        assertThat(fieldNames(root.at("/run/settings/sampling")))
                .containsExactly("temperature", "top_k", "top_p", "min_p", "repeat_penalty");
        assertThat(fieldNames(root.at("/run/settings/load"))).containsExactly("context_length", "n_gpu_layers",
                "n_batch", "n_threads", "flash_attention", "rope_freq_base", "rope_freq_scale", "use_mmap",
                "use_mlock", "kv_cache_quant", "ttl_s", "num_experts", "offload_kv_cache_to_gpu", "parallel",
                "gpu_offload");
    }

    @Test
    void writesTheRunWithUtcTimestampsAndSettings() throws Exception {
        JsonNode run = write().get("run");

        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("started_at").asText()).isEqualTo("2026-11-25T14:46:30Z");
        assertThat(run.get("finished_at").asText()).endsWith("Z");
        assertThat(run.at("/settings/prompt").asText()).isEqualTo(SampleReports.PROMPT);
        assertThat(run.at("/settings/request_timeout_s").doubleValue()).isEqualTo(120.5);
        assertThat(run.at("/settings/temperature").doubleValue()).isEqualTo(0.2);
    }

    @Test
    void aHardwareSampleHasSecondsFromTheFirstSampleAndNullForUnavailableFigures() {
        GpuSample gpu = new GpuSample(0, "Fake RTX", 9_000_000_000L, 24_000_000_000L, -1, 87, Double.NaN, 312.5,
                450, 71, 2520, -1, 4, 16);
        JsonNode node = JsonMapping.hardwareSample(new HardwareSample(5_250_000_000L, Double.NaN, 8_000_000_000L,
                32_000_000_000L, -1, 900_000_000L, List.of(gpu)), 5_000_000_000L);

        assertThat(fieldNames(node)).containsExactly("t_s", "cpu_load_pct", "ram_used_bytes", "swap_used_bytes",
                "process_rss_bytes", "gpus");
        assertThat(node.get("t_s").doubleValue()).isEqualTo(0.25);
        assertThat(node.get("cpu_load_pct").isNull()).isTrue();
        assertThat(node.get("swap_used_bytes").isNull()).isTrue();
        assertThat(node.get("ram_used_bytes").longValue()).isEqualTo(8_000_000_000L);
        JsonNode g = node.at("/gpus/0");
        assertThat(fieldNames(g)).containsExactly("index", "vram_used_bytes", "vram_total_bytes", "gtt_used_bytes",
                "gpu_util_pct", "mem_util_pct", "power_w", "power_limit_w", "temp_c", "core_clock_mhz",
                "mem_clock_mhz", "pcie_gen", "pcie_width");
        assertThat(g.get("vram_used_bytes").longValue()).isEqualTo(9_000_000_000L);
        assertThat(g.get("gtt_used_bytes").isNull()).isTrue();
        assertThat(g.get("mem_util_pct").isNull()).isTrue();
        assertThat(g.get("power_w").doubleValue()).isEqualTo(312.5);
        assertThat(g.get("mem_clock_mhz").isNull()).isTrue();
        assertThat(g.get("pcie_gen").intValue()).isEqualTo(4);
    }

    @Test
    void writesEveryModelAndRequestFieldInTheDocumentedOrder() throws Exception {
        JsonNode root = write();

        assertThat(fieldNames(root.at("/models/0"))).containsExactly("model", "ctx", "par", "status", "error",
                "error_type", "request_count", "success_count", "error_count", "errors_by_type", "tokens",
                "tokens_estimated", "token_count_source", "usage_corrected", "usage_mismatched", "load_time_s",
                "load", "warmup", "calibration", "load_test", "throughput", "system_output_toks_per_s", "system_requests_per_s",
                "distributions",
                "server_distributions", "draft_acceptance", "started_at", "finished_at", "hardware",
                "hardware_samples");
        assertThat(fieldNames(root.at("/models/0/load"))).containsExactly("memory_bytes", "vram_bytes", "method",
                "instance_id", "context_length", "parallel", "gpu_offload", "ttl_s", "notes", "duplicate_instances");
        assertThat(fieldNames(root.at("/models/0/draft_acceptance")))
                .containsExactly("count", "min", "mean", "stdev", "p50", "p90", "p95", "p99", "max");
        assertThat(fieldNames(root.at("/models/0/hardware/0"))).containsExactly("name", "unit", "aggregation",
                "value");
        assertThat(fieldNames(root.at("/models/0/model"))).containsExactly("id", "type", "publisher",
                "architecture", "quantization", "size_bytes", "max_context_length", "params", "capabilities");
        assertThat(fieldNames(root.at("/models/0/distributions"))).containsExactly("ttft_s", "first_content_s",
                "prefill_toks_per_s", "decode_toks_per_s", "tpot_s", "itl_s", "e2e_s", "completion_toks_per_s");
        assertThat(fieldNames(root.at("/models/0/distributions/itl_s")))
                .containsExactly("count", "min", "mean", "stdev", "p50", "p90", "p95", "p99", "max");
        assertThat(fieldNames(root.at("/models/0/server_distributions"))).containsExactly("tokens_per_second",
                "ttft_s", "prompt_toks_per_s", "prompt_s");
        assertThat(fieldNames(root.at("/models/0/tokens"))).containsExactly("prompt", "completion", "reasoning",
                "visible", "estimated", "source", "prompt_cached", "prompt_cache_unknown", "prompt_cache_known");
        assertThat(fieldNames(root.at("/models/0/server_distributions/ttft_s")))
                .containsExactly("count", "min", "mean", "stdev", "p50", "p90", "p95", "p99", "max");
        assertThat(fieldNames(root.at("/requests/0"))).containsExactly("model", "ctx", "par", "idx", "run_mode",
                "warmup", "started_at", "ok", "error", "error_type", "http_status", "attempts", "error_final",
                "finish_reason", "wall_s",
                "ttft_s", "first_content_s",
                "prefill_toks_per_s", "decode_toks_per_s", "tpot_s", "completion_toks_per_s", "prompt_tokens",
                "prompt_tokens_cached", "completion_tokens", "reasoning_tokens", "visible_tokens", "tokens_estimated",
                "token_count_source", "chunk_count", "usage_check",
                "server_stats");
        assertThat(fieldNames(root.at("/models/0/calibration"))).containsExactly("target_prompt_tokens",
                "chars_per_token", "calibrated_prompt_tokens", "calls", "within_tolerance", "source");
        assertThat(fieldNames(root.at("/requests/0/usage_check"))).containsExactly("verdict", "streamed_chunks",
                "reported_completion_tokens");
        assertThat(fieldNames(root.at("/requests/0/server_stats"))).containsExactly("source", "tokens_per_second",
                "time_to_first_token_s", "generation_time_s", "stop_reason", "prompt_toks_per_s", "prompt_s",
                "prompt_tokens", "cached_tokens", "generated_tokens", "model_load_s", "draft");
        assertThat(fieldNames(root.at("/requests/0/server_stats/draft"))).containsExactly("draft_model",
                "total_tokens", "accepted_tokens", "rejected_tokens", "ignored_tokens", "acceptance_rate");
        assertThat(root.get("requests")).hasSize(13);
        assertThat(root.at("/requests/0/warmup").booleanValue()).isTrue();
    }

    @Test
    void writesSideMetricsAsNamedUnitCarryingValuesAndAnEmptyArrayWithoutProfiling() throws Exception {
        JsonNode root = write();

        JsonNode qwen = root.at("/models/0/hardware");
        assertThat(qwen).hasSize(SampleReports.QWEN_HARDWARE.size());
        assertThat(qwen.get(0).get("name").asText()).isEqualTo("gpu.vram.used");
        assertThat(qwen.get(0).get("unit").asText()).isEqualTo("bytes");
        assertThat(qwen.get(0).get("aggregation").asText()).isEqualTo("max");
        assertThat(qwen.get(0).get("value").doubleValue()).isEqualTo(7_812_345_678.0);
        assertThat(qwen.get(7).get("unit").asText()).isEqualTo("°C");
        assertThat(root.at("/models/1/hardware")).hasSize(SampleReports.LLAMA_HARDWARE.size());
        assertThat(root.at("/models/2/hardware").isArray()).isTrue();
        assertThat(root.at("/models/2/hardware")).isEmpty();
    }

    @Test
    void writesTheSamplingParametersAndLoadConfigurationWithUnsetOnesNull() throws Exception {
        JsonNode settings = write().at("/run/settings");

        // the flat fields stay for readers of the first layout, and agree with the nested ones
        assertThat(settings.get("temperature")).isEqualTo(settings.at("/sampling/temperature"));
        assertThat(settings.get("context_length")).isEqualTo(settings.at("/load/context_length"));
        JsonNode sampling = settings.get("sampling");
        assertThat(sampling.get("top_k").isInt()).isTrue();
        assertThat(sampling.get("top_k").intValue()).isEqualTo(40);
        assertThat(sampling.get("top_p").doubleValue()).isEqualTo(0.95);
        assertThat(sampling.get("min_p").isNull()).isTrue();
        assertThat(sampling.get("repeat_penalty").doubleValue()).isEqualTo(1.1);
        JsonNode load = settings.get("load");
        assertThat(load.get("context_length").intValue()).isEqualTo(8192);
        assertThat(load.get("n_gpu_layers").intValue()).isEqualTo(-1);
        assertThat(load.get("n_batch").intValue()).isEqualTo(512);
        assertThat(load.get("flash_attention").booleanValue()).isTrue();
        assertThat(load.get("use_mlock").isBoolean()).isTrue();
        assertThat(load.get("use_mlock").booleanValue()).isFalse();
        assertThat(load.get("kv_cache_quant").asText()).isEqualTo("q8_0");
        assertThat(load.get("ttl_s").intValue()).isEqualTo(600);
        for (String unset : List.of("n_threads", "rope_freq_base", "rope_freq_scale", "use_mmap")) {
            assertThat(load.get(unset).isNull()).as(unset).isTrue();
        }
    }

    @Test
    void writesTheParameterCountAndCapabilitiesOfEveryModel() throws Exception {
        JsonNode root = write();

        assertThat(root.at("/models/0/model/params").asText()).isEqualTo("8B");
        // enum order, whatever order they were given in
        assertThat(root.at("/models/0/model/capabilities").isArray()).isTrue();
        assertThat(root.at("/models/0/model/capabilities")).extracting(JsonNode::asText)
                .containsExactly("tool_use", "reasoning");
        for (String model : List.of("/models/1/model", "/models/2/model")) {
            assertThat(root.at(model + "/params").asText()).as(model).isEmpty();
            assertThat(root.at(model + "/capabilities").isArray()).as(model).isTrue();
            assertThat(root.at(model + "/capabilities")).as(model).isEmpty();
        }
    }

    @Test
    void writesServerReportedStatsBesideTheClientFiguresLabelledBySource() throws Exception {
        JsonNode root = write();
        JsonNode stream = root.at("/requests/2");
        JsonNode server = stream.get("server_stats");

        assertThat(stream.get("run_mode").asText()).isEqualTo("stream");
        assertThat(server.get("source").asText()).isEqualTo(SampleReports.STATS_SOURCE);
        assertThat(server.get("stop_reason").asText()).isEqualTo("eosFound");
        // both figures are kept: the server's does not replace the client's
        assertThat(server.get("time_to_first_token_s").doubleValue()).isPositive()
                .isNotEqualTo(stream.get("ttft_s").doubleValue());
        assertThat(server.get("tokens_per_second").doubleValue()).isPositive();
        assertThat(server.get("generation_time_s").doubleValue()).isPositive();
        // a server may report some figures and not others
        assertThat(root.at("/requests/0/server_stats/generation_time_s").isNull()).isTrue();
        assertThat(root.at("/requests/0/server_stats/tokens_per_second").isNumber()).isTrue();
        // a non-streaming call has no client TTFT, but the server may still report one
        assertThat(root.at("/requests/3/ttft_s").isNull()).isTrue();
        assertThat(root.at("/requests/3/server_stats/time_to_first_token_s").isNumber()).isTrue();
        // no stats: the failed call, and every call to a server that reports none
        assertThat(root.at("/requests/9/server_stats").isNull()).isTrue();
        root.get("requests").forEach(r -> {
            if (r.get("model").asText().equals("llama-3.2-1b-instruct")) {
                assertThat(r.get("server_stats").isNull()).isTrue();
            }
        });
    }

    @Test
    void summarizesServerStatsOfTheMeasuredStreamingCallsOnly() throws Exception {
        JsonNode root = write();
        JsonNode qwen = root.at("/models/0/server_distributions");

        // 4 measured streaming calls reported stats; warmups and non-streaming calls are left out
        assertThat(qwen.at("/tokens_per_second/count").intValue()).isEqualTo(4);
        assertThat(qwen.at("/ttft_s/count").intValue()).isEqualTo(4);
        assertThat(qwen.at("/ttft_s/p50").doubleValue())
                .isNotEqualTo(root.at("/models/0/distributions/ttft_s/p50").doubleValue());
        for (String model : List.of("/models/1", "/models/2")) {
            JsonNode server = root.at(model + "/server_distributions");
            assertThat(server.at("/tokens_per_second/count").intValue()).as(model).isZero();
            assertThat(server.at("/ttft_s/p50").isNull()).as(model).isTrue();
        }
    }

    @Test
    void writesUndefinedNumbersAsNull() throws Exception {
        JsonNode root = write();
        JsonNode mistral = root.at("/models/2");
        JsonNode llama = root.at("/models/1");

        assertThat(mistral.at("/distributions/ttft_s/count").intValue()).isZero();
        assertThat(mistral.at("/distributions/ttft_s/mean").isNull()).isTrue();
        assertThat(mistral.at("/throughput/completion_toks_per_s_total").isNull()).isTrue();
        assertThat(mistral.at("/load_time_s").isNull()).isTrue();
        assertThat(llama.at("/throughput/nonstream_toks_per_s_total").isNull()).isTrue();
        assertThat(llama.at("/model/size_bytes").isNull()).isTrue();
        assertThat(llama.at("/model/max_context_length").isNull()).isTrue();
        assertThat(llama.at("/warmup/load_estimate_s").isNull()).isTrue();
        JsonNode nonStream = root.at("/requests/3");
        assertThat(nonStream.get("run_mode").asText()).isEqualTo("nonstream");
        assertThat(nonStream.get("ttft_s").isNull()).isTrue();
        assertThat(nonStream.get("wall_s").isNumber()).isTrue();
    }

    @Test
    void writesTheLoadMemoryTheServerReportedAndNullWhereItSaidNothing() throws Exception {
        JsonNode root = write();

        assertThat(root.at("/models/0/load/memory_bytes").longValue()).isEqualTo(9_137_025_024L);
        assertThat(root.at("/models/0/load/vram_bytes").longValue()).isEqualTo(8_137_025_024L);
        assertThat(root.at("/models/1/load/memory_bytes").isNull()).isTrue();
        assertThat(root.at("/models/1/load/vram_bytes").isNull()).isTrue();
    }

    @Test
    void marksEstimatedTokensInTheModelAndItsRequests() throws Exception {
        JsonNode root = write();

        assertThat(root.at("/models/1/tokens_estimated").booleanValue()).isTrue();
        assertThat(root.at("/models/1/tokens/estimated").booleanValue()).isTrue();
        assertThat(root.at("/models/0/tokens_estimated").booleanValue()).isFalse();
        assertThat(root.at("/models/1/token_count_source").asText()).isEqualTo("estimate");
        assertThat(root.at("/models/1/tokens/source").asText()).isEqualTo("estimate");
        assertThat(root.at("/models/0/token_count_source").asText()).isEqualTo("usage");
        List<JsonNode> llamaRequests = new ArrayList<>();
        root.get("requests").forEach(r -> {
            if (r.get("model").asText().equals("llama-3.2-1b-instruct")) {
                llamaRequests.add(r);
            }
        });
        assertThat(llamaRequests).hasSize(3)
                .allSatisfy(r -> assertThat(r.get("tokens_estimated").booleanValue()).isTrue())
                .allSatisfy(r -> assertThat(r.get("token_count_source").asText()).isEqualTo("estimate"));
    }

    @Test
    void writesPlainNumbersWithADotAndNoExponentUnderAGermanLocale() throws Exception {
        DefaultLocale.with(Locale.GERMANY, () -> new JsonReportWriter().write(SampleReports.completed(), dir));
        String text = Files.readString(dir.resolve("results.json"), StandardCharsets.UTF_8);

        assertThat(text).contains("\"temperature\": 0.2,").contains("\"request_timeout_s\": 120.5,")
                .contains("\"load_time_s\": 4.25,").doesNotContainPattern("\\d,\\d")
                .doesNotContainPattern("\\d[eE][-+]?\\d").doesNotContain("NaN").doesNotContain("\r");
        assertThat(text).startsWith("{\n  \"schema_version\": 6,\n").endsWith("}\n");
    }

    @Test
    void writesAnErrorHoldingCommaAndQuotesWithoutItsLineBreaksAndControlBytes() throws Exception {
        JsonNode root = write();

        assertThat(root.at("/models/2/error").asText()).isEqualTo(SampleReports.LOAD_ERROR_SAFE);
        assertThat(root.at("/requests/9/error").asText()).isEqualTo(SampleReports.REQUEST_ERROR_SAFE);
        assertThat(root.at("/requests/9/ok").booleanValue()).isFalse();
    }

    @Test
    void writesAValidDocumentForACancelledPartialReport() throws Exception {
        new JsonReportWriter().write(SampleReports.cancelled(), dir);

        JsonNode root = MAPPER.readTree(dir.resolve("results.json").toFile());
        assertThat(root.at("/run/status").asText()).isEqualTo("cancelled");
        assertThat(root.get("models")).hasSize(2);
        assertThat(root.at("/models/1/status").asText()).isEqualTo("cancelled");
        assertThat(root.at("/models/1/error").asText()).isEqualTo("cancelled by user");
        assertThat(root.get("requests")).hasSize(12);
    }

    @Test
    void leavesOnlyResultsJsonBehind() throws Exception {
        new JsonReportWriter().write(SampleReports.completed(), dir);
        new JsonReportWriter().write(SampleReports.cancelled(), dir);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("results.json");
        }
    }

    @Test
    void writesTheServerProfilingAndMeasurementVersionOfTheRun() throws Exception {
        JsonNode run = write().get("run");

        assertThat(run.at("/server/base_url").asText()).isEqualTo("http://127.0.0.1:1234");
        assertThat(run.at("/server/kind").asText()).isEqualTo("lmstudio");
        assertThat(run.at("/server/version").asText()).isEqualTo("0.3.31");
        assertThat(run.at("/server/runtime").asText()).isEqualTo(SampleReports.SERVER.runtime());
        assertThat(run.get("profiling").booleanValue()).isTrue();
        assertThat(run.get("measurement_version").intValue()).isEqualTo(RunInfo.MEASUREMENT_VERSION);
    }

    @Test
    void writesTheErrorTypeOfEveryFailureAndNullForSuccessAndNonHttpErrors() throws Exception {
        JsonNode root = write();

        JsonNode failed = root.at("/requests/9");
        assertThat(failed.get("error_type").asText()).isEqualTo("http_status");
        assertThat(failed.get("http_status").intValue()).isEqualTo(500);
        JsonNode ok = root.at("/requests/0");
        assertThat(ok.get("error_type").isNull()).isTrue();
        assertThat(ok.get("http_status").isNull()).isTrue();
        assertThat(root.at("/models/0/error_type").isNull()).isTrue();
        assertThat(root.at("/models/0/errors_by_type").toString()).isEqualTo("{\"http_status\":1}");
        assertThat(root.at("/models/1/errors_by_type").toString()).isEqualTo("{}");
        assertThat(root.at("/models/2/error_type").asText()).isEqualTo("http_status");

        RequestResult timeout = new RequestResult("m", 0, 1, 0, false, RunMode.STREAM, SampleReports.T0,
                RequestTimings.failed(0, 5), TokenUsage.reported(0, 0, 0), "", "timed out", ServerStats.NONE,
                ErrorType.TIMEOUT, -1);
        JsonNode node = JsonMapping.request(timeout);
        assertThat(node.get("error_type").asText()).isEqualTo("timeout");
        assertThat(node.get("http_status").isNull()).isTrue();
    }

    @Test
    void writesTheSystemThroughputOfEachModelAndNullWhenUndefined() throws Exception {
        BenchmarkReport report = SampleReports.completed();
        JsonNode root = write();

        assertThat(root.at("/models/0/system_output_toks_per_s").doubleValue())
                .isEqualTo(report.models().getFirst().systemOutputTokensPerSecond()).isPositive();
        assertThat(root.at("/models/0/system_requests_per_s").doubleValue())
                .isEqualTo(report.models().getFirst().systemRequestsPerSecond()).isPositive();
        assertThat(root.at("/models/2/system_output_toks_per_s").isNull()).isTrue();
        assertThat(root.at("/models/2/system_requests_per_s").isNull()).isTrue();
    }

    @Test
    void writesStatusFailedForARunWhoseEveryModelFailed() throws Exception {
        BenchmarkReport sample = SampleReports.completed();
        BenchmarkReport failed = new BenchmarkReport(sample.run(), RunStatus.FAILED, sample.finishedAt(),
                List.of(sample.models().get(2)), List.of());

        new JsonReportWriter().write(failed, dir);

        JsonNode root = MAPPER.readTree(dir.resolve("results.json").toFile());
        assertThat(root.at("/run/status").asText()).isEqualTo("failed");
        assertThat(root.at("/models/0/status").asText()).isEqualTo("failed");
    }

    @Test
    void removesControlBytesAndEscapeSequencesFromEveryStringAServerSent() throws Exception {
        String nasty = "x\u0000\u001b[2J\u001b]0;title\u0007y\u202e";
        ModelInfo model = new ModelInfo("id" + nasty, "llm" + nasty, "pub" + nasty, "arch" + nasty,
                "Q4" + nasty, 1, 2, "8B" + nasty, java.util.Set.of());
        RequestResult r = new RequestResult(model.id(), 0, 1, 0, false, RunMode.STREAM, SampleReports.T0,
                RequestTimings.failed(0, 5), TokenUsage.reported(0, 0, 0), "stop" + nasty, "error" + nasty,
                new ServerStats(1, 1, 1, "eos" + nasty, "src"), ErrorType.SERVER_ERROR, -1);
        ModelSummary s = ModelSummary.of(model, SampleReports.settings(), List.of(r), RunStatus.FAILED,
                "failed" + nasty, 1, SampleReports.T0, SampleReports.T0);
        RunInfo run = SampleReports.run().withServer(new ServerInfo("http://h" + nasty, "k" + nasty,
                "v" + nasty, "rt" + nasty));
        new JsonReportWriter().write(new BenchmarkReport(run, RunStatus.FAILED, SampleReports.T0, List.of(s),
                List.of(r)), dir);

        String text = Files.readString(dir.resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\\u0000", "\\u001B", "\\u001b", "\\u0007", "\u202e", "[2J", "title");
        JsonNode root = MAPPER.readTree(text);
        assertThat(root.at("/models/0/model/id").asText()).isEqualTo("idxy");
        assertThat(root.at("/models/0/error").asText()).isEqualTo("failedxy");
        assertThat(root.at("/requests/0/error").asText()).isEqualTo("errorxy");
        assertThat(root.at("/requests/0/finish_reason").asText()).isEqualTo("stopxy");
        assertThat(root.at("/requests/0/server_stats/stop_reason").asText()).isEqualTo("eosxy");
        assertThat(root.at("/run/server/version").asText()).isEqualTo("vxy");
    }

    @Test
    void writesTheDraftModelParallelSlotsAndGpuOffloadOfTheSettingsAndNullOrEmptyWhenUnset() throws Exception {
        JsonNode settings = write().at("/run/settings");

        assertThat(settings.get("draft_model").asText()).isEqualTo(SampleReports.DRAFT_MODEL);
        assertThat(settings.at("/load/parallel").isInt()).isTrue();
        assertThat(settings.at("/load/parallel").intValue()).isEqualTo(2);
        assertThat(settings.at("/load/gpu_offload").doubleValue()).isEqualTo(0.75);
        assertThat(settings.at("/load/ttl_s").intValue()).isEqualTo(600);
        JsonNode defaults = JsonMapping.settings(dev.lmsbench.core.model.BenchmarkSettings.defaults());
        assertThat(defaults.get("draft_model").isTextual()).isTrue();
        assertThat(defaults.get("draft_model").asText()).isEmpty();
        assertThat(defaults.at("/load/parallel").isNull()).isTrue();
        assertThat(defaults.at("/load/gpu_offload").isNull()).isTrue();
    }

    @Test
    void writesTheUsageCheckOfEveryStreamedAnswerWithUsageAndNullWhereNothingWasChecked() throws Exception {
        JsonNode root = write();

        JsonNode corrected = root.at("/requests/4");
        assertThat(corrected.get("run_mode").asText()).isEqualTo("stream");
        assertThat(corrected.get("idx").intValue()).isEqualTo(SampleReports.CORRECTED_INDEX);
        assertThat(corrected.at("/usage_check/verdict").asText()).isEqualTo("corrected_off_by_one");
        int chunks = corrected.get("chunk_count").intValue();
        assertThat(corrected.at("/usage_check/streamed_chunks").intValue()).isEqualTo(chunks);
        assertThat(corrected.at("/usage_check/reported_completion_tokens").intValue()).isEqualTo(chunks - 1);
        assertThat(corrected.get("completion_tokens").intValue()).as("the corrected count").isEqualTo(chunks);
        assertThat(root.at("/requests/2/usage_check/verdict").asText()).isEqualTo("agree");
        // non-streamed, failed and estimated calls were not checked
        assertThat(root.at("/requests/3/usage_check").isNull()).isTrue();
        assertThat(root.at("/requests/9/usage_check").isNull()).isTrue();
        root.get("requests").forEach(r -> {
            if (r.get("model").asText().equals("llama-3.2-1b-instruct")) {
                assertThat(r.get("usage_check").isNull()).isTrue();
            }
        });
        JsonNode mismatch = JsonMapping.usageCheck(
                new dev.lmsbench.core.model.UsageCheck(dev.lmsbench.core.model.UsageCheck.Verdict.MISMATCH, 12, -1));
        assertThat(mismatch.get("verdict").asText()).isEqualTo("mismatch");
        assertThat(mismatch.get("streamed_chunks").intValue()).isEqualTo(12);
        assertThat(mismatch.get("reported_completion_tokens").isNull()).isTrue();
    }

    @Test
    void writesTheServersDraftFiguresAndModelLoadTimeAndNullWhereItReportedNone() throws Exception {
        JsonNode root = write();

        JsonNode first = root.at("/requests/0/server_stats");
        assertThat(first.get("model_load_s").doubleValue()).isEqualTo(3.5);
        assertThat(root.at("/requests/1/server_stats/model_load_s").isNull()).isTrue();
        JsonNode draft = root.at("/requests/2/server_stats/draft");
        int completion = root.at("/requests/2/completion_tokens").intValue();
        dev.lmsbench.core.model.DraftStats expected = SampleReports.draft(completion);
        assertThat(draft.get("draft_model").asText()).isEqualTo(SampleReports.DRAFT_MODEL);
        assertThat(draft.get("total_tokens").intValue()).isEqualTo(expected.totalTokens());
        assertThat(draft.get("accepted_tokens").intValue()).isEqualTo(expected.acceptedTokens());
        assertThat(draft.get("rejected_tokens").intValue()).isEqualTo(expected.rejectedTokens());
        assertThat(draft.get("ignored_tokens").intValue()).isEqualTo(1);
        assertThat(draft.get("acceptance_rate").doubleValue()).isEqualTo(expected.acceptanceRate())
                .isBetween(0.0, 1.0);
        // a server that reported stats without draft figures, and a draft model with unknown counts
        ServerStats plain = new ServerStats(42.5, Double.NaN, Double.NaN, "", "test.source");
        assertThat(JsonMapping.serverStats(plain).get("draft").isNull()).isTrue();
        assertThat(JsonMapping.serverStats(plain).get("model_load_s").isNull()).isTrue();
        JsonNode named = JsonMapping.draft(new dev.lmsbench.core.model.DraftStats("d", -1, -1, -1, -1));
        assertThat(named.get("draft_model").asText()).isEqualTo("d");
        assertThat(named.get("total_tokens").isNull()).isTrue();
        assertThat(named.get("acceptance_rate").isNull()).isTrue();
    }

    @Test
    void writesHowEachModelWasLoadedAndTheInstanceAsTheServerReportsItWithUnknownsNullOrEmpty() throws Exception {
        JsonNode root = write();

        JsonNode qwen = root.at("/models/0/load");
        assertThat(qwen.get("method").asText()).isEqualTo("rest");
        assertThat(qwen.get("instance_id").asText()).isEqualTo("qwen3-8b@q4_k_m");
        assertThat(qwen.get("context_length").intValue()).isEqualTo(8192);
        assertThat(qwen.get("parallel").intValue()).isEqualTo(1);
        assertThat(qwen.get("gpu_offload").doubleValue()).isEqualTo(0.75);
        assertThat(qwen.get("ttl_s").intValue()).isEqualTo(600);
        assertThat(qwen.get("notes")).extracting(JsonNode::asText)
                .containsExactlyElementsOf(SampleReports.QWEN_LOAD.notes());
        assertThat(qwen.get("duplicate_instances")).extracting(JsonNode::asText)
                .containsExactly("qwen3-8b@q4_k_m:2");
        JsonNode llama = root.at("/models/1/load");
        assertThat(llama.get("method").asText()).isEmpty();
        assertThat(llama.get("instance_id").asText()).isEmpty();
        for (String unknown : List.of("context_length", "parallel", "gpu_offload", "ttl_s")) {
            assertThat(llama.get(unknown).isNull()).as(unknown).isTrue();
        }
        assertThat(llama.get("notes").isArray()).isTrue();
        assertThat(llama.get("notes")).isEmpty();
        assertThat(llama.get("duplicate_instances")).isEmpty();
    }

    @Test
    void writesTheDraftAcceptanceOfTheMeasuredCallsAndTheUsageCorrectionsOfEachModel() throws Exception {
        BenchmarkReport report = SampleReports.completed();
        JsonNode root = write();

        ModelSummary qwen = report.models().getFirst();
        // 4 streamed and 3 successful non-streamed measured calls reported draft figures; warmups are left out
        assertThat(root.at("/models/0/draft_acceptance/count").intValue()).isEqualTo(7);
        assertThat(root.at("/models/0/draft_acceptance/p50").doubleValue())
                .isEqualTo(qwen.draftAcceptance().p50()).isBetween(0.0, 1.0);
        assertThat(root.at("/models/0/usage_corrected").intValue()).isEqualTo(1);
        assertThat(root.at("/models/0/usage_mismatched").intValue()).isZero();
        assertThat(root.at("/models/1/draft_acceptance/count").intValue()).isZero();
        assertThat(root.at("/models/1/draft_acceptance/p50").isNull()).isTrue();
        assertThat(root.at("/models/1/usage_corrected").intValue()).isZero();
        ModelSummary counted = new ModelSummary(qwen.model(), qwen.contextLength(), qwen.parallel(), qwen.status(),
                qwen.error(), qwen.requestCount(), qwen.successCount(), qwen.errorCount(), qwen.ttft(),
                qwen.firstContent(), qwen.prefillTokensPerSecond(), qwen.decodeTokensPerSecond(), qwen.tpot(),
                qwen.interTokenLatency(), qwen.e2e(), qwen.completionTokensPerSecond(),
                qwen.streamTokensPerSecondTotal(), qwen.nonStreamTokensPerSecondTotal(),
                qwen.completionTokensPerSecondTotal(), qwen.tokens(), qwen.warmup(), qwen.loadSeconds(),
                qwen.startedAt(), qwen.finishedAt(), qwen.serverTokensPerSecond(), qwen.serverTtft(),
                qwen.sideMetrics(), qwen.hardwareSamples(), qwen.errorType(), qwen.errorsByType(),
                qwen.systemOutputTokensPerSecond(), qwen.systemRequestsPerSecond(),
                qwen.serverPromptTokensPerSecond(), qwen.serverPromptSeconds(), qwen.loadMemory(),
                qwen.loadDetails(), qwen.draftAcceptance(), 3, 2, qwen.calibration(), null);
        JsonNode node = JsonMapping.modelSummary(counted);
        assertThat(node.get("usage_corrected").intValue()).isEqualTo(3);
        assertThat(node.get("usage_mismatched").intValue()).isEqualTo(2);
    }

    @Test
    void removesControlBytesFromTheDraftModelInstanceIdsAndLoadNotes() {
        String nasty = "x\u0000\u001b[2J\u0007y";
        ModelSummary qwen = SampleReports.completed().models().getFirst().withLoadDetails(
                new dev.lmsbench.core.model.LoadDetails("rest" + nasty, "id" + nasty, 1, 1, Double.NaN, -1,
                        List.of("note" + nasty), List.of("dup" + nasty)));
        JsonNode load = JsonMapping.modelSummary(qwen).get("load");
        assertThat(load.get("method").asText()).isEqualTo("restxy");
        assertThat(load.get("instance_id").asText()).isEqualTo("idxy");
        assertThat(load.at("/notes/0").asText()).isEqualTo("notexy");
        assertThat(load.at("/duplicate_instances/0").asText()).isEqualTo("dupxy");
        JsonNode draft = JsonMapping.draft(new dev.lmsbench.core.model.DraftStats("d" + nasty, 2, 1, 1, 0));
        assertThat(draft.get("draft_model").asText()).isEqualTo("dxy");
    }

    private JsonNode write() throws Exception {
        new JsonReportWriter().write(SampleReports.completed(), dir);
        return MAPPER.readTree(dir.resolve("results.json").toFile());
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
