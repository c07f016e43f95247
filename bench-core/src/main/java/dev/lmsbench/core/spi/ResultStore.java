package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;

import java.util.List;

/**
 * Durable storage of results. The engine saves each model the moment it completes, so a crash or Ctrl-C keeps
 * everything measured before it. Implementations must be safe to call from the engine thread while another thread
 * reads.
 */
public interface ResultStore extends AutoCloseable {

    /**
     * Saves one model's result and its requests atomically.
     *
     * @param run      the run
     * @param summary  the model's summary
     * @param requests the model's requests, warmups included
     * @throws StoreException when it could not be written
     */
    void save(RunInfo run, ModelSummary summary, List<RequestResult> requests) throws StoreException;

    /**
     * Lists every stored model result, oldest first.
     *
     * @return the results
     * @throws StoreException when it could not be read
     */
    List<StoredResult> list() throws StoreException;

    /** Closes the store. Never throws. */
    @Override
    void close();
}
