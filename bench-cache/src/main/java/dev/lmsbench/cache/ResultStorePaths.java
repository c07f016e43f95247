package dev.lmsbench.cache;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the results database lives by default, following the XDG Base Directory specification:
 * {@code $XDG_DATA_HOME/lm-studio-bench/results/benchmark_cache.db}, or
 * {@code ~/.local/share/lm-studio-bench/results/benchmark_cache.db} when {@code XDG_DATA_HOME} is unset, empty or
 * relative (the specification says to ignore relative paths).
 *
 * <p>{@code SqliteResultStore store = SqliteResultStore.open(ResultStorePaths.defaultDatabase());}
 *
 * <p>Stateless and thread-safe.
 */
public final class ResultStorePaths {

    /** The environment variable naming the user's data directory. */
    public static final String XDG_DATA_HOME = "XDG_DATA_HOME";

    private static final Path RELATIVE = Path.of("lm-studio-bench", "results", "benchmark_cache.db");

    private ResultStorePaths() {
    }

    /**
     * The default database of the current user, from the process environment and {@code user.home}.
     *
     * @return the absolute path of the database file (which may not exist yet)
     */
    public static Path defaultDatabase() {
        return defaultDatabase(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * The default database for the given environment and home directory.
     *
     * @param env  environment variables; only {@value #XDG_DATA_HOME} is read
     * @param home the user's home directory, used when {@value #XDG_DATA_HOME} is unset, empty or relative
     * @return the path of the database file (which may not exist yet)
     */
    public static Path defaultDatabase(Map<String, String> env, Path home) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(home, "home");
        return dataHome(env, home).resolve(RELATIVE);
    }

    private static Path dataHome(Map<String, String> env, Path home) {
        String xdg = env.get(XDG_DATA_HOME);
        if (xdg != null && !xdg.isBlank()) {
            try {
                Path p = Path.of(xdg);
                if (p.isAbsolute()) {
                    return p;
                }
            } catch (InvalidPathException e) {
                // unusable like a relative path: the specification says to ignore it
            }
        }
        return home.resolve(".local").resolve("share");
    }
}
