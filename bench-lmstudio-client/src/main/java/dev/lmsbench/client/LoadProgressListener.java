package dev.lmsbench.client;

/**
 * Receives the progress of a model load.
 *
 * <p>What LM Studio reports: {@code POST /api/v1/models/load} (https://lmstudio.ai/docs/developer/rest/load) answers
 * only when the load is done, with no progress in between, so {@link LmStudioClient#load} reports {@code 0}
 * ("loading") before and {@code 1} ("loaded") after. A streamed {@code POST /api/v1/chat} that has to load its model
 * first sends {@code model_load.start}, {@code model_load.progress} (a fraction from 0 to 1) and
 * {@code model_load.end} events (https://lmstudio.ai/docs/developer/rest/streaming-events); a {@link ChatSession}
 * with {@link ChatOptions#loadProgress()} set forwards each of them.
 *
 * <p>Called on the thread that makes the request; keep it short.
 */
@FunctionalInterface
public interface LoadProgressListener {

    /**
     * @param fraction how much is loaded, from 0 to 1
     * @param status   {@code loading} or {@code loaded}
     */
    void onProgress(double fraction, String status);
}
