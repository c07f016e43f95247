/**
 * HTTP clients with client-side timings. {@link dev.lmsbench.client.OpenAiClient} speaks the OpenAI-compatible API of
 * any server; {@link dev.lmsbench.client.LmStudioClient} speaks LM Studio's native REST API (rich model list, load and
 * unload, downloads, chat completions with server statistics, stateful chats) over the same transport and timing code.
 * Both implement bench-core's {@code InferenceBackend} and {@code ModelCatalog};
 * {@link dev.lmsbench.client.ClientConfig} says where the server is.
 */
package dev.lmsbench.client;
