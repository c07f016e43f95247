package dev.lmsbench.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which of LM Studio's real-world deviations from its documentation the simulator reproduces. Each was reported on
 * https://github.com/lmstudio-ai/lmstudio-bug-tracker (issue numbers below); with all of them on (the default,
 * {@link #ALL}) a client meets the server it will meet in practice, with none ({@link #NONE}) the polite simulator
 * that follows the documentation. The JSON names ({@link #NAMES}) are the keys of the config file's
 * {@code lmstudio_quirks} object.
 *
 * <p>{@code LmStudioQuirks.ALL.with("usage_off_by_one", false)}: everything LM Studio does but the off-by-one usage.
 *
 * @param noV0StreamStats         {@code no_v0_stream_stats}: streamed {@code /api/v0/chat/completions} carry no
 *                                {@code stats} (#676, #713, lmstudio-js #320)
 * @param emptyOpenAiStats        {@code empty_openai_stats}: {@code /v1/chat/completions} answers carry
 *                                {@code "stats": {}} (#601)
 * @param unknownEndpoint200      {@code unknown_endpoint_200}: unknown paths answer 200 with an {@code error} string
 *                                (#1680, #1879)
 * @param jitServesLoadedModel    {@code jit_serves_loaded_model}: with one explicitly loaded instance, a request for
 *                                another model is answered by it (#619, #1217)
 * @param duplicateJitInstances   {@code duplicate_jit_instances}: a request for a model that is still loading just
 *                                in time starts another instance (#1751)
 * @param usageOffByOne           {@code usage_off_by_one}: an answer cut at {@code max_tokens} reports
 *                                {@code max_tokens - 1} completion tokens (#2335)
 * @param stopReasonVariants      {@code stop_reason_variants}: v0 {@code stats.stop_reason} of a natural end is
 *                                sometimes {@code "stop"} instead of {@code "eosFound"} (#601)
 * @param noModelsLoaded404       {@code no_models_loaded_404}: with JIT loading off and nothing loaded, chat requests
 *                                answer 404 (lmstudio-ai/lms #107, shape in #1730)
 * @param modelIsUnloadedMessage  {@code model_is_unloaded_message}: the unloaded-model error reads
 *                                {@code Model is unloaded.} (#1492)
 * @param loadRejectsUnknownFields {@code load_rejects_unknown_fields}: {@code POST /api/v1/models/load} refuses keys
 *                                it does not document (#2024)
 */
public record LmStudioQuirks(boolean noV0StreamStats, boolean emptyOpenAiStats, boolean unknownEndpoint200,
        boolean jitServesLoadedModel, boolean duplicateJitInstances, boolean usageOffByOne,
        boolean stopReasonVariants, boolean noModelsLoaded404, boolean modelIsUnloadedMessage,
        boolean loadRejectsUnknownFields) {

    /** The quirks' JSON names, in component order. */
    public static final List<String> NAMES = List.of("no_v0_stream_stats", "empty_openai_stats",
            "unknown_endpoint_200", "jit_serves_loaded_model", "duplicate_jit_instances", "usage_off_by_one",
            "stop_reason_variants", "no_models_loaded_404", "model_is_unloaded_message",
            "load_rejects_unknown_fields");

    /** LM Studio as it really is: every quirk on (the simulator's default). */
    public static final LmStudioQuirks ALL = new LmStudioQuirks(true, true, true, true, true, true, true, true, true,
            true);

    /** The polite simulator that follows LM Studio's documentation: every quirk off. */
    public static final LmStudioQuirks NONE = new LmStudioQuirks(false, false, false, false, false, false, false,
            false, false, false);

    /**
     * The quirks by JSON name; names not in the map stay as in {@code base}.
     *
     * @throws IllegalArgumentException naming an unknown quirk
     */
    public static LmStudioQuirks of(LmStudioQuirks base, Map<String, Boolean> byName) {
        Objects.requireNonNull(base, "base");
        LmStudioQuirks quirks = base;
        for (Map.Entry<String, Boolean> entry : byName.entrySet()) {
            quirks = quirks.with(entry.getKey(), entry.getValue());
        }
        return quirks;
    }

    /**
     * This set with one quirk switched.
     *
     * @param name the quirk's JSON name, one of {@link #NAMES}
     * @throws IllegalArgumentException for an unknown name
     */
    public LmStudioQuirks with(String name, boolean on) {
        Map<String, Boolean> map = asMap();
        if (!map.containsKey(name)) {
            throw new IllegalArgumentException("unknown quirk '" + name + "' (known: " + String.join(", ", NAMES)
                    + ")");
        }
        map.put(name, on);
        return new LmStudioQuirks(map.get(NAMES.get(0)), map.get(NAMES.get(1)), map.get(NAMES.get(2)),
                map.get(NAMES.get(3)), map.get(NAMES.get(4)), map.get(NAMES.get(5)), map.get(NAMES.get(6)),
                map.get(NAMES.get(7)), map.get(NAMES.get(8)), map.get(NAMES.get(9)));
    }

    /** Whether the quirk of that JSON name is on. @throws IllegalArgumentException for an unknown name */
    public boolean enabled(String name) {
        Boolean on = asMap().get(name);
        if (on == null) {
            throw new IllegalArgumentException("unknown quirk '" + name + "'");
        }
        return on;
    }

    /** Every quirk by JSON name, in {@link #NAMES} order (a new mutable map). */
    public Map<String, Boolean> asMap() {
        boolean[] values = {noV0StreamStats, emptyOpenAiStats, unknownEndpoint200, jitServesLoadedModel,
            duplicateJitInstances, usageOffByOne, stopReasonVariants, noModelsLoaded404, modelIsUnloadedMessage,
            loadRejectsUnknownFields};
        Map<String, Boolean> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(NAMES.get(i), values[i]);
        }
        return map;
    }
}
