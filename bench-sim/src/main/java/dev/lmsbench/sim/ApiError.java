package dev.lmsbench.sim;

/**
 * An error answered with OpenAI's error object; thrown while parsing a request, caught by the handler.
 */
final class ApiError extends Exception {

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiError(int status, String message, String type, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    static ApiError invalid(String message, String param) {
        return new ApiError(400, message, "invalid_request_error", param, null);
    }

    int status() {
        return status;
    }

    byte[] body() {
        return OpenAiJson.error(getMessage(), type, param, code);
    }
}
