package dev.lmsbench.client;

import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ModelInfo;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A model as LM Studio's native model list describes it: {@code GET /api/v1/models} (LM Studio 0.4,
 * https://lmstudio.ai/docs/developer/rest/list) or, on older servers, {@code GET /api/v0/models}
 * (https://lmstudio.ai/docs/developer/rest/endpoints). Fields a server version does not give are unknown sentinels:
 * {@code ""}, or {@code -1} for numbers.
 *
 * @param key               the model's identifier, sent as {@code model} ({@code key} in v1, {@code id} in v0)
 * @param displayName       human-readable name ({@code display_name}; the key in v0)
 * @param type              {@code llm}, {@code vlm} (v0 only), {@code embedding} (v1) or {@code embeddings} (v0)
 * @param publisher         publisher
 * @param architecture      architecture ({@code architecture} in v1, {@code arch} in v0)
 * @param quantization      quantization name ({@code quantization.name} in v1, {@code quantization} in v0)
 * @param format            file format: {@code format} in v1, {@code compatibility_type} in v0 ({@code gguf}, {@code mlx})
 * @param sizeBytes         file size ({@code size_bytes}, v1 only), or {@code -1}
 * @param maxContextLength  {@code max_context_length}, or {@code -1}
 * @param params            parameter count text ({@code params_string}, v1 only), e.g. {@code 7B}
 * @param vision            accepts images: v1 {@code capabilities.vision}, v0 type {@code vlm}
 * @param toolUse           trained for tool use: v1 {@code capabilities.trained_for_tool_use}, v0 capability
 *                          {@code tool_use}
 * @param loaded            at least one instance is loaded (v1 {@code loaded_instances} not empty, v0 {@code state}
 *                          {@code loaded})
 * @param loadedInstances   the loaded instances with their configuration ({@code loaded_instances}, v1 only), in the
 *                          server's order
 * @param loadedContextLength the context length of the loaded model ({@code loaded_context_length}, v0 only, which
 *                          lists no instances), or {@code -1}
 */
public record LmStudioModel(
        String key,
        String displayName,
        String type,
        String publisher,
        String architecture,
        String quantization,
        String format,
        long sizeBytes,
        int maxContextLength,
        String params,
        boolean vision,
        boolean toolUse,
        boolean loaded,
        List<LoadedInstance> loadedInstances,
        int loadedContextLength) {

    /**
     * One loaded instance as {@code GET /api/v1/models} lists it in {@code loaded_instances}: its id and the
     * configuration it was loaded with ({@code config}). LM Studio names a model's first instance after the key and
     * later ones {@code key:2}, {@code key:3}, ...
     *
     * @param id            {@code id}, the id {@code POST /api/v1/models/unload} takes and chat requests may name
     * @param contextLength {@code config.context_length}, or {@code -1}
     * @param parallel      {@code config.parallel}, the instance's parallel prediction slots (newer LM Studio versions
     *                      only), or {@code -1}
     */
    public record LoadedInstance(String id, int contextLength, int parallel) {

        /** Validates the id and normalizes unknown numbers to {@code -1}. */
        public LoadedInstance {
            Objects.requireNonNull(id, "id");
            if (id.isBlank()) {
                throw new IllegalArgumentException("instance id must not be blank");
            }
            contextLength = Math.max(-1, contextLength);
            parallel = parallel < 1 ? -1 : parallel;
        }
    }

    /** Validates the key and normalizes absent values. */
    public LmStudioModel {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("model key must not be blank");
        }
        displayName = Objects.requireNonNullElse(displayName, "");
        type = Objects.requireNonNullElse(type, "");
        publisher = Objects.requireNonNullElse(publisher, "");
        architecture = Objects.requireNonNullElse(architecture, "");
        quantization = Objects.requireNonNullElse(quantization, "");
        format = Objects.requireNonNullElse(format, "");
        sizeBytes = Math.max(-1, sizeBytes);
        maxContextLength = Math.max(-1, maxContextLength);
        params = Objects.requireNonNullElse(params, "");
        loadedInstances = loadedInstances == null ? List.of() : List.copyOf(loadedInstances);
        loadedContextLength = Math.max(-1, loadedContextLength);
    }

    /** {@return the loaded instances' ids, in the server's order} */
    public List<String> loadedInstanceIds() {
        return loadedInstances.stream().map(LoadedInstance::id).toList();
    }

    /**
     * One loaded instance by id.
     *
     * @param id the instance id
     * @return it, or empty when this model has no such instance loaded
     */
    public Optional<LoadedInstance> instance(String id) {
        return loadedInstances.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /**
     * The core model description. The type is the server's, except that v1's {@code embedding} becomes
     * {@code embeddings} (the core's spelling); {@link Capability#VISION} comes from type {@code vlm} or the vision
     * capability, {@link Capability#TOOL_USE} from the tool use capability.
     *
     * @return the model for bench-core
     */
    public ModelInfo toModelInfo() {
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        if (vision || "vlm".equals(type.toLowerCase(Locale.ROOT))) {
            capabilities.add(Capability.VISION);
        }
        if (toolUse) {
            capabilities.add(Capability.TOOL_USE);
        }
        String coreType = "embedding".equals(type) ? "embeddings" : type;
        return new ModelInfo(key, coreType, publisher, architecture, quantization, sizeBytes, maxContextLength,
                params, capabilities);
    }
}
