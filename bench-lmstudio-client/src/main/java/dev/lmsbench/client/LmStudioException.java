package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A failure LM Studio itself reported: an HTTP error status, or an error object inside a response or a stream. Keeps
 * the {@link BackendException.Kind} ({@link Kind#HTTP_STATUS}, or {@link Kind#SERVER_ERROR} for an error object in a
 * 2xx answer) and adds the server's error
 * {@code type} and {@code code} when the body has the OpenAI/LM Studio error shape
 * ({@code {"error":{"message","type","code","param"}}}, see https://lmstudio.ai/docs/developer/rest/streaming-events),
 * plus a {@link Reason} recognized from them or from the message.
 *
 * <pre>{@code
 * try {
 *     client.infer(request);
 * } catch (LmStudioException e) {
 *     if (e.reason() == LmStudioException.Reason.INSUFFICIENT_MEMORY) { ... pick a smaller model ... }
 * }
 * }</pre>
 */
public final class LmStudioException extends BackendException {

    private static final long serialVersionUID = 1L;

    /** What the failure is about, as far as the server's words tell. */
    public enum Reason {
        /**
         * The model does not exist on the server: error {@code type} or {@code code} {@code model_not_found}, or a
         * message such as "model ... not found" / "does not exist".
         */
        MODEL_NOT_FOUND,
        /**
         * The model was unloaded while the request needed it: a message containing "Model unloaded" or "Model is
         * unloaded" (LM Studio's wording).
         */
        MODEL_UNLOADED,
        /**
         * Loading was refused or failed for lack of memory: "insufficient system resources" (LM Studio's load
         * guardrails), "not enough resources", "insufficient memory" or "out of memory".
         */
        INSUFFICIENT_MEMORY,
        /** Anything else. */
        OTHER
    }

    private static final Pattern UNLOADED = Pattern.compile("\\bmodel (is )?unloaded\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern MEMORY = Pattern.compile(
            "insufficient (system )?(resources|memory)|not enough (resources|memory)|out of memory",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NOT_FOUND = Pattern.compile(
            "model\\b.*\\b(not found|does not exist|not exist)|no model\\b.*\\bfound", Pattern.CASE_INSENSITIVE);
    private static final String MODEL_NOT_FOUND_CODE = "model_not_found";

    private final String errorType;
    private final String errorCode;
    private final Reason reason;

    /**
     * @param kind       {@link Kind#HTTP_STATUS} or {@link Kind#SERVER_ERROR}
     * @param message    a one-line message
     * @param url        the URL involved
     * @param httpStatus the HTTP status, or {@code -1} for an error inside a stream
     * @param errorType  the server's {@code error.type}, or {@code ""}
     * @param errorCode  the server's {@code error.code}, or {@code ""}
     * @param serverMessage the server's own message, used with type and code to recognize the {@link Reason}
     */
    public LmStudioException(Kind kind, String message, String url, int httpStatus, String errorType,
                             String errorCode, String serverMessage) {
        super(kind, message, url, httpStatus, null);
        this.errorType = Objects.requireNonNullElse(errorType, "");
        this.errorCode = Objects.requireNonNullElse(errorCode, "");
        this.reason = classify(Objects.requireNonNullElse(serverMessage, message), this.errorType, this.errorCode);
    }

    /**
     * {@return the server's {@code error.type}, e.g. {@code invalid_request_error}, or {@code ""}} Not named
     * {@code errorType()}: that is {@link BackendException#errorType()}, the recorded error type.
     */
    public String serverErrorType() {
        return errorType;
    }

    /** {@return the server's {@code error.code}, e.g. {@code model_not_found}, or {@code ""}} */
    public String errorCode() {
        return errorCode;
    }

    /** {@return what the failure is about} */
    public Reason reason() {
        return reason;
    }

    /** {@return whether the server refused for lack of memory, so the engine skips the model with this reason} */
    @Override
    public boolean insufficientResources() {
        return reason == Reason.INSUFFICIENT_MEMORY;
    }

    /** {@return whether the server said the model was unloaded (a reload and retry may help)} */
    public boolean isModelUnloaded() {
        return reason == Reason.MODEL_UNLOADED;
    }

    /**
     * Recognizes the reason. The unloaded and memory wordings are checked first: their messages may also name a model.
     *
     * @param message the server's message
     * @param type    {@code error.type} or {@code ""}
     * @param code    {@code error.code} or {@code ""}
     * @return the reason, {@link Reason#OTHER} when nothing matches
     */
    static Reason classify(String message, String type, String code) {
        if (UNLOADED.matcher(message).find()) {
            return Reason.MODEL_UNLOADED;
        }
        if (MEMORY.matcher(message).find()) {
            return Reason.INSUFFICIENT_MEMORY;
        }
        if (MODEL_NOT_FOUND_CODE.equals(type.toLowerCase(Locale.ROOT))
                || MODEL_NOT_FOUND_CODE.equals(code.toLowerCase(Locale.ROOT))
                || NOT_FOUND.matcher(message).find()) {
            return Reason.MODEL_NOT_FOUND;
        }
        return Reason.OTHER;
    }
}
