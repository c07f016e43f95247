/**
 * LM Studio Bench simulator: an OpenAI-compatible token-streaming server with configured, logged timing.
 * It is the ground truth that timing tests check the client against, so it shares no SSE, JSON-shape or timing
 * code with the client.
 */
module dev.lmsbench.sim {
    requires transitive dev.lmsbench.core;
    requires com.fasterxml.jackson.databind;
    requires jdk.httpserver;
    requires org.slf4j;

    exports dev.lmsbench.sim;
}
