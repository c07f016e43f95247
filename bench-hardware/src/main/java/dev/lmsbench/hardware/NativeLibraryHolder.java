package dev.lmsbench.hardware;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads a native library lazily, surviving its absence: a missing or broken library is a {@link Missing} with the
 * reason, never an exception. The first candidate name that loads wins; a system property names a full path that
 * replaces the candidates (tests, unusual installs).
 *
 * <p>Results are cached per resolved name list because JNA keeps a loaded library for the life of the process anyway,
 * and a failed {@code dlopen} is not worth repeating on every detection. Thread-safe.
 *
 * @param <T> the raw JNA interface
 */
final class NativeLibraryHolder<T extends Library> {

    /** What loading gave. */
    sealed interface Loaded<T> permits Present, Missing {
    }

    /** The library loaded. @param library the binding @param name the name or path that loaded */
    record Present<T>(T library, String name) implements Loaded<T> {
    }

    /** The library did not load. @param reason why, for the notes */
    record Missing<T>(String reason) implements Loaded<T> {
    }

    private final Class<T> type;
    private final String overrideProperty;
    private final List<String> candidates;
    private final Map<List<String>, Loaded<T>> cache = new ConcurrentHashMap<>();

    NativeLibraryHolder(Class<T> type, String overrideProperty, List<String> candidates) {
        this.type = Objects.requireNonNull(type);
        this.overrideProperty = Objects.requireNonNull(overrideProperty);
        this.candidates = List.copyOf(candidates);
    }

    /** Loads (once per name list) and returns the library or why it is missing. Never throws. */
    Loaded<T> get() {
        String override = System.getProperty(overrideProperty, "").strip();
        List<String> names = override.isEmpty() ? candidates : List.of(override);
        return cache.computeIfAbsent(names, this::load);
    }

    private Loaded<T> load(List<String> names) {
        List<String> reasons = new ArrayList<>();
        for (String name : names) {
            try {
                return new Present<>(Native.load(name, type), name);
            } catch (UnsatisfiedLinkError e) {
                reasons.add(describe(name, e));
            } catch (Throwable e) { // a broken library may fail in its constructors; a benchmark must still run
                reasons.add(name + " failed to load: " + firstLine(e));
            }
        }
        return new Missing<>(String.join("; ", reasons));
    }

    private static String describe(String name, UnsatisfiedLinkError e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No such file") || message.contains("not found") || message.contains("Native library")) {
            return name + " not found";
        }
        return name + " could not be loaded: " + firstLine(e);
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
