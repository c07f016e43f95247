package dev.lmsbench.web;

import dev.lmsbench.core.spi.StoredResult;

import java.util.List;

/**
 * What the server reads stored results from: {@code store::list} of a
 * {@link dev.lmsbench.core.spi.ResultStore}, or anything else that lists results oldest first. Called on HTTP
 * threads while a benchmark may be writing; must be thread-safe.
 */
@FunctionalInterface
public interface ResultSource {

    /** A source with no results. */
    ResultSource EMPTY = List::of;

    /**
     * @return every stored result, oldest first
     * @throws Exception when they could not be read (the API answers 500)
     */
    List<StoredResult> list() throws Exception;
}
