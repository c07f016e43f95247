package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.TokenCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The server's own tokenizer: {@code POST /tokenize} beside {@code /v1}, as llama.cpp's server
 * ({@code {"content": text}}) and vLLM ({@code {"model": id, "prompt": text, "add_special_tokens": false}}) offer it;
 * both answer {@code {"tokens": [...]}} and the count is that array's length. Special tokens are not added (llama.cpp's
 * {@code add_special} defaults to false). Each call is bounded by the client's request timeout (which the CLI caps at
 * the discovery timeout) and reads at most {@link ClientCore#MAX_API_BODY_BYTES}. After the first failure (no such
 * endpoint, a timeout, an answer without a {@code tokens} array, LM Studio's status-200 "Unexpected endpoint" answer)
 * the endpoint is not asked again: every later count is empty at once. Thread-safe.
 */
final class ServerTokenizer implements TokenCounter {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTokenizer.class);

    private final ClientCore core;
    private final ChatJson json;
    private final URI uri;
    private final Supplier<String> kind;
    private final AtomicBoolean failed = new AtomicBoolean();

    /**
     * @param kind the server kind ({@link OpenAiClient#kindOf}); {@code vllm} gets vLLM's body, any other llama.cpp's
     */
    ServerTokenizer(ClientCore core, ChatJson json, URI uri, Supplier<String> kind) {
        this.core = core;
        this.json = json;
        this.uri = uri;
        this.kind = kind;
    }

    @Override
    public TokenCountSource source() {
        return TokenCountSource.SERVER_TOKENIZER;
    }

    @Override
    public OptionalInt count(String model, String text) {
        if (failed.get()) {
            return OptionalInt.empty();
        }
        ObjectNode body = json.object();
        if ("vllm".equals(kind.get())) {
            body.put("model", model);
            body.put("prompt", text);
            body.put("add_special_tokens", false);
        } else {
            body.put("content", text);
        }
        byte[] request = json.write(body);
        try {
            int n = core.withDeadline(core.config().requestTimeout(), call -> {
                ClientCore.Opened opened = core.openOk(call, uri, request, ClientCore.JSON);
                byte[] answer = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
                // LM Studio answers a path it does not serve with 200 and an "Unexpected endpoint" error: not there
                core.failIfUnknownEndpoint(uri, answer);
                try {
                    JsonNode tokens = json.readObject(answer).get("tokens");
                    if (tokens == null || !tokens.isArray()) {
                        throw ClientCore.invalid("no \"tokens\" array from " + uri, uri, null);
                    }
                    return tokens.size();
                } catch (IOException e) {
                    throw ClientCore.invalid("invalid answer from " + uri + ": " + e.getMessage(), uri, e);
                }
            });
            return OptionalInt.of(n);
        } catch (BackendException | RuntimeException e) {
            if (failed.compareAndSet(false, true)) {
                LOG.info("the server's tokenizer ({}) did not count: {}; not asking it again", uri,
                        ClientCore.oneLine(e.getMessage()));
            }
            return OptionalInt.empty();
        }
    }
}
