package dev.lmsbench.core.load;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The load statistics against NumPy itself (Debian's python3-numpy, which .ci/run installs): the same samples through
 * {@code numpy.percentile} (linear, NumPy's default), {@code numpy.mean}, {@code numpy.median} and {@code numpy.std}
 * (population, as vLLM reports it).
 */
class LatencyStatsNumpyTest {

    private static final List<Double> PS = List.of(1.0, 25.0, 50.0, 90.0, 95.0, 99.0, 99.9);

    @Test
    void percentilesMeanMedianAndStdevMatchNumpysOnTheSameSamples() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        List<double[]> samples = new ArrayList<>();
        samples.add(new double[] {42.0});
        samples.add(new double[] {1, 2, 3, 4});
        samples.add(new double[] {5, 1, 4, 2, 3, 3, 3});
        for (int n : new int[] {10, 101, 1000, 4999}) {
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                // a long-tailed latency: exponential plus a floor
                s[i] = 20 + -Math.log(1 - r.nextDouble()) * 35;
            }
            samples.add(s);
        }
        StringBuilder script = new StringBuilder("import numpy as np\n");
        for (double[] s : samples) {
            script.append("a = np.array([");
            for (int i = 0; i < s.length; i++) {
                script.append(i == 0 ? "" : ",").append(Double.toString(s[i]));
            }
            script.append("])\nprint(repr(float(np.mean(a))), repr(float(np.median(a))), repr(float(np.std(a))),");
            script.append(" ' '.join(repr(float(np.percentile(a, p))) for p in [");
            for (int i = 0; i < PS.size(); i++) {
                script.append(i == 0 ? "" : ",").append(PS.get(i));
            }
            script.append("]))\n");
        }
        List<String> lines = numpy(script.toString());
        assertThat(lines).hasSize(samples.size());
        for (int k = 0; k < samples.size(); k++) {
            String[] want = lines.get(k).trim().split("\\s+");
            LatencyStats got = LatencyStats.of(samples.get(k), PS);
            String what = "sample " + k + " (" + samples.get(k).length + " values)";
            assertThat(got.mean()).as("mean of %s", what).isCloseTo(Double.parseDouble(want[0]), within(1e-9));
            assertThat(got.median()).as("median of %s", what).isCloseTo(Double.parseDouble(want[1]), within(1e-9));
            assertThat(got.stdev()).as("std of %s", what).isCloseTo(Double.parseDouble(want[2]), within(1e-9));
            for (int i = 0; i < PS.size(); i++) {
                assertThat(got.percentile(PS.get(i))).as("p%s of %s", PS.get(i), what)
                        .isCloseTo(Double.parseDouble(want[3 + i]), within(1e-9));
            }
        }
    }

    @Test
    void percentileNamesReadAsInOutputs() {
        assertThat(LatencyStats.name(99)).isEqualTo("p99");
        assertThat(LatencyStats.name(99.9)).isEqualTo("p99.9");
        assertThat(LatencyStats.of(new double[0], PS).percentile(50)).isNaN();
    }

    private static List<String> numpy(String script) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            skipUnlessCi("python3 is not on the PATH");
            throw e;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && text.contains("No module named")) {
            skipUnlessCi("NumPy is not installed (Debian python3-numpy)");
        }
        assertThat(p.exitValue()).as("python3 said: %s", text).isZero();
        return text.lines().filter(l -> !l.isBlank()).map(l -> l.toLowerCase(Locale.ROOT)).toList();
    }

    private static void skipUnlessCi(String why) {
        // a developer without NumPy stays green; CI installs it (.ci/run), so there it must run
        assertThat(System.getenv("CI")).as(why + ", and CI=true").isNotEqualTo("true");
        assumeTrue(false, why);
    }
}
