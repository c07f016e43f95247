package dev.lmsbench.report;

import dev.lmsbench.core.text.SafeText;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Turns any series into a PNG chart: a bar chart over categories ({@link #bar}), or a line or scatter chart over a
 * numeric x axis ({@link #line}, {@link #scatter}). Every chart has the same theme (white background, light grid,
 * a fixed palette, the font the PDF report embeds) and a size that depends only on its data, so the same series
 * always give the same picture. Bar charts with many categories turn horizontal and grow in height, one row per
 * category, so 200 models stay readable.
 *
 * <p>Drawing uses AWT without a display: this class sets {@code java.awt.headless=true} unless the property is
 * set already.
 */
public final class Charts {

    /** Width of every chart, in pixels. */
    public static final int WIDTH = 1200;
    /** Height of a chart that does not grow with its categories, in pixels. */
    public static final int HEIGHT = 700;
    /** Up to this many categories a bar chart is vertical, with labels turned when they are long. */
    public static final int VERTICAL_MAX_CATEGORIES = 24;
    /** Pixels per category (and series) of a horizontal bar chart. */
    private static final int ROW_PIXELS = 18;
    /** Longest category label drawn; longer ones are cut with an ellipsis. */
    private static final int MAX_LABEL_CHARS = 60;

    private static final Paint[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private static final String FONT_RESOURCE = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final Font BASE_FONT;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        BASE_FONT = loadFont();
    }

    private Charts() {
    }

    /**
     * One named series of values over a bar chart's categories.
     *
     * @param name   the series name (legend)
     * @param values one value per category, in the categories' order; {@code NaN} draws no bar
     */
    public record BarSeries(String name, List<Double> values) {
        /** Copies the values. */
        public BarSeries {
            Objects.requireNonNull(name, "name");
            values = List.copyOf(values);
        }
    }

    /**
     * A bar chart.
     *
     * @param title       the title
     * @param categoryAxis the category axis label (e.g. {@code model})
     * @param valueAxis   the value axis label, with its unit (e.g. {@code decode (tok/s)})
     * @param categories  the categories, in order; duplicates are told apart by a {@code #n} suffix
     * @param series      one or more series, each with one value per category
     */
    public record BarChart(String title, String categoryAxis, String valueAxis, List<String> categories,
                           List<BarSeries> series) {
        /** Validates and copies. */
        public BarChart {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(categoryAxis, "categoryAxis");
            Objects.requireNonNull(valueAxis, "valueAxis");
            categories = List.copyOf(categories);
            series = List.copyOf(series);
            if (series.isEmpty()) {
                throw new IllegalArgumentException("a bar chart needs at least one series");
            }
            for (BarSeries s : series) {
                if (s.values().size() != categories.size()) {
                    throw new IllegalArgumentException("series " + s.name() + " has " + s.values().size()
                            + " values for " + categories.size() + " categories");
                }
            }
        }

        /** Whether a horizontal layout is used (many categories). */
        public boolean horizontal() {
            return categories.size() > VERTICAL_MAX_CATEGORIES;
        }
    }

    /**
     * One named series of points over a numeric x axis.
     *
     * @param name the series name (legend)
     * @param x    x values
     * @param y    y values, as many as x; points with a {@code NaN} coordinate are left out
     */
    public record XySeries(String name, double[] x, double[] y) {
        /** Validates and copies. */
        public XySeries {
            Objects.requireNonNull(name, "name");
            x = x.clone();
            y = y.clone();
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + " has " + x.length + " x and " + y.length
                        + " y values");
            }
        }

        /** The x values (a copy). */
        @Override
        public double[] x() {
            return x.clone();
        }

        /** The y values (a copy). */
        @Override
        public double[] y() {
            return y.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof XySeries s && s.name.equals(name) && Arrays.equals(s.x, x) && Arrays.equals(s.y, y);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, Arrays.hashCode(x), Arrays.hashCode(y));
        }

        @Override
        public String toString() {
            return "XySeries[" + name + ", " + x.length + " points]";
        }
    }

    /**
     * A line or scatter chart over a numeric x axis.
     *
     * @param title  the title
     * @param xAxis  the x axis label, with its unit (e.g. {@code time (s)})
     * @param yAxis  the y axis label, with its unit
     * @param series one or more series
     */
    public record XyChart(String title, String xAxis, String yAxis, List<XySeries> series) {
        /** Validates and copies. */
        public XyChart {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(xAxis, "xAxis");
            Objects.requireNonNull(yAxis, "yAxis");
            series = List.copyOf(series);
            if (series.isEmpty()) {
                throw new IllegalArgumentException("an x/y chart needs at least one series");
            }
        }
    }

    /**
     * The pixel size {@link #bar} draws a chart at: {@link #WIDTH} x {@link #HEIGHT}, or taller for a horizontal
     * chart (one row per category and series).
     *
     * @param chart the chart
     * @return {@code {width, height}}
     */
    public static int[] size(BarChart chart) {
        if (!chart.horizontal()) {
            return new int[] {WIDTH, HEIGHT};
        }
        int rows = chart.categories().size() * Math.max(1, chart.series().size());
        return new int[] {WIDTH, Math.max(HEIGHT, 200 + rows * ROW_PIXELS)};
    }

    /**
     * Draws a bar chart.
     *
     * @param chart the chart
     * @return the PNG
     */
    public static byte[] bar(BarChart chart) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<String> keys = uniqueLabels(chart.categories());
        for (BarSeries s : chart.series()) {
            String name = clean(s.name());
            for (int i = 0; i < keys.size(); i++) {
                double v = s.values().get(i);
                data.addValue(Double.isFinite(v) ? Double.valueOf(v) : null, name, keys.get(i));
            }
        }
        PlotOrientation orientation = chart.horizontal() ? PlotOrientation.HORIZONTAL : PlotOrientation.VERTICAL;
        CategoryAxis categoryAxis = new CategoryAxis(clean(chart.categoryAxis()));
        NumberAxis valueAxis = new NumberAxis(clean(chart.valueAxis()));
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.02);
        renderer.setMaximumBarWidth(0.08);
        CategoryPlot plot = new CategoryPlot(data, categoryAxis, valueAxis, renderer);
        plot.setOrientation(orientation);
        if (!chart.horizontal() && longestLabel(keys) > 8) {
            categoryAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        categoryAxis.setMaximumCategoryLabelLines(1);
        categoryAxis.setCategoryMargin(chart.horizontal() ? 0.1 : 0.2);
        JFreeChart jfree = new JFreeChart(clean(chart.title()), BASE_FONT.deriveFont(Font.PLAIN, 20f), plot,
                chart.series().size() > 1);
        int[] size = size(chart);
        return png(jfree, size[0], size[1]);
    }

    /**
     * Draws a line chart (points joined in x order, small markers).
     *
     * @param chart the chart
     * @return the PNG
     */
    public static byte[] line(XyChart chart) {
        return xy(chart, true);
    }

    /**
     * Draws a scatter chart (markers only).
     *
     * @param chart the chart
     * @return the PNG
     */
    public static byte[] scatter(XyChart chart) {
        return xy(chart, false);
    }

    /**
     * Writes a PNG to a file, atomically (a reader never sees half a picture).
     *
     * @param png  the picture
     * @param file the file; its directory is created
     * @throws IOException when writing failed
     */
    public static void write(byte[] png, Path file) throws IOException {
        AtomicFiles.write(file, out -> out.write(png));
    }

    private static byte[] xy(XyChart chart, boolean lines) {
        XYSeriesCollection data = new XYSeriesCollection();
        Set<String> names = new HashSet<>();
        for (XySeries s : chart.series()) {
            String name = clean(s.name());
            String key = name;
            for (int n = 2; !names.add(key); n++) {
                key = name + " #" + n;
            }
            XYSeries series = new XYSeries(key, lines, true);
            double[] x = s.x();
            double[] y = s.y();
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                    series.add(x[i], y[i]);
                }
            }
            data.addSeries(series);
        }
        NumberAxis xAxis = new NumberAxis(clean(chart.xAxis()));
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = new NumberAxis(clean(chart.yAxis()));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(lines, true);
        for (int i = 0; i < chart.series().size(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-3.5, -3.5, 7, 7));
        }
        XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        JFreeChart jfree = new JFreeChart(clean(chart.title()), BASE_FONT.deriveFont(Font.PLAIN, 20f), plot,
                chart.series().size() > 1);
        return png(jfree, WIDTH, HEIGHT);
    }

    /** Applies the theme and encodes the chart. */
    private static byte[] png(JFreeChart chart, int width, int height) {
        theme().apply(chart);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        chart.setPadding(new org.jfree.chart.ui.RectangleInsets(8, 8, 8, 16));
        TextTitle title = chart.getTitle();
        if (title != null) {
            title.setFont(BASE_FONT.deriveFont(Font.PLAIN, 20f));
        }
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.TOP);
            legend.setFrame(BlockBorder.NONE);
        }
        if (chart.getPlot() instanceof CategoryPlot plot) {
            palette(plot.getRenderer()::setSeriesPaint, plot.getDataset().getRowCount());
        } else if (chart.getPlot() instanceof XYPlot plot) {
            palette(plot.getRenderer()::setSeriesPaint, plot.getDataset().getSeriesCount());
        }
        // opaque RGB, no alpha: smaller files, and PDFBox embeds such a PNG as it is, without decoding it
        BufferedImage image = chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private interface PaintSetter {
        void set(int series, Paint paint);
    }

    private static void palette(PaintSetter setter, int count) {
        for (int i = 0; i < count; i++) {
            setter.set(i, PALETTE[i % PALETTE.length]);
        }
    }

    private static StandardChartTheme theme() {
        StandardChartTheme theme = new StandardChartTheme("lmsbench");
        theme.setExtraLargeFont(BASE_FONT.deriveFont(Font.PLAIN, 20f));
        theme.setLargeFont(BASE_FONT.deriveFont(Font.PLAIN, 14f));
        theme.setRegularFont(BASE_FONT.deriveFont(Font.PLAIN, 12f));
        theme.setSmallFont(BASE_FONT.deriveFont(Font.PLAIN, 10f));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setPlotOutlinePaint(new Color(0xcccccc));
        theme.setDomainGridlinePaint(new Color(0xe0e0e0));
        theme.setRangeGridlinePaint(new Color(0xe0e0e0));
        theme.setAxisLabelPaint(Color.DARK_GRAY);
        theme.setTickLabelPaint(Color.DARK_GRAY);
        theme.setLegendBackgroundPaint(Color.WHITE);
        theme.setShadowVisible(false);
        theme.setBarPainter(new StandardBarPainter());
        return theme;
    }

    /** Server text as a one-line label of bounded length. */
    static String clean(String text) {
        String line = SafeText.oneLine(text == null ? "" : text, 1000);
        return line.length() > MAX_LABEL_CHARS ? line.substring(0, MAX_LABEL_CHARS - 1) + "\u2026" : line;
    }

    /** Cleaned labels, duplicates told apart by {@code #n}. */
    private static List<String> uniqueLabels(List<String> labels) {
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>(labels.size());
        for (String label : labels) {
            String base = clean(label);
            String key = base;
            for (int n = 2; !seen.add(key); n++) {
                key = base + " #" + n;
            }
            out.add(key);
        }
        return out;
    }

    private static int longestLabel(List<String> labels) {
        return labels.stream().mapToInt(String::length).max().orElse(0);
    }

    /** The font the PDF report embeds, so charts look alike on every machine; the logical sans serif otherwise. */
    private static Font loadFont() {
        try (InputStream in = org.apache.pdfbox.pdmodel.PDDocument.class.getResourceAsStream(FONT_RESOURCE)) {
            if (in != null) {
                return Font.createFont(Font.TRUETYPE_FONT, in).deriveFont(12f);
            }
        } catch (IOException | java.awt.FontFormatException e) {
            // fall through to the logical font
        }
        return new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    }
}
