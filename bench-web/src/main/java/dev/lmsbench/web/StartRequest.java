package dev.lmsbench.web;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The body of {@code POST /api/benchmark/start}, checked field by field (docs/web-api.md lists the fields). Every
 * field is optional: {@code null} (or an empty list) means "not given", and the {@link StartHandler} applies its own
 * defaults (the CLI's configuration layers). The names are the CLI's long options in snake case.
 *
 * @param includeModels regular expression of model ids to benchmark ({@code --include-models}), or null
 * @param excludeModels regular expression of model ids to leave out ({@code --exclude-models}), or null
 * @param models        exact model ids to benchmark (in this order); empty when not given
 * @param limit         at most this many models ({@code --limit}), or null
 * @param runs          measured runs per model, 1 to 10000, or null
 * @param warmup        warmup runs per model, 0 to 1000, or null
 * @param maxTokens     completion tokens per request, 1 to 1000000, or null
 * @param contexts      context lengths (0 = server default), each 0 to 10000000; empty when not given
 * @param parallel      requests in flight together, 1 to 256, or null
 * @param preset        a preset name (letters, digits, {@code . _ -}), or null
 * @param baseUrl       the server to benchmark, an {@code http(s)://} URL, or null
 * @param backend       the backend kind ({@code --backend}, e.g. {@code openai}), or null
 * @param sim           true to benchmark the built-in simulator; null when not given
 * @param prompt        the prompt, at most 20000 characters, or null
 * @param retest        true to measure models again that the result cache already has; null when not given
 * @param sweep         true for a context x parallelism sweep ({@code lmsbench sweep}: every model at every size of
 *                      {@code contexts} times every level of {@code par}); null when not given
 * @param par           a sweep's parallelism levels, each 1 to 256 ({@code --par}); empty when not given
 * @param sweepCount    a sweep's context sizes per model when {@code contexts} is empty, 1 to 64
 *                      ({@code --sweep-count}), or null
 * @param targetPromptTokens a sweep's prompt size in tokens, 1 to 10000000 ({@code --target-prompt-tokens}), or null
 * @param promptFill    a sweep's prompt size as a fraction of each context size, above 0 to 1
 *                      ({@code --prompt-fill}), or null
 * @param maxTtftMs     the TTFT limit of a sweep's best settings in milliseconds, above 0 to 3600000
 *                      ({@code --max-ttft-ms}), or null
 */
public record StartRequest(String includeModels, String excludeModels, List<String> models, Integer limit,
                           Integer runs, Integer warmup, Integer maxTokens, List<Integer> contexts,
                           Integer parallel, String preset, String baseUrl, String backend, Boolean sim,
                           String prompt, Boolean retest, Boolean sweep, List<Integer> par, Integer sweepCount,
                           Integer targetPromptTokens, Double promptFill, Double maxTtftMs) {

    /** The accepted body fields, in documentation order. */
    public static final List<String> FIELDS = List.of("include_models", "exclude_models", "models", "limit", "runs",
            "warmup", "max_tokens", "context", "parallel", "preset", "base_url", "backend", "sim", "prompt", "retest",
            "sweep", "par", "sweep_count", "target_prompt_tokens", "prompt_fill", "max_ttft_ms");

    /** The fields that only a sweep ({@code "sweep": true}) takes. */
    static final List<String> SWEEP_FIELDS = List.of("par", "sweep_count", "target_prompt_tokens", "prompt_fill",
            "max_ttft_ms");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_TEXT = 20_000;

    /** Copies the lists. */
    public StartRequest {
        models = models == null ? List.of() : List.copyOf(models);
        contexts = contexts == null ? List.of() : List.copyOf(contexts);
        par = par == null ? List.of() : List.copyOf(par);
    }

    /**
     * A request that is no sweep (every sweep field unset).
     *
     * @param includeModels see the record
     * @param excludeModels see the record
     * @param models        see the record
     * @param limit         see the record
     * @param runs          see the record
     * @param warmup        see the record
     * @param maxTokens     see the record
     * @param contexts      see the record
     * @param parallel      see the record
     * @param preset        see the record
     * @param baseUrl       see the record
     * @param backend       see the record
     * @param sim           see the record
     * @param prompt        see the record
     * @param retest        see the record
     */
    public StartRequest(String includeModels, String excludeModels, List<String> models, Integer limit,
                        Integer runs, Integer warmup, Integer maxTokens, List<Integer> contexts,
                        Integer parallel, String preset, String baseUrl, String backend, Boolean sim,
                        String prompt, Boolean retest) {
        this(includeModels, excludeModels, models, limit, runs, warmup, maxTokens, contexts, parallel, preset,
                baseUrl, backend, sim, prompt, retest, null, List.of(), null, null, null, null);
    }

    /** A request that sets nothing: the handler's defaults. */
    public static StartRequest empty() {
        return new StartRequest(null, null, List.of(), null, null, null, null, List.of(), null, null, null, null,
                null, null, null);
    }

    /** A copy with {@code runs}. @param value the runs @return the copy */
    public StartRequest withRuns(Integer value) {
        return new StartRequest(includeModels, excludeModels, models, limit, value, warmup, maxTokens, contexts,
                parallel, preset, baseUrl, backend, sim, prompt, retest, sweep, par, sweepCount, targetPromptTokens,
                promptFill, maxTtftMs);
    }

    /** @return true when this request is a sweep ({@code "sweep": true}) */
    public boolean isSweep() {
        return Boolean.TRUE.equals(sweep);
    }

    /**
     * Checks a parsed body; an empty body ({@code null} node) is a request that sets nothing.
     *
     * @param body the body
     * @return the request
     * @throws StartRequestException naming every field that is wrong
     */
    static StartRequest parse(JsonNode body) throws StartRequestException {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return empty();
        }
        if (!body.isObject()) {
            throw new StartRequestException("the body must be a JSON object", Map.of());
        }
        Map<String, String> errors = new LinkedHashMap<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                errors.put(SafeName.of(name), "unknown field");
            }
        }
        Reader r = new Reader(body, errors);
        String include = r.regex("include_models");
        String exclude = r.regex("exclude_models");
        List<String> models = r.strings("models", 1000, 512);
        Integer limit = r.integer("limit", 0, 100_000);
        Integer runs = r.integer("runs", 1, 10_000);
        Integer warmup = r.integer("warmup", 0, 1000);
        Integer maxTokens = r.integer("max_tokens", 1, 1_000_000);
        List<Integer> contexts = r.integers("context", 0, 10_000_000);
        Integer parallel = r.integer("parallel", 1, 256);
        String preset = r.text("preset", 64);
        if (preset != null && !NAME.matcher(preset).matches()) {
            errors.put("preset", "letters, digits, '.', '_' and '-' only");
        }
        String baseUrl = r.text("base_url", 2000);
        if (baseUrl != null && !isHttpUrl(baseUrl)) {
            errors.put("base_url", "not an http:// or https:// URL");
        }
        String backend = r.text("backend", 64);
        Boolean sim = r.bool("sim");
        String prompt = r.text("prompt", MAX_TEXT);
        Boolean retest = r.bool("retest");
        Boolean sweep = r.bool("sweep");
        List<Integer> par = r.integers("par", 1, 256);
        Integer sweepCount = r.integer("sweep_count", 1, 64);
        Integer targetPromptTokens = r.integer("target_prompt_tokens", 1, 10_000_000);
        Double promptFill = r.number("prompt_fill", 0, 1);
        Double maxTtftMs = r.number("max_ttft_ms", 0, 3_600_000);
        if (Boolean.TRUE.equals(sweep)) {
            if (parallel != null) {
                errors.put("parallel", "a sweep takes par, a list of parallelism levels");
            }
            if (targetPromptTokens != null && promptFill != null) {
                errors.put("prompt_fill", "give target_prompt_tokens or prompt_fill, not both");
            }
            if (sweepCount != null && !contexts.isEmpty()) {
                errors.put("sweep_count", "a sweep of sweep_count sizes is for no context list: give one of them");
            }
        } else {
            for (String f : SWEEP_FIELDS) {
                if (r.get(f) != null && !errors.containsKey(f)) {
                    errors.put(f, "only for a sweep (\"sweep\": true)");
                }
            }
        }
        if (!errors.isEmpty()) {
            Map.Entry<String, String> first = errors.entrySet().iterator().next();
            String message = errors.size() == 1 ? first.getKey() + ": " + first.getValue()
                    : errors.size() + " fields are wrong (first: " + first.getKey() + ": " + first.getValue() + ")";
            throw new StartRequestException(message, errors);
        }
        return new StartRequest(include, exclude, models, limit, runs, warmup, maxTokens, contexts, parallel,
                preset, baseUrl, backend, sim, prompt, retest, sweep, par, sweepCount, targetPromptTokens, promptFill,
                maxTtftMs);
    }

    private static boolean isHttpUrl(String s) {
        try {
            URI uri = new URI(s);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** Field names echoed back in errors: short, and only printable ASCII. */
    private static final class SafeName {
        static String of(String name) {
            String s = name.replaceAll("[^\\x20-\\x7e]", "?");
            return s.length() > 64 ? s.substring(0, 64) + "..." : s;
        }
    }

    private record Reader(JsonNode body, Map<String, String> errors) {

        private JsonNode get(String name) {
            JsonNode n = body.get(name);
            return n == null || n.isNull() ? null : n;
        }

        Integer integer(String name, int min, int max) {
            JsonNode n = get(name);
            if (n == null) {
                return null;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                errors.put(name, "must be a whole number from " + min + " to " + max);
                return null;
            }
            int v = n.intValue();
            if (v < min || v > max) {
                errors.put(name, "must be from " + min + " to " + max + ", was " + v);
                return null;
            }
            return v;
        }

        /** A number above {@code minExclusive} and at most {@code max}. */
        Double number(String name, double minExclusive, double max) {
            JsonNode n = get(name);
            if (n == null) {
                return null;
            }
            if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
                errors.put(name, "must be a number above " + fmt(minExclusive) + " and at most " + fmt(max));
                return null;
            }
            double v = n.doubleValue();
            if (!(v > minExclusive && v <= max)) {
                errors.put(name, "must be above " + fmt(minExclusive) + " and at most " + fmt(max) + ", was "
                        + n.asText());
                return null;
            }
            return v;
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }

        List<Integer> integers(String name, int min, int max) {
            JsonNode n = get(name);
            if (n == null) {
                return List.of();
            }
            if (!n.isArray()) {
                Integer one = integer(name, min, max);
                return one == null ? List.of() : List.of(one);
            }
            if (n.size() > 64) {
                errors.put(name, "at most 64 values");
                return List.of();
            }
            List<Integer> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isIntegralNumber() || !e.canConvertToInt() || e.intValue() < min || e.intValue() > max) {
                    errors.put(name, "each value must be a whole number from " + min + " to " + max);
                    return List.of();
                }
                out.add(e.intValue());
            }
            return out;
        }

        String text(String name, int maxChars) {
            JsonNode n = get(name);
            if (n == null) {
                return null;
            }
            if (!n.isTextual()) {
                errors.put(name, "must be a string");
                return null;
            }
            String s = n.textValue();
            if (s.length() > maxChars) {
                errors.put(name, "at most " + maxChars + " characters");
                return null;
            }
            return s.isBlank() ? null : s;
        }

        String regex(String name) {
            String s = text(name, 1000);
            if (s != null) {
                try {
                    Pattern.compile(s);
                } catch (PatternSyntaxException e) {
                    errors.put(name, "not a valid regular expression: " + e.getDescription());
                    return null;
                }
            }
            return s;
        }

        List<String> strings(String name, int maxItems, int maxChars) {
            JsonNode n = get(name);
            if (n == null) {
                return List.of();
            }
            if (!n.isArray() || n.size() > maxItems) {
                errors.put(name, "must be a list of at most " + maxItems + " strings");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isTextual() || e.textValue().isBlank() || e.textValue().length() > maxChars) {
                    errors.put(name, "each entry must be a non-empty string of at most " + maxChars + " characters");
                    return List.of();
                }
                out.add(e.textValue());
            }
            return out;
        }

        Boolean bool(String name) {
            JsonNode n = get(name);
            if (n == null) {
                return null;
            }
            if (!n.isBoolean()) {
                errors.put(name, "must be true or false");
                return null;
            }
            return n.booleanValue();
        }
    }
}
