package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ModelInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The metadata filters of seed 000 ({@code --only-vision}, {@code --only-tools}, {@code --quants}, {@code --arch},
 * {@code --params}, {@code --min-context}, {@code --max-size}), applied in that order after discovery and before
 * {@link ModelSelector}'s regexes and limit. Lists match case-insensitively; {@code --quants q4} matches {@code Q4_K_M}
 * (prefix), {@code --params 7B} matches {@code 7B} exactly. A model whose metadata is unknown does not pass a filter
 * on that metadata: filters never guess.
 *
 * @param onlyVision    keep only models with {@link Capability#VISION}
 * @param onlyTools     keep only models with {@link Capability#TOOL_USE}
 * @param quants        keep models whose quantization starts with one of these (empty = all)
 * @param architectures keep models whose architecture is one of these (empty = all)
 * @param params        keep models whose parameter count is one of these, e.g. {@code 7B} (empty = all)
 * @param minContext    keep models supporting at least this context length ({@code 0} = no filter)
 * @param maxSizeBytes  keep models no larger than this ({@code 0} = no filter)
 */
public record ModelFilter(boolean onlyVision, boolean onlyTools, List<String> quants, List<String> architectures,
                          List<String> params, int minContext, long maxSizeBytes) {

    /** No filtering. */
    public static final ModelFilter NONE = new ModelFilter(false, false, List.of(), List.of(), List.of(), 0, 0);

    /** Normalizes lists to lower case and validates ranges. */
    public ModelFilter {
        quants = lower(quants);
        architectures = lower(architectures);
        params = lower(params);
        if (minContext < 0) {
            throw new IllegalArgumentException("--min-context must be >= 0, got " + minContext);
        }
        if (maxSizeBytes < 0) {
            throw new IllegalArgumentException("--max-size must be >= 0, got " + maxSizeBytes);
        }
    }

    private static List<String> lower(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : Objects.requireNonNullElse(values, List.<String>of())) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * Applies the filters in order.
     *
     * @param models the models
     * @return the kept models, and the filter that removed the last ones when none is left
     */
    public ModelSelector.Selection apply(List<ModelInfo> models) {
        List<ModelInfo> current = new ArrayList<>(models);
        record Step(String name, boolean active, Predicate<ModelInfo> keep) {
        }
        List<Step> steps = List.of(
                new Step("--only-vision", onlyVision, m -> m.has(Capability.VISION)),
                new Step("--only-tools", onlyTools, m -> m.has(Capability.TOOL_USE)),
                new Step("--quants " + String.join(",", quants), !quants.isEmpty(), m -> quants.stream()
                        .anyMatch(q -> !m.quantization().isEmpty()
                                && m.quantization().toLowerCase(Locale.ROOT).startsWith(q))),
                new Step("--arch " + String.join(",", architectures), !architectures.isEmpty(),
                        m -> architectures.contains(m.architecture().toLowerCase(Locale.ROOT))),
                new Step("--params " + String.join(",", params), !params.isEmpty(),
                        m -> params.contains(m.params().toLowerCase(Locale.ROOT))),
                new Step("--min-context " + minContext, minContext > 0, m -> m.maxContextLength() >= minContext),
                new Step("--max-size " + maxSizeBytes / 1e9 + " GB", maxSizeBytes > 0,
                        m -> m.sizeBytes() >= 0 && m.sizeBytes() <= maxSizeBytes));
        for (Step s : steps) {
            if (!s.active()) {
                continue;
            }
            current.removeIf(s.keep().negate());
            if (current.isEmpty() && !models.isEmpty()) {
                return new ModelSelector.Selection(current, Optional.of(s.name()));
            }
        }
        return new ModelSelector.Selection(current, Optional.empty());
    }
}
