package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.TokenCountSource;

import java.util.OptionalInt;

/**
 * Counts the tokens of a text, for requests whose server sent no usage. The engine tries its counters in order, after
 * a response is complete (so counting never delays a timestamp), and records the first one that counts the prompt and
 * the answer as the request's {@link TokenCountSource}; when none can, the client's estimate stays.
 *
 * <p>Implementations are thread-safe (parallel requests count at once), bound their own work (a server call within a
 * timeout) and never throw: a text they cannot count is {@link OptionalInt#empty()}.
 */
public interface TokenCounter {

    /** {@return where this counter's counts come from; never {@link TokenCountSource#USAGE} or {@code ESTIMATE}} */
    TokenCountSource source();

    /**
     * Counts one text as the model's tokenizer splits it, without special tokens or a chat template.
     *
     * @param model the model id the request named
     * @param text  the text
     * @return the number of tokens, or empty when this counter cannot count it (the next counter is tried)
     */
    OptionalInt count(String model, String text);
}
