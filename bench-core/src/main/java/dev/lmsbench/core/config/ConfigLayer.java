package dev.lmsbench.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One layer of configuration: the values one source (a file, a preset, the command line) sets, validated. Every
 * setting is optional in a layer; {@code null} values are skipped (the layer below applies). A layer knows nothing
 * about JSON: an adapter flattens its file into dotted keys ({@code inference.temperature}) and plain Java values.
 *
 * <pre>{@code
 * ConfigLayer user = ConfigLayer.of("~/.config/lm-studio-bench/defaults.json", Map.of("num_runs", 5));
 * ResolvedConfig c = ResolvedConfig.resolve(List.of(project, user, flags));
 * }</pre>
 *
 * @param source where the values came from, shown by {@code config show} and in errors
 * @param values validated values by key, only the keys this layer sets
 */
public record ConfigLayer(String source, Map<ConfigKey<?>, Object> values) {

    /** Copies the map, keeping order. */
    public ConfigLayer {
        Objects.requireNonNull(source, "source");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A layer that sets nothing. @param source its name @return the layer */
    public static ConfigLayer empty(String source) {
        return new ConfigLayer(source, Map.of());
    }

    /**
     * Validates flattened raw values into a layer.
     *
     * @param source where they came from
     * @param flat   dotted key to raw value (String, Number, Boolean, List, or null to skip)
     * @return the layer
     * @throws ConfigException naming the source and key for an unknown key or a bad value
     */
    public static ConfigLayer of(String source, Map<String, ?> flat) {
        Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : flat.entrySet()) {
            ConfigKey<?> key = ConfigKeys.byPath(e.getKey()).orElseThrow(() -> new ConfigException(source,
                    e.getKey(), "unknown key (see docs/configuration.md)"));
            if (e.getValue() == null) {
                continue;
            }
            try {
                values.put(key, key.coerce(e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(source, e.getKey(), ex.getMessage());
            }
        }
        return new ConfigLayer(source, values);
    }

    /** Whether this layer sets the key. @param key the key @return true when set */
    public boolean sets(ConfigKey<?> key) {
        return values.containsKey(key);
    }

    /** A layer with this layer's values over {@code parent}'s (scalars and lists: this layer or else the parent).
     * @param parent the layer below @return the merged layer, named after this one */
    public ConfigLayer withParent(ConfigLayer parent) {
        Map<ConfigKey<?>, Object> merged = new LinkedHashMap<>(parent.values);
        merged.putAll(values);
        return new ConfigLayer(source, merged);
    }
}
