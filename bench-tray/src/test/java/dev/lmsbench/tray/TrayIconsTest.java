package dev.lmsbench.tray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TrayIconsTest {

    @ParameterizedTest
    @ValueSource(ints = {16, 22, 24, 32})
    void eachIconIsACircleOfItsColourOnATransparentSquare(int size) {
        for (IconColor c : IconColor.values()) {
            BufferedImage img = TrayIcons.draw(c, size);
            assertThat(img.getWidth()).isEqualTo(size);
            assertThat(img.getHeight()).isEqualTo(size);
            assertThat(new Color(img.getRGB(size / 2, size / 2), true)).isEqualTo(c.color());
            assertThat(img.getRGB(0, 0) >>> 24).as("corner alpha").isZero();
            assertThat(img.getRGB(size - 1, size - 1) >>> 24).as("corner alpha").isZero();
        }
    }

    @Test
    void theFourColoursAreFarApart() {
        Set<IconColor> all = EnumSet.allOf(IconColor.class);
        for (IconColor a : all) {
            for (IconColor b : all) {
                if (a != b) {
                    assertThat(distance(a.color(), b.color())).as(a + " vs " + b).isGreaterThan(100);
                }
            }
        }
        assertThat(all.stream().map(IconColor::color).collect(Collectors.toSet())).hasSize(4);
    }

    @ParameterizedTest
    @EnumSource(IconColor.class)
    void tooSmallIconsAreRefused(IconColor c) {
        assertThatThrownBy(() -> TrayIcons.draw(c, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    static double distance(Color a, Color b) {
        int dr = a.getRed() - b.getRed();
        int dg = a.getGreen() - b.getGreen();
        int db = a.getBlue() - b.getBlue();
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }
}
