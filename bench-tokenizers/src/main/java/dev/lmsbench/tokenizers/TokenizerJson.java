package dev.lmsbench.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.TokenCounter;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A {@link TokenCounter} over a Hugging Face {@code tokenizer.json} the user gives ({@code --tokenizer FILE}): the
 * Rust {@code tokenizers} library through DJL, so counts are the ones any server loading the same file makes. Counts
 * are without special tokens, truncation or padding. Source {@link TokenCountSource#TOKENIZER_JSON}.
 *
 * <pre>{@code
 * try (TokenizerJson tokenizer = TokenizerJson.load(Path.of("tokenizer.json"))) {
 *     int n = tokenizer.count("any-model", "Hello world").orElseThrow();
 * }
 * }</pre>
 *
 * <p>Nothing is downloaded: the file is read from disk (at most {@link #MAX_FILE_BYTES}), and DJL's native library
 * comes out of its jar, which bundles it for linux-x86_64, linux-aarch64, osx-aarch64 and win-x86_64. Before the
 * first load this class sets DJL's {@code ai.djl.offline} system property to {@code true} unless it is set already:
 * offline, DJL picks its CPU build (the one in the jar) instead of looking for a CUDA build to download. DJL
 * extracts the library once into its cache directory ({@code ~/.djl.ai/tokenizers}, or {@code DJL_CACHE_DIR}).
 *
 * <p>Thread-safe (the native tokenizer encodes concurrently); {@link #close()} frees the native tokenizer.
 */
public final class TokenizerJson implements TokenCounter, AutoCloseable {

    /** The largest tokenizer file read (bytes); real ones are 2 to 35 MiB. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerJson.class);
    private static final int MAX_MESSAGE_CHARS = 200;
    private static final String OFFLINE = "ai.djl.offline";

    private final HuggingFaceTokenizer tokenizer;

    private TokenizerJson(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Loads a tokenizer file.
     *
     * @param file a Hugging Face {@code tokenizer.json}
     * @return the counter; close it when done
     * @throws IOException with a one-line message naming the file when it is missing, unreadable, larger than
     *                     {@link #MAX_FILE_BYTES} or not a tokenizer the library accepts
     */
    public static TokenizerJson load(Path file) throws IOException {
        byte[] bytes = read(file);
        if (System.getProperty(OFFLINE) == null) {
            System.setProperty(OFFLINE, "true");
        }
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(in,
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
            LOG.debug("loaded tokenizer {} ({} bytes)", file, bytes.length);
            return new TokenizerJson(tokenizer);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // the native library's parse error (serde's message) or a library that would not load
            throw new IOException(file + " is not a tokenizer.json the Hugging Face tokenizers library reads: "
                    + SafeText.oneLine(String.valueOf(e.getMessage()), MAX_MESSAGE_CHARS), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        try {
            if (!Files.exists(file)) {
                throw new IOException(file + " does not exist");
            }
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + " is not a file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new IOException(file + " has " + size + " bytes, more than the " + MAX_FILE_BYTES
                        + " a tokenizer file may have");
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
                if (bytes.length > MAX_FILE_BYTES) {
                    throw new IOException(file + " grew past " + MAX_FILE_BYTES + " bytes while being read");
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist", e);
        }
    }

    /** {@return {@link TokenCountSource#TOKENIZER_JSON}} */
    @Override
    public TokenCountSource source() {
        return TokenCountSource.TOKENIZER_JSON;
    }

    /**
     * Counts the tokens of a text; the model id is not used (the file is the model's tokenizer).
     *
     * @return the count, or empty when the library fails on the text
     */
    @Override
    public OptionalInt count(String model, String text) {
        try {
            return OptionalInt.of(tokenizer.encode(text, false, false).getIds().length);
        } catch (RuntimeException e) {
            LOG.debug("the tokenizer could not count a text of {} chars: {}", text.length(), e.toString());
            return OptionalInt.empty();
        }
    }

    /** Frees the native tokenizer. Idempotent. */
    @Override
    public void close() {
        tokenizer.close();
    }
}
