package dev.lmsbench.tokenizers;

import dev.lmsbench.core.model.TokenCountSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizerJsonTest {

    /**
     * A word-level tokenizer: the Whitespace pre-tokenizer splits runs of word characters and runs of punctuation;
     * words outside the vocabulary are {@code [UNK]}, still one token each. A post-processor that would add
     * {@code [CLS]} shows that no special tokens are counted.
     */
    static final String WORD_LEVEL = """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [{"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false,
                               "rstrip": false, "normalized": false, "special": true},
                              {"id": 1, "content": "[CLS]", "single_word": false, "lstrip": false,
                               "rstrip": false, "normalized": false, "special": true}],
             "normalizer": {"type": "Lowercase"},
             "pre_tokenizer": {"type": "Whitespace"},
             "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "[CLS]",
                                "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                                "pair": [{"Sequence": {"id": "A", "type_id": 0}}],
                                "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]}}},
             "decoder": null,
             "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "[CLS]": 1, "hello": 2, "world": 3, "!": 4},
                       "unk_token": "[UNK]"}}
            """;

    @TempDir
    Path dir;

    static Path write(Path dir, String json) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void countsTheWordsAndPunctuationOfATextAsTheTokenizerSplitsThemWithoutSpecialTokens() throws IOException {
        try (TokenizerJson tokenizer = TokenizerJson.load(write(dir, WORD_LEVEL))) {
            assertThat(tokenizer.source()).isEqualTo(TokenCountSource.TOKENIZER_JSON);
            assertThat(tokenizer.count("m", "Hello, world!").orElseThrow()).isEqualTo(4);
            assertThat(tokenizer.count("m", "unknown words count too").orElseThrow()).isEqualTo(4);
        }
    }

    @Test
    void aLongTextIsCountedWhole() throws IOException {
        try (TokenizerJson tokenizer = TokenizerJson.load(write(dir, WORD_LEVEL))) {
            assertThat(tokenizer.count("m", "hello ".repeat(3000)).orElseThrow()).isEqualTo(3000);
        }
    }

    @Test
    void aMissingFileFailsWithOneLineNamingIt() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> TokenizerJson.load(missing)).isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString()).hasMessageNotContaining("\n");
    }

    @Test
    void aMalformedFileFailsWithOneLineNamingIt() throws IOException {
        Path file = write(dir, "{\"model\": {\"type\": \"NoSuchModel\"}}");
        assertThatThrownBy(() -> TokenizerJson.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a tokenizer.json")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aFileLargerThanTheLimitIsNotRead() throws IOException {
        Path file = dir.resolve("huge.json");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(TokenizerJson.MAX_FILE_BYTES + 1);
        }
        assertThatThrownBy(() -> TokenizerJson.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("more than the " + TokenizerJson.MAX_FILE_BYTES);
    }
}
