package dev.lmsbench.client;

import java.util.Locale;
import java.util.Objects;

/**
 * A download job's status as LM Studio reports it (https://lmstudio.ai/docs/developer/rest/download and
 * https://lmstudio.ai/docs/developer/rest/download-status).
 *
 * @param jobId           {@code job_id}, or {@code ""} when the model was already downloaded
 * @param state           {@code status}
 * @param downloadedBytes {@code downloaded_bytes}, or {@code -1}
 * @param totalBytes      {@code total_size_bytes}, or {@code -1}
 * @param bytesPerSecond  {@code bytes_per_second} (only while downloading), or {@code NaN}
 */
public record DownloadStatus(String jobId, State state, long downloadedBytes, long totalBytes,
                             double bytesPerSecond) {

    /** The documented values of {@code status}. */
    public enum State {
        /** {@code downloading} */
        DOWNLOADING,
        /** {@code paused} */
        PAUSED,
        /** {@code completed} */
        COMPLETED,
        /** {@code failed} */
        FAILED,
        /** {@code already_downloaded} (only as the first answer) */
        ALREADY_DOWNLOADED,
        /** A value the documentation does not list. */
        UNKNOWN;

        /** {@return the state for a {@code status} value} @param status the value */
        static State of(String status) {
            try {
                return valueOf(Objects.requireNonNullElse(status, "").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return UNKNOWN;
            }
        }
    }

    /** Normalizes absent values. */
    public DownloadStatus {
        jobId = Objects.requireNonNullElse(jobId, "");
        state = Objects.requireNonNullElse(state, State.UNKNOWN);
    }

    /** {@return whether the download is over: completed, already downloaded, or failed} */
    public boolean done() {
        return state == State.COMPLETED || state == State.ALREADY_DOWNLOADED || state == State.FAILED;
    }

    /** {@return whether the model is on disk now: completed or already downloaded} */
    public boolean succeeded() {
        return state == State.COMPLETED || state == State.ALREADY_DOWNLOADED;
    }

    /** {@return the downloaded fraction from 0 to 1: 1 once succeeded, {@code NaN} when the sizes are unknown} */
    public double fraction() {
        if (succeeded()) {
            return 1.0;
        }
        if (downloadedBytes < 0 || totalBytes <= 0) {
            return Double.NaN;
        }
        return Math.min(1.0, (double) downloadedBytes / totalBytes);
    }
}
