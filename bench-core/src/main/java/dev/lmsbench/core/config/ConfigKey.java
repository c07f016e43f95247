package dev.lmsbench.core.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One configuration setting: its dotted key as written in {@code defaults.json} (e.g. {@code inference.temperature}),
 * its type and range, its one documented default, and the CLI flag that sets it.
 *
 * <p>Values are plain Java objects: {@link String}, {@link Integer}, {@link Double}, {@link Boolean}, or an immutable
 * {@code List<Integer>} for port lists. {@link #coerce} turns what a JSON reader or a flag produced into that type, or
 * explains what was expected. Lists replace the parent's list, they are never concatenated.
 *
 * @param <T> the value type
 */
public final class ConfigKey<T> {

    /** The kinds of values a key can hold. */
    public enum Kind {
        /** Text. */
        STRING,
        /** A whole number within [min, max]. */
        INTEGER,
        /** A finite number within [min, max]. */
        NUMBER,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A non-empty list of TCP ports (1-65535), duplicates removed, order kept. */
        PORTS,
        /** One of a fixed set of words. */
        CHOICE
    }

    private final String path;
    private final Class<T> type;
    private final Kind kind;
    private final T defaultValue;
    private final double min;
    private final double max;
    private final List<String> choices;
    private final String flag;
    private final String description;

    private ConfigKey(String path, Class<T> type, Kind kind, T defaultValue, double min, double max,
                      List<String> choices, String flag, String description) {
        this.path = Objects.requireNonNull(path, "path");
        this.type = type;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.choices = List.copyOf(choices);
        this.flag = Objects.requireNonNullElse(flag, "");
        this.description = description;
    }

    static ConfigKey<String> string(String path, String def, String flag, String description) {
        return new ConfigKey<>(path, String.class, Kind.STRING, def, 0, 0, List.of(), flag, description);
    }

    static ConfigKey<Integer> integer(String path, Integer def, long min, long max, String flag, String description) {
        return new ConfigKey<>(path, Integer.class, Kind.INTEGER, def, min, max, List.of(), flag, description);
    }

    static ConfigKey<Double> number(String path, Double def, double min, double max, String flag,
                                    String description) {
        return new ConfigKey<>(path, Double.class, Kind.NUMBER, def, min, max, List.of(), flag, description);
    }

    static ConfigKey<Boolean> bool(String path, Boolean def, String flag, String description) {
        return new ConfigKey<>(path, Boolean.class, Kind.BOOLEAN, def, 0, 0, List.of(), flag, description);
    }

    static ConfigKey<String> choice(String path, String def, List<String> choices, String flag, String description) {
        return new ConfigKey<>(path, String.class, Kind.CHOICE, def, 0, 0, choices, flag, description);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static ConfigKey<List<Integer>> ports(String path, List<Integer> def, String flag, String description) {
        return new ConfigKey<>(path, (Class) List.class, Kind.PORTS, def, 1, 65535, List.of(), flag, description);
    }

    /** The dotted key, e.g. {@code inference.temperature}. @return the key */
    public String path() {
        return path;
    }

    /** The kind of value. @return the kind */
    public Kind kind() {
        return kind;
    }

    /** The built-in default, or {@code null} when the setting is unset by default. @return the default */
    public T defaultValue() {
        return defaultValue;
    }

    /** The long CLI flag that sets this key, or {@code ""}. @return the flag */
    public String flag() {
        return flag;
    }

    /** One line for documentation and {@code config show}. @return the description */
    public String description() {
        return description;
    }

    /** The allowed words of a {@link Kind#CHOICE} key. @return the choices */
    public List<String> choices() {
        return choices;
    }

    /** Casts a value already coerced for this key. @param value the value @return it, typed */
    public T cast(Object value) {
        return type.cast(value);
    }

    /**
     * Converts a raw value (from a JSON reader: String, Number, Boolean, List; or a flag's text) into this key's
     * type, validating the range.
     *
     * @param raw the raw value, not null
     * @return the value
     * @throws IllegalArgumentException with "expected ..., got ..." when it does not fit
     */
    public T coerce(Object raw) {
        Objects.requireNonNull(raw, "raw");
        Object v = switch (kind) {
            case STRING -> {
                if (!(raw instanceof String s)) {
                    throw expected("a string", raw);
                }
                yield s;
            }
            case CHOICE -> {
                String s = raw instanceof String t ? t.strip().toLowerCase(Locale.ROOT) : null;
                if (s == null || !choices.contains(s)) {
                    throw expected("one of " + String.join(", ", choices), raw);
                }
                yield s;
            }
            case BOOLEAN -> {
                if (raw instanceof Boolean b) {
                    yield b;
                }
                if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    yield Boolean.parseBoolean(s);
                }
                throw expected("true or false", raw);
            }
            case INTEGER -> {
                long n = wholeNumber(raw);
                if (n < min || n > max) {
                    throw expected(range("an integer"), raw);
                }
                yield (int) n;
            }
            case NUMBER -> {
                double d = number(raw);
                if (!Double.isFinite(d) || d < min || d > max) {
                    throw expected(range("a number"), raw);
                }
                yield d;
            }
            case PORTS -> ports(raw);
        };
        return type.cast(v);
    }

    private long wholeNumber(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 1e15) {
            return n.longValue();
        }
        if (raw instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw expected(range("an integer"), raw);
            }
        }
        throw expected(range("an integer"), raw);
    }

    private double number(Object raw) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        if (raw instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw expected(range("a number"), raw);
            }
        }
        throw expected(range("a number"), raw);
    }

    private List<Integer> ports(Object raw) {
        List<?> items;
        if (raw instanceof List<?> l) {
            items = l;
        } else if (raw instanceof String s) {
            items = List.of(s.split(","));
        } else {
            items = List.of(raw);
        }
        Set<Integer> out = new LinkedHashSet<>();
        for (Object item : items) {
            long p;
            try {
                p = item instanceof String s ? Long.parseLong(s.strip()) : wholeNumber(item);
            } catch (RuntimeException e) {
                throw expected("a list of ports between 1 and 65535", raw);
            }
            if (p < 1 || p > 65535) {
                throw expected("a list of ports between 1 and 65535", raw);
            }
            out.add((int) p);
        }
        if (out.isEmpty()) {
            throw expected("a non-empty list of ports", raw);
        }
        return List.copyOf(new ArrayList<>(out));
    }

    private String range(String what) {
        boolean hasMin = min > -Double.MAX_VALUE && min != Long.MIN_VALUE;
        boolean hasMax = max < Double.MAX_VALUE && max != Integer.MAX_VALUE && max != Long.MAX_VALUE;
        String lo = kind == Kind.INTEGER ? Long.toString((long) min) : trim(min);
        String hi = kind == Kind.INTEGER ? Long.toString((long) max) : trim(max);
        if (hasMin && hasMax) {
            return what + " between " + lo + " and " + hi;
        }
        if (hasMin) {
            return what + " >= " + lo;
        }
        return hasMax ? what + " <= " + hi : what;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static IllegalArgumentException expected(String what, Object raw) {
        String got = raw instanceof String s ? "\"" + s + "\"" : String.valueOf(raw);
        return new IllegalArgumentException("expected " + what + ", got " + got);
    }

    @Override
    public String toString() {
        return path;
    }
}
