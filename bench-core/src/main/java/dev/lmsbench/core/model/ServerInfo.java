package dev.lmsbench.core.model;

import java.util.Objects;

/**
 * Which server was measured, as far as it says: part of a result's identity, so a result from one server is never
 * reported (or reused from the cache) as another's.
 *
 * @param baseUrl the normalized base URL (lower-case scheme and host, explicit port, no trailing slash, no
 *                {@code /v1}), or a description such as {@code sim:...}
 * @param kind    what answers there: {@code lmstudio} (LM Studio's native API), {@code llama.cpp}, {@code ollama},
 *                {@code vllm}, {@code openai-compatible}, {@code sim}, or {@code ""} when unknown
 * @param version the server's version where it reports one, or {@code ""}
 * @param runtime the inference runtime where the server reports one (LM Studio's {@code llama.cpp-...} engine,
 *                llama.cpp's build), or {@code ""}
 */
public record ServerInfo(String baseUrl, String kind, String version, String runtime) {

    /** Normalizes absent strings to {@code ""}. */
    public ServerInfo {
        baseUrl = Objects.requireNonNullElse(baseUrl, "");
        kind = Objects.requireNonNullElse(kind, "");
        version = Objects.requireNonNullElse(version, "");
        runtime = Objects.requireNonNullElse(runtime, "");
    }

    /**
     * A server known only by its URL.
     *
     * @param baseUrl the base URL (normalized by the caller)
     * @return the info
     */
    public static ServerInfo of(String baseUrl) {
        return new ServerInfo(baseUrl, "", "", "");
    }

    /** A copy with another kind. @param value the kind @return the copy */
    public ServerInfo withKind(String value) {
        return new ServerInfo(baseUrl, value, version, runtime);
    }

    /** A copy with another version. @param value the version @return the copy */
    public ServerInfo withVersion(String value) {
        return new ServerInfo(baseUrl, kind, value, runtime);
    }

    /** A copy with another runtime. @param value the runtime @return the copy */
    public ServerInfo withRuntime(String value) {
        return new ServerInfo(baseUrl, kind, version, value);
    }
}
