package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;

import java.time.Duration;
import java.util.Objects;

/**
 * A model download started with {@link LmStudioClient#download}: its job id and the latest status, and a way to wait
 * for the end by polling {@code GET /api/v1/models/download/status/{job_id}}
 * (https://lmstudio.ai/docs/developer/rest/download-status).
 *
 * <p>Thread-safe; one thread should wait at a time.
 */
public final class DownloadJob {

    private final LmStudioClient client;
    private final String model;
    private final DownloadProgressListener listener;
    private volatile DownloadStatus status;

    DownloadJob(LmStudioClient client, String model, DownloadStatus first, DownloadProgressListener listener) {
        this.client = client;
        this.model = model;
        this.status = Objects.requireNonNull(first, "first");
        this.listener = listener;
    }

    /** {@return the model that is downloaded} */
    public String model() {
        return model;
    }

    /** {@return the job id, or {@code ""} when the model was already downloaded} */
    public String jobId() {
        return status.jobId();
    }

    /** {@return the latest status received} */
    public DownloadStatus status() {
        return status;
    }

    /**
     * Polls the job's status at the client's poll interval until it is completed or failed, passing each status to
     * the listener.
     *
     * @param timeout the longest to wait
     * @return the final status: check {@link DownloadStatus#succeeded()}, a failed download is not an exception
     * @throws BackendException {@link BackendException.Kind#TIMEOUT} when the download is still running after
     *                          {@code timeout}, {@link BackendException.Kind#CANCELLED} when the thread is interrupted,
     *                          or the failure of a status request
     */
    public DownloadStatus waitForCompletion(Duration timeout) throws BackendException {
        Objects.requireNonNull(timeout, "timeout");
        long start = System.nanoTime();
        long budget = InFlight.saturatedNanos(timeout);
        while (!status.done()) {
            long left = budget - (System.nanoTime() - start);
            if (left <= 0) {
                throw new BackendException(BackendException.Kind.TIMEOUT, "download of " + model + " (job "
                        + jobId() + ") not finished after " + ClientCore.format(timeout) + "; last status "
                        + status.state().name().toLowerCase(java.util.Locale.ROOT), "", -1, null);
            }
            client.pause(Math.min(left, client.pollIntervalNanos()));
            status = client.downloadStatus(jobId());
            if (listener != null) {
                listener.onProgress(status);
            }
        }
        return status;
    }
}
