package dev.lmsbench.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** {@link PrometheusText} on expositions shaped like llama.cpp's and vLLM's {@code /metrics}, and its limits. */
class PrometheusTextTest {

    /** llama.cpp's server with {@code --metrics} (tools/server/server.cpp: counters, then gauges; no labels). */
    static final String LLAMA_CPP = """
            # HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
            # TYPE llamacpp:prompt_tokens_total counter
            llamacpp:prompt_tokens_total 6886
            # HELP llamacpp:prompt_seconds_total Prompt process time
            # TYPE llamacpp:prompt_seconds_total counter
            llamacpp:prompt_seconds_total 2903.63
            # HELP llamacpp:tokens_predicted_total Number of generation tokens processed.
            # TYPE llamacpp:tokens_predicted_total counter
            llamacpp:tokens_predicted_total 3469
            # HELP llamacpp:tokens_predicted_seconds_total Predict process time
            # TYPE llamacpp:tokens_predicted_seconds_total counter
            llamacpp:tokens_predicted_seconds_total 3544.27
            # HELP llamacpp:n_decode_total Total number of llama_decode() calls
            # TYPE llamacpp:n_decode_total counter
            llamacpp:n_decode_total 3512
            # HELP llamacpp:n_busy_slots_per_decode Average number of busy slots per llama_decode() call
            # TYPE llamacpp:n_busy_slots_per_decode counter
            llamacpp:n_busy_slots_per_decode 1
            # HELP llamacpp:prompt_tokens_seconds Average prompt throughput in tokens/s.
            # TYPE llamacpp:prompt_tokens_seconds gauge
            llamacpp:prompt_tokens_seconds 2.37151
            # HELP llamacpp:predicted_tokens_seconds Average generation throughput in tokens/s.
            # TYPE llamacpp:predicted_tokens_seconds gauge
            llamacpp:predicted_tokens_seconds 0.978762
            # HELP llamacpp:requests_processing Number of requests processing.
            # TYPE llamacpp:requests_processing gauge
            llamacpp:requests_processing 1
            # HELP llamacpp:requests_deferred Number of requests deferred.
            # TYPE llamacpp:requests_deferred gauge
            llamacpp:requests_deferred 0
            """;

    /** vLLM's (prometheus_client): labelled samples, floats, histograms with {@code le="+Inf"}, process metrics. */
    static final String VLLM = """
            # HELP python_gc_objects_collected_total Objects collected during gc
            # TYPE python_gc_objects_collected_total counter
            python_gc_objects_collected_total{generation="0"} 12279.0
            # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds 1.73470281845e+09
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 2.0
            # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 5.0
            # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0421
            # HELP vllm:prompt_tokens_total Number of prefill tokens processed.
            # TYPE vllm:prompt_tokens_total counter
            vllm:prompt_tokens_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 1234.0
            # HELP vllm:generation_tokens_total Number of generation tokens processed.
            # TYPE vllm:generation_tokens_total counter
            vllm:generation_tokens_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 567.0
            # HELP vllm:request_success_total Count of successfully processed requests.
            # TYPE vllm:request_success_total counter
            vllm:request_success_total{engine="0",finished_reason="stop",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0
            vllm:request_success_total{engine="0",finished_reason="length",model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.0
            # HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
            # TYPE vllm:time_to_first_token_seconds histogram
            vllm:time_to_first_token_seconds_bucket{engine="0",le="0.001",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0
            vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="meta-llama/Llama-3.1-8B-Instruct"} 4.0
            vllm:time_to_first_token_seconds_count{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 4.0
            vllm:time_to_first_token_seconds_sum{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.2871
            """;

    private static final String M = "{engine=\"0\",model_name=\"meta-llama/Llama-3.1-8B-Instruct\"}";

    private static Map<String, Double> parse(String text) {
        return PrometheusText.parse(text.getBytes(StandardCharsets.UTF_8)).samples();
    }

    @Test
    void llamaCppsExpositionGivesEverySampleByItsNameAndSkipsTheComments() {
        PrometheusText.Result result = PrometheusText.parse(LLAMA_CPP.getBytes(StandardCharsets.UTF_8));

        assertThat(result.samples()).hasSize(10).contains(
                entry("llamacpp:prompt_tokens_total", 6886.0),
                entry("llamacpp:prompt_seconds_total", 2903.63),
                entry("llamacpp:tokens_predicted_total", 3469.0),
                entry("llamacpp:n_decode_total", 3512.0),
                entry("llamacpp:requests_processing", 1.0),
                entry("llamacpp:requests_deferred", 0.0));
        assertThat(result.skippedLines()).isZero();
        assertThat(result.truncated()).isFalse();
    }

    @Test
    void vllmsSamplesAreKeyedByTheirNameWithTheLabelsAsWritten() {
        Map<String, Double> samples = parse(VLLM);

        assertThat(samples).contains(
                entry("vllm:num_requests_running" + M, 2.0),
                entry("vllm:num_requests_waiting" + M, 5.0),
                entry("vllm:kv_cache_usage_perc" + M, 0.0421),
                entry("vllm:prompt_tokens_total" + M, 1234.0),
                entry("vllm:generation_tokens_total" + M, 567.0),
                entry("vllm:request_success_total{engine=\"0\",finished_reason=\"length\","
                        + "model_name=\"meta-llama/Llama-3.1-8B-Instruct\"}", 1.0),
                entry("vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"+Inf\","
                        + "model_name=\"meta-llama/Llama-3.1-8B-Instruct\"}", 4.0),
                entry("python_gc_objects_collected_total{generation=\"0\"}", 12279.0),
                entry("process_start_time_seconds", 1.73470281845e9));
        assertThat(samples).hasSize(13);
    }

    @Test
    void nanAndBothInfinitiesAreValuesAndATimestampIsIgnored() {
        Map<String, Double> samples = parse("""
                a NaN
                b +Inf
                c -Inf
                d 1.5e-3 1395066363000
                e -0.25
                """);

        assertThat(samples.get("a")).isNaN();
        assertThat(samples).contains(entry("b", Double.POSITIVE_INFINITY), entry("c", Double.NEGATIVE_INFINITY),
                entry("d", 0.0015), entry("e", -0.25));
    }

    @Test
    void escapedQuotesBackslashesAndNewlinesInLabelValuesStayAsWritten() {
        String key = "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n"
                + "\\\"FILE.TXT\\\"\"}";
        Map<String, Double> samples = parse(key + " 1.458255915e9\n"
                + "tricky{a=\"} 7\"} 3\n");

        assertThat(samples).containsExactly(entry(key, 1.458255915e9), entry("tricky{a=\"} 7\"}", 3.0));
    }

    @Test
    void malformedLinesAreSkippedAndTheRestIsRead() {
        PrometheusText.Result result = PrometheusText.parse("""
                good 1
                no_value
                bad{unclosed="x 2
                bad_escape{a="\\t"} 3
                hexfloat 0x1p3
                javafloat 1.0d
                9starts_with_digit 4
                two_timestamps 5 6 7
                also_good{a="b",} 8\r
                # a comment of another kind
                """.getBytes(StandardCharsets.UTF_8));

        assertThat(result.samples()).containsExactly(entry("good", 1.0), entry("also_good{a=\"b\",}", 8.0));
        assertThat(result.skippedLines()).isEqualTo(7);
    }

    @Test
    void controlCharactersDropTheSampleAndOtherNonAsciiIsRemovedFromTheKey() {
        Map<String, Double> samples = parse("bell{a=\"\u0007\"} 1\n"
                + "c1{a=\"\u009b31m\"} 2\n"
                + "unicode{a=\"caf\u00e9\u202e\"} 3\n");

        assertThat(samples).containsExactly(entry("unicode{a=\"caf\"}", 3.0));
    }

    @Test
    void aLineLongerThanTheLimitIsSkippedAndTheNextOneRead() {
        String longValue = "x".repeat(PrometheusText.MAX_LINE_BYTES);
        PrometheusText.Result result = PrometheusText.parse(("before 1\nlong{a=\"" + longValue + "\"} 2\nafter 3\n")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(result.samples()).containsExactly(entry("before", 1.0), entry("after", 3.0));
        assertThat(result.skippedLines()).isEqualTo(1);
    }

    @Test
    void atMostTheSampleLimitIsKept() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < PrometheusText.MAX_SAMPLES + 50; i++) {
            body.append("# TYPE s").append(i).append(" gauge\ns").append(i).append(' ').append(i).append('\n');
        }
        PrometheusText.Result result = PrometheusText.parse(body.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(result.samples()).hasSize(PrometheusText.MAX_SAMPLES)
                .containsEntry("s" + (PrometheusText.MAX_SAMPLES - 1), PrometheusText.MAX_SAMPLES - 1.0)
                .doesNotContainKey("s" + PrometheusText.MAX_SAMPLES);
        assertThat(result.truncated()).isTrue();
    }

    @Test
    void onlyTheFirstFourMebibytesOfABodyAreReadAndALineCutThereIsDropped() {
        // lines of 1008 bytes: 4161 whole ones and 16 bytes of the next fit, fewer than the sample limit
        String line = "m_" + "a".repeat(990) + "{i=\"%07d\"} 1\n";
        StringBuilder body = new StringBuilder();
        int i = 0;
        while (body.length() <= PrometheusText.MAX_BODY_BYTES) {
            body.append(String.format(line, i++));
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        int whole = PrometheusText.MAX_BODY_BYTES / line.formatted(0).length();

        PrometheusText.Result result = PrometheusText.parse(bytes);

        assertThat(bytes.length).isGreaterThan(PrometheusText.MAX_BODY_BYTES);
        assertThat(result.truncated()).isTrue();
        assertThat(PrometheusText.MAX_BODY_BYTES % line.formatted(0).length()).isNotZero();
        assertThat(whole).isLessThan(PrometheusText.MAX_SAMPLES).isLessThan(i);
        assertThat(result.samples()).hasSize(whole).containsKey(String.format(line, whole - 1).split(" ")[0])
                .doesNotContainKey(String.format(line, whole).split(" ")[0]);
    }

    @Test
    void nothingAndAnEmptyBodyAreNoSamples() {
        assertThat(PrometheusText.parse(null).samples()).isEmpty();
        assertThat(PrometheusText.parse(new byte[0]).samples()).isEmpty();
        assertThat(parse("\n\n# only comments\n")).isEmpty();
    }
}
