package dev.lmsbench.tray;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The app image's desktop icons (bench-cli/src/packaging/icons) are the tray's four state icons at 128 px. */
class DesktopIconsTest {

    @Test
    void eachDesktopIconIsTheTrayIconOfItsStateDrawnAt128Px() throws IOException {
        for (IconColor c : IconColor.values()) {
            Path file = Path.of("..", "bench-cli", "src", "packaging", "icons",
                    "lmsbench-" + c.name().toLowerCase(java.util.Locale.ROOT) + ".png");
            BufferedImage png = ImageIO.read(file.toFile());
            BufferedImage drawn = TrayIcons.draw(c, 128);
            assertThat(png.getWidth()).as(file.toString()).isEqualTo(128);
            assertThat(png.getHeight()).isEqualTo(128);
            int center = png.getRGB(64, 64);
            assertThat(center).as("%s: the state's colour in the middle", file).isEqualTo(c.color().getRGB());
            for (int y = 0; y < 128; y++) {
                for (int x = 0; x < 128; x++) {
                    assertThat(png.getRGB(x, y)).as("%s pixel %d,%d", file, x, y).isEqualTo(drawn.getRGB(x, y));
                }
            }
        }
    }
}
