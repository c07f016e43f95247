package dev.lmsbench.cli;

import dev.lmsbench.core.config.ConfigLayer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Built-in presets ({@code config/presets/*.json}, read-only) and user presets ({@code <user config>/presets}). A
 * preset is a configuration layer between the config files and explicit flags; a user preset cannot take a built-in
 * preset's name.
 */
final class Presets {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** One preset. @param name its name @param file its file @param builtIn read-only @param description its line */
    record Preset(String name, Path file, boolean builtIn, String description) {
    }

    private final ConfigPaths paths;

    Presets(ConfigPaths paths) {
        this.paths = paths;
    }

    List<Preset> list() {
        List<Preset> all = new ArrayList<>(scan(paths.builtInPresets(), true));
        List<String> builtInNames = all.stream().map(Preset::name).toList();
        for (Preset p : scan(paths.userPresets(), false)) {
            if (!builtInNames.contains(p.name())) {
                all.add(p);
            }
        }
        return all;
    }

    Optional<Preset> find(String name) {
        return list().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    ConfigLayer layer(String name) {
        Preset p = find(name).orElseThrow(() -> CliException.usage("unknown preset '" + name + "' (known: "
                + String.join(", ", list().stream().map(Preset::name).toList()) + "; see --list-presets)"));
        return ConfigFiles.read(p.file(), "preset " + name + " (" + p.file() + ")");
    }

    Path save(String name, ConfigLayer values) {
        if (!NAME.matcher(name).matches()) {
            throw CliException.usage("--save-preset: a preset name uses lower-case letters, digits, '.', '_' and "
                    + "'-', got '" + name + "'");
        }
        if (scan(paths.builtInPresets(), true).stream().anyMatch(p -> p.name().equals(name))) {
            throw CliException.usage("--save-preset: '" + name + "' is a built-in preset and cannot be overwritten; "
                    + "choose another name");
        }
        Path file = paths.userPresets().resolve(name + ".json");
        try {
            ConfigFiles.write(values, "saved by lmsbench --save-preset", file);
        } catch (IOException e) {
            throw CliException.failure("cannot write preset " + file + ": " + IoErrors.reason(e), e);
        }
        return file;
    }

    private static List<Preset> scan(Path dir, boolean builtIn) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .map(p -> {
                        String n = p.getFileName().toString();
                        return new Preset(n.substring(0, n.length() - 5), p, builtIn, ConfigFiles.description(p));
                    })
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
