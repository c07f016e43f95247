package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.text.SafeText;

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
 * <p>Two reasons change the kind: a model that is not loaded while LM Studio loads none on demand
 * ({@link Reason#MODEL_NOT_LOADED}) is {@link Kind#MODEL_NOT_LOADED}, whatever the status, and its message ends with
 * what to do ({@value #NOT_LOADED_HINT}); an answer from another model than the one asked for
 * ({@link Reason#WRONG_MODEL}, found by the client, not said by the server) is {@link Kind#WRONG_MODEL}.
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
         * The model is not loaded and LM Studio would not load it on demand (JIT loading off): "No models loaded.
         * Please load a model in the developer page or use the 'lms load' command." (HTTP 404 in OpenAI's error shape,
         * https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/1730,
         * https://github.com/lmstudio-ai/lms/issues/107; HTTP 400 from the simulator), or "... is not loaded and JIT
         * loading is off". The exception's kind is then {@link Kind#MODEL_NOT_LOADED}. Not retried: loading is the
         * user's decision.
         */
        MODEL_NOT_LOADED,
        /**
         * The answer came from another model than the one asked for (its {@code model} or {@code model_instance_id}
         * names another): LM Studio answers with the one model it has loaded when JIT loading is off
         * (https://github.com/lmstudio-ai/lmstudio-bug-tracker/issues/619). The exception's kind is
         * {@link Kind#WRONG_MODEL}.
         */
        WRONG_MODEL,
        /**
         * Loading was refused or failed for lack of memory: "insufficient system resources" (LM Studio's load
         * guardrails), "not enough resources", "insufficient memory" or "out of memory".
         */
        INSUFFICIENT_MEMORY,
        /** Anything else. */
        OTHER
    }

    /** What a {@link Reason#MODEL_NOT_LOADED} message ends with: what the user can do. */
    static final String NOT_LOADED_HINT = "the model is not loaded and LM Studio loads none on demand: turn on JIT"
            + " loading (Developer > Server Settings) or load the model first (lms load)";

    private static final Pattern NOT_LOADED = Pattern.compile(
            "\\bno models? (is |are )?loaded\\b|\\bnot loaded\\b.*\\bjit\\b", Pattern.CASE_INSENSITIVE);
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
        this(kind, message, url, httpStatus, Objects.requireNonNullElse(errorType, ""),
                Objects.requireNonNullElse(errorCode, ""), classify(Objects.requireNonNullElse(serverMessage,
                        Objects.requireNonNullElse(message, "")), Objects.requireNonNullElse(errorType, ""),
                        Objects.requireNonNullElse(errorCode, "")));
    }

    private LmStudioException(Kind kind, String message, String url, int httpStatus, String errorType,
                              String errorCode, Reason reason) {
        super(reason == Reason.MODEL_NOT_LOADED ? Kind.MODEL_NOT_LOADED
                : reason == Reason.WRONG_MODEL ? Kind.WRONG_MODEL : kind, message, url, httpStatus, null);
        this.errorType = errorType;
        this.errorCode = errorCode;
        this.reason = reason;
    }

    /**
     * A failure LM Studio reported, with what to do appended when the model is not loaded ({@value #NOT_LOADED_HINT}).
     *
     * @param kind          {@link Kind#HTTP_STATUS} or {@link Kind#SERVER_ERROR}
     * @param message       the one-line message
     * @param url           the URL involved
     * @param httpStatus    the status, or {@code -1}
     * @param errorType     {@code error.type}, or {@code ""}
     * @param errorCode     {@code error.code}, or {@code ""}
     * @param serverMessage the server's own words
     * @return the exception
     */
    static LmStudioException fromServer(Kind kind, String message, String url, int httpStatus, String errorType,
                                        String errorCode, String serverMessage) {
        String type = Objects.requireNonNullElse(errorType, "");
        String code = Objects.requireNonNullElse(errorCode, "");
        Reason reason = classify(Objects.requireNonNullElse(serverMessage, message), type, code);
        String text = reason == Reason.MODEL_NOT_LOADED ? withHint(message, NOT_LOADED_HINT) : message;
        return new LmStudioException(kind, text, url, httpStatus, type, code, reason);
    }

    /**
     * The answer came from another model than the one asked for: {@link Kind#WRONG_MODEL},
     * {@link Reason#WRONG_MODEL}.
     *
     * @param message the one-line message naming both models
     * @param url     the URL that answered
     * @return the exception
     */
    static LmStudioException wrongModel(String message, String url) {
        return new LmStudioException(Kind.WRONG_MODEL, message, url, -1, "", "", Reason.WRONG_MODEL);
    }

    /** Whether a server's words say the model is not loaded and will not be loaded on demand (LM Studio's wording). */
    static boolean saysNotLoaded(String serverMessage) {
        return serverMessage != null && NOT_LOADED.matcher(serverMessage).find();
    }

    /**
     * {@code message: hint}, one line within {@link SafeText#MAX_MESSAGE_CHARS}: the start of the message is cut
     * rather than the hint, which is what the user has to act on.
     */
    static String withHint(String message, String hint) {
        String head = SafeText.oneLine(message, Integer.MAX_VALUE);
        while (head.endsWith(".") || head.endsWith(":") || head.endsWith(";")) {
            head = head.substring(0, head.length() - 1).strip();
        }
        int room = SafeText.MAX_MESSAGE_CHARS - hint.length() - 2;
        if (head.length() > room) {
            head = SafeText.oneLine(head, Math.max(4, room));
        }
        return head.isEmpty() ? hint : head + ": " + hint;
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
     * Recognizes the reason. The unloaded, not-loaded and memory wordings are checked first: their messages may also
     * name a model. Never {@link Reason#WRONG_MODEL}: that one the client finds, not the server's words.
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
        if (NOT_LOADED.matcher(message).find()) {
            return Reason.MODEL_NOT_LOADED;
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
