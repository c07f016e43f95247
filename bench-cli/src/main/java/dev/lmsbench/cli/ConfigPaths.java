package dev.lmsbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where configuration lives. The project directory is {@code lmsbench.home} (set by the launcher) or the working
 * directory; the user directory is {@code $XDG_CONFIG_HOME/lm-studio-bench} (default {@code ~/.config/lm-studio-bench});
 * the system property {@code lmsbench.user.config} overrides it (tests).
 */
record ConfigPaths(Path projectDir, Path userDir) {

    static ConfigPaths detect() {
        return detect(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static ConfigPaths detect(Map<String, String> env, Path home) {
        return detect(env, home, Path.of("").toAbsolutePath());
    }

    /** As {@link #detect(Map, Path)} with the working directory given ({@code lmsbench doctor}'s tests). */
    static ConfigPaths detect(Map<String, String> env, Path home, Path workDir) {
        String h = System.getProperty("lmsbench.home");
        Path project = h != null && !h.isBlank() ? Path.of(h) : workDir;
        String override = System.getProperty("lmsbench.user.config");
        Path user;
        if (override != null && !override.isBlank()) {
            user = Path.of(override);
        } else {
            String xdg = env.get("XDG_CONFIG_HOME");
            Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                    : home.resolve(".config");
            user = base.resolve("lm-studio-bench");
        }
        return new ConfigPaths(project, user);
    }

    Path projectDefaults() {
        return projectDir.resolve("config").resolve("defaults.json");
    }

    Path userDefaults() {
        return userDir.resolve("defaults.json");
    }

    Path builtInPresets() {
        return projectDir.resolve("config").resolve("presets");
    }

    Path userPresets() {
        return userDir.resolve("presets");
    }

    static boolean exists(Path p) {
        return Files.isRegularFile(p);
    }
}
