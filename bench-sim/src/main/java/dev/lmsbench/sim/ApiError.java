package dev.lmsbench.sim;

/**
 * An error answered with OpenAI's error object, or with LM Studio's v1 error object for the {@code /api/v1}
 * endpoints; thrown while parsing or planning a request, caught by the handler.
 */
final class ApiError extends Exception {

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final boolean v1;

    ApiError(int status, String message, String type, String param, String code) {
        this(status, message, type, param, code, false);
    }

    private ApiError(int status, String message, String type, String param, String code, boolean v1) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.v1 = v1;
    }

    static ApiError invalid(String message, String param) {
        return new ApiError(400, message, "invalid_request_error", param, null);
    }

    /** An error in LM Studio's v1 shape ({@link NativeJson#v1Error}). */
    static ApiError v1(int status, String type, String message, String code, String param) {
        return new ApiError(status, message, type, param, code, true);
    }

    int status() {
        return status;
    }

    byte[] body() {
        return v1 ? NativeJson.v1Error(type, getMessage(), code, param) : OpenAiJson.error(getMessage(), type, param, code);
    }
}
