package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.ModelInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Chooses which discovered models to benchmark: an include regex, an exclude regex and a limit, applied in that order.
 * Regexes match anywhere in the model id ({@link java.util.regex.Matcher#find()}), case-insensitively. Embedding models
 * (type {@code embeddings}) are never selected: they cannot chat.
 *
 * <pre>{@code
 * ModelSelector.Selection s = new ModelSelector("qwen|llama", "embed", 2).select(models);
 * }</pre>
 */
public final class ModelSelector {

    private final Pattern include;
    private final Pattern exclude;
    private final int limit;

    /**
     * @param include regex a model id must match, or {@code null}/blank for all
     * @param exclude regex that drops matching model ids, or {@code null}/blank for none
     * @param limit   the most models to keep, {@code 0} for no limit
     * @throws IllegalArgumentException when a regex is invalid or the limit negative; the message names the regex
     */
    public ModelSelector(String include, String exclude, int limit) {
        this.include = compile("--include-models", include);
        this.exclude = compile("--exclude-models", exclude);
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
        }
        this.limit = limit;
    }

    private static Pattern compile(String flag, String regex) {
        if (regex == null || regex.isBlank()) {
            return null;
        }
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(flag + ": invalid regular expression '" + regex + "': "
                    + e.getDescription());
        }
    }

    /**
     * The models chosen, and when none is left, which step removed the last ones.
     *
     * @param models        the chosen models
     * @param emptiedBy     the step that left no model ({@code "--include-models"}, ...), empty if some remain or the
     *                      input was empty
     */
    public record Selection(List<ModelInfo> models, Optional<String> emptiedBy) {
        /** Copies the list. */
        public Selection {
            models = List.copyOf(models);
            Objects.requireNonNull(emptiedBy, "emptiedBy");
        }
    }

    /**
     * Applies the selection.
     *
     * @param models the discovered models
     * @return the chosen models
     */
    public Selection select(List<ModelInfo> models) {
        List<ModelInfo> current = new ArrayList<>();
        for (ModelInfo m : models) {
            if (!"embeddings".equalsIgnoreCase(m.type()) && !"embedding".equalsIgnoreCase(m.type())) {
                current.add(m);
            }
        }
        if (current.isEmpty()) {
            return new Selection(current, models.isEmpty() ? Optional.empty() : Optional.of("model type (embeddings)"));
        }
        if (include != null) {
            current.removeIf(m -> !include.matcher(m.id()).find());
            if (current.isEmpty()) {
                return new Selection(current, Optional.of("--include-models '" + include.pattern() + "'"));
            }
        }
        if (exclude != null) {
            current.removeIf(m -> exclude.matcher(m.id()).find());
            if (current.isEmpty()) {
                return new Selection(current, Optional.of("--exclude-models '" + exclude.pattern() + "'"));
            }
        }
        if (limit > 0 && current.size() > limit) {
            current = current.subList(0, limit);
        }
        return new Selection(current, Optional.empty());
    }
}
