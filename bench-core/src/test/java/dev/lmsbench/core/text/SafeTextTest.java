package dev.lmsbench.core.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeTextTest {

    @Test
    void removesCsiSequencesThatClearTheScreenAndColourText() {
        assertThat(SafeText.oneLine("\u001b[2J\u001b[Hboom \u001b[31mred\u001b[0m")).isEqualTo("boom red");
    }

    @Test
    void removesOscSequencesThatRetitleTheWindow() {
        assertThat(SafeText.oneLine("a\u001b]0;pwned\u0007b")).isEqualTo("ab");
        assertThat(SafeText.oneLine("a\u001b]2;pwned\u001b\\b")).isEqualTo("ab");
        assertThat(SafeText.oneLine("a\u009d0;pwned\u009cb")).isEqualTo("ab");
    }

    @Test
    void removesNulAndOtherControlCharacters() {
        assertThat(SafeText.oneLine("x\u0000y\u0007z\u007f\u0085w")).isEqualTo("xyz w");
        assertThat(SafeText.clean("x\u0000y\bz")).isEqualTo("xyz");
    }

    @Test
    void foldsLineEndsIntoSpacesForOneLine() {
        assertThat(SafeText.oneLine("  first\r\nsecond\n\n\tthird  ")).isEqualTo("first second third");
    }

    @Test
    void cleanKeepsLineEndsAndTabsButDropsLoneCarriageReturns() {
        assertThat(SafeText.clean("a\r\nb\tc\rd")).isEqualTo("a\nb\tcd");
    }

    @Test
    void removesBidirectionalOverridesThatReorderText() {
        assertThat(SafeText.oneLine("safe\u202Eexe.txt")).isEqualTo("safeexe.txt");
    }

    @Test
    void replacesLoneSurrogatesAndKeepsPairs() {
        assertThat(SafeText.oneLine("a\uD800b \uD83D\uDE00")).isEqualTo("a\uFFFDb \uD83D\uDE00");
    }

    @Test
    void boundsTheLengthWithAnEllipsis() {
        String line = SafeText.oneLine("x".repeat(1000), 50);
        assertThat(line).hasSize(50).endsWith("...");
        assertThat(SafeText.oneLine("x".repeat(1000))).hasSize(SafeText.MAX_MESSAGE_CHARS);
    }

    @Test
    void neverCutsASurrogatePairInHalf() {
        String line = SafeText.oneLine("abcdef\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", 10);
        assertThat(line).isEqualTo("abcdef...");
    }

    @Test
    void nullIsEmptyAndTinyLimitsAreRefused() {
        assertThat(SafeText.oneLine(null)).isEmpty();
        assertThat(SafeText.clean(null)).isEmpty();
        assertThat(SafeText.isClean("plain text")).isTrue();
        assertThat(SafeText.isClean("bell\u0007")).isFalse();
        assertThatThrownBy(() -> SafeText.oneLine("x", 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
