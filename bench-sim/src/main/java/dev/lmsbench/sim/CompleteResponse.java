package dev.lmsbench.sim;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A non-streaming answer, sent whole when the last token would have been generated. */
final class CompleteResponse implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CompleteResponse.class);

    private final HttpExchange exchange;
    private final SendLog log;
    private final Accepted request;
    private final Supplier<byte[]> json;
    private final boolean sendUsage;

    /**
     * @param json      encodes the whole answer when it is due (built late so a waiting answer holds no text)
     * @param sendUsage whether the answer carries a usage object (recorded in the log)
     */
    CompleteResponse(HttpExchange exchange, SendLog log, Accepted request, Supplier<byte[]> json, boolean sendUsage) {
        this.exchange = exchange;
        this.log = log;
        this.request = request;
        this.json = json;
        this.sendUsage = sendUsage;
        log.metrics().begin(request);
    }

    /** When this response is due, as an absolute {@link System#nanoTime()}. */
    long dueNanos() {
        long[] offsets = request.plan().offsetsNanos();
        return request.receivedNanos() + offsets[offsets.length - 1];
    }

    @Override
    public void run() {
        ResponsePlan plan = request.plan();
        try {
            byte[] bytes = json.get();
            long[] scheduled = plan.offsetsNanos().clone();
            for (int i = 0; i < scheduled.length; i++) {
                scheduled[i] += request.receivedNanos();
            }
            // logged and counted before the body so a client holding the response always finds its entry
            log.metrics().end(request, true);
            log.add(new SendLogEntry(request.sequence(), request.requestedModel(), false, request.receivedNanos(),
                    -1, scheduled, new long[0], System.nanoTime(), plan.promptTokens(), plan.completionTokens(),
                    plan.reasoningTokens(), plan.finishReason(), sendUsage, true, request.waitNanos(),
                    request.queueNanos(), request.model().id(), request.instanceId()));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(bytes);
            }
        } catch (IOException e) {
            LOG.debug("completion {} for {}: client went away: {}", request.sequence(), request.model().id(),
                    e.toString());
        } catch (RuntimeException e) {
            LOG.warn("completion {} for {} failed", request.sequence(), request.model().id(), e);
        } finally {
            // a no-op after the end above; else the answer failed before it was sent
            log.metrics().end(request, false);
            exchange.close();
        }
    }
}
