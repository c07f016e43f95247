/**
 * HTTP clients with client-side timings. {@link dev.lmsbench.client.OpenAiClient} speaks the OpenAI-compatible API of
 * any server; {@link dev.lmsbench.client.LmStudioClient} speaks LM Studio's native REST API (rich model list, load and
 * unload, downloads, chat completions with server statistics, stateful chats) and
 * {@link dev.lmsbench.client.OllamaClient} Ollama's native API (tags and show, load and unload with
 * {@code keep_alive}, NDJSON chat with the server's durations), over the same transport and timing code. All
 * implement bench-core's {@code InferenceBackend} and {@code ModelCatalog};
 * {@link dev.lmsbench.client.ClientConfig} says where the server is.
 */
package dev.lmsbench.client;
