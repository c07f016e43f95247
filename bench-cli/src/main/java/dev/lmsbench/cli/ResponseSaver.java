package dev.lmsbench.cli;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.report.ResponseFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code --save-responses}: writes each answer to its file ({@link ResponseFiles}) the moment its request completes,
 * so a run that dies later keeps every answer it got. A file that cannot be written is logged (once as a warning,
 * then at debug) and the run goes on. Thread-safe: parallel requests complete on several threads.
 */
final class ResponseSaver implements BenchmarkListener {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseSaver.class);

    private final Path outDir;
    private final AtomicBoolean warned = new AtomicBoolean();

    ResponseSaver(Path outDir) {
        this.outDir = outDir;
    }

    @Override
    public void onEvent(BenchmarkEvent event) {
        if (!(event instanceof BenchmarkEvent.RequestCompleted done)) {
            return;
        }
        try {
            ResponseFiles.write(outDir, done.result(), done.content(), done.reasoning());
        } catch (IOException | RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("could not save the response of {} request {}: {}", Main.oneLine(done.result().model()),
                        done.result().index(), IoErrors.reason(e instanceof IOException io ? io
                                : new IOException(e.getMessage(), e)));
            } else {
                LOG.debug("could not save a response", e);
            }
        }
    }
}
