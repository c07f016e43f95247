/**
 * LM Studio Bench client: an OpenAI-compatible HTTP client (LM Studio, llama.cpp, vLLM, Ollama), an LM Studio
 * native REST client and an Ollama native client, all measuring client-side timings of chat completions. Only
 * {@code dev.lmsbench.client} is API; the transport, SSE and NDJSON parsing and JSON mapping stay internal.
 */
module dev.lmsbench.client {
    requires transitive dev.lmsbench.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.lmsbench.client;
}
