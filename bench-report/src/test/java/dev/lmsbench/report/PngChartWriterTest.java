package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PngChartWriterTest {

    @TempDir
    Path dir;

    private List<String> written() throws Exception {
        Path charts = dir.resolve("charts");
        if (!Files.isDirectory(charts)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(charts)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void isNamedPng() {
        assertThat(new PngChartWriter().name()).isEqualTo("png");
    }

    @Test
    void writesTheDecodeTtftScatterAndHardwareChartsOfAProfiledRun() throws Exception {
        new PngChartWriter().write(ChartReports.profiled(), dir);

        assertThat(written()).containsExactly("decode_toks_per_s.png", "hardware_001_qwen3-8b_q4_k_m.png",
                "speed_vs_size.png", "speed_vs_vram.png", "ttft_s.png");
        for (String name : written()) {
            BufferedImage image = Pngs.read(dir.resolve("charts").resolve(name));
            assertThat(image.getWidth()).as(name).isEqualTo(Charts.WIDTH);
            assertThat(image.getHeight()).as(name).isEqualTo(Charts.HEIGHT);
            assertThat(Pngs.colours(image, 10)).as(name).isGreaterThan(2);
        }
    }

    @Test
    void leavesOutTheVramAndHardwareChartsWithoutProfilingData() throws Exception {
        BenchmarkReport sample = SampleReports.completed();
        new PngChartWriter().write(new BenchmarkReport(sample.run(), sample.status(), sample.finishedAt(),
                sample.models().stream().map(m -> m.withSideMetrics(List.of())).toList(), List.of()), dir);

        assertThat(written()).containsExactly("decode_toks_per_s.png", "speed_vs_size.png", "ttft_s.png");
    }

    @Test
    void writesNoEmptyChartWhenNoModelHasFigures() throws Exception {
        new PngChartWriter().write(ChartReports.allFailed(), dir);

        assertThat(written()).isEmpty();
    }

    @Test
    void aHostileModelIdGivesASafeFileName() throws Exception {
        new PngChartWriter().write(new BenchmarkReport(SampleReports.run(),
                RunStatus.COMPLETED, SampleReports.completed().finishedAt(),
                List.of(ChartReports.exotic().models().get(3).withHardwareSamples(ChartReports.samples(5))),
                List.of()), dir);

        assertThat(written()).contains("hardware_001_-qwen_-_-_-7b.png", "decode_toks_per_s.png");
    }
}
