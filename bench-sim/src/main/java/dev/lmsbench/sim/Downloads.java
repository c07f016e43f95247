package dev.lmsbench.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Simulated downloads of {@code POST /api/v1/models/download}. A job is a start time and a fixed duration: its
 * progress is computed when asked, so nothing runs in the background. Completed downloads are not added to the
 * served models (the sim has no timing for a model it was not configured with).
 */
final class Downloads {

    private final SimConfig config;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private long count;

    Downloads(SimConfig config) {
        this.config = config;
    }

    /** One job; immutable. */
    private record Job(String id, String model, long startedNanos, Instant startedAt, long durationMs,
            long sizeBytes) {
    }

    /** Starts a job for {@code model}. @return its status object */
    synchronized ObjectNode start(String model, long nowNanos) {
        String id = String.format("job_%010x", ResponsePlan.mix(config.seed(), count++, 7) & 0xFF_FFFF_FFFFL);
        Job job = new Job(id, model, nowNanos, Instant.now(), config.downloadMs(), config.downloadSizeBytes());
        jobs.put(id, job);
        return status(job, nowNanos);
    }

    /** One job's status, if the job exists. */
    synchronized Optional<ObjectNode> status(String jobId, long nowNanos) {
        Job job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(status(job, nowNanos));
    }

    /**
     * Every job grouped as {@code GET /api/v1/models/download/status} documents it
     * (https://lmstudio.ai/docs/developer/rest/download-status): downloading, completed, failed, paused arrays. The
     * sim's jobs never fail or pause, so the last two stay empty.
     */
    synchronized ObjectNode all(long nowNanos) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        ArrayNode downloading = root.putArray("downloading");
        ArrayNode completed = root.putArray("completed");
        root.putArray("failed");
        root.putArray("paused");
        for (Job job : new ArrayList<>(jobs.values())) {
            ObjectNode status = status(job, nowNanos);
            (status.path("status").asText().equals("completed") ? completed : downloading).add(status);
        }
        return root;
    }

    /** All job ids, oldest first. */
    synchronized List<String> ids() {
        return List.copyOf(jobs.keySet());
    }

    /**
     * A job status object as https://lmstudio.ai/docs/developer/rest/download and .../download-status show it:
     * job_id, status, total_size_bytes, downloaded_bytes, started_at, and bytes_per_second plus
     * estimated_completion while downloading, or completed_at once completed. Progress is linear in time.
     */
    private static ObjectNode status(Job job, long nowNanos) {
        double fraction = job.durationMs() == 0 ? 1.0
                : Math.min(1.0, (nowNanos - job.startedNanos()) / (job.durationMs() * 1e6));
        boolean done = fraction >= 1.0;
        Instant end = job.startedAt().plusMillis(job.durationMs());
        ObjectNode node = OpenAiJson.MAPPER.createObjectNode();
        node.put("job_id", job.id());
        node.put("status", done ? "completed" : "downloading");
        node.put("total_size_bytes", job.sizeBytes());
        node.put("downloaded_bytes", done ? job.sizeBytes() : (long) Math.floor(job.sizeBytes() * fraction));
        node.put("started_at", job.startedAt().toString());
        if (done) {
            node.put("completed_at", end.toString());
        } else {
            node.put("bytes_per_second", job.sizeBytes() / (job.durationMs() / 1000.0));
            node.put("estimated_completion", end.toString());
        }
        return node;
    }

    /** {@code {"status": "already_downloaded"}}: no job, as documented for a model that is already there. */
    static ObjectNode alreadyDownloaded() {
        return OpenAiJson.MAPPER.createObjectNode().put("status", "already_downloaded");
    }
}
