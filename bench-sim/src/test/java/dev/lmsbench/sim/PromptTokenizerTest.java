package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptTokenizerTest {

    @Test
    void countsWordsAndPunctuationMarks() {
        assertThat(PromptTokenizer.count("Hello, world!")).isEqualTo(4);
        assertThat(PromptTokenizer.count("  tokens   per\tsecond\n")).isEqualTo(3);
        assertThat(PromptTokenizer.count("")).isZero();
        assertThat(PromptTokenizer.count("3.14")).isEqualTo(3);
    }

    @Test
    void addsAFixedOverheadPerMessageAndPerRequest() {
        var messages = TestClient.parse("""
                [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello, world!"}]
                """);

        assertThat(PromptTokenizer.countMessages(messages))
                .isEqualTo(PromptTokenizer.TOKENS_PER_REQUEST + 2 * PromptTokenizer.TOKENS_PER_MESSAGE + 3 + 4);
    }

    @Test
    void readsTheTextPartsOfArrayContentAndSkipsOthers() {
        var messages = TestClient.parse("""
                [{"role": "user", "content": [{"type": "text", "text": "two words"},
                                              {"type": "image_url", "image_url": {"url": "x"}}]},
                 {"role": "assistant", "content": null}]
                """);

        assertThat(PromptTokenizer.countMessages(messages))
                .isEqualTo(PromptTokenizer.TOKENS_PER_REQUEST + 2 * PromptTokenizer.TOKENS_PER_MESSAGE + 2);
    }

    @Test
    void laysOutTheTokensOfTheTemplateWithAsManyTokensAsItCountsAndTheFixedHeadFirst() {
        var messages = TestClient.parse("""
                [{"role": "system", "content": "Be brief."}, {"role": "user", "content": [{"type": "text",
                  "text": "Hello, <start> world!"}]}, {"role": "assistant", "content": null}]
                """);
        var tokens = PromptTokenizer.tokens(messages);
        assertThat(tokens).hasSize(PromptTokenizer.countMessages(messages));
        assertThat(tokens.subList(0, PromptTokenizer.TEMPLATE_HEAD))
                .containsExactly("<bos>", "<start>", "<role:system>", "<sep>");
        assertThat(tokens.subList(4, 8)).containsExactly("Be", "brief", ".", "<end>");
        assertThat(tokens).as("text never forms a marker token").containsSubsequence("<", "start", ">");
    }
}
