package dev.lmsbench.core.event;

/**
 * Receives live progress. Listeners must be fast; the engine catches and logs anything a listener throws, so a broken
 * display cannot stop a run. Use an exhaustive {@code switch} over the sealed {@link BenchmarkEvent}.
 */
@FunctionalInterface
public interface BenchmarkListener {

    /** Called for each event, in order, from the engine thread. @param event the event */
    void onEvent(BenchmarkEvent event);
}
