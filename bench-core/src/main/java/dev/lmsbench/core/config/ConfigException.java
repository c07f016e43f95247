package dev.lmsbench.core.config;

/**
 * A configuration value is invalid. The message is one line naming the source (file, preset or flags), the key and
 * what was expected, e.g. {@code ~/.config/lm-studio-bench/defaults.json: key 'num_runs': expected an integer >= 1,
 * got "three"}.
 */
public class ConfigException extends RuntimeException {

    private final String source;
    private final String key;

    /**
     * @param source where the value came from
     * @param key    the dotted key, or {@code ""} for the whole source
     * @param detail what was wrong
     */
    public ConfigException(String source, String key, String detail) {
        super(source + (key.isEmpty() ? "" : ": key '" + key + "'") + ": " + detail);
        this.source = source;
        this.key = key;
    }

    /** Where the bad value came from. @return the source */
    public String source() {
        return source;
    }

    /** The dotted key, or {@code ""}. @return the key */
    public String key() {
        return key;
    }
}
