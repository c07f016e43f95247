package dev.lmsbench.sim;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-sent-event stream, written by a virtual thread of its own ({@link Writers}): it parks until the next
 * token's absolute due time, writes every token that is due, and parks again. A parked or blocked virtual thread holds
 * no platform thread, so thousands of streams need only the JDK's few carrier threads, and a client that stops reading
 * blocks only its own writer (its socket buffer full): every other stream keeps its schedule. Only the writer touches
 * the stream's state, so it needs no locking. What is written comes from a {@link StreamFormat}, so the OpenAI and the
 * LM Studio native streams share this timing.
 */
final class StreamingResponse implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingResponse.class);

    private final HttpExchange exchange;
    private final Writers writers;
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
    StreamingResponse(HttpExchange exchange, Writers writers, SendLog log, Accepted request,
            StreamFormat format, boolean sendUsage) {
        this.exchange = exchange;
        this.writers = writers;
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

    /**
     * Sends the headers and the format's head (OpenAI: the role-only chunk) at once, then starts the stream's writer.
     */
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
        try {
            writers.execute(this);
        } catch (RejectedExecutionException e) {
            // the server is closing; it closes the connection itself
            LOG.debug("stream {} dropped: simulator closing", request.sequence());
        }
    }

    /** The stream's writer: parks until each token is due and writes it; a late wake-up writes all that are due. */
    @Override
    public void run() {
        try {
            ResponsePlan plan = request.plan();
            while (next < due.length) {
                long wait = nextDue() - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    if (Thread.currentThread().isInterrupted()) {
                        LOG.debug("stream {} cut: simulator closing", request.sequence());
                        return;
                    }
                    continue;
                }
                if (milestoneFirst()) {
                    body.write(milestones.get(nextMilestone++).bytes());
                    body.flush();
                    continue;
                }
                body.write(format.token(next, plan.pieces().get(next), next < plan.reasoningTokens()));
                body.flush();
                written[next] = System.nanoTime();
                next++;
            }
            finish();
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
        if (writers.closing()) {
            // cut by close(): streams in flight are not logged
            LOG.debug("stream {} cut: simulator closing", request.sequence());
            return;
        }
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
