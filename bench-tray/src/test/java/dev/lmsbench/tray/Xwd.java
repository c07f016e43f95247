package dev.lmsbench.tray;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the X Window Dump format that {@code xwd -root} writes (ZPixmap, TrueColor, 24 or 32 bits per pixel), so the
 * test sees the X server's own pixels without ImageMagick. The header is big-endian; the pixels follow the header's
 * byte order.
 */
final class Xwd {

    private Xwd() {
    }

    static BufferedImage read(byte[] bytes) throws IOException {
        ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int headerSize = h.getInt(0);
        int version = h.getInt(4);
        int format = h.getInt(8);
        int width = h.getInt(16);
        int height = h.getInt(20);
        int byteOrder = h.getInt(28);
        int bitsPerPixel = h.getInt(44);
        int bytesPerLine = h.getInt(48);
        int visualClass = h.getInt(52);
        int redMask = h.getInt(56);
        int greenMask = h.getInt(60);
        int blueMask = h.getInt(64);
        int ncolors = h.getInt(76);
        if (version != 7 || format != 2) {
            throw new IOException("not an XWD v7 ZPixmap (version " + version + ", format " + format + ")");
        }
        if (visualClass != 4 && visualClass != 5) {
            throw new IOException("only TrueColor/DirectColor dumps are read, not visual class " + visualClass);
        }
        if (bitsPerPixel != 32 && bitsPerPixel != 24) {
            throw new IOException("only 24 and 32 bits per pixel are read, not " + bitsPerPixel);
        }
        int offset = headerSize + ncolors * 12;
        if ((long) offset + (long) bytesPerLine * height > bytes.length) {
            throw new IOException("XWD data is shorter than its header says");
        }
        int bytesPerPixel = bitsPerPixel / 8;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            int row = offset + y * bytesPerLine;
            for (int x = 0; x < width; x++) {
                int p = row + x * bytesPerPixel;
                int v = 0;
                for (int i = 0; i < bytesPerPixel; i++) {
                    int b = bytes[p + i] & 0xFF;
                    v |= byteOrder == 0 ? b << (8 * i) : b << (8 * (bytesPerPixel - 1 - i));
                }
                img.setRGB(x, y, channel(v, redMask) << 16 | channel(v, greenMask) << 8 | channel(v, blueMask));
            }
        }
        return img;
    }

    private static int channel(int value, int mask) {
        int shift = Integer.numberOfTrailingZeros(mask);
        int bits = Integer.bitCount(mask);
        int c = (value & mask) >>> shift;
        return bits == 8 ? c : c * 255 / ((1 << bits) - 1);
    }
}
