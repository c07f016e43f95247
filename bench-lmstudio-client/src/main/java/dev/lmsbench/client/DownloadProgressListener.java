package dev.lmsbench.client;

/**
 * Receives the status of a model download: the first answer of {@code POST /api/v1/models/download}, then each poll
 * of {@code GET /api/v1/models/download/status/{job_id}} until the download completed or failed. Called on the thread
 * that started the download or waits for it; keep it short.
 */
@FunctionalInterface
public interface DownloadProgressListener {

    /** @param status the latest status */
    void onProgress(DownloadStatus status);
}
