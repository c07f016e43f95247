package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenLengthsTest {

    @Test
    void withoutCountersATextOfNTokensIsExactlyFourCharactersPerTokenAndTheSourceIsTheEstimate() {
        TokenLengths lengths = TokenLengths.estimate();
        for (int n : new int[] {1, 3, 50, 777}) {
            String text = lengths.text(new SplittableRandom(n), n);
            assertThat(text).hasSize(4 * n).isNotBlank();
            assertThat(text.charAt(text.length() - 1)).isNotEqualTo(' ');
            assertThat(lengths.count(text)).isEqualTo(n);
        }
        assertThat(lengths.source()).isEqualTo(TokenCountSource.ESTIMATE);
    }

    @Test
    void aRealCounterBuildsTextsWithinTwoPercentAndIsReportedAsTheSource() {
        Fakes.WordCounter counter = new Fakes.WordCounter();
        TokenLengths lengths = new TokenLengths(List.of(counter));
        for (int n : new int[] {1, 7, 100, 1000, 5000}) {
            String text = lengths.text(new SplittableRandom(n), n);
            assertThat(Fakes.words(text)).isBetween((int) Math.floor(n * 0.98), (int) Math.ceil(n * 1.02));
        }
        assertThat(lengths.source()).isEqualTo(TokenCountSource.TOKENIZER_JSON);
    }

    @Test
    void aCounterThatSplitsEveryCharacterIsStillFittedWithinBoundedCounts() {
        Fakes.WordCounter words = new Fakes.WordCounter();
        dev.lmsbench.core.spi.TokenCounter chars = new dev.lmsbench.core.spi.TokenCounter() {
            @Override
            public TokenCountSource source() {
                return TokenCountSource.SERVER_TOKENIZER;
            }

            @Override
            public java.util.OptionalInt count(String model, String text) {
                words.calls.incrementAndGet();
                return java.util.OptionalInt.of(text.length());
            }
        };
        TokenLengths lengths = new TokenLengths(List.of(chars));
        String text = lengths.text(new SplittableRandom(1), 1000);
        assertThat(text.length()).isBetween(980, 1020);
        assertThat(words.calls.get()).isLessThanOrEqualTo(TokenLengths.MAX_COUNTS + 2);
    }

    @Test
    void theFirstCounterThatCountsATextIsUsedAndOneThatCannotIsSkipped() {
        TokenLengths lengths = new TokenLengths(List.of(new Fakes.NoCounter(), new Fakes.WordCounter()));
        assertThat(lengths.count("one two three")).isEqualTo(3);
        assertThat(lengths.source()).isEqualTo(TokenCountSource.TOKENIZER_JSON);

        TokenLengths none = new TokenLengths(List.of(new Fakes.NoCounter()));
        assertThat(none.count("one two three")).isEqualTo(4); // 13 characters / 4, rounded up
        assertThat(none.source()).isEqualTo(TokenCountSource.ESTIMATE);
    }

    @Test
    void theSameRandomGivesTheSameTextAndAnotherSeedAnother() {
        TokenLengths lengths = Fakes.wordLengths();
        assertThat(lengths.text(new SplittableRandom(5), 200)).isEqualTo(lengths.text(new SplittableRandom(5), 200));
        assertThat(lengths.text(new SplittableRandom(5), 200)).isNotEqualTo(lengths.text(new SplittableRandom(6), 200));
    }

    @Test
    void aHeadLongerThanThePlannedLengthIsKeptWholeAndZeroTokensIsEmpty() {
        TokenLengths lengths = TokenLengths.estimate();
        assertThat(lengths.fill("a fairly long head line", new SplittableRandom(1), 2))
                .isEqualTo("a fairly long head line");
        assertThat(lengths.text(new SplittableRandom(1), 0)).isEmpty();
        String filled = lengths.fill("head:", new SplittableRandom(1), 10);
        assertThat(filled).startsWith("head: ").hasSize(40);
    }

    @Test
    void aLengthOutOfRangeIsRefused() {
        assertThatThrownBy(() -> TokenLengths.estimate().text(new SplittableRandom(1), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenLengths.estimate().text(new SplittableRandom(1), TokenLengths.MAX_TOKENS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenSomeTextsFallBackToTheEstimateTheSourceSaysEstimate() {
        dev.lmsbench.core.spi.TokenCounter shortOnly = new dev.lmsbench.core.spi.TokenCounter() {
            @Override
            public TokenCountSource source() {
                return TokenCountSource.SERVER_TOKENIZER;
            }

            @Override
            public java.util.OptionalInt count(String model, String text) {
                return text.length() <= 60 ? java.util.OptionalInt.of(Fakes.words(text)) : java.util.OptionalInt.empty();
            }
        };
        TokenLengths lengths = new TokenLengths(List.of(shortOnly));
        assertThat(lengths.count("two words")).isEqualTo(2);
        assertThat(lengths.source()).isEqualTo(TokenCountSource.SERVER_TOKENIZER);
        lengths.text(new SplittableRandom(1), 100);
        assertThat(lengths.source()).isEqualTo(TokenCountSource.ESTIMATE);
    }
}
