package dev.lmsbench.report;

import dev.lmsbench.core.model.ModelSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the reader of a model's figures should know that a summary table does not show. One function for every
 * view: the terminal table under {@code lmsbench run} and {@code report.md} print the same lines. Stateless.
 */
public final class ReportNotes {

    private ReportNotes() {
    }

    /**
     * Streamed answers whose {@code completion_tokens} were corrected or disagreed with the chunks, instances the
     * server loaded again while the model was measured, and a loaded instance with fewer parallel slots than the
     * requests sent at once.
     *
     * @param s the model's result
     * @return one line each (the model id unsanitized: escape it where it lands), empty when there is nothing to say
     */
    public static List<String> notes(ModelSummary s) {
        Objects.requireNonNull(s, "s");
        String id = s.model().id();
        List<String> notes = new ArrayList<>();
        if (s.usageCorrected() > 0) {
            notes.add(id + ": " + s.usageCorrected() + " answer" + (s.usageCorrected() == 1 ? "" : "s")
                    + " cut at max_tokens reported max_tokens-1 completion tokens (LM Studio's off-by-one, corrected)");
        }
        if (s.usageMismatched() > 0) {
            int n = s.usageMismatched();
            notes.add(id + ": " + n + " streamed answer" + (n == 1 ? "" : "s") + " reported completion tokens that"
                    + " disagree with the streamed chunks (the server's count kept)");
        }
        List<String> duplicates = s.loadDetails().duplicateInstances();
        if (!duplicates.isEmpty()) {
            notes.add(id + ": the server loaded " + duplicates.size() + " more instance"
                    + (duplicates.size() == 1 ? "" : "s") + " of the model while it was measured ("
                    + String.join(", ", duplicates) + "); requests that went to "
                    + (duplicates.size() == 1 ? "it" : "them") + " did not run on the instance loaded for the"
                    + " benchmark");
        }
        int slots = s.loadDetails().parallel();
        if (slots >= 1 && slots < s.parallel()) {
            notes.add(id + ": the loaded instance has " + slots + " parallel slot" + (slots == 1 ? "" : "s")
                    + " but --n-parallel sent " + s.parallel() + " requests at once; the server queued the rest");
        }
        return List.copyOf(notes);
    }
}
