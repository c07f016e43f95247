/**
 * OpenAI-compatible HTTP client with client-side timings: {@link dev.lmsbench.client.OpenAiClient} implements
 * bench-core's {@code InferenceBackend} and {@code ModelCatalog}; {@link dev.lmsbench.client.ClientConfig} says where the
 * server is.
 */
package dev.lmsbench.client;
