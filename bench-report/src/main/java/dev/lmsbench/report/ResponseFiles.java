package dev.lmsbench.report;

import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.text.SafeText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code --save-responses}: one file per successful request with the answer text, under
 * {@value #DIR}{@code /<model-slug>/<warmup|run>-<idx>-<stream|nonstream>-ctx<ctx>-par<par>.md} in the output
 * directory, so each file names its row of {@code requests.csv} (columns {@code model}, {@code warmup_run},
 * {@code idx}, {@code run_mode}, {@code ctx}, {@code par}). The layout is documented in
 * {@code docs/output-formats.md}. Stateless and thread-safe; each file is written atomically.
 *
 * <p>{@code ResponseFiles.write(outDir, result, content, reasoning);}
 */
public final class ResponseFiles {

    /** The folder of the response files inside the output directory. */
    public static final String DIR = "responses";

    /** The longest readable part of a model slug, before its hash. */
    static final int MAX_SLUG_CHARS = 60;

    private ResponseFiles() {
    }

    /**
     * A file-name-safe, bounded and collision-free name for a model id: its letters, digits, {@code .}, {@code _}
     * and {@code -} (any other run of characters becomes one {@code -}, runs of dots one dot, no leading dot),
     * cut to {@value #MAX_SLUG_CHARS} characters, then {@code -} and the first 8 hex digits of the id's SHA-256.
     * Two different ids share a slug only if their hashes' first 32 bits agree.
     *
     * @param modelId any model id, as a server sent it
     * @return e.g. {@code qwen3-8b-q4_k_m-1f2e3d4c}
     */
    public static String slug(String modelId) {
        Objects.requireNonNull(modelId, "modelId");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < modelId.length() && b.length() < MAX_SLUG_CHARS; i++) {
            char c = modelId.charAt(i);
            boolean safe = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-');
            char last = b.isEmpty() ? '-' : b.charAt(b.length() - 1);
            if (safe) {
                b.append(c);
            } else if (c == '.' && last != '.' && last != '-') {
                b.append('.');
            } else if (last != '-' && last != '.') {
                b.append('-');
            }
        }
        while (!b.isEmpty() && (b.charAt(b.length() - 1) == '-' || b.charAt(b.length() - 1) == '.')) {
            b.setLength(b.length() - 1);
        }
        String hash = HexFormat.of().formatHex(sha256(modelId), 0, 4);
        return b.isEmpty() ? hash : b + "-" + hash;
    }

    /**
     * Where a request's answer goes, relative to the output directory.
     *
     * @param r the request
     * @return {@code responses/<slug>/<warmup|run>-<idx>-<mode>-ctx<ctx>-par<par>.md}, idx three digits or more
     */
    public static Path relativePath(RequestResult r) {
        String file = String.format(Locale.ROOT, "%s-%03d-%s-ctx%d-par%d.md", r.warmup() ? "warmup" : "run",
                r.index(), r.mode().label(), r.contextLength(), r.parallel());
        return Path.of(DIR, slug(r.model()), file);
    }

    /**
     * Writes a successful request's answer: a short header naming the request (its {@code requests.csv} row), then
     * the reasoning under {@code ## Reasoning} when there is any, then the answer under {@code ## Answer}, as the
     * server sent them (control characters and escape sequences removed). A failed request writes nothing: its
     * error is in {@code requests.csv}.
     *
     * @param outputDir the run's output directory
     * @param r         the request
     * @param content   the answer text
     * @param reasoning the reasoning text, or {@code ""}
     * @return the file written, or {@code null} for a failed request
     * @throws IOException when writing failed
     */
    public static Path write(Path outputDir, RequestResult r, String content, String reasoning) throws IOException {
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(r, "r");
        if (!r.success()) {
            return null;
        }
        Path file = outputDir.resolve(relativePath(r));
        Files.createDirectories(file.getParent());
        byte[] bytes = text(r, content, reasoning).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
        return file;
    }

    /** The file's text. */
    static String text(RequestResult r, String content, String reasoning) {
        StringBuilder b = new StringBuilder();
        b.append("# Response\n\n");
        b.append("- model: ").append(Markdown.text(r.model())).append('\n');
        b.append("- requests.csv row: warmup_run=").append(r.warmup()).append(", idx=").append(r.index())
                .append(", run_mode=").append(r.mode().label()).append(", ctx=").append(r.contextLength())
                .append(", par=").append(r.parallel()).append('\n');
        b.append("- finish_reason: ").append(Markdown.cell(r.finishReason())).append('\n');
        b.append("- completion tokens: ").append(r.usage().completionTokens())
                .append(r.usage().reasoningTokens() > 0 ? " (reasoning " + r.usage().reasoningTokens() + ")" : "")
                .append("\n\n");
        String thinking = SafeText.clean(reasoning);
        if (!thinking.isEmpty()) {
            b.append("## Reasoning\n\n").append(thinking).append(thinking.endsWith("\n") ? "\n" : "\n\n");
        }
        String answer = SafeText.clean(content);
        b.append("## Answer\n\n").append(answer);
        if (!answer.endsWith("\n")) {
            b.append('\n');
        }
        return b.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
