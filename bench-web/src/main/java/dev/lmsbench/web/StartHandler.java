package dev.lmsbench.web;

import dev.lmsbench.core.engine.BenchmarkController;

/**
 * Turns the validated body of {@code POST /api/benchmark/start} into a job for the {@link BenchmarkController}.
 * The server has already checked every field's type and range ({@link StartRequest}); the handler resolves the
 * rest (configuration, presets, discovering the models) and returns a factory the controller calls at once.
 *
 * <p>Errors: throw {@link StartRequestException} (or {@link IllegalArgumentException}) for settings the user must
 * fix: the API answers 400 with its message and field errors. Any other exception answers 500 with a one-line
 * message. Called on an HTTP thread, one start at a time.
 */
@FunctionalInterface
public interface StartHandler {

    /**
     * @param request the validated start body
     * @return the factory the controller builds the job with (it is called on this thread)
     * @throws StartRequestException for settings to fix (400)
     * @throws Exception             when the job cannot be prepared (500)
     */
    BenchmarkController.JobFactory prepare(StartRequest request) throws Exception;
}
