package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.ModelInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Estimates whether a model fits a memory budget at a context length, for {@code lmsbench recommend} and the resource
 * check before loading. The estimate is deliberately conservative and simple, because servers do not report
 * layer counts:
 *
 * <pre>
 * needed = weights + KV cache + overhead
 * weights  = file size (the quantized weights are loaded as they are stored)
 * KV cache = context length x 16 KiB x parameters in billions (at least 1): 128 KiB per token for an 8B model, which
 *            matches an f16 KV cache of a GQA 8B model (32 layers x 8 KV heads x 128 dims x 2 x 2 bytes) and
 *            overestimates larger models
 * overhead = 10% of the weights (compute buffers, runtime)
 * </pre>
 *
 * A model whose size is unknown cannot be judged and is reported as such, never as fitting.
 */
public final class MemoryFit {

    private static final long KV_BYTES_PER_TOKEN_PER_BILLION = 16 * 1024;
    private static final Pattern PARAMS = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([bm])", Pattern.CASE_INSENSITIVE);

    /** Whether and how well one model fits. */
    public enum Verdict {
        /** Needs at most 90% of the budget. */
        FITS,
        /** Needs 90-100% of the budget: it may load, with little room for anything else. */
        TIGHT,
        /** Needs more than the budget. */
        TOO_LARGE,
        /** The model's size is unknown. */
        UNKNOWN
    }

    /**
     * One model's estimate.
     *
     * @param model       the model
     * @param neededBytes estimated bytes needed, or -1 when unknown
     * @param verdict     the verdict against the budget
     */
    public record Fit(ModelInfo model, long neededBytes, Verdict verdict) {
    }

    private MemoryFit() {
    }

    /** Parameter count in billions from strings like {@code 8B}, {@code 0.6B}, {@code 270M}, or from the id. */
    static OptionalDouble billions(ModelInfo m) {
        for (String text : List.of(m.params(), m.id())) {
            Matcher x = PARAMS.matcher(text);
            while (x.find()) {
                // in ids, "q4" or "v0.3" are not parameter counts: the number must be followed by b or m then a
                // non-letter
                int end = x.end();
                if (end < text.length() && Character.isLetter(text.charAt(end))) {
                    continue;
                }
                double n = Double.parseDouble(x.group(1));
                return OptionalDouble.of(x.group(2).toLowerCase(Locale.ROOT).equals("m") ? n / 1000 : n);
            }
        }
        return OptionalDouble.empty();
    }

    /**
     * Estimated bytes to load a model at a context length, or -1 when its size is unknown.
     *
     * @param model         the model
     * @param contextLength context length in tokens
     * @return bytes, or -1
     */
    public static long neededBytes(ModelInfo model, int contextLength) {
        if (model.sizeBytes() <= 0) {
            return -1;
        }
        double b = Math.max(1.0, billions(model).orElse(model.sizeBytes() / 1e9 * 2));
        long kv = (long) (Math.max(0, contextLength) * KV_BYTES_PER_TOKEN_PER_BILLION * b);
        return model.sizeBytes() + kv + model.sizeBytes() / 10;
    }

    /**
     * Judges each model against a budget and orders them best first: fitting models first, larger (more capable)
     * ones before smaller ones; then tight, too large (smallest first), unknown.
     *
     * @param models        the models
     * @param contextLength the context length
     * @param budgetBytes   memory available for the model
     * @return the estimates, best first
     */
    public static List<Fit> rank(List<ModelInfo> models, int contextLength, long budgetBytes) {
        List<Fit> fits = new ArrayList<>();
        for (ModelInfo m : models) {
            long need = neededBytes(m, contextLength);
            Verdict v;
            if (need < 0) {
                v = Verdict.UNKNOWN;
            } else if (need <= budgetBytes * 0.9) {
                v = Verdict.FITS;
            } else if (need <= budgetBytes) {
                v = Verdict.TIGHT;
            } else {
                v = Verdict.TOO_LARGE;
            }
            fits.add(new Fit(m, need, v));
        }
        fits.sort(Comparator.comparing(Fit::verdict)
                .thenComparing((a, b) -> a.verdict() == Verdict.TOO_LARGE
                        ? Long.compare(a.neededBytes(), b.neededBytes())
                        : Long.compare(b.neededBytes(), a.neededBytes())));
        return fits;
    }
}
