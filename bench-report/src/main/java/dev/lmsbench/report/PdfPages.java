package dev.lmsbench.report;

import dev.lmsbench.core.text.SafeText;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simple flowing page layout over PDFBox: headings, wrapped paragraphs, label/value lines, tables that break across
 * pages with their header repeated, and images scaled to the page. All text passes {@link #safe}: one line, no
 * control characters, and {@code ?} for every character the embedded font has no glyph for.
 */
final class PdfPages {

    static final String FONT_RESOURCE = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";

    private static final float MARGIN = 50;
    private static final float FOOTER = 30;
    private static final Color HEADER_FILL = new Color(0xe8eef6);
    private static final Color RULE = new Color(0xcccccc);

    private final PDDocument doc;
    private final PDRectangle size;
    private final PDType0Font font;
    private final Map<Integer, Boolean> glyphs = new HashMap<>();
    private PDPageContentStream cs;
    private float y;
    private int images;

    /**
     * Pages on paper of a size, in the font; the caller closes the font after saving the document.
     *
     * @param doc  the document
     * @param size the paper
     * @param ttf  the font, without GSUB substitution (ligatures): PDFBox's GSUB pass costs most of the writing time
     *             and changes the text ({@code fi} ligatures) that tools extract
     */
    PdfPages(PDDocument doc, PDRectangle size, TrueTypeFont ttf) throws IOException {
        this.doc = doc;
        this.size = size;
        ttf.setEnableGsub(false);
        this.font = PDType0Font.load(doc, ttf, true);
        newPage();
    }

    /** Parses the embedded font (Liberation Sans from the PDFBox jar). */
    static TrueTypeFont loadFont() throws IOException {
        try (InputStream in = PDDocument.class.getResourceAsStream(FONT_RESOURCE)) {
            if (in == null) {
                throw new IOException("PDFBox's Liberation Sans font is missing from the class path");
            }
            return new TTFParser().parse(new RandomAccessReadBuffer(in));
        }
    }

    private float width() {
        return size.getWidth() - 2 * MARGIN;
    }

    private float bottom() {
        return MARGIN + FOOTER;
    }

    /** Starts a new page, unless the current one is still empty. */
    void newPage() throws IOException {
        if (cs != null && y >= size.getHeight() - MARGIN) {
            return;
        }
        if (cs != null) {
            cs.close();
        }
        PDPage page = new PDPage(size);
        doc.addPage(page);
        cs = new PDPageContentStream(doc, page);
        y = size.getHeight() - MARGIN;
    }

    /** Starts a new page when less than {@code height} points are left. */
    private void ensure(float height) throws IOException {
        if (y - height < bottom()) {
            newPage();
        }
    }

    void gap(float points) {
        y -= points;
    }

    void title(String text) throws IOException {
        ensure(34);
        for (String line : wrap(safe(text), 20, width())) {
            ensure(26);
            y -= 22;
            text(line, 20, MARGIN, y, Color.BLACK);
        }
        y -= 10;
    }

    void heading(String text) throws IOException {
        ensure(40);
        y -= 10;
        for (String line : wrap(safe(text), 14, width())) {
            y -= 16;
            text(line, 14, MARGIN, y, new Color(0x1f3a5f));
        }
        y -= 6;
    }

    void paragraph(String text, float fontSize) throws IOException {
        for (String line : wrap(safe(text), fontSize, width())) {
            ensure(fontSize * 1.4f);
            y -= fontSize * 1.4f;
            text(line, fontSize, MARGIN, y, Color.BLACK);
        }
    }

    /** A label and a value that wraps in the column right of it. */
    void keyValue(String label, String value) throws IOException {
        float fontSize = 10;
        float labelWidth = 130;
        List<String> lines = wrap(safe(value), fontSize, width() - labelWidth);
        for (int i = 0; i < lines.size(); i++) {
            ensure(fontSize * 1.4f);
            y -= fontSize * 1.4f;
            if (i == 0) {
                text(fit(safe(label), fontSize, labelWidth - 6), fontSize, MARGIN, y, Color.DARK_GRAY);
            }
            text(lines.get(i), fontSize, MARGIN + labelWidth, y, Color.BLACK);
        }
    }

    /**
     * A table across the page width; a row that does not fit starts a new page, which repeats the header.
     *
     * @param header the column names
     * @param widths each column's share of the width
     * @param right  which columns are right-aligned
     * @param rows   the cells; text too wide for its cell is cut with an ellipsis
     */
    void table(String[] header, float[] widths, boolean[] right, List<String[]> rows) throws IOException {
        float fontSize = 8;
        float rowHeight = 13;
        ensure(rowHeight * 2);
        header(header, widths, right, fontSize, rowHeight);
        for (String[] row : rows) {
            if (y - rowHeight < bottom()) {
                newPage();
                header(header, widths, right, fontSize, rowHeight);
            }
            y -= rowHeight;
            cells(row, widths, right, fontSize, Color.BLACK);
            cs.setStrokingColor(RULE);
            cs.setLineWidth(0.3f);
            cs.moveTo(MARGIN, y - 3);
            cs.lineTo(MARGIN + width(), y - 3);
            cs.stroke();
        }
        y -= 6;
    }

    private void header(String[] header, float[] widths, boolean[] right, float fontSize, float rowHeight)
            throws IOException {
        y -= rowHeight;
        cs.setNonStrokingColor(HEADER_FILL);
        cs.addRect(MARGIN, y - 4, width(), rowHeight);
        cs.fill();
        cells(header, widths, right, fontSize, new Color(0x1f3a5f));
    }

    private void cells(String[] cells, float[] widths, boolean[] right, float fontSize, Color color)
            throws IOException {
        float x = MARGIN;
        for (int i = 0; i < cells.length; i++) {
            float w = widths[i] * width();
            String text = fit(safe(cells[i]), fontSize, w - 6);
            float tx = right[i] ? x + w - 3 - textWidth(text, fontSize) : x + 3;
            text(text, fontSize, tx, y, color);
            x += w;
        }
    }

    /** An image across the page width, or smaller to fit the rest of the page (a new page when little is left). */
    void image(byte[] png) throws IOException {
        PDImageXObject image = PDImageXObject.createFromByteArray(doc, png, "chart" + (++images));
        float maxHeight = size.getHeight() - 2 * MARGIN - FOOTER - 40;
        float scale = Math.min(width() / image.getWidth(), maxHeight / image.getHeight());
        float w = image.getWidth() * scale;
        float h = image.getHeight() * scale;
        if (y - h < bottom()) {
            newPage();
            // the new page has more room
            scale = Math.min(width() / image.getWidth(), (y - bottom()) / image.getHeight());
            w = image.getWidth() * scale;
            h = image.getHeight() * scale;
        }
        y -= h;
        cs.drawImage(image, MARGIN + (width() - w) / 2, y, w, h);
        y -= 10;
    }

    /** Closes the last page and numbers every page {@code n / N}. */
    void finish() throws IOException {
        cs.close();
        cs = null;
        int total = doc.getNumberOfPages();
        for (int i = 0; i < total; i++) {
            PDPage page = doc.getPage(i);
            try (PDPageContentStream footer = new PDPageContentStream(doc, page,
                    PDPageContentStream.AppendMode.APPEND, true, true)) {
                String label = (i + 1) + " / " + total;
                float fontSize = 9;
                footer.beginText();
                footer.setFont(font, fontSize);
                footer.setNonStrokingColor(Color.DARK_GRAY);
                footer.newLineAtOffset((size.getWidth() - textWidth(label, fontSize)) / 2, MARGIN / 2 + 4);
                footer.showText(label);
                footer.endText();
            }
        }
    }

    private void text(String text, float fontSize, float x, float baseline, Color color) throws IOException {
        if (text.isEmpty()) {
            return;
        }
        cs.beginText();
        cs.setFont(font, fontSize);
        cs.setNonStrokingColor(color);
        cs.newLineAtOffset(x, baseline);
        cs.showText(text);
        cs.endText();
    }

    private float textWidth(String text, float fontSize) throws IOException {
        return font.getStringWidth(text) / 1000f * fontSize;
    }

    /** Text cut with an ellipsis to fit a width. */
    private String fit(String text, float fontSize, float maxWidth) throws IOException {
        if (textWidth(text, fontSize) <= maxWidth) {
            return text;
        }
        int end = text.length();
        while (end > 0 && textWidth(text.substring(0, end) + "\u2026", fontSize) > maxWidth) {
            end = text.offsetByCodePoints(end, -1);
        }
        return text.substring(0, end) + "\u2026";
    }

    /** Words wrapped to a width; a word wider than the width is broken. */
    private List<String> wrap(String text, float fontSize, float maxWidth) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (textWidth(candidate, fontSize) <= maxWidth) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (!line.isEmpty()) {
                lines.add(line.toString());
                line.setLength(0);
            }
            String rest = word;
            while (textWidth(rest, fontSize) > maxWidth) {
                int end = rest.length();
                while (end > 1 && textWidth(rest.substring(0, end), fontSize) > maxWidth) {
                    end = rest.offsetByCodePoints(end, -1);
                }
                lines.add(rest.substring(0, end));
                rest = rest.substring(end);
            }
            line.append(rest);
        }
        if (!line.isEmpty() || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * Text the font can show: one line without control characters (server text cleaned as in every report), and
     * {@code ?} for each character without a glyph in the font.
     */
    String safe(String text) {
        String line = SafeText.oneLine(text == null ? "" : text, 4000);
        StringBuilder out = new StringBuilder(line.length());
        line.codePoints().forEach(cp -> {
            if (glyphs.computeIfAbsent(cp, this::hasGlyph)) {
                out.appendCodePoint(cp);
            } else {
                out.append('?');
            }
        });
        return out.toString();
    }

    private boolean hasGlyph(int codePoint) {
        if (Character.isISOControl(codePoint) || Character.getType(codePoint) == Character.FORMAT) {
            return false;
        }
        try {
            byte[] code = font.encode(new String(Character.toChars(codePoint)));
            for (byte b : code) {
                if (b != 0) {
                    return true;
                }
            }
            return false; // glyph 0 is .notdef
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }
}
