package dev.lmsbench.sim;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-sent-event stream, driven by the shared scheduler: each run writes the tokens that are due, then
 * schedules itself for the next one at its absolute due time. No thread waits for a stream, so thousands of streams
 * need only the scheduler's few threads. Only one run of a stream is ever pending, so its state needs no locking
 * (the executor hand-off orders the runs). What is written comes from a {@link StreamFormat}, so the OpenAI and the
 * LM Studio native streams share this timing.
 */
final class StreamingResponse implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingResponse.class);

    private final HttpExchange exchange;
    private final ScheduledExecutorService scheduler;
    private final SendLog log;
    private final Accepted request;
    private final StreamFormat format;
    private final boolean sendUsage;
    private final long[] due;
    private final long[] written;
    private final List<StreamFormat.Milestone> milestones;
    private final long[] milestoneDue;
    private OutputStream body;
    private long roleChunkNanos = -1;
    private int next;
    private int nextMilestone;

    /**
     * @param sendUsage whether the format sends a usage object (recorded in the log)
     */
    StreamingResponse(HttpExchange exchange, ScheduledExecutorService scheduler, SendLog log, Accepted request,
            StreamFormat format, boolean sendUsage) {
        this.exchange = exchange;
        this.scheduler = scheduler;
        this.log = log;
        this.request = request;
        this.format = format;
        this.sendUsage = sendUsage;
        long[] offsets = request.plan().offsetsNanos();
        this.due = new long[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            due[i] = request.receivedNanos() + offsets[i];
        }
        this.written = new long[offsets.length];
        this.milestones = format.milestones();
        this.milestoneDue = new long[milestones.size()];
        for (int i = 0; i < milestoneDue.length; i++) {
            milestoneDue[i] = request.receivedNanos() + milestones.get(i).offsetNanos();
        }
    }

    /** Sends the headers and the format's head (OpenAI: the role-only chunk) at once, then schedules the rest. */
    void start() throws IOException {
        log.metrics().begin(request);
        try {
            exchange.getResponseHeaders().set("Content-Type", format.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            body = exchange.getResponseBody();
            body.write(format.head());
            body.flush();
        } catch (IOException | RuntimeException e) {
            log.metrics().end(request, false);
            throw e;
        }
        roleChunkNanos = System.nanoTime();
        scheduleNext();
    }

    @Override
    public void run() {
        try {
            ResponsePlan plan = request.plan();
            do {
                if (milestoneFirst()) {
                    body.write(milestones.get(nextMilestone++).bytes());
                    body.flush();
                    continue;
                }
                body.write(format.token(next, plan.pieces().get(next), next < plan.reasoningTokens()));
                body.flush();
                written[next] = System.nanoTime();
                next++;
                // a late wake-up catches up here instead of paying another scheduling round trip
            } while (next < due.length && nextDue() - System.nanoTime() <= 0);
            if (next < due.length) {
                scheduleNext();
            } else {
                finish();
            }
        } catch (IOException e) {
            abort(e);
        } catch (RuntimeException e) {
            LOG.warn("stream {} for {} failed after {} tokens", request.sequence(), request.model().id(), next, e);
            abort(e);
        }
    }

    /** Whether a milestone is due before (or with) the next token; milestones win ties so progress precedes text. */
    private boolean milestoneFirst() {
        return nextMilestone < milestoneDue.length && milestoneDue[nextMilestone] - due[next] <= 0;
    }

    private long nextDue() {
        return milestoneFirst() ? milestoneDue[nextMilestone] : due[next];
    }

    private void scheduleNext() {
        try {
            scheduler.schedule(this, nextDue() - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the server is closing; it closes the connection itself
            LOG.debug("stream {} dropped: simulator closing", request.sequence());
        }
    }

    private void finish() {
        // logged and counted before the last bytes so a client that has read [DONE] always finds its entry
        log.metrics().end(request, true);
        log.add(entry(true, written[due.length - 1]));
        try {
            body.write(format.tail());
        } catch (IOException e) {
            LOG.debug("stream {}: client went away before [DONE]: {}", request.sequence(), e.toString());
        } finally {
            // close writes the buffered events and the terminating chunk in one go
            exchange.close();
        }
    }

    private void abort(Exception cause) {
        LOG.debug("stream {} for {}: client went away after {} of {} tokens: {}", request.sequence(),
                request.model().id(), next, due.length, cause.toString());
        log.metrics().end(request, false);
        log.add(entry(false, System.nanoTime()));
        exchange.close();
    }

    private SendLogEntry entry(boolean completed, long endNanos) {
        ResponsePlan plan = request.plan();
        return new SendLogEntry(request.sequence(), request.requestedModel(), true, request.receivedNanos(),
                roleChunkNanos, due, Arrays.copyOf(written, next), endNanos, plan.promptTokens(),
                plan.completionTokens(), plan.reasoningTokens(), plan.finishReason(), sendUsage, completed,
                request.waitNanos(), request.queueNanos(), request.model().id(), request.instanceId());
    }
}
