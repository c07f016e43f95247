package dev.lmsbench.tray;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** The tray icons, drawn in code: a filled circle with a darker rim on a transparent square. */
final class TrayIcons {

    /** The sizes panels usually ask for. */
    static final int[] SIZES = {16, 22, 24, 32};

    private TrayIcons() {
    }

    static BufferedImage draw(IconColor icon, int size) {
        if (size < 8) {
            throw new IllegalArgumentException("icon size must be at least 8 px: " + size);
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            float rim = Math.max(1f, size / 12f);
            float inset = 1 + rim / 2;
            float d = size - 2 * inset;
            Color fill = icon.color();
            g.setColor(fill);
            g.fill(new java.awt.geom.Ellipse2D.Float(inset, inset, d, d));
            g.setColor(fill.darker());
            g.setStroke(new BasicStroke(rim));
            g.draw(new java.awt.geom.Ellipse2D.Float(inset, inset, d, d));
        } finally {
            g.dispose();
        }
        return img;
    }
}
