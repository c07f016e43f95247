package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.ModelInfo;

import java.util.List;

/** Lists the models a server offers. */
@FunctionalInterface
public interface ModelCatalog {

    /**
     * Lists the models.
     *
     * @return the models, in the server's order, possibly empty
     * @throws BackendException when the server could not be asked
     */
    List<ModelInfo> listModels() throws BackendException;
}
