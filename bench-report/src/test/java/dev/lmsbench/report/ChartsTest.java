package dev.lmsbench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChartsTest {

    /** The palette's first colour: the bars of the first series. */
    private static final int FIRST_SERIES = 0x1f77b4;
    private static final int SECOND_SERIES = 0xff7f0e;

    @TempDir
    Path dir;

    private static Charts.BarChart bars(int categories, int series) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < categories; i++) {
            names.add("model-" + i);
        }
        List<Charts.BarSeries> all = new ArrayList<>();
        for (int s = 0; s < series; s++) {
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < categories; i++) {
                values.add(10.0 + i + 5 * s);
            }
            all.add(new Charts.BarSeries("series " + s, values));
        }
        return new Charts.BarChart("Decode", "model", "decode (tok/s)", names, all);
    }

    @Test
    void aBarChartIsAPngOfTheFixedSizeWithBarsInTheSeriesColour() throws Exception {
        BufferedImage image = Pngs.read(Charts.bar(bars(5, 1)));

        assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
        assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
        assertThat(Pngs.colours(image, 10)).isGreaterThan(2);
        assertThat(Pngs.hasColour(image, FIRST_SERIES)).isTrue();
        assertThat(Pngs.hasColour(image, SECOND_SERIES)).isFalse();
    }

    @Test
    void everySeriesOfABarChartIsDrawnInItsOwnColour() throws Exception {
        BufferedImage image = Pngs.read(Charts.bar(bars(5, 2)));

        assertThat(Pngs.hasColour(image, FIRST_SERIES)).isTrue();
        assertThat(Pngs.hasColour(image, SECOND_SERIES)).isTrue();
    }

    @Test
    void aBarChartOf200CategoriesTurnsHorizontalAndGrowsARowPerCategory() throws Exception {
        Charts.BarChart chart = bars(200, 1);
        BufferedImage image = Pngs.read(Charts.bar(chart));

        assertThat(chart.horizontal()).isTrue();
        assertThat(bars(Charts.VERTICAL_MAX_CATEGORIES, 1).horizontal()).isFalse();
        assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
        assertThat(image.getHeight()).isEqualTo(Charts.size(chart)[1]).isGreaterThanOrEqualTo(200 * 18);
        assertThat(Pngs.hasColour(image, FIRST_SERIES)).isTrue();
    }

    @Test
    void theSameSeriesGiveTheSamePicture() {
        assertThat(Charts.bar(bars(30, 2))).isEqualTo(Charts.bar(bars(30, 2)));
        Charts.XyChart line = new Charts.XyChart("t", "x (s)", "y (%)",
                List.of(new Charts.XySeries("a", new double[] {0, 1, 2}, new double[] {1, 3, 2})));
        assertThat(Charts.line(line)).isEqualTo(Charts.line(line));
    }

    @Test
    void aLineChartDrawsEachNumericSeriesAndSkipsMissingPoints() throws Exception {
        Charts.XyChart chart = new Charts.XyChart("Load over time", "time (s)", "percent (%)", List.of(
                new Charts.XySeries("cpu", new double[] {0, 1, 2, 3}, new double[] {10, Double.NaN, 30, 20}),
                new Charts.XySeries("gpu", new double[] {0, 1, 2, 3}, new double[] {50, 60, 70, 65})));

        BufferedImage image = Pngs.read(Charts.line(chart));

        assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
        assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
        assertThat(Pngs.hasColour(image, FIRST_SERIES)).isTrue();
        assertThat(Pngs.hasColour(image, SECOND_SERIES)).isTrue();
    }

    @Test
    void aScatterChartWritesToAFile() throws Exception {
        Charts.XyChart chart = new Charts.XyChart("Speed vs size", "size (GB)", "decode (tok/s)", List.of(
                new Charts.XySeries("Q4", new double[] {4, 8}, new double[] {80, 40})));
        Path file = dir.resolve("sub/scatter.png");

        Charts.write(Charts.scatter(chart), file);

        assertThat(Pngs.hasColour(Pngs.read(file), FIRST_SERIES)).isTrue();
    }

    @Test
    void duplicateAndHostileCategoryNamesStillGiveOneBarEach() throws Exception {
        Charts.BarChart chart = new Charts.BarChart("t\u0007", "model", "tok/s",
                List.of("same", "same", "\u001b[31m通义\u0000", "x".repeat(500)),
                List.of(new Charts.BarSeries("s", List.of(1.0, 2.0, 3.0, Double.NaN))));

        assertThat(Pngs.hasColour(Pngs.read(Charts.bar(chart)), FIRST_SERIES)).isTrue();
    }

    @Test
    void aSeriesWithAnotherCountOfValuesThanCategoriesIsRefused() {
        assertThatThrownBy(() -> new Charts.BarChart("t", "x", "y", List.of("a", "b"),
                List.of(new Charts.BarSeries("s", List.of(1.0)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 values for 2 categories");
        assertThatThrownBy(() -> new Charts.XySeries("s", new double[2], new double[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
