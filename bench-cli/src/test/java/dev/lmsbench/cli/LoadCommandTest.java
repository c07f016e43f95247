package dev.lmsbench.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lmsbench load}'s flags: every bad one is a one-line usage error (exit 2) before anything starts. */
class LoadCommandTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--rate 5 --concurrency 2|--rate and --concurrency exclude each other",
            "--rate 0|--rate: the rate must be a number of requests per second above 0",
            "--concurrency 0|--concurrency: concurrency must be at least 1",
            "--pattern gamma|--pattern gamma needs --rate",
            "--pattern zigzag|--pattern must be poisson, constant, gamma, max, synchronous or concurrency",
            "--rate 5 --burstiness 0.5 --pattern constant|--burstiness shapes gamma arrivals",
            "--rate 5 --pattern gamma --burstiness 0|burstiness must be above 0",
            "--concurrency 4 --max-concurrency 2|--max-concurrency caps an open loop",
            "--pattern synchronous --rate 3|--pattern synchronous takes neither --rate nor --concurrency",
            "--duration 5x|--duration must be a time such as 90s, 5m or 1h, got '5x'",
            "--warmup-time -3s|--warmup-time must be from 0 to 7 days",
            "--num-requests 0|--num-requests must be between 1 and",
            "--goodput ttft=200|--goodput: 'ttft=200' is not metric:milliseconds",
            "--goodput itl:5|--goodput: 'itl:5': unknown metric 'itl'",
            "--percentiles 50,101|--percentiles must be from 0 to 100, got 101.0",
            "--workload nope|--workload nope: unknown workload 'nope'",
            "--workload random --workload-option users=3|--workload random:",
            "--workload-option novalue|--workload-option 'novalue' is not KEY=VALUE",
            "--runs 3|--runs, --warmup, --prompt, --max-tokens and --stream-only do not apply to a load test",
            "--max-tokens 10|do not apply to a load test",
            "--compare-with run-1|--compare-with compares runs",
            "--tag nokey|--tag 'nokey' is not KEY=VALUE"})
    void aBadLoadFlagIsAOneLineUsageError(String flags, String expected) throws Exception {
        List<String> args = new ArrayList<>(List.of("load", "--sim", "--output-dir", dir.resolve("out").toString(),
                "--db", dir.resolve("r.db").toString()));
        args.addAll(List.of(flags.split(" ")));
        MainTest.Outcome o = MainTest.run(args.toArray(String[]::new));
        assertThat(o.code()).as(o.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err().strip()).startsWith("lmsbench: ").doesNotContain("\n").contains(expected)
                .doesNotContain("Exception");
        assertThat(dir.resolve("out")).doesNotExist(); // nothing ran, nothing was written
        assertThat(Files.exists(dir.resolve("r.db"))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"90s,90000", "5m,300000", "1h,3600000", "250ms,250", "2.5,2500", "0,0"})
    void timesReadWithTheirUnits(String text, long millis) {
        assertThat(LoadCommand.time("--duration", text)).isEqualTo(Duration.ofMillis(millis));
    }
}
