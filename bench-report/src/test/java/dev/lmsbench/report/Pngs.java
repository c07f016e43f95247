package dev.lmsbench.report;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Reads PNGs back for the tests. */
final class Pngs {

    private Pngs() {
    }

    static BufferedImage read(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        if (image == null) {
            throw new IOException("not an image");
        }
        return image;
    }

    static BufferedImage read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    /** How many distinct colours the image has, counting up to {@code limit}. */
    static int colours(BufferedImage image, int limit) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                seen.add(image.getRGB(x, y));
                if (seen.size() >= limit) {
                    return seen.size();
                }
            }
        }
        return seen.size();
    }

    /** Whether the image has a pixel of about this colour (each channel within 8). */
    static boolean hasColour(BufferedImage image, int rgb) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) <= 8
                        && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= 8
                        && Math.abs((p & 0xff) - (rgb & 0xff)) <= 8) {
                    return true;
                }
            }
        }
        return false;
    }
}
