package dev.lmsbench.sim;

import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ModelInfo;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One simulated model: what the server lists, how fast and how long it answers, and how it loads.
 *
 * <p>Timing of a request with {@code p} processed prompt tokens (its prompt tokens minus those the prefix cache held,
 * see {@link PrefixCache}): token {@code i} (0-based, reasoning and content together) is
 * written at {@code received + load + ttft(p) + i / tokensPerSecond}, where
 * {@code ttft(p) = ttftMs + p / promptTokensPerSecond * 1000} (no prompt term when {@code promptTokensPerSecond <= 0})
 * and {@code load} is {@code loadMs} when the request had to load the model just in time, else 0, plus
 * {@code firstRequestDelayMs} for the first request after each load of the instance. Waits for a parallel slot or the
 * server's {@link SimConfig#maxConcurrentRequests()} cap come on top.
 * Tokens after the first are jittered by up to {@code ±jitterFraction} of the token interval around that absolute
 * schedule; the first token is never jittered, so the configured TTFT is exact.
 *
 * @param id                    identifier sent as {@code model}, e.g. {@code sim/qwen3-8b@q8_0}
 * @param type                  model type as LM Studio's v0 API reports it ({@code llm}, {@code vlm},
 *                              {@code embeddings}), {@code llm} when null or blank
 * @param publisher             publisher, {@code ""} when unknown; listed as {@code owned_by}
 * @param architecture          architecture such as {@code llama}, {@code ""} when unknown
 * @param quantization          quantization such as {@code Q4_K_M}, {@code ""} when unknown
 * @param sizeBytes             file size in bytes, or {@code -1}
 * @param maxContextLength      largest prompt in the sim's own tokens, or {@code -1} for no limit
 * @param ttftMs                base time to first token in milliseconds, {@code >= 0}
 * @param tokensPerSecond       decode rate, {@code > 0}
 * @param promptTokensPerSecond prompt-processing rate; {@code <= 0} means TTFT does not depend on the prompt
 * @param jitterFraction        each token's send time moves by up to this fraction of the token interval, in [0, 1]
 * @param reasoningTokens       {@code reasoning_content} tokens streamed before the visible content, {@code >= 0}
 * @param responseTokens        natural completion length <em>including</em> the reasoning tokens; must exceed
 *                              {@code reasoningTokens} so a natural answer has visible content
 * @param sendsUsage            whether the model ever reports {@code usage}; {@code false} forces clients to estimate
 * @param format                file format, LM Studio's {@code compatibility_type}: {@code gguf} (default when null
 *                              or blank) or {@code mlx}
 * @param paramsString          parameter count as LM Studio writes it ({@code 8B}, {@code 270M}), or {@code ""}
 * @param vision                whether the model accepts images (LM Studio capability {@code vision})
 * @param trainedForToolUse     whether the model was trained for tool use (capability {@code trained_for_tool_use})
 * @param loadMs                simulated load time in milliseconds; a negative value (the JSON default) means
 *                              {@link #defaultLoadMs(long) one second per 4 GB of file, at most 10 s}
 * @param memoryBytes           memory one loaded instance takes whatever its context length, or {@code -1} for the
 *                              estimate {@link #memoryBytes(int)} makes from the size and the context length
 * @param failFirstRequestsWithModelUnloaded fault injection: the first this many chat requests for this model fail
 *                              with {@code Model unloaded} and leave it not loaded, {@code >= 0}
 * @param cpuTokensPerSecond    decode rate of the layers left on the CPU by a partial GPU offload, {@code > 0}, or
 *                              {@code 0} for a fifth of {@code tokensPerSecond} ({@link #cpuDecodeRate()})
 * @param draftAcceptanceRate   with a draft model (speculative decoding), the share of draft tokens this model
 *                              accepts, in [0, 1]; decoding is then {@code 1 + rate} times faster
 * @param firstRequestDelayMs   lazy initialisation: after each load of an instance, its first chat request waits
 *                              this long (milliseconds, {@code >= 0}) before prompt processing starts, as Ollama and
 *                              JIT-loading servers behave; later requests do not. {@code 0}: none
 */
public record SimModel(
        String id,
        String type,
        String publisher,
        String architecture,
        String quantization,
        long sizeBytes,
        int maxContextLength,
        double ttftMs,
        double tokensPerSecond,
        double promptTokensPerSecond,
        double jitterFraction,
        int reasoningTokens,
        int responseTokens,
        boolean sendsUsage,
        String format,
        String paramsString,
        boolean vision,
        boolean trainedForToolUse,
        long loadMs,
        long memoryBytes,
        int failFirstRequestsWithModelUnloaded,
        double cpuTokensPerSecond,
        double draftAcceptanceRate,
        double firstRequestDelayMs) {

    /** LM Studio's usual default context length for a load that names none. */
    public static final int DEFAULT_LOAD_CONTEXT_LENGTH = 4_096;
    /**
     * KV-cache bytes per context token in the memory estimate: an 8B-class llama with grouped-query attention at f16
     * (32 layers x 8 KV heads x 128 dims x 2 (K and V) x 2 bytes = 128 KiB).
     */
    public static final long KV_CACHE_BYTES_PER_TOKEN = 128L * 1024;
    /** Upper bound of the default load time. */
    public static final long MAX_DEFAULT_LOAD_MS = 10_000;
    /** The share of draft tokens a model accepts when none is configured. */
    public static final double DEFAULT_DRAFT_ACCEPTANCE_RATE = 0.75;
    /** How much slower the CPU decodes than the GPU when no CPU rate is configured. */
    public static final double DEFAULT_CPU_SLOWDOWN = 5.0;

    /** Validates every figure; the messages name the offending field. */
    public SimModel {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        type = type == null || type.isBlank() ? "llm" : type;
        publisher = Objects.requireNonNullElse(publisher, "");
        architecture = Objects.requireNonNullElse(architecture, "");
        quantization = Objects.requireNonNullElse(quantization, "");
        if (sizeBytes < -1) {
            throw new IllegalArgumentException("sizeBytes must be >= -1, got " + sizeBytes);
        }
        if (maxContextLength < -1 || maxContextLength == 0) {
            throw new IllegalArgumentException("maxContextLength must be > 0 or -1, got " + maxContextLength);
        }
        if (!Double.isFinite(ttftMs) || ttftMs < 0) {
            throw new IllegalArgumentException("ttftMs must be a finite number >= 0, got " + ttftMs);
        }
        if (!Double.isFinite(tokensPerSecond) || tokensPerSecond <= 0) {
            throw new IllegalArgumentException("tokensPerSecond must be a finite number > 0, got " + tokensPerSecond);
        }
        if (!Double.isFinite(promptTokensPerSecond)) {
            throw new IllegalArgumentException("promptTokensPerSecond must be finite, got " + promptTokensPerSecond);
        }
        if (!(jitterFraction >= 0 && jitterFraction <= 1)) {
            throw new IllegalArgumentException("jitterFraction must be in [0, 1], got " + jitterFraction);
        }
        if (reasoningTokens < 0) {
            throw new IllegalArgumentException("reasoningTokens must be >= 0, got " + reasoningTokens);
        }
        if (responseTokens <= reasoningTokens) {
            throw new IllegalArgumentException("responseTokens (" + responseTokens
                    + ") must exceed reasoningTokens (" + reasoningTokens + "): it counts reasoning and content");
        }
        format = format == null || format.isBlank() ? "gguf" : format.strip().toLowerCase(Locale.ROOT);
        if (!format.equals("gguf") && !format.equals("mlx")) {
            throw new IllegalArgumentException("format must be gguf or mlx, got '" + format + "'");
        }
        paramsString = Objects.requireNonNullElse(paramsString, "");
        // negative = derive, so a file can leave the key out and still get a size-dependent load time
        loadMs = loadMs < 0 ? defaultLoadMs(sizeBytes) : loadMs;
        if (memoryBytes < -1) {
            throw new IllegalArgumentException("memoryBytes must be >= -1, got " + memoryBytes);
        }
        if (failFirstRequestsWithModelUnloaded < 0) {
            throw new IllegalArgumentException("failFirstRequestsWithModelUnloaded must be >= 0, got "
                    + failFirstRequestsWithModelUnloaded);
        }
        if (!Double.isFinite(cpuTokensPerSecond) || cpuTokensPerSecond < 0) {
            throw new IllegalArgumentException("cpuTokensPerSecond must be a finite number > 0 (or 0 for the default),"
                    + " got " + cpuTokensPerSecond);
        }
        if (!(draftAcceptanceRate >= 0 && draftAcceptanceRate <= 1)) {
            throw new IllegalArgumentException("draftAcceptanceRate must be in [0, 1], got " + draftAcceptanceRate);
        }
        if (!Double.isFinite(firstRequestDelayMs) || firstRequestDelayMs < 0) {
            throw new IllegalArgumentException("firstRequestDelayMs must be a finite number >= 0, got "
                    + firstRequestDelayMs);
        }
    }

    /** A model without a first-request delay. */
    public SimModel(String id, String type, String publisher, String architecture, String quantization,
            long sizeBytes, int maxContextLength, double ttftMs, double tokensPerSecond, double promptTokensPerSecond,
            double jitterFraction, int reasoningTokens, int responseTokens, boolean sendsUsage, String format,
            String paramsString, boolean vision, boolean trainedForToolUse, long loadMs, long memoryBytes,
            int failFirstRequestsWithModelUnloaded, double cpuTokensPerSecond, double draftAcceptanceRate) {
        this(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs, tokensPerSecond,
                promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage, format,
                paramsString, vision, trainedForToolUse, loadMs, memoryBytes, failFirstRequestsWithModelUnloaded,
                cpuTokensPerSecond, draftAcceptanceRate, 0);
    }

    /**
     * A model with the default CPU decode rate (a fifth of the GPU's) and draft acceptance rate
     * ({@value #DEFAULT_DRAFT_ACCEPTANCE_RATE}).
     */
    public SimModel(String id, String type, String publisher, String architecture, String quantization,
            long sizeBytes, int maxContextLength, double ttftMs, double tokensPerSecond, double promptTokensPerSecond,
            double jitterFraction, int reasoningTokens, int responseTokens, boolean sendsUsage, String format,
            String paramsString, boolean vision, boolean trainedForToolUse, long loadMs, long memoryBytes,
            int failFirstRequestsWithModelUnloaded) {
        this(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs, tokensPerSecond,
                promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage, format,
                paramsString, vision, trainedForToolUse, loadMs, memoryBytes, failFirstRequestsWithModelUnloaded, 0,
                DEFAULT_DRAFT_ACCEPTANCE_RATE);
    }

    /**
     * The model with the native-API fields at their defaults: {@code gguf}, no parameter count, vision when the type
     * is {@code vlm}, no tool use, load time from the size, estimated memory, no injected faults.
     */
    public SimModel(String id, String type, String publisher, String architecture, String quantization,
            long sizeBytes, int maxContextLength, double ttftMs, double tokensPerSecond, double promptTokensPerSecond,
            double jitterFraction, int reasoningTokens, int responseTokens, boolean sendsUsage) {
        this(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs, tokensPerSecond,
                promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage, "gguf", "",
                "vlm".equals(type), false, -1, -1, 0);
    }

    /**
     * A plain model for tests: no prompt term, no jitter, no reasoning, reports usage, unknown size (so it loads
     * instantly).
     *
     * <p>{@code SimModel.of("sim/fast", 20, 400, 200)}: first token after 20 ms, then 400 tokens per second, 200 tokens.
     */
    public static SimModel of(String id, double ttftMs, double tokensPerSecond, int responseTokens) {
        return new SimModel(id, "llm", "sim", "", "", -1, -1, ttftMs, tokensPerSecond, 0.0, 0.0, 0, responseTokens,
                true);
    }

    /**
     * The default load time for a file of {@code sizeBytes}: one second per 4 GB (10^9 bytes), at most
     * {@value #MAX_DEFAULT_LOAD_MS} ms; 0 when the size is unknown.
     */
    public static long defaultLoadMs(long sizeBytes) {
        return sizeBytes <= 0 ? 0 : Math.min(MAX_DEFAULT_LOAD_MS, Math.round(sizeBytes / 4e6));
    }

    /**
     * The configured time to first token for a prompt of which {@code promptTokens} tokens (as the sim counts them) are
     * processed, the cached ones not counted, once the model is loaded.
     *
     * @return milliseconds from reading the request to writing the first token
     */
    public double ttftMs(int promptTokens) {
        double promptMs = promptTokensPerSecond > 0 ? promptTokens / promptTokensPerSecond * 1000.0 : 0.0;
        return ttftMs + promptMs;
    }

    /**
     * Memory one loaded instance takes: {@link #memoryBytes()} when configured, else the file size x 1.1 (weights
     * plus compute buffers) plus {@value #KV_CACHE_BYTES_PER_TOKEN} bytes of KV cache per context token.
     *
     * @param contextLength the instance's context length
     */
    public long memoryBytes(int contextLength) {
        if (memoryBytes >= 0) {
            return memoryBytes;
        }
        long weights = sizeBytes > 0 ? Math.round(sizeBytes * 1.1) : 0;
        return weights + (long) Math.max(0, contextLength) * KV_CACHE_BYTES_PER_TOKEN;
    }

    /** The context length a load that names none gets: {@value #DEFAULT_LOAD_CONTEXT_LENGTH} or the model's maximum. */
    public int defaultContextLength() {
        return maxContextLength > 0 ? Math.min(DEFAULT_LOAD_CONTEXT_LENGTH, maxContextLength)
                : DEFAULT_LOAD_CONTEXT_LENGTH;
    }

    /** This model with another decode rate. */
    public SimModel withTokensPerSecond(double newTokensPerSecond) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                newTokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage,
                format, paramsString, vision, trainedForToolUse, loadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond,
                draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model with a fixed TTFT: the prompt-processing term is dropped so TTFT is exactly {@code newTtftMs}. */
    public SimModel withTtftMs(double newTtftMs) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, newTtftMs,
                tokensPerSecond, 0.0, jitterFraction, reasoningTokens, responseTokens, sendsUsage,
                format, paramsString, vision, trainedForToolUse, loadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond,
                draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model with another jitter fraction ({@code 0} for an exact schedule). */
    public SimModel withJitterFraction(double newJitterFraction) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, newJitterFraction, reasoningTokens, responseTokens, sendsUsage,
                format, paramsString, vision, trainedForToolUse, loadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond,
                draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model with another natural length and reasoning length. */
    public SimModel withTokens(int newReasoningTokens, int newResponseTokens) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, newReasoningTokens, newResponseTokens,
                sendsUsage, format, paramsString, vision, trainedForToolUse, loadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond,
                draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model with usage reporting switched on or off. */
    public SimModel withSendsUsage(boolean newSendsUsage) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens,
                newSendsUsage, format, paramsString, vision, trainedForToolUse, loadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond,
                draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model taking {@code newLoadMs} milliseconds to load ({@code 0}: instantly). */
    public SimModel withLoadMs(long newLoadMs) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage,
                format, paramsString, vision, trainedForToolUse, newLoadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond,
                draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model taking exactly {@code newMemoryBytes} per loaded instance ({@code -1}: the estimate). */
    public SimModel withMemoryBytes(long newMemoryBytes) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage,
                format, paramsString, vision, trainedForToolUse, loadMs, newMemoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond,
                draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model answering its first {@code count} chat requests with {@code Model unloaded}. */
    public SimModel withFailFirstRequestsWithModelUnloaded(int count) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage,
                format, paramsString, vision, trainedForToolUse, loadMs, memoryBytes, count, cpuTokensPerSecond,
                draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model with other native-API metadata: format, parameter count and capabilities. */
    public SimModel withNativeMetadata(String newFormat, String newParamsString, boolean newVision,
            boolean newTrainedForToolUse) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage,
                newFormat, newParamsString, newVision, newTrainedForToolUse, loadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond,
                draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model making the first chat request after each load wait {@code newFirstRequestDelayMs} (lazy init). */
    public SimModel withFirstRequestDelayMs(double newFirstRequestDelayMs) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage,
                format, paramsString, vision, trainedForToolUse, loadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond, draftAcceptanceRate, newFirstRequestDelayMs);
    }

    /** What the model can do beyond text chat, as LM Studio would report it. */
    public Set<Capability> capabilities() {
        Set<Capability> set = EnumSet.noneOf(Capability.class);
        if (vision) {
            set.add(Capability.VISION);
        }
        if (trainedForToolUse) {
            set.add(Capability.TOOL_USE);
        }
        if (reasoningTokens > 0) {
            set.add(Capability.REASONING);
        }
        return set;
    }

    /** The model as the core describes listed models, with parameter count and capabilities. */
    public ModelInfo toModelInfo() {
        return new ModelInfo(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength,
                paramsString, capabilities());
    }

    /** The CPU decode rate: {@link #cpuTokensPerSecond()} when configured, else a fifth of the GPU rate. */
    public double cpuDecodeRate() {
        return cpuTokensPerSecond > 0 ? cpuTokensPerSecond : tokensPerSecond / DEFAULT_CPU_SLOWDOWN;
    }

    /**
     * The decode rate of an instance with {@code gpuOffload} of its layers on the GPU: each token takes
     * {@code r / tokensPerSecond + (1 - r) / cpuDecodeRate()} seconds. Exactly {@link #tokensPerSecond()} at
     * {@code r = 1} and {@link #cpuDecodeRate()} at {@code r = 0}.
     *
     * @param gpuOffload the share of the model on the GPU, in [0, 1]
     */
    public double decodeRate(double gpuOffload) {
        if (gpuOffload >= 1) {
            return tokensPerSecond;
        }
        if (gpuOffload <= 0) {
            return cpuDecodeRate();
        }
        return 1 / (gpuOffload / tokensPerSecond + (1 - gpuOffload) / cpuDecodeRate());
    }

    /** This model with another CPU decode rate ({@code 0}: a fifth of the GPU rate). */
    public SimModel withCpuTokensPerSecond(double newCpuTokensPerSecond) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage,
                format, paramsString, vision, trainedForToolUse, loadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, newCpuTokensPerSecond, draftAcceptanceRate, firstRequestDelayMs);
    }

    /** This model accepting that share of a draft model's tokens. */
    public SimModel withDraftAcceptanceRate(double newDraftAcceptanceRate) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage,
                format, paramsString, vision, trainedForToolUse, loadMs, memoryBytes,
                failFirstRequestsWithModelUnloaded, cpuTokensPerSecond, newDraftAcceptanceRate, firstRequestDelayMs);
    }
}
